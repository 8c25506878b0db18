"""Endpoints about the server, the caller, delegated credentials and bans, described as data."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import httpx

from fts3sdk import models
from fts3sdk._base import Endpoint, invalid_response, model, nothing, path_problem, raw_json, text, type_adapter

if TYPE_CHECKING:
    from fts3sdk.models import Delegation, EndpointInfo, StorageBan, UserBan, WhoAmI

_JOB_IDS = model(list[str])


@functools.cache
def _time_adapter() -> Any:
    from fts3sdk.models._types import UTCDateTime

    return type_adapter(UTCDateTime)


def endpoint_info() -> Endpoint[EndpointInfo]:
    """``GET /``: versions and links of the endpoint."""
    return Endpoint("GET", "/", model(lambda: models.EndpointInfo))


def whoami() -> Endpoint[WhoAmI]:
    """``GET /whoami``: the caller as the server sees it."""
    return Endpoint("GET", "/whoami", model(lambda: models.WhoAmI))


def _delegation_path(delegation_id: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z_-]+", delegation_id):
        raise ValueError(f"not a delegation id: {delegation_id!r}")
    return f"/delegation/{delegation_id}"


def _delegation_or_none(response: httpx.Response) -> Delegation | None:
    data = raw_json(response)
    if data is None or data == []:
        return None
    try:
        delegation: Delegation = type_adapter(models.Delegation).validate_python(data)
        return delegation
    except ValueError as exc:
        raise invalid_response(response, f"unexpected delegation answer: {exc}") from exc


def delegation_info(delegation_id: str) -> Endpoint[Delegation | None]:
    """``GET /delegation/{id}``: the stored credential, or ``None`` (the server sends null, [] or nothing)."""
    return Endpoint("GET", _delegation_path(delegation_id), _delegation_or_none)


def delete_delegation(delegation_id: str) -> Endpoint[None]:
    """``DELETE /delegation/{id}``: remove the stored credential (404 when there is none)."""
    return Endpoint("DELETE", _delegation_path(delegation_id), nothing)


def delegation_request(delegation_id: str) -> Endpoint[str]:
    """``GET /delegation/{id}/request``: the PEM certificate request to sign."""
    return Endpoint("GET", f"{_delegation_path(delegation_id)}/request", text, headers={"Accept": "text/plain"})


def put_credential(delegation_id: str, chain_pem: bytes) -> Endpoint[None]:
    """``PUT /delegation/{id}/credential``: upload the signed proxy followed by the local chain."""
    path = f"{_delegation_path(delegation_id)}/credential"
    return Endpoint("PUT", path, nothing, content=chain_pem, headers={"Content-Type": "application/x-pem-file"})


def _termination_time(response: httpx.Response) -> datetime:
    when: datetime = _time_adapter().validate_python(text(response).strip())
    return when


def add_voms(delegation_id: str, voms: Sequence[str]) -> Endpoint[datetime]:
    """``POST /delegation/{id}/voms``: add VOMS extensions to the stored proxy; gives its new expiry."""
    if isinstance(voms, str) or not voms:
        raise ValueError("give a list of voms-proxy-init --voms arguments, e.g. ['dteam']")
    return Endpoint("POST", f"{_delegation_path(delegation_id)}/voms", _termination_time, json=list(voms))


BanMode = Literal["cancel", "wait"]


def ban_storage(
    storage: str, *, status: BanMode, allow_submit: bool, message: str | None, timeout: int | None
) -> Endpoint[list[str]]:
    """``POST /ban/se``: ban a storage for the caller's VO; gives the ids of the jobs it affected."""
    if status not in ("cancel", "wait"):
        raise ValueError(f"status must be 'cancel' or 'wait', not {status!r}")
    if allow_submit and status != "wait":
        raise ValueError("allow_submit needs status='wait'")
    body: dict[str, Any] = {"storage": storage, "status": status, "allow_submit": allow_submit}
    if message is not None:
        body["message"] = message
    if timeout is not None:
        body["timeout"] = timeout
    return Endpoint("POST", "/ban/se", _JOB_IDS, json=body)


def unban_storage(storage: str) -> Endpoint[None]:
    """``DELETE /ban/se?storage=``: lift a storage ban; held transfers are queued again."""
    return Endpoint("DELETE", "/ban/se", nothing, {"storage": storage})


def banned_storages() -> Endpoint[list[StorageBan]]:
    """``GET /ban/se``: banned storages."""
    return Endpoint("GET", "/ban/se", model(lambda: list[models.StorageBan]))


def ban_user(dn: str, *, message: str | None) -> Endpoint[list[str]]:
    """``POST /ban/dn``: ban a user; gives the ids of the user's jobs it canceled."""
    body = {"user_dn": dn} if message is None else {"user_dn": dn, "message": message}
    return Endpoint("POST", "/ban/dn", _JOB_IDS, json=body)


def unban_user(dn: str) -> Endpoint[None]:
    """``DELETE /ban/dn?user_dn=``: lift a user ban."""
    return Endpoint("DELETE", "/ban/dn", nothing, {"user_dn": dn})


def banned_users() -> Endpoint[list[UserBan]]:
    """``GET /ban/dn``: banned users."""
    return Endpoint("GET", "/ban/dn", model(lambda: list[models.UserBan]))


def raw(method: Literal["GET", "POST", "PUT", "DELETE"], path: str, **options: Any) -> Endpoint[Any]:
    """Any endpoint the SDK does not wrap, read as raw JSON."""
    if not path.startswith("/"):
        path = f"/{path}"
    problem = path_problem(path.split("?", 1)[0])
    if problem is not None:
        raise ValueError(f"path {path!r} {problem}")
    return Endpoint(method, path, raw_json, **options)
