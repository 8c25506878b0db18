"""The configuration API (``/config/*``) described as data, and the flows that work around its broken answers.

``POST /config/global`` stores the change and then breaks the connection after ``[``: its flow reads the settings
back with a GET and gives them; the transport error is raised only when the GET does not show the change.
Grants, activity shares and cloud storages are in `_config_access`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fts3sdk._base import Endpoint, Flow, model, nothing, segment
from fts3sdk.models import (
    ConfigAudit,
    GlobalConfig,
    Host,
    LinkConfig,
    ShareConfig,
    StorageConfig,
    StorageSettings,
)
from fts3sdk.resources._endpoints._checks import count, flag, non_empty, read_back

_GLOBAL_INTS = ("retry", "max_time_queue", "global_timeout", "sec_per_mb")
_GLOBAL_FLAGS = ("show_user_dn", "no_streaming")
_LINK_INTS = ("min_active", "max_active", "optimizer_mode", "tcp_buffer_size", "nostreams")
_HOSTS = model(list[Host])
_GLOBALS = model(dict[str, GlobalConfig])
_LINK = model(LinkConfig)
_STORAGES = model(dict[str, StorageConfig])


# --- hosts, drain, audit ------------------------------------------------------------------------------------


def hosts() -> Endpoint[list[Host]]:
    """``GET /config``: the service rows of every FTS node (heartbeats, drain flags)."""
    return Endpoint("GET", "/config", _HOSTS)


def drain_flow(hostname: str, drain: bool) -> Flow[list[Host]]:
    """``POST /config/drain`` (the answer is ``null``), then the host's rows as ``GET /config`` shows them."""
    body = {"hostname": non_empty("hostname", hostname), "drain": flag("drain", drain)}
    yield Endpoint("POST", "/config/drain", nothing, json=body)
    rows: list[Host] = yield hosts()
    return [row for row in rows if row.hostname == hostname]


def audit() -> Endpoint[list[ConfigAudit]]:
    """``GET /config/audit``: the last 100 configuration changes, newest first."""
    return Endpoint("GET", "/config/audit", model(list[ConfigAudit]))


# --- global settings ----------------------------------------------------------------------------------------


def global_configs() -> Endpoint[dict[str, GlobalConfig]]:
    """``GET /config/global``: settings per VO, ``*`` holding the defaults."""
    return Endpoint("GET", "/config/global", _GLOBALS)


def global_config(vo: str) -> Endpoint[GlobalConfig | None]:
    """``GET /config/global``, keeping one VO's entry (``None`` when the VO has no settings of its own)."""
    non_empty("vo", vo)

    def pick(response: Any) -> GlobalConfig | None:
        every: dict[str, GlobalConfig] = _GLOBALS(response)
        return every.get(vo)

    return Endpoint("GET", "/config/global", pick)


def global_body(vo: str, values: Mapping[str, int | bool | None]) -> dict[str, Any]:
    """The ``POST /config/global`` body: the VO and the values given, type-checked as the server does."""
    body: dict[str, Any] = {"vo_name": non_empty("vo", vo)}
    for name, value in values.items():
        if value is None:
            continue
        if name in _GLOBAL_INTS:
            body[name] = count(name, value)
        elif name in _GLOBAL_FLAGS:
            body[name] = flag(name, value)
        else:
            raise ValueError(f"unknown global setting {name!r}")
    if len(body) == 1:
        raise ValueError("give at least one setting to change")
    return body


def set_global_flow(vo: str, values: Mapping[str, int | bool | None]) -> Flow[GlobalConfig]:
    """``POST /config/global`` then ``GET /config/global``: the VO's settings as stored.

    The POST's answer is always broken (cut after ``[``); the change is stored all the same. The error of the
    POST is raised only when the settings read back are not the ones sent.
    """
    body = global_body(vo, values)

    def stored(every: dict[str, GlobalConfig]) -> GlobalConfig | None:
        entry = every.get(vo)
        if entry is None or any(getattr(entry, key) != value for key, value in body.items() if key != "vo_name"):
            return None
        return entry

    change = Endpoint("POST", "/config/global", nothing, json=body, may_resend=False)
    return (yield from read_back(change, global_configs(), stored, f"the settings of {vo!r}"))


def delete_global(vo: str) -> Endpoint[None]:
    """``DELETE /config/global?vo_name=``: drop a VO's settings (the defaults ``*`` cannot be dropped)."""
    if non_empty("vo", vo) == "*":
        raise ValueError("the defaults (*) cannot be deleted, only changed")
    return Endpoint("DELETE", "/config/global", nothing, {"vo_name": vo})


# --- links and shares ---------------------------------------------------------------------------------------


def links() -> Endpoint[list[LinkConfig]]:
    """``GET /config/links``: every link configuration."""
    return Endpoint("GET", "/config/links", model(list[LinkConfig]))


