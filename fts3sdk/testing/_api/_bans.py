"""Storage and user bans (``/ban/se``, ``/ban/dn``) and what they do to queued transfers (REFERENCE §3.7)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._server._wire import INTERNAL_ERROR, JSON, Ctx, HTTPError, WireRequest, WireResponse, json_response

if TYPE_CHECKING:
    from fts3sdk.testing._state._store import State

__all__ = ["ban_dn", "ban_se", "list_dn_bans", "list_se_bans", "unban_dn", "unban_se"]

_HOLD = {"SUBMITTED": "ON_HOLD", "STAGING": "ON_HOLD_STAGING"}
_RELEASE = {"ON_HOLD": "SUBMITTED", "ON_HOLD_STAGING": "STAGING"}


def _exact_json(request: WireRequest) -> Any:
    """Read a "family B" body: JSON only when the Content-Type is exactly ``application/json``, else query/form."""
    if request.content_type != JSON:
        return request.values
    try:
        value = json.loads(request.body)
    except ValueError:
        raise HTTPError(400, "Malformed input") from None
    if not isinstance(value, dict):
        raise HTTPError(500, INTERNAL_ERROR)  # the server calls .get() on it
    return value


def _touches(item: Any, storage: str, vo: str) -> bool:
    return storage in (item.source_se, item.dest_se) and (vo == "*" or item.vo_name == vo)


def ban_se(ctx: Ctx) -> WireResponse:
    """``POST /ban/se``: ban a storage for the caller's VO; gives the ids of the jobs it affected."""
    from fts3sdk.models import StorageBan

    ctx.authorize("config")
    data = _exact_json(ctx.request)
    storage = data.get("storage")
    if not storage:
        raise HTTPError(400, "Missing storage parameter")
    vo = ctx.caller.vos[0]
    allow_submit = bool(data.get("allow_submit", False))
    status = data.get("status", "cancel")
    status = status.upper() if isinstance(status, str) else status
    if status not in ("CANCEL", "WAIT"):
        raise HTTPError(400, "status can only be cancel or wait")
    if allow_submit and status == "CANCEL":
        raise HTTPError(400, "allow_submit and status = CANCEL can not be combined")
    stored = "WAIT_AS" if allow_submit else status
    ctx.state.se_bans[(storage, vo)] = StorageBan(
        se=storage, vo=vo, status=stored, message=data.get("message", ""),  # type: ignore[arg-type]
        addition_time=ctx.state.now(), admin_dn=ctx.caller.user_dn,
    )  # fmt: skip
    if status == "CANCEL":
        return json_response(cancel_transfers(ctx.state, storage, vo))
    return json_response(hold_transfers(ctx.state, storage, vo))


def cancel_transfers(state: State, storage: str, vo: str) -> list[str]:
    """Cancel the queued transfers touching ``storage`` (reason ``Storage banned``); ended jobs are CANCELED."""
    targets = [
        (record, item.file_id)
        for record in state.records()
        for item in record.files
        if _touches(item, storage, vo) and (item.file_state.is_active or item.file_state.value == "NOT_USED")
    ]
    now, affected = state.now(), {}
    for record, file_id in targets:
        affected[record.job.job_id] = record
        position = record.index_of(file_id)
        assert position is not None
        index = record.files[position].file_index
        record.update_file(
            position, file_state="CANCELED", reason="Storage banned", finish_time=now, dest_surl_uuid=None
        )
        spare = next(
            (p for p, f in enumerate(record.files) if f.file_index == index and f.file_state == "NOT_USED"), None
        )
        if spare is not None:
            record.update_file(spare, file_state="SUBMITTED")
    for record in affected.values():
        if all(item.file_state.is_terminal for item in record.files):
            record.update_job(job_state="CANCELED", job_finished=now, reason=None)
    return list(affected)


def hold_transfers(state: State, storage: str, vo: str) -> list[str]:
    """Put the queued transfers touching ``storage`` on hold (SUBMITTED → ON_HOLD, STAGING → ON_HOLD_STAGING)."""
    affected: dict[str, None] = {}
    for record in state.records():
        for position, item in enumerate(record.files):
            if _touches(item, storage, vo) and item.file_state.value in _HOLD:
                record.update_file(position, file_state=_HOLD[item.file_state.value])
                affected[record.job.job_id] = None
    return list(affected)


def release_transfers(state: State, storage: str, vo: str) -> None:
    """Jobs with held transfers on ``storage`` get all their held transfers queued again."""
    for record in state.records():
        if not any(_touches(f, storage, vo) and f.file_state.value in _RELEASE for f in record.files):
            continue
        for position, item in enumerate(record.files):
            if item.file_state.value in _RELEASE:
                record.update_file(position, file_state=_RELEASE[item.file_state.value])


def unban_se(ctx: Ctx) -> WireResponse:
    """``DELETE /ban/se?storage=``: lift the caller's VO's ban; held transfers are queued again (204)."""
    ctx.authorize("config")
    storage = ctx.request.values.get("storage")
    if not storage:
        raise HTTPError(400, "Missing storage parameter")
    vo = ctx.caller.vos[0]
    ctx.state.se_bans.pop((storage, vo), None)
    release_transfers(ctx.state, storage, vo)
    return WireResponse(204, b"", "")


def list_se_bans(ctx: Ctx) -> WireResponse:
    """``GET /ban/se``."""
    ctx.authorize("config")
    return json_response([ban.model_dump(mode="json") for ban in ctx.state.se_bans.values()])


def ban_dn(ctx: Ctx) -> WireResponse:
    """``POST /ban/dn``: ban a user and cancel the user's active jobs (reason ``User banned``)."""
    from fts3sdk.models import UserBan

    ctx.authorize("config")
    data = _exact_json(ctx.request)
    dn = data.get("user_dn")
    if not dn:
        raise HTTPError(400, "Missing dn parameter")
    if dn == ctx.caller.user_dn:
        raise HTTPError(409, "The user tried to ban (her|his)self")
    message = data.get("message", "")
    now = ctx.state.now()
    ctx.state.dn_bans[dn] = UserBan(dn=dn, message=message, addition_time=now, admin_dn=ctx.caller.user_dn, status=None)
    return json_response(cancel_user_jobs(ctx.state, dn))


def cancel_user_jobs(state: State, dn: str) -> list[str]:
    """Cancel every unfinished job of ``dn`` and its queued transfers; gives their ids."""
    now, affected = state.now(), []
    for record in state.records():
        if record.job.user_dn != dn or record.job.job_state.is_terminal or record.job.job_finished is not None:
            continue
        for position, item in enumerate(record.files):
            if item.file_state.is_active:
                record.update_file(position, file_state="CANCELED", reason="User banned", finish_time=now)
        record.update_job(job_state="CANCELED", reason="User banned", job_finished=now)
        affected.append(record.job.job_id)
    return affected


def unban_dn(ctx: Ctx) -> WireResponse:
    """``DELETE /ban/dn?user_dn=``: lift a user ban (204 even when there was none)."""
    ctx.authorize("config")
    dn = ctx.request.values.get("user_dn")
    if not dn:
        raise HTTPError(400, "Missing user_dn parameter")
    ctx.state.dn_bans.pop(dn, None)
    return WireResponse(204, b"", "")


def list_dn_bans(ctx: Ctx) -> WireResponse:
    """``GET /ban/dn``."""
    ctx.authorize("config")
    return json_response([ban.model_dump(mode="json") for ban in ctx.state.dn_bans.values()])
