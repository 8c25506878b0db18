"""What the SDK submits: `Transfer` and `JobSpec`, the body of ``POST /jobs``, checked before any network.

Every rule the FTS server (fts-rest-flask 3.13) enforces with a 400 that can be decided from the body alone is
checked here, so a mistake is a pydantic ``ValidationError`` (a ``ValueError``) naming the field. Rules that depend
on server configuration or state (``BringOnlineAndExpirationDelta``, token issuers, bans, duplicate sids) are left
to the server. ``None`` always means "not sent": the server default applies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter, field_validator, model_validator

from fts3sdk.models._submit_fields import (
    DEFAULT_METADATA_SIZE_LIMIT,
    Activity,
    ArchiveTimeout,
    BringOnline,
    Checksum,
    CopyPinLifetime,
    Duration,
    FileSize,
    IdGenerator,
    Metadata,
    ObjectMetadata,
    Priority,
    Retry,
    RetryDelay,
    SciTag,
    SelectionStrategy,
    SpaceToken,
    TargetQoS,
    TokenList,
    TransferOption,
    URLList,
    VerifyChecksum,
    storage_of,
)
from fts3sdk.models._types import SpecModel

__all__ = [
    "DEFAULT_METADATA_SIZE_LIMIT",
    "IdGenerator",
    "JobSpec",
    "SelectionStrategy",
    "Transfer",
    "VerifyChecksum",
]


class Transfer(SpecModel):
    """One ``files[]`` item: copy one file from one of ``sources`` to ``destinations``.

    Several sources (alternative replicas) or destinations make the job a *multiple-replica* job. For a
    stage-only transfer (bring online, no copy) give the same URL as source and destination.
    """

    sources: URLList
    """Source URLs (a single string is taken as a one-element list). ``scheme://host/path``; no ``file://``."""
    destinations: URLList
    """Destination URLs (a single string is taken as a one-element list)."""
    checksum: Checksum | None = None
    """``"ALGORITHM:value"`` (e.g. ``"adler32:1234abcd"``) or an algorithm alone; server default ``"ADLER32"``."""
    filesize: FileSize | None = None
    """Expected size in bytes (at most 2**53: the server stores it through a float)."""
    metadata: Metadata | None = None
    """Free metadata: a JSON object, or a string that the server stores as ``{"label": "<string>"}``."""
    activity: Activity | None = None
    """Activity share; server default ``"default"``."""
    selection_strategy: SelectionStrategy | None = None
    """Source selection for a multiple-replica transfer; server default ``"auto"``."""
    scitag: SciTag | None = None
    """SciTag flow label (an integer in 65..65535)."""
    staging_metadata: ObjectMetadata | None = None
    """Metadata passed to the tape system when staging (a JSON object)."""
    archive_metadata: ObjectMetadata | None = None
    """Metadata passed to the tape system when archiving (a JSON object)."""
    source_tokens: TokenList | None = None
    """OAuth2 access tokens, one per source (token submissions only); needs ``destination_tokens``."""
    destination_tokens: TokenList | None = None
    """OAuth2 access tokens, one per destination (token submissions only); needs ``source_tokens``."""

    @model_validator(mode="after")
    def _check_tokens(self) -> Transfer:
        if self.source_tokens is None and self.destination_tokens is None:
            return self
        problem = _token_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self


def _token_problem(transfer: Transfer) -> str | None:
    if transfer.source_tokens is None or transfer.destination_tokens is None:
        return "source_tokens and destination_tokens must be given together"
    for side, urls, tokens in (
        ("source", transfer.sources, transfer.source_tokens),
        ("destination", transfer.destinations, transfer.destination_tokens),
    ):
        if len(tokens) != len(urls):
            return f"{side}_tokens has {len(tokens)} token(s) for {len(urls)} {side}(s): one token per URL"
        for url, token in zip(urls, tokens, strict=True):
            if not token:
                return f"{side}_tokens: the token for {url!r} is empty"
    return None


# --- Job-level rules (each returns the problem, or None) ---------------------------------------------------------

