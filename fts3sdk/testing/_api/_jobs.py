"""Read-only job endpoints: ``GET /jobs``, ``/jobs/<ids>`` and sub-resources, ``GET /files``, ``/archive``."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._server._wire import INTERNAL_ERROR, Ctx, HTTPError, WireResponse, entry, json_response

if TYPE_CHECKING:
    from fts3sdk.models import File
    from fts3sdk.testing._state._store import JobRecord

__all__ = ["file_json", "find_job", "job_json"]

_NOT_COLUMNS = {"http_status", "http_message", "files"}
_FILES_LIMIT = 1000
ARCHIVE_LINKS = {
    "_links": {
        "curies": [{"name": "fts", "href": "https://gitlab.cern.ch/fts/fts3"}],
        "fts:archivedJob": {"href": "/archive/{id}", "title": "Archived job information", "templated": True},
    }
}


def file_json(item: File) -> dict[str, Any]:
    """A file as the server serializes a ``t_file`` row."""
    return item.model_dump(mode="json")


def job_json(record: JobRecord, **extra: Any) -> dict[str, Any]:
    """A job as the server serializes a ``t_job`` row, plus ``extra`` keys (``http_status``, ``files``...)."""
    return record.job.model_dump(mode="json", exclude=_NOT_COLUMNS) | extra


def find_job(ctx: Ctx, job_id: str) -> JobRecord:
    """The job ``job_id`` if the caller may see it; else the server's 404 or 403."""
    record = ctx.state.jobs.get(job_id)
    if record is None:
        raise HTTPError(404, f'No job with the id "{job_id}" has been found')
    if not ctx.caller.authorized("transfer", owner=record.job.user_dn, vo=record.job.vo_name):
        raise HTTPError(403, f'Not enough permissions to check the job "{job_id}"')
    return record


def sql_text(value: str) -> str:
    """A text as the server's database compares it (so ``state_in=finished`` finds FINISHED jobs).

    latin1_swedish_ci, the default collation of the tables, ignores case and trailing spaces.
    """
    return value.rstrip(" ").upper()


def sql_equal(stored: object, wanted: str) -> bool:
    """Whether a filter's value matches a stored text, as the database compares them."""
    return isinstance(stored, str) and sql_text(stored) == sql_text(wanted)


def _time_window(values: dict[str, str]) -> timedelta | None:
    try:
        parts = values["time_window"].split(":")
        return timedelta(hours=int(parts[0]), minutes=int(parts[1]) if len(parts) > 1 else 0)
    except (KeyError, ValueError, IndexError):
        return None


def _limit(values: dict[str, str]) -> int | None:
    try:
        return int(values["limit"])
    except (KeyError, ValueError):
        return None


def list_jobs(ctx: Ctx) -> WireResponse:
    """``GET /jobs``: the selection of REFERENCE §3.4.1, exactly."""
    ctx.authorize("transfer")
    values, caller = ctx.request.values, ctx.caller
    limit, window = _limit(values), _time_window(values)
    wanted = {key: values.get(key) for key in ("user_dn", "vo_name", "dlg_id", "source_se", "dest_se")}
    if wanted["dlg_id"] and wanted["dlg_id"] != caller.delegation_id:
        raise HTTPError(403, "The provided delegation id does not match your delegation id")
    if wanted["user_dn"] and wanted["user_dn"] != caller.user_dn:
        raise HTTPError(400, "The provided DN and delegation id do not correspond to the same user")
    if limit is not None and not 0 <= limit <= 500:
        raise HTTPError(400, "The limit must be positive and less or equal than 500")
    level = caller.granted("transfer")
    if level == "":
        wanted["dlg_id"] = caller.delegation_id
    elif level == "vo":
        wanted["vo_name"] = caller.vos[0]
    elif level is None:
        raise HTTPError(403, "User not allowed to list jobs")
    records = _select(ctx, wanted, values.get("state_in"), limit, window)
    fields = values.get("fields")
    if fields:
        return json_response([_subset(record, fields.split(",")) for record in records])
    return json_response([job_json(record) for record in records])


def _select(
    ctx: Ctx, wanted: dict[str, str | None], state_in: str | None, limit: int | None, window: timedelta | None
) -> list[JobRecord]:
    columns = {"user_dn": "user_dn", "vo_name": "vo_name", "dlg_id": "cred_id", "source_se": "source_se"}
    columns["dest_se"] = "dest_se"
    states = {sql_text(state) for state in state_in.split(",")} if state_in else None
    not_before = ctx.state.now() - window if window is not None else None
    chosen = []
    for record in ctx.state.jobs.values():
        job = record.job
        if any(value and not sql_equal(getattr(job, columns[key]), value) for key, value in wanted.items()):
            continue
        if states is not None and sql_text(job.job_state.value) not in states:
            continue
        if states is None or (limit is None and not_before is None):
            if job.job_finished is not None:
                continue
        elif limit is None and not_before is not None and (job.job_finished is None or job.job_finished < not_before):
            continue
        chosen.append(record)
    if limit:
        chosen.sort(key=lambda record: record.job.job_id)
        chosen.sort(key=lambda record: record.job.submit_time, reverse=True)
        return chosen[:limit]
    return sorted(chosen, key=lambda record: record.job.job_id)


def _subset(record: JobRecord, fields: list[str]) -> dict[str, Any]:
    full = job_json(record)
    subset = {}
    for name in fields:
        if name in full:
            subset[name] = full[name]
        elif name == "files":
            subset[name] = [file_json(item) for item in record.files]
    return subset


