"""Job endpoints that change state: submit, cancel (jobs, files, all, per VO) and modify priority."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from fts3sdk.testing._api._jobs import file_json, find_job, job_json
from fts3sdk.testing._api._submit import build_job
from fts3sdk.testing._server._wire import (
    INTERNAL_ERROR,
    Ctx,
    HTTPError,
    WireRequest,
    WireResponse,
    entry,
    json_response,
)
from fts3sdk.testing._state._database import check_insert, check_priority
from fts3sdk.testing._state._identity import delegation_id
from fts3sdk.testing._state._store import JobRecord

if TYPE_CHECKING:
    from fts3sdk.testing._state._identity import Caller
    from fts3sdk.testing._state._store import State

__all__ = ["cancel_all", "cancel_files", "cancel_jobs", "insert_job", "modify_jobs", "submit"]

CANCELED_BY_USER = "Job canceled by the user"
_NOT_MODIFIED = ("304 Not Modified", "The job is in a terminal state")


def input_as_dict(request: WireRequest) -> dict[str, Any]:
    """The body of "family A" endpoints (submit, modify): JSON, or form fields, by the server's rules."""
    content_type = request.content_type
    try:
        if content_type == "application/json, application/x-www-form-urlencoded":
            value: Any = json.loads(unquote_plus(request.body.decode("utf-8")))
        elif content_type.startswith("application/json") or request.method == "PUT":
            try:
                value = json.loads(request.body)
            except ValueError:
                raise HTTPError(400, "Badly formatted JSON request") from None
        elif content_type.startswith("application/x-www-form-urlencoded"):
            value = request.values
        else:
            raise HTTPError(400, "Expecting application/json or application/x-www-form-urlencoded")
    except (ValueError, UnicodeDecodeError):
        raise HTTPError(500, INTERNAL_ERROR) from None
    if not isinstance(value, dict):
        raise HTTPError(400, "Expecting a dictionary")
    return value


def _check_delegation(state: State, caller: Caller) -> None:
    stored = state.credentials.get((caller.delegation_id or "", caller.user_dn))
    if stored is None:
        raise HTTPError(419, f'No delegation found for "{caller.user_dn}"')
    remaining = stored.termination_time - state.clock.now()
    if remaining < timedelta(0):
        seconds = abs(remaining.seconds + remaining.days * 24 * 3600)
        raise HTTPError(419, f"The delegated credentials expired {seconds} seconds ago ({caller.delegation_id})")
    if remaining < timedelta(hours=1):
        raise HTTPError(419, f"The delegated credentials has less than one hour left ({caller.delegation_id})")


def _check_tokens(state: State, body: dict[str, Any], tokens: set[str]) -> None:
    for token in tokens:
        known = state.tokens.get(token)
        if known is None or known.expired:
            raise HTTPError(400, "Failed to validate access-token")
    params = body["params"]  # a token submission without "params" is a KeyError (a 500) on the server too
    for name, what in (("archive_timeout", "archive to"), ("bring_online", "retrieve from")):
        value = params.get(name) if isinstance(params, dict) else None
        if isinstance(value, int) and value > 0:
            raise HTTPError(400, f"Requests to {what} tape using token authentication are not supported")