_OVERWRITE_FLAGS = ("overwrite", "overwrite_on_retry", "overwrite_hop", "overwrite_when_only_on_disk")
_TAPE_REST_PREFIXES = ("https://", "davs://")


def _overwrite_problem(spec: JobSpec) -> str | None:
    chosen = [name for name in _OVERWRITE_FLAGS if getattr(spec, name)]
    if len(chosen) > 1 and chosen != ["overwrite_hop", "overwrite_when_only_on_disk"]:
        return (
            f"incompatible overwrite flags used at the same time: {', '.join(chosen)} "
            "(only overwrite_hop and overwrite_when_only_on_disk may be combined)"
        )
    if spec.overwrite_hop and not spec.multihop:
        return "overwrite_hop requires multihop=True"
    return None


def _only_on_disk_problem(spec: JobSpec) -> str | None:
    if not spec.overwrite_when_only_on_disk:
        return None
    if spec.archive_timeout is None or spec.archive_timeout <= 0:
        return "overwrite_when_only_on_disk requires archive_timeout > 0"
    checked = spec.transfers[-1:] if spec.multihop else spec.transfers
    for transfer in checked:
        for url in transfer.destinations:
            if not url.startswith(_TAPE_REST_PREFIXES):
                where = "the last hop's destination" if spec.multihop else "every destination"
                return f"overwrite_when_only_on_disk requires {where} to be https:// or davs:// (got {url!r})"
    return None


def _replica_problem(spec: JobSpec) -> str | None:
    several = [i for i, t in enumerate(spec.transfers) if len(t.sources) > 1 or len(t.destinations) > 1]
    if not several:
        return None
    what = f"transfers[{several[0]}] has several sources or destinations (a multiple-replica job)"
    if spec.multihop or spec.reuse:
        return f"{what}: not allowed with multihop or reuse"
    if len(spec.transfers) > 1:
        return f"{what}: such a job must contain only one transfer"
    return None


def _few(values: Iterable[str]) -> str:
    ordered = sorted(values)
    return ", ".join(ordered[:3]) + (", ..." if len(ordered) > 3 else "")


def _reuse_problem(spec: JobSpec) -> str | None:
    if not spec.reuse or spec.multihop:
        return None
    sources = {storage_of(url) for t in spec.transfers for url in t.sources}
    destinations = {storage_of(url) for t in spec.transfers for url in t.destinations}
    if len(sources) > 1 or len(destinations) > 1:
        return (
            "reuse requires one source storage and one destination storage for all transfers "
            f"(sources: {_few(sources)}; destinations: {_few(destinations)})"
        )
    return None


def _token_tape_problem(spec: JobSpec) -> str | None:
    if all(t.source_tokens is None for t in spec.transfers):
        return None
    for name in ("bring_online", "archive_timeout"):
        value = getattr(spec, name)
        if value is not None and value > 0:
            return f"{name} > 0 is not supported for transfers with source_tokens/destination_tokens (tape + tokens)"
    return None


def _sid_problem(spec: JobSpec) -> str | None:
    if spec.id_generator == "deterministic" and not spec.sid:
        return "id_generator='deterministic' requires sid"
    return None


def _ip_problem(spec: JobSpec) -> str | None:
    return "ipv4 and ipv6 can not both be set" if spec.ipv4 and spec.ipv6 else None


_JOB_RULES: tuple[Callable[[JobSpec], str | None], ...] = (
    _overwrite_problem,
    _only_on_disk_problem,
    _replica_problem,
    _reuse_problem,
    _token_tape_problem,
    _sid_problem,
    _ip_problem,
)

_BODY_KEYS = frozenset({"files", "params", "delete"})


# --- JobSpec -----------------------------------------------------------------------------------------------------