def _file_subset(item: File, fields: list[str]) -> dict[str, Any]:
    full = file_json(item)
    return {name: full[name] for name in fields if name in full}


def get_jobs(ctx: Ctx, job_list: str) -> WireResponse:
    """``GET /jobs/<id>[,<id>...]``: one job (errors with the entry shape), or a list (207 on errors).

    With ``?files=`` a job named twice lists its files at its first place only, later ones get ``[]``: the
    server attaches one generator of rows to the job object, which the first serialization consumes.
    """
    ctx.profiled()
    job_ids = job_list.split(",")
    args = ctx.request.args
    fields = args["files"].split(",") if "files" in args else []
    statuses: list[dict[str, Any]] = []
    error: HTTPError | None = None
    listed: set[str] = set()
    for job_id in filter(len, job_ids):
        try:
            record = find_job(ctx, job_id)
        except HTTPError as exc:
            error = exc
            statuses.append(entry(job_id, exc.status, exc.message))
            continue
        extra: dict[str, Any] = {}
        if fields:
            first = job_id not in listed
            extra["files"] = [_file_subset(f, fields) for f in record.files] if first else []
            listed.add(job_id)
        statuses.append(job_json(record, **extra, http_status="200 Ok"))
    if len(job_ids) == 1:
        return json_response(statuses[0], error.status if error else 200)
    return json_response(statuses, 207 if error else 200)


def _owned(ctx: Ctx, job_id: str) -> JobRecord:
    ctx.profiled()
    return find_job(ctx, job_id)


def get_files(ctx: Ctx, job_id: str) -> WireResponse:
    """``GET /jobs/<id>/files``."""
    return json_response([file_json(item) for item in _owned(ctx, job_id).files])


def get_dm(ctx: Ctx, job_id: str) -> WireResponse:
    """``GET /jobs/<id>/dm``: always empty (deletion jobs are refused at submission)."""
    _owned(ctx, job_id)
    return json_response([])


def get_retries(ctx: Ctx, job_id: str, file_id: str) -> WireResponse:
    """``GET /jobs/<id>/files/<fid>/retries``: only the job is checked; the file may be anyone's."""
    _owned(ctx, job_id)
    if not file_id.isdigit():
        return json_response([])
    for record in ctx.state.jobs.values():
        if record.index_of(int(file_id)) is not None:
            return json_response([retry.model_dump(mode="json") for retry in record.retry_models(int(file_id))])
    return json_response([])


def get_field(ctx: Ctx, job_id: str, field: str) -> WireResponse:
    """``GET /jobs/<id>/<field>``: one attribute, or 404 ``No such field``."""
    record = _owned(ctx, job_id)
    full = job_json(record)
    if field in full:
        return json_response(full[field])
    if field == "files":
        return json_response([file_json(item) for item in record.files])
    if field == "dm":
        return json_response([])
    raise HTTPError(404, "No such field")


def list_files(ctx: Ctx) -> WireResponse:
    """``GET /files``: unfinished transfers; ``limit`` ignored, ``time_window`` crashes (as in 3.13.4)."""
    ctx.authorize("transfer")
    values, caller = ctx.request.values, ctx.caller
    vo, dest_se, dest_surl = values.get("vo_name"), values.get("dest_se"), values.get("dest_surl")
    if dest_se is None and dest_surl is not None:
        from urllib.parse import urlparse

        parsed = urlparse(dest_surl)
        dest_se = f"{parsed.scheme}://{parsed.hostname}"
    level = caller.granted("transfer")
    if level in ("", "vo"):
        vo = caller.vos[0]
    elif level is None:
        raise HTTPError(403, "User not allowed to list jobs")
    if _time_window(values) is not None:
        raise HTTPError(500, INTERNAL_ERROR)
    states = {sql_text(state) for state in values["state_in"].split(",")} if values.get("state_in") else None
    wanted = {"vo_name": vo, "source_se": values.get("source_se"), "dest_se": dest_se, "dest_surl": dest_surl}
    found = [
        item
        for record in ctx.state.jobs.values()
        for item in record.files
        if item.finish_time is None
        and (states is None or sql_text(item.file_state.value) in states)
        and all(not value or sql_equal(getattr(item, key), value) for key, value in wanted.items())
    ]
    found.sort(key=lambda item: item.file_id)
    return json_response([file_json(item) for item in found[:_FILES_LIMIT]])


def archive_index(ctx: Ctx) -> WireResponse:
    """``GET /archive``: links only."""
    return json_response(ARCHIVE_LINKS)


def _archived(ctx: Ctx, job_id: str) -> dict[str, Any]:
    archived = ctx.state.archive.get(job_id)
    if archived is None:
        raise HTTPError(404, f'No job with the id "{job_id}" has been found in the archive')
    if not ctx.caller.authorized("transfer", owner=archived.user_dn, vo=archived.vo_name):
        raise HTTPError(403, f'Not enough permissions to check the job "{job_id}"')
    return archived.model_dump(mode="json")


def get_archived(ctx: Ctx, job_id: str) -> WireResponse:
    """``GET /archive/<id>``: the archived job with its files."""
    return json_response(_archived(ctx, job_id))


def get_archived_field(ctx: Ctx, job_id: str, field: str) -> WireResponse:
    """``GET /archive/<id>/<field>``."""
    archived = _archived(ctx, job_id)
    if field not in archived:
        raise HTTPError(404, "No such field")
    return json_response(archived[field])
