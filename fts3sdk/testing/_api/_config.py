"""``/config``, ``/config/drain``, ``/config/audit``, ``/config/global``, ``/config/links``, ``/config/shares``.

As on the real server (REFERENCE §3.10 and the admin-api recordings): the GETs answer the HTML page unless
JSON is preferred, ``POST /config/global`` stores the change and then breaks its answer after ``[``, deletes of
unknown links, shares and VOs answer 204, and every change is audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fts3sdk.testing._api._jobs_write import input_as_dict
from fts3sdk.testing._server._pages import accept_response, page, prefers_html, pretty
from fts3sdk.testing._server._wire import HTML, JSON, Ctx, HTTPError, WireResponse, json_response
from fts3sdk.testing._state._config_state import audit, audit_json, typed

__all__ = [
    "delete_global",
    "delete_link",
    "delete_share",
    "drain",
    "get_audit",
    "get_globals",
    "get_link",
    "get_links",
    "get_shares",
    "index",
    "set_globals",
    "set_link",
    "set_share",
]

_GLOBAL_COLUMNS: dict[str, type] = {
    "vo_name": str,
    "retry": int,
    "max_time_queue": int,
    "global_timeout": int,
    "sec_per_mb": int,
    "show_user_dn": bool,
    "no_streaming": bool,
}
_LINK_COLUMNS: dict[str, type] = {
    "symbolicname": str,
    "source": str,
    "destination": str,
    "min_active": int,
    "max_active": int,
    "optimizer_mode": int,
    "tcp_buffer_size": int,
    "nostreams": int,
    "no_delegation": bool,
}
_LINK_DEFAULTS = {"optimizer_mode": 2, "tcp_buffer_size": None, "nostreams": 0, "no_delegation": False}
_NO_CONTENT = WireResponse(204, b"", "")


def _config(ctx: Ctx) -> None:
    ctx.authorize("config")


# --- hosts, drain, audit ------------------------------------------------------------------------------------


def index(ctx: Ctx) -> WireResponse:
    """``GET /config``: the service rows of every host, by host and service name."""
    _config(ctx)
    rows = sorted(ctx.state.config.hosts, key=lambda host: (host.hostname, host.service_name))
    return accept_response(ctx.request, "Overview", [row.model_dump(mode="json") for row in rows])


def drain(ctx: Ctx) -> WireResponse:
    """``POST /config/drain``: drain (or not) every service row of a host; answers ``null``."""
    _config(ctx)
    data = input_as_dict(ctx.request)
    hostname, wanted = data.get("hostname"), data.get("drain", True)
    if not isinstance(wanted, bool) or not isinstance(hostname, str):
        raise HTTPError(400, "Invalid drain request")
    hosts = ctx.state.config.hosts
    positions = [i for i, host in enumerate(hosts) if host.hostname == hostname]
    if not positions:
        raise HTTPError(400, "Host not found")
    audit(ctx.state, ctx.caller, "drain", f"Turning drain {wanted} the drain mode for {hostname}")
    for position in positions:
        hosts[position] = hosts[position].model_copy(update={"drain": wanted})
    return json_response(None)


def get_audit(ctx: Ctx) -> WireResponse:
    """``GET /config/audit``: the last changes, newest first (changes of the same second in their order)."""
    _config(ctx)
    entries = sorted(ctx.state.config.audit, key=lambda entry: entry.datetime, reverse=True)
    return accept_response(ctx.request, "Config Audit", [entry.model_dump(mode="json") for entry in entries])


# --- global settings ----------------------------------------------------------------------------------------


def _globals_json(ctx: Ctx) -> dict[str, Any]:
    return {vo: entry.model_dump(mode="json", exclude_unset=True) for vo, entry in ctx.state.config.globals.items()}


def get_globals(ctx: Ctx) -> WireResponse:
    """``GET /config/global``: settings per VO; the defaults ``*`` are empty until someone sets them."""
    _config(ctx)
    return accept_response(ctx.request, "Server Configuration", _globals_json(ctx))


def set_globals(ctx: Ctx) -> WireResponse:
    """``POST /config/global``: store the settings of a VO, then answer as the real server does (broken).

    With JSON preferred the answer announces the length of the settings' JSON and stops after ``[``; else it
    is the HTML page wrapped in a JSON string.
    """
    from fts3sdk.models import GlobalConfig

    _config(ctx)
    data = input_as_dict(ctx.request)
    vo = data.pop("vo_name", "*")
    values = {key: typed(_GLOBAL_COLUMNS, key, value) for key, value in data.items()}
    stored = ctx.state.config.globals
    previous = stored.get(vo)
    base = {"vo_name": vo, "retry": 0, "max_time_queue": 0, "global_timeout": 0, "sec_per_mb": 0}
    base |= {"show_user_dn": False, "no_streaming": False}
    if previous is not None:
        base |= {k: v for k, v in previous.model_dump().items() if v is not None}
    stored[vo] = GlobalConfig(**(base | values))
    audit(ctx.state, ctx.caller, "set-globals", audit_json({"vo_name": vo, **values}))
    every = _globals_json(ctx)
    if prefers_html(ctx.request):
        return json_response(page("Server Configuration", every))
    return WireResponse(200, b"[", JSON, declared_length=len(pretty(every)))


def delete_global(ctx: Ctx) -> WireResponse:
    """``DELETE /config/global?vo_name=``: drop a VO's settings (204 even for an unknown VO)."""
    _config(ctx)
    vo = ctx.request.values.get("vo_name")
    if not vo or vo == "*":
        raise HTTPError(400, "Missing VO name")
    ctx.state.config.globals.pop(vo, None)
    return _NO_CONTENT