class JobSpec(SpecModel):
    """A job to submit (``POST /jobs``): transfers plus job parameters; ``to_body()`` gives the JSON body.

    Parameters left ``None`` are not sent, so the server default applies. Assignments are validated, but
    changing ``transfers`` in place is not: assign a new list. Deletion jobs are not modelled (the server
    refuses them with 405).
    """

    transfers: list[Transfer]
    """The transfers (``files`` in the body); for a multihop job, the hops in order."""
    verify_checksum: VerifyChecksum | None = None
    """Checksum comparison; see `VerifyChecksum`. Server default ``False``."""
    reuse: bool | None = None
    """Session reuse: run all transfers over one connection (one source and one destination storage)."""
    multihop: bool | None = None
    """Run the transfers as hops of one chain, in order; each hop has one source and one destination."""
    overwrite: bool | None = None
    """Overwrite an existing destination file."""
    overwrite_on_retry: bool | None = None
    """Overwrite an existing destination only when retrying."""
    overwrite_hop: bool | None = None
    """Overwrite intermediate hops only (multihop jobs)."""
    overwrite_when_only_on_disk: bool | None = None
    """Overwrite a destination that is only on disk (not yet on tape); needs ``archive_timeout`` > 0 and
    https:// or davs:// destinations (Tape REST API)."""
    dst_file_report: bool | None = None
    """Report the destination file on failure because it already exists."""
    bring_online: BringOnline | None = None
    """Staging (bring online) timeout in seconds; > 0 makes a staging job. Server default -1."""
    copy_pin_lifetime: CopyPinLifetime | None = None
    """Pin lifetime of staged files in seconds; > 0 makes a staging job. Server default -1."""
    archive_timeout: ArchiveTimeout | None = None
    """Archiving timeout in seconds; > 0 waits for files to reach tape. Server default -1."""
    target_qos: TargetQoS | None = None
    """Target QoS class: makes a QoS (CDMI) transition job."""
    job_metadata: Metadata | None = None
    """Job metadata: a JSON object, or a string stored as ``{"label": "<string>"}``."""
    retry: Retry | None = None
    """Retries per file: < 0 none, 0 the server's configured value. Server default 0."""
    retry_delay: RetryDelay | None = None
    """Seconds between retries. Server default 0."""
    priority: Priority | None = None
    """Priority from 1 (lowest) to 5 (highest). Server default 3."""
    max_time_in_queue: Duration = None
    """How long the job may wait before it expires: int hours, a timedelta or ``"<n>s|m|h|d"``; sent as
    ``"<seconds>s"`` (a bare integer would mean hours)."""
    timeout: TransferOption | None = None
    """Transfer timeout in seconds (0: server default)."""
    nostreams: TransferOption | None = None
    """Number of TCP streams (0: server default)."""
    buffer_size: TransferOption | None = None
    """TCP buffer size in bytes (0: server default)."""
    strict_copy: bool | None = None
    """Copy only: skip checksum, size and parent-directory checks."""
    disable_cleanup: bool | None = None
    """Keep the destination file when a transfer fails."""
    ipv4: bool | None = None
    """Force IPv4 (exclusive with ``ipv6``)."""
    ipv6: bool | None = None
    """Force IPv6 (exclusive with ``ipv4``)."""
    s3alternate: bool | None = None
    """Use S3 path-style (alternate) URLs."""
    id_generator: IdGenerator | None = None
    """Job id generation; ``"deterministic"`` requires ``sid``. Server default ``"standard"``."""
    sid: str | None = None
    """Seed of a deterministic job id; re-submitting the same sid is refused (409)."""
    source_spacetoken: SpaceToken | None = None
    """Source space token; sent, but dropped by 3.13.4 servers."""
    destination_spacetoken: SpaceToken | None = None
    """Destination space token; sent, but dropped by 3.13.4 servers."""
    gridftp: str | None = None
    """GridFTP parameters (reserved; not stored by 3.13 servers)."""
    credential: str | None = None
    """Name of a cloud-storage credential to use."""
    unmanaged_tokens: bool | None = None
    """Ask the server not to manage (refresh) the transfer tokens; sent by official clients >= 3.14,
    ignored by 3.13 servers, refused by servers that do not allow it."""

    @field_validator("transfers")
    @classmethod
    def _at_least_one(cls, transfers: list[Transfer]) -> list[Transfer]:
        if not transfers:
            raise ValueError("a job needs at least one transfer")
        return transfers

    @model_validator(mode="after")
    def _check_rules(self) -> JobSpec:
        problems = [problem for rule in _JOB_RULES if (problem := rule(self)) is not None]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def to_body(self) -> dict[str, Any]:
        """The JSON body of ``POST /jobs``: ``{"files": [...], "params": {...}}`` with only the values set."""
        params = self.model_dump(mode="json", exclude_none=True)
        files = params.pop("transfers")
        return {"files": files, "params": params}

    def to_json(self) -> bytes:
        """``to_body()`` encoded as compact UTF-8 JSON, without the intermediate dicts (faster for large jobs)."""
        files = _TRANSFER_LIST.dump_json(self.transfers, exclude_none=True)
        params = self.model_dump_json(exclude={"transfers"}, exclude_none=True)
        return b'{"files":' + files + b',"params":' + params.encode() + b"}"

    @classmethod
    def from_body(
        cls,
        body: Mapping[str, Any],
        *,
        metadata_size_limit: int = DEFAULT_METADATA_SIZE_LIMIT,
        server_limits: bool = False,
    ) -> JobSpec:
        """Read a ``POST /jobs`` body, e.g. one built by the official client; ``null`` means not set.

        Raises ValueError for a deletion job (``delete``) or an unknown top-level key, and pydantic's
        ValidationError for anything the server refuses. The body is read as the server reads it (``"3"`` is
        3) and what its database cannot store is left to `check_server_limits`, which ``client.jobs.submit``
        runs before sending; ``server_limits=True`` checks it here too, as ``JobSpec(...)`` does.
        """
        data = _flatten_body(body)
        context = {"metadata_size_limit": metadata_size_limit, "server_limits": server_limits}
        return cls.model_validate(data, context=context)

    def check_server_limits(self) -> None:
        """Raise ValidationError for a value the server cannot store (`fts3sdk.models._limits`).

        ``JobSpec(...)`` and assignments are checked already; a spec read with `from_body` is checked here, as
        ``client.jobs.submit`` does before sending. Metadata sizes are not checked again.
        """
        context = {"server_limits": True, "metadata_size_limit": sys.maxsize}
        type(self).model_validate(self.model_dump(exclude_unset=True), context=context)

    @classmethod
    def staging(
        cls,
        surls: str | Iterable[str],
        *,
        bring_online: BringOnline | None = None,
        copy_pin_lifetime: CopyPinLifetime | None = None,
        **params: Any,
    ) -> JobSpec:
        """A stage-only job: each SURL is brought online (source == destination, nothing is copied).

        Other keyword arguments are job parameters. Raises ValueError unless ``bring_online`` or
        ``copy_pin_lifetime`` is positive.
        """
        if (bring_online or 0) <= 0 and (copy_pin_lifetime or 0) <= 0:
            raise ValueError("a staging job needs bring_online > 0 or copy_pin_lifetime > 0")
        urls = [surls] if isinstance(surls, str) else list(surls)
        transfers = [Transfer(sources=[url], destinations=[url]) for url in urls]
        return cls(transfers=transfers, bring_online=bring_online, copy_pin_lifetime=copy_pin_lifetime, **params)


_TRANSFER_LIST = TypeAdapter(list[Transfer])


def _flatten_body(body: Mapping[str, Any]) -> dict[str, Any]:
    # {"files": [...], "params": {...}} -> the JobSpec fields; official bodies carry nulls for unset keys.
    unknown = sorted(key for key, value in body.items() if key not in _BODY_KEYS and value is not None)
    if unknown:
        raise ValueError(f"unknown key(s) in the job body: {', '.join(unknown)}")
    if body.get("delete") is not None:
        raise ValueError("delete: deletion jobs are no longer supported by FTS (the server answers 405)")
    params = body.get("params") or {}
    if not isinstance(params, Mapping):
        raise ValueError(f"params must be an object, got {type(params).__name__}")
    if "transfers" in params:
        raise ValueError("params: unknown parameter 'transfers'")
    return {**params, "transfers": body.get("files") or []}
