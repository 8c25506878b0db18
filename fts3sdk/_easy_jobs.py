"""The Easy job builders (plain dicts, no I/O) and the official submission body, checked with `JobSpec`."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from fts3sdk import errors
from fts3sdk.models.submit import JobSpec, Transfer

__all__ = [
    "JobIdGenerator",
    "add_alternative_source",
    "check_submission",
    "new_delete_job",
    "new_job",
    "new_staging_job",
    "new_transfer",
    "submission_body",
]

_SPACETOKEN_DEPRECATED = (
    "Variable 'spacetoken' is deprecated and will be removed in FTS v3.14. Please use 'destination_spacetoken' instead!"
)
_CHECKSUM_MODES = ("source", "target", "both", "none")
# Job parameters the official Submitter moves into every file lacking them: (param, file key).
_MOVED_TO_FILES = (
    ("checksum", "checksum"),
    ("filesize", "filesize"),
    ("activity", "activity"),
    ("scitag", "scitag"),
    ("file_metadata", "metadata"),
    ("staging_metadata", "staging_metadata"),
    ("archive_metadata", "archive_metadata"),
)
_PARAM_NAMES = frozenset(JobSpec.model_fields) - {"transfers"}
_FILE_KEYS = frozenset(Transfer.model_fields)


class JobIdGenerator:
    """How the server makes job ids: ``standard`` (random) or ``deterministic`` (from the VO and ``sid``)."""

    standard = "standard"
    deterministic = "deterministic"


def _bad_request(message: str) -> errors.ClientError:
    return errors.ClientError(f"Bad request: {message}")


def _scitag(scitag: Any) -> Any:
    if scitag and not 65 <= scitag <= 65535:
        raise errors.ClientError(f"Invalid SciTag value: {scitag} (not in [65, 65535] range)")
    return scitag


def _tokens(options: Mapping[str, Any]) -> dict[str, list[Any]]:
    source, destination = options.get("source_token"), options.get("destination_token")
    if not (source or destination):
        return {}
    if not (source and destination):
        raise errors.ClientError("Both source and destination tokens should be given")
    return {"source_tokens": [source], "destination_tokens": [destination]}


def new_transfer(
    source: str,
    destination: str,
    checksum: str | None = "ADLER32",
    filesize: int | None = None,
    activity: str | None = None,
    scitag: int | None = None,
    metadata: Any = None,
    staging_metadata: Any = None,
    archive_metadata: Any = None,
    selection_strategy: str | None = "auto",
    **kwargs: Any,
) -> dict[str, Any]:
    """A ``files[]`` item: ``sources``/``destinations`` plus every other argument that is truthy.

    As the official: ``checksum`` defaults to ``"ADLER32"`` (so it is always sent), ``filesize=0`` and
    ``scitag=0`` are dropped, a scitag outside 65..65535 raises ClientError("Invalid SciTag value: ..."), and
    the ``source_token``/``destination_token`` keyword arguments (both or neither) become one-element
    ``source_tokens``/``destination_tokens``. Other keyword arguments are ignored.
    """
    transfer: dict[str, Any] = {"sources": [source], "destinations": [destination]}
    optional = {
        "checksum": checksum,
        "filesize": filesize,
        "activity": activity,
        "scitag": _scitag(scitag),
        "metadata": metadata,
        "staging_metadata": staging_metadata,
        "archive_metadata": archive_metadata,
        "selection_strategy": selection_strategy,
    }
    transfer.update((key, value) for key, value in optional.items() if value)
    transfer.update(_tokens(kwargs))
    return transfer


def add_alternative_source(transfer: dict[str, Any], alt_source: str) -> dict[str, Any]:
    """Append ``alt_source`` to ``transfer["sources"]`` and return ``transfer`` (a multiple-replica transfer).

    The official function always raised AttributeError (it called ``list.push_back``); this one does what its
    documentation says.
    """
    transfer["sources"].append(alt_source)
    return transfer


def _destination_spacetoken(destination_spacetoken: str | None, options: Mapping[str, Any]) -> str | None:
    if "spacetoken" not in options:
        return destination_spacetoken
    warnings.warn(_SPACETOKEN_DEPRECATED, DeprecationWarning, stacklevel=3)
    return destination_spacetoken or options["spacetoken"] or None


def _check_new_job(transfers: object, deletion: object, verify_checksum: object, flags: Sequence[object]) -> None:
    if transfers is None and deletion is None:
        raise _bad_request("No transfers or deletion jobs are provided")
    if isinstance(verify_checksum, str) and verify_checksum not in _CHECKSUM_MODES:
        raise _bad_request("verify_checksum does not contain a valid value")
    count = sum(bool(flag) for flag in flags)
    only_on_disk, hop = flags[2], flags[3]
    if count > 1 and not (count == 2 and only_on_disk and hop):
        raise _bad_request("Incompatible overwrite flags used at the same time")


def new_job(
    transfers: list[dict[str, Any]] | None = None,
    deletion: list[Any] | None = None,
    verify_checksum: bool | str = False,
    reuse: bool | None = None,
    overwrite: bool = False,
    overwrite_on_retry: bool = False,
    overwrite_when_only_on_disk: bool = False,
    overwrite_hop: bool = False,
    multihop: bool = False,
    source_spacetoken: str | None = None,
    destination_spacetoken: str | None = None,
    bring_online: int | None = None,
    dst_file_report: bool = False,
    archive_timeout: int | None = None,
    copy_pin_lifetime: int | None = None,
    retry: int = -1,
    retry_delay: int = 0,
    metadata: Any = None,
    priority: int | None = None,
    strict_copy: bool = False,
    disable_cleanup: bool = False,
    max_time_in_queue: int | str | None = None,
    timeout: int | None = None,
    id_generator: str = JobIdGenerator.standard,
    sid: str | None = None,
    s3alternate: bool = False,
    nostreams: int = 1,
    buffer_size: int | None = None,
    unmanaged_tokens: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """A job dict ``{"files", "delete", "params"}``; ``params`` holds every parameter, ``None`` included.

    Same defaults and client-side checks as the official (ClientError "Bad request: ..."): transfers or a
    deletion list required; ``verify_checksum`` a bool or one of source/target/both/none; at most one overwrite
    flag except ``overwrite_hop`` with ``overwrite_when_only_on_disk``, which needs ``archive_timeout`` > 0.
    ``spacetoken=`` is deprecated (DeprecationWarning) for ``destination_spacetoken``; other keyword arguments
    are ignored: set e.g. ``job["params"]["ipv6"] = True`` before `submit`. ``unmanaged_tokens`` is the 3.14
    client's parameter (3.13 servers ignore it).
    """
    _check_new_job(
        transfers,
        deletion,
        verify_checksum,
        (overwrite, overwrite_on_retry, overwrite_when_only_on_disk, overwrite_hop),
    )
    if overwrite_when_only_on_disk and (archive_timeout is None or archive_timeout <= 0):
        raise _bad_request("'overwrite_when_only_on_disk' requires 'archive_timeout' to be set")
    params = {
        "verify_checksum": verify_checksum,
        "reuse": reuse,
        "destination_spacetoken": _destination_spacetoken(destination_spacetoken, kwargs),
        "bring_online": bring_online,
        "dst_file_report": dst_file_report,
        "archive_timeout": archive_timeout,
        "copy_pin_lifetime": copy_pin_lifetime,
        "job_metadata": metadata,
        "source_spacetoken": source_spacetoken,
        "overwrite": overwrite,
        "overwrite_on_retry": overwrite_on_retry,
        "overwrite_when_only_on_disk": overwrite_when_only_on_disk,
        "overwrite_hop": overwrite_hop,
        "multihop": multihop,
        "retry": retry,
        "retry_delay": retry_delay,
        "priority": priority,
        "strict_copy": strict_copy,
        "disable_cleanup": disable_cleanup,
        "max_time_in_queue": max_time_in_queue,
        "timeout": timeout,
        "id_generator": id_generator,
        "sid": sid,
        "s3alternate": s3alternate,
        "nostreams": nostreams,
        "buffer_size": buffer_size,
        "unmanaged_tokens": unmanaged_tokens,
    }
    return {"files": [] if transfers is None else transfers, "delete": deletion, "params": params}


def _staging_transfer(item: object) -> dict[str, Any]:
    if isinstance(item, str):
        return new_transfer(item, item)
    if isinstance(item, Mapping):
        surl = item["surl"]
        return new_transfer(surl, surl, metadata=item.get("metadata"), staging_metadata=item.get("staging_metadata"))
    raise AttributeError(f"Unexpected input type {type(item)}")


def new_staging_job(
    files: Iterable[str | Mapping[str, Any]],
    bring_online: int | None = None,
    copy_pin_lifetime: int | None = None,
    source_spacetoken: str | None = None,
    destination_spacetoken: str | None = None,
    metadata: Any = None,
    priority: int | None = None,
    id_generator: str = JobIdGenerator.standard,
    sid: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """A stage-only job: each SURL is a transfer onto itself (nothing is copied).

    Items are a str, or a dict with ``surl`` and optional ``metadata``/``staging_metadata``; another type raises
    AttributeError. ClientError("Bad request: ...") unless ``bring_online`` or ``copy_pin_lifetime`` is positive.
    Fixed: the official compared ``None`` with 0 (TypeError on its own defaults), required all three dict keys
    (KeyError) and reported the type of the whole list.
    """
    if (bring_online is None or bring_online <= 0) and (copy_pin_lifetime is None or copy_pin_lifetime <= 0):
        raise _bad_request("bring_online and copy_pin_lifetime are not positive numbers")
    transfers = [_staging_transfer(item) for item in files]
    params = {
        "source_spacetoken": source_spacetoken,
        "destination_spacetoken": _destination_spacetoken(destination_spacetoken, kwargs),
        "bring_online": bring_online,
        "copy_pin_lifetime": copy_pin_lifetime,
        "job_metadata": metadata,
        "priority": priority,
        "id_generator": id_generator,
        "sid": sid,
    }
    return {"files": transfers, "params": params}


def new_delete_job(
    files: list[Any],
    spacetoken: str | None = None,
    metadata: Any = None,
    priority: int | None = None,
    id_generator: str = JobIdGenerator.standard,
    sid: str | None = None,
) -> dict[str, Any]:
    """A deletion job ``{"delete": files, "params": {...}}`` (``spacetoken`` goes to ``source_spacetoken``).

    Built as the official; current servers refuse to run it: `submit` raises ClientError("405").
    """
    params = {
        "source_spacetoken": spacetoken,
        "job_metadata": metadata,
        "priority": priority,
        "id_generator": id_generator,
        "sid": sid,
    }
    return {"delete": files, "params": params}


def submission_body(
    transfers: Sequence[Any] | None = None,
    delete: Any = None,
    params: Mapping[str, Any] | None = None,
    staging: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """The ``POST /jobs`` body the official ``Submitter.build_submission`` makes, as a dict.

    ``{"params": {**params, **kwargs}}`` plus ``delete``, ``staging`` and ``files`` when truthy. With files,
    the parameters checksum, filesize, activity, scitag, file_metadata (as ``metadata``), staging_metadata and
    archive_metadata move into every file that lacks them. The caller's dicts are copied, never changed.
    """
    body: dict[str, Any] = {"params": {**(params or {}), **kwargs}}
    if delete:
        body["delete"] = delete
    if staging:
        body["staging"] = staging
    if transfers:
        files = [dict(item) if isinstance(item, Mapping) else item for item in transfers]
        for param, key in _MOVED_TO_FILES:
            if param in body["params"]:
                value = body["params"].pop(param)
                for item in files:
                    if isinstance(item, dict):
                        item.setdefault(key, value)
        body["files"] = files
    return body


def _known(value: object, names: frozenset[str]) -> object:
    # Keys the server ignores are sent unchanged but are not the typed client's business.
    return {k: v for k, v in value.items() if k in names} if isinstance(value, Mapping) else value


def check_submission(body: Mapping[str, Any]) -> None:
    """Check a transfer job body with the typed client's rules (`JobSpec`); the body itself is sent unchanged.

    A deletion job is left to the server (405). Metadata sizes are left to the server too (its limits are
    configurable). Raises ClientError("Bad request: <field>: <problem>").
    """
    if body.get("delete") is not None:
        return
    files = body.get("files")
    known = {
        "files": [_known(item, _FILE_KEYS) for item in files] if isinstance(files, list) else files,
        "params": _known(body.get("params"), _PARAM_NAMES),
    }
    try:
        JobSpec.from_body(known, metadata_size_limit=sys.maxsize)
    except ValidationError as exc:
        raise _bad_request(_problems(exc)) from exc
    except ValueError as exc:
        raise _bad_request(str(exc)) from exc


def _problems(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        where = _location(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def _location(loc: tuple[int | str, ...]) -> str:
    # ("transfers", 0, "sources") -> "files[0].sources": the names of the body the user built.
    parts = ["files" if (index, part) == (0, "transfers") else part for index, part in enumerate(loc)]
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts).lstrip(".")