def link(symbolicname: str) -> Endpoint[LinkConfig]:
    """``GET /config/links/{name}``: one link (404 when unknown)."""
    return Endpoint("GET", _link_path(symbolicname), _LINK)


def _link_path(symbolicname: str) -> str:
    return f"/config/links/{segment(non_empty('symbolicname', symbolicname), 'link name')}"


def link_body(symbolicname: str, values: Mapping[str, object]) -> dict[str, Any]:
    """The ``POST /config/links`` body, with the server's checks (the missing active limit counts as 2)."""
    body: dict[str, Any] = {"symbolicname": non_empty("symbolicname", symbolicname)}
    for name, value in values.items():
        if value is None:
            continue
        if name in ("source", "destination"):
            body[name] = non_empty(name, value)
        elif name == "no_delegation":
            body[name] = flag(name, value)
        elif name in _LINK_INTS:
            body[name] = count(name, value)
        else:
            raise ValueError(f"unknown link setting {name!r}")
    if body.get("min_active", 2) > body.get("max_active", 2):
        raise ValueError(
            "min_active is above max_active (the server takes 2 for the one not given, even for an existing link)"
        )
    return body


def set_link(symbolicname: str, values: Mapping[str, object]) -> Endpoint[LinkConfig]:
    """``POST /config/links``: create or change a link (the answer is labelled HTML but is the link's JSON)."""
    return Endpoint("POST", "/config/links", _LINK, json=link_body(symbolicname, values))


def delete_link(symbolicname: str) -> Endpoint[None]:
    """``DELETE /config/links/{name}``: 204 even for an unknown name."""
    return Endpoint("DELETE", _link_path(symbolicname), nothing)


def storage_root(url: str, name: str = "source") -> str:
    """``scheme://host`` of a storage URL, as the server reduces share endpoints (the port is dropped)."""
    parts = urlsplit(non_empty(name, url))
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"{name} must be a URL like gsiftp://host, not {url!r}")
    return f"{parts.scheme}://{parts.hostname}"


def shares() -> Endpoint[list[ShareConfig]]:
    """``GET /config/shares``: every VO share."""
    return Endpoint("GET", "/config/shares", model(list[ShareConfig]))


def set_share(source: str, destination: str, vo: str, share: int) -> Endpoint[ShareConfig]:
    """``POST /config/shares``: the server answers the weight alone; the share is rebuilt around it."""
    reduced = ShareConfig(
        source=storage_root(source),
        destination=storage_root(destination, "destination"),
        vo=non_empty("vo", vo),
        share=count("share", share),
    )
    weight = model(int)

    def parse(response: Any) -> ShareConfig:
        return reduced.model_copy(update={"share": weight(response)})

    body = {"source": source, "destination": destination, "vo": vo, "share": share}
    return Endpoint("POST", "/config/shares", parse, json=body)


def delete_share(source: str, destination: str, vo: str) -> Endpoint[None]:
    """``DELETE /config/shares?source&destination&vo``: 204 even when there was no such share."""
    params = {"source": non_empty("source", source), "destination": non_empty("destination", destination), "vo": vo}
    non_empty("vo", vo)
    return Endpoint("DELETE", "/config/shares", nothing, params)


# --- storages -----------------------------------------------------------------------------------------------


def storages() -> Endpoint[dict[str, StorageConfig]]:
    """``GET /config/se``: settings and operation limits per storage (``*`` holds the defaults)."""
    return Endpoint("GET", "/config/se", _STORAGES)


def storage(se: str) -> Endpoint[StorageConfig | None]:
    """``GET /config/se?se=``: one storage's settings and limits (``None`` when it has none)."""

    def pick(response: Any) -> StorageConfig | None:
        every: dict[str, StorageConfig] = _STORAGES(response)
        return every.get(se)

    return Endpoint("GET", "/config/se", pick, {"se": non_empty("se", se)})


def _limits(operations: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    checked: dict[str, dict[str, int]] = {}
    for vo, limits in operations.items():
        checked[non_empty("vo", vo)] = {
            non_empty("operation", op): count(f"limit of {op}", n) for op, n in limits.items()
        }
    return checked


def set_storage(
    se: str, settings: StorageSettings | None, operations: Mapping[str, Mapping[str, int]] | None
) -> Endpoint[StorageConfig]:
    """``POST /config/se``: change a storage's settings and/or per-VO operation limits (0 removes a limit)."""
    config: dict[str, Any] = {}
    info = settings.to_body() if settings is not None else {}
    if info:
        config["se_info"] = info
    if operations:
        config["operations"] = _limits(operations)
    if not config:
        raise ValueError("give settings and/or operations to change")
    return Endpoint("POST", "/config/se", model(StorageConfig), json={non_empty("se", se): config})


def delete_storage(se: str) -> Endpoint[None]:
    """``DELETE /config/se?se=``: drop a storage's settings and limits."""
    return Endpoint("DELETE", "/config/se", nothing, {"se": non_empty("se", se)})