# --- links --------------------------------------------------------------------------------------------------


def _link_json(link: Any) -> dict[str, Any]:
    return dict(link.model_dump(mode="json"))


def get_links(ctx: Ctx) -> WireResponse:
    """``GET /config/links``: every link, by (source, destination)."""
    _config(ctx)
    links = [_link_json(link) for _, link in sorted(ctx.state.config.links.items())]
    return accept_response(ctx.request, "Link configuration", links)


def _find_link(ctx: Ctx, name: str) -> tuple[tuple[str, str], Any] | None:
    return next(((key, link) for key, link in ctx.state.config.links.items() if link.symbolicname == name), None)


def get_link(ctx: Ctx, sym_name: str) -> WireResponse:
    """``GET /config/links/<name>``: one link (404 when unknown)."""
    _config(ctx)
    found = _find_link(ctx, sym_name)
    if found is None:
        raise HTTPError(404, f"Link {sym_name} does not exist")
    return json_response(_link_json(found[1]))


def set_link(ctx: Ctx) -> WireResponse:
    """``POST /config/links``: create a link or change the one of that name; 201 with the link, labelled HTML.

    The answer for a new link holds only the fields given, besides the name, the ends and the active limits.
    """
    from fts3sdk.models import LinkConfig

    _config(ctx)
    data = input_as_dict(ctx.request)
    name = data.get("symbolicname")
    if not name:
        raise HTTPError(400, "Missing symbolicname")
    try:
        min_active, max_active = int(data.get("min_active", 2)), int(data.get("max_active", 2))
    except (TypeError, ValueError) as exc:
        raise HTTPError(400, f"Active must be an integer ({exc})") from None
    if min_active > max_active:
        raise HTTPError(400, "max_active is lower than min_active")
    values = {key: typed(_LINK_COLUMNS, key, value) for key, value in data.items()}
    found = _find_link(ctx, name)
    if found is None:
        shown = {"source": data.get("source", "*"), "destination": data.get("destination", "*"), "symbolicname": name}
        shown |= {"min_active": min_active, "max_active": max_active} | values
        row = _LINK_DEFAULTS | shown
    else:
        del ctx.state.config.links[found[0]]
        row = _link_json(found[1]) | values
        shown = row
    link = LinkConfig.model_validate(row)
    audit(ctx.state, ctx.caller, "link", audit_json(data))
    ctx.state.config.links[(link.source, link.destination)] = link
    answer = {key: value for key, value in _link_json(link).items() if key in shown}
    return WireResponse(201, pretty(answer), HTML)


def delete_link(ctx: Ctx, sym_name: str) -> WireResponse:
    """``DELETE /config/links/<name>``: 204, audited, even for an unknown name."""
    _config(ctx)
    found = _find_link(ctx, sym_name)
    if found is not None:
        del ctx.state.config.links[found[0]]
    audit(ctx.state, ctx.caller, "link-delete", f"Link {sym_name} has been deleted")
    return _NO_CONTENT


# --- shares -------------------------------------------------------------------------------------------------


def _storage_root(url: Any) -> str:
    parts = urlsplit(url if isinstance(url, str) else "")
    if not parts.scheme or not parts.hostname:
        raise HTTPError(400, "Invalid source")  # the server says "source" for a bad destination too
    return f"{parts.scheme}://{parts.hostname}"


def get_shares(ctx: Ctx) -> WireResponse:
    """``GET /config/shares``: every VO share, by (source, destination, vo)."""
    _config(ctx)
    shares = [share.model_dump(mode="json") for _, share in sorted(ctx.state.config.shares.items())]
    return json_response(shares)


def set_share(ctx: Ctx) -> WireResponse:
    """``POST /config/shares``: set a VO's share on a link; answers the share, storages reduced to scheme://host."""
    from fts3sdk.models import ShareConfig

    _config(ctx)
    data = input_as_dict(ctx.request)
    if any(data.get(key) in (None, "") for key in ("source", "destination", "vo", "share")):
        raise HTTPError(400, "Missing source, destination, vo and/or share")
    try:
        share = int(data["share"])
    except (TypeError, ValueError):
        share = -1
    if share < 0:
        raise HTTPError(400, "Bad share value")  # the server swallows its own "cannot be negative"
    source, destination = _storage_root(data["source"]), _storage_root(data["destination"])
    vo = str(data["vo"])
    ctx.state.config.shares[(source, destination, vo)] = ShareConfig(
        source=source, destination=destination, vo=vo, share=share
    )
    audit(ctx.state, ctx.caller, "share-set", f"Share {source}, {destination}, {vo} has been set to {share}")
    return json_response(share)


def delete_share(ctx: Ctx) -> WireResponse:
    """``DELETE /config/shares?source&destination&vo``: 204 even when there was no such share."""
    _config(ctx)
    values = ctx.request.values
    source, destination, vo = values.get("source"), values.get("destination"), values.get("vo")
    if not source or not destination or not vo:
        raise HTTPError(400, "Missing source, destination and/or vo")
    if ctx.state.config.shares.pop((source, destination, vo), None) is not None:
        audit(ctx.state, ctx.caller, "share-delete", f"Share {source}, {destination}, {vo} has been deleted")
    return _NO_CONTENT