def _as_text(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    # String columns: the database stores whatever JSON scalar was sent as text.
    return row | {
        name: str(row[name]) for name in columns if row.get(name) is not None and not isinstance(row[name], str)
    }


def insert_job(state: State, caller: Caller, body: dict[str, Any]) -> str:
    """Build and store a job as ``POST /jobs`` does after its credential checks; gives the job id."""
    from fts3sdk.models import File, Job

    job_row, file_rows, tokens = build_job(state, caller, json.loads(json.dumps(body)))
    if caller.method == "oauth2":
        _check_tokens(state, body, tokens)
        state.stored_token_ids.update(delegation_id(token) for token in tokens)  # committed before the job
        for row in file_rows:
            if row["src_token_id"] or row["dst_token_id"]:
                row["file_state_initial"], row["file_state"] = row["file_state"], "TOKEN_PREP"
    check_insert(state, job_row, file_rows)
    job = Job.model_validate(_as_text(job_row, "target_qos", "verify_checksum"))
    files = [
        File.model_validate(
            _as_text(row, "activity", "selection_strategy", "checksum") | {"file_id": state.new_file_id(), "retry": 0}
        )
        for row in file_rows
    ]
    state.jobs[job.job_id] = JobRecord(job, files, state.next_seq())
    return job.job_id


def submit(ctx: Ctx) -> WireResponse:
    """``PUT|POST /jobs``: submit a job; ``{"job_id": ...}``."""
    ctx.authorize("transfer")
    body = input_as_dict(ctx.request)
    if ctx.caller.method == "certificate":
        _check_delegation(ctx.state, ctx.caller)
    return json_response({"job_id": insert_job(ctx.state, ctx.caller, body)})


def _resolve(ctx: Ctx, job_list: str) -> tuple[list[str], list[dict[str, Any]], list[JobRecord]]:
    ctx.profiled()
    requested = job_list.split(",")
    responses: list[dict[str, Any]] = []
    active: list[JobRecord] = []
    for job_id in filter(len, requested):
        try:
            record = find_job(ctx, job_id)
        except HTTPError as exc:
            responses.append(entry(job_id, exc.status, exc.message))
            continue
        if record.job.job_state.is_terminal:
            status, message = _NOT_MODIFIED
            responses.append(job_json(record, http_status=status, http_message=message))
        else:
            active.append(record)
    return requested, responses, active


def _multistatus(responses: list[dict[str, Any]], several: bool) -> WireResponse:
    def failed(item: dict[str, Any]) -> bool:
        return "job_state" not in item and not str(item.get("http_status", "")).startswith(("200", "304"))

    if not several:
        single = responses[0]
        return json_response(single, int(single["http_status"].split()[0]) if failed(single) else 200)
    return json_response(responses, 207 if any(failed(item) for item in responses) else 200)


def cancel_record(state: State, record: JobRecord) -> int:
    """Cancel a job the way ``DELETE /jobs/<id>`` does; gives the number of files canceled."""
    now, count = state.now(), 0
    record.update_job(job_state="CANCELED", cancel_job=True, job_finished=now, reason=CANCELED_BY_USER)
    for position, item in enumerate(record.files):
        if item.file_state.is_active:
            finish = None if item.pid is not None else now
            record.update_file(
                position, file_state="CANCELED", reason=CANCELED_BY_USER, dest_surl_uuid=None, finish_time=finish
            )
            count += 1
    return count


def cancel_jobs(ctx: Ctx, job_list: str) -> WireResponse:
    """``DELETE /jobs/<id>[,<id>...]``: cancel; 304 entries for terminal jobs, 207 when some id failed."""
    requested, responses, active = _resolve(ctx, job_list)
    for record in active:
        cancel_record(ctx.state, record)
        responses.append(job_json(record, http_status="200 Ok", http_message=None))
    return _multistatus(responses, len(requested) > 1)


def modify_jobs(ctx: Ctx, job_list: str) -> WireResponse:
    """``POST /jobs/<id>[,<id>...]``: change the priority of the jobs and their files."""
    requested, responses, active = _resolve(ctx, job_list)
    modification = input_as_dict(ctx.request)
    priority = None
    try:
        priority = int(modification["params"]["priority"])
    except KeyError:
        pass
    except ValueError:
        raise HTTPError(400, "Invalid priority value") from None
    except TypeError:
        raise HTTPError(500, INTERNAL_ERROR) from None
    if priority and active:
        check_priority(priority)
    for record in active:
        extra: dict[str, Any] = {}
        if priority:
            for position in range(len(record.files)):
                record.update_file(position, priority=priority)
            record.update_job(priority=priority)
            extra["files"] = [file_json(item) for item in record.files]
        responses.append(job_json(record, **extra, http_status="200 Ok", http_message=None))
    return _multistatus(responses, len(requested) > 1)


def cancel_files(ctx: Ctx, job_id: str, file_ids: str) -> WireResponse:
    """``DELETE /jobs/<id>/files/<fid>[,<fid>...]``: a state string per file; the job ends when none is left."""
    ctx.profiled()
    record = find_job(ctx, job_id)
    if record.job.job_type != "N":
        raise HTTPError(400, f"Multihop or reuse jobs must be cancelled at once ({record.job.job_type})")
    changed = []
    for file_id in file_ids.split(","):
        position = record.index_of(int(file_id)) if file_id.isdigit() else None
        if position is None:
            changed.append("File does not belong to the job")
        elif not record.files[position].file_state.is_active:
            changed.append(str(record.files[position].file_state.value))
        else:
            record.update_file(position, file_state="CANCELED", finish_time=ctx.state.now(), dest_surl_uuid=None)
            changed.append("CANCELED")
    if not any(item.file_state.is_active for item in record.files):
        record.update_job(job_state="CANCELED", cancel_job=True, job_finished=ctx.state.now())
    return json_response(changed if len(changed) > 1 else changed[0])


def cancel_all(ctx: Ctx, vo_name: str | None = None) -> WireResponse:
    """``DELETE /jobs/all`` and ``/jobs/vo/<vo>`` (root only): counters of what was canceled."""
    ctx.profiled()
    if not ctx.caller.is_root:
        raise HTTPError(403, "User does not have root privileges")
    now, files, jobs = ctx.state.now(), 0, 0
    for record in ctx.state.jobs.values():
        for position, item in enumerate(record.files):
            if item.file_state.is_active and vo_name in (None, item.vo_name):
                record.update_file(
                    position, file_state="CANCELED", reason=CANCELED_BY_USER, dest_surl_uuid=None, finish_time=None
                )
                files += 1
        if not record.job.job_state.is_terminal and vo_name in (None, record.job.vo_name):
            record.update_job(job_state="CANCELED", reason=CANCELED_BY_USER, job_finished=now)
            jobs += 1
    return json_response({"affected_files": files, "affected_dm": 0, "affected_jobs": jobs})
