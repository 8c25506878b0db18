"""Job builders, submission and cancellation (official ``fts3.rest.client.easy.submission``).

The builders make plain dicts (no I/O); `submit` checks the job with the typed rules, delegates, then posts it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from fts3sdk.easy.client import Submitter
from fts3sdk.easy.client._body import check_submission, submission_body
from fts3sdk.easy.client._shared import post_job
from fts3sdk.easy.client.context import Context
from fts3sdk.easy.delegate import delegate
from fts3sdk.errors import ClientError

__all__ = [
    "ClientError",
    "JobIdGenerator",
    "Submitter",
    "add_alternative_source",
    "cancel",
    "cancel_all",
    "delegate",
    "new_delete_job",
    "new_job",
    "new_staging_job",
    "new_transfer",
    "submit",
    "timedelta",
    "warnings",
]

_SPACETOKEN_DEPRECATED = (
    "Variable 'spacetoken' is deprecated and will be removed in FTS v3.14. Please use 'destination_spacetoken' instead!"
)
_CHECKSUM_MODES = ("source", "target", "both", "none")


class JobIdGenerator:
    """How the server makes job ids: ``standard`` (random) or ``deterministic`` (from the VO and ``sid``)."""

    standard = "standard"
    deterministic = "deterministic"


def _bad_request(message: str) -> ClientError:
    return ClientError(f"Bad request: {message}")


def _scitag(scitag: Any) -> Any:
    if scitag and not 65 <= scitag <= 65535:
        raise ClientError(f"Invalid SciTag value: {scitag} (not in [65, 65535] range)")
    return scitag


def _tokens(options: Mapping[str, Any]) -> dict[str, list[Any]]:
    source, destination = options.get("source_token"), options.get("destination_token")
    if not (source or destination):
        return {}
    if not (source and destination):
        raise ClientError("Both source and destination tokens should be given")
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
    priority: int | None = None,
    metadata: Any = None,
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
    Fixed: the official required all three dict keys (KeyError) and reported the type of the whole list (3.13
    also compared ``None`` with 0, a TypeError on its own defaults).
    """
    if (bring_online is None or bring_online <= 0) and (copy_pin_lifetime is None or copy_pin_lifetime <= 0):
        raise _bad_request("both 'bring_online' and 'copy_pin_lifetime' are not positive numbers")
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

    Built as the official; current servers refuse to run it: `submit` raises MethodNotAllowed (a ClientError).
    """
    params = {
        "source_spacetoken": spacetoken,
        "job_metadata": metadata,
        "priority": priority,
        "id_generator": id_generator,
        "sid": sid,
    }
    return {"delete": files, "params": params}


def cancel(context: Context, job_id: str, file_ids: Sequence[int] | None = None) -> Any:
    """Cancel a job (its dict, ``http_status`` "304 Not Modified" when already over) or some of its files.

    With ``file_ids``: a state string for one id, a list for several (``"CANCELED"``, the file's final state,
    or ``"File does not belong to the job"``). A comma-separated ``job_id`` cancels several jobs (a list; any
    failure is ClientError), as the official. Typed: ``client.jobs.cancel(id)``, ``client.jobs.cancel_files``.
    """
    return Submitter(context).cancel(job_id, file_ids)


def cancel_all(context: Context, vo_name: str | None = None) -> dict[str, Any]:
    """Cancel every job, or every job of ``vo_name`` (root only, else Unauthorized).

    Gives ``{"affected_files", "affected_dm", "affected_jobs"}``. Typed: ``client.jobs.cancel_all(vo=...)``.
    """
    return Submitter(context).cancel_all(vo_name)


def submit(
    context: Context,
    job: dict[str, Any],
    delegation_lifetime: timedelta = timedelta(hours=7),
    force_delegation: bool = False,
    delegate_when_lifetime_lt: timedelta = timedelta(hours=2),
) -> str:
    """Submit a job made by `new_job` (or `new_staging_job`, `new_delete_job`); gives the job id.

    Sends the official body (``build_submission``: job parameters such as ``checksum`` or ``file_metadata``
    moved into the files). Differences: the body is checked first with the typed client's rules (ClientError
    "Bad request: <field>: <problem>", nothing sent), then the credential is delegated (X.509 only, as
    `delegate`), then ``POST /jobs``. Deletion jobs are sent unchecked and refused by the server:
    MethodNotAllowed (a ClientError). Typed: ``client.jobs.submit(JobSpec(...))``.
    """
    body = submission_body(job.get("files"), job.get("delete"), job.get("params") or {}, job.get("staging"))
    check_submission(body)
    delegate(context, delegation_lifetime, force_delegation, delegate_when_lifetime_lt)
    return post_job(context, body)
