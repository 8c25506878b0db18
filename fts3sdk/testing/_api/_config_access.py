"""``/config/authorize`` (access levels granted to DNs) and ``/config/activity_shares``; certificate only.

Grants are the server's ``t_authz_dn`` table, the same one `FakeFTS.grant` fills: a DN granted ``config`` here
has the ``config`` level on its next request.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fts3sdk.testing._api._jobs_write import input_as_dict
from fts3sdk.testing._server._pages import accept_response
from fts3sdk.testing._server._wire import INTERNAL_ERROR, Ctx, HTTPError, WireResponse, json_response
from fts3sdk.testing._state._config_state import audit, audit_json

__all__ = [
    "delete_activity_shares",
    "get_activity_shares",
    "get_authorizations",
    "get_vo_activity_shares",
    "grant",
    "revoke",
    "set_activity_shares",
]

_ADMIN_REFUSED = "'admin' level can only be changed via database access"
_NO_CONTENT = WireResponse(204, b"", "")


def _certificate_config(ctx: Ctx) -> None:
    ctx.require_certificate()
    ctx.authorize("config")


def _grants(ctx: Ctx) -> list[tuple[str, str]]:
    return sorted((dn, op) for dn, ops in ctx.state.settings.auth.grants.items() for op in ops)


def _set_grants(ctx: Ctx, dn: str, operations: frozenset[str]) -> None:
    auth = ctx.state.settings.auth
    grants = dict(auth.grants)
    if operations:
        grants[dn] = operations
    else:
        grants.pop(dn, None)
    ctx.state.settings.auth = dataclasses.replace(auth, grants=grants)


def get_authorizations(ctx: Ctx) -> WireResponse:
    """``GET /config/authorize[?dn&operation]``: the grants, by DN and operation."""
    _certificate_config(ctx)
    dn, operation = ctx.request.values.get("dn"), ctx.request.values.get("operation")
    found = [
        {"dn": who, "operation": op}
        for who, op in _grants(ctx)
        if (not dn or who == dn) and (not operation or op == operation)
    ]
    return accept_response(ctx.request, "Authorization", found)


def grant(ctx: Ctx) -> WireResponse:
    """``POST /config/authorize``: grant an operation to a DN; an existing grant is answered as it is."""
    _certificate_config(ctx)
    data = input_as_dict(ctx.request)
    dn, operation = data.get("dn"), data.get("operation")
    if not dn or not operation:
        raise HTTPError(400, "Missing dn and/or operation")
    if operation == "admin":
        raise HTTPError(400, _ADMIN_REFUSED)
    current = ctx.state.settings.auth.grants.get(dn, frozenset())
    if operation not in current:
        _set_grants(ctx, dn, current | {operation})
        audit(ctx.state, ctx.caller, "authorize", f'{operation} granted to "{dn}"')
    return json_response({"dn": dn, "operation": operation})


def revoke(ctx: Ctx) -> WireResponse:
    """``DELETE /config/authorize?dn[&operation]``: revoke one operation, or every grant of the DN (204)."""
    _certificate_config(ctx)
    dn, operation = ctx.request.values.get("dn"), ctx.request.values.get("operation")
    if not dn:
        raise HTTPError(400, "Missing DN parameter")
    if operation == "admin":
        raise HTTPError(400, _ADMIN_REFUSED)
    current = ctx.state.settings.auth.grants.get(dn, frozenset())
    kept = current - {operation} if operation else frozenset(op for op in current if op == "admin")
    if kept != current:
        _set_grants(ctx, dn, kept)
        audit(ctx.state, ctx.caller, "revoke", f'{operation or "everything"} revoked for "{dn}"')
    return _NO_CONTENT


# --- activity shares ----------------------------------------------------------------------------------------


def _weights(share: Any) -> list[dict[str, Any]]:
    items = [dict([item]) for item in share.items()] if isinstance(share, dict) else share
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise HTTPError(400, "Malformed share")
    for item in items:
        for weight in item.values():
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise HTTPError(400, "Share weight must be a number")
    return items


def get_activity_shares(ctx: Ctx) -> WireResponse:
    """``GET /config/activity_shares``: ``{vo: {share: {activity: weight}, active}}``."""
    _certificate_config(ctx)
    answer = {
        vo: {"share": {k: v for item in items for k, v in item.items()}, "active": active}
        for vo, (items, active) in sorted(ctx.state.config.activity.items())
    }
    return accept_response(ctx.request, "Activity shares", answer)


def get_vo_activity_shares(ctx: Ctx, vo_name: str) -> WireResponse:
    """``GET /config/activity_shares/<vo>``: one VO's shares; a VO without any is a 500, as on the server."""
    _certificate_config(ctx)
    stored = ctx.state.config.activity.get(vo_name)
    if stored is None:
        raise HTTPError(500, INTERNAL_ERROR)
    items, active = stored
    return json_response({"share": {k: v for item in items for k, v in item.items()}, "active": active})


def set_activity_shares(ctx: Ctx) -> WireResponse:
    """``POST /config/activity_shares``: replace a VO's shares (object or list form); ``active`` defaults to true."""
    _certificate_config(ctx)
    data = input_as_dict(ctx.request)
    vo, share, active = data.get("vo"), data.get("share"), data.get("active", True)
    if not vo:
        raise HTTPError(400, "Missing VO")
    if not share:
        raise HTTPError(400, "Missing share")
    items = _weights(share)
    ctx.state.config.activity[str(vo)] = (items, bool(active))
    audit(ctx.state, ctx.caller, "activity-share", audit_json({"vo": vo, "share": items, "active": bool(active)}))
    return json_response({"vo": vo, "active": bool(active), "activity_share": items})


def delete_activity_shares(ctx: Ctx, vo_name: str) -> WireResponse:
    """``DELETE /config/activity_shares/<vo>``: 204, or 404 when the VO has none."""
    _certificate_config(ctx)
    if ctx.state.config.activity.pop(vo_name, None) is None:
        raise HTTPError(404, f"No activity shares for {vo_name}")
    audit(ctx.state, ctx.caller, "activity-share", f'Activity share removed for "{vo_name}"')
    return _NO_CONTENT
