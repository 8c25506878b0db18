"""``/config/se`` (storage settings and per-VO operation limits) and ``/config/cloud_storage``.

Storage rows keep the server's column values: integers for ``ipv6``/``udt``, one-character strings for
``skip_eviction``/``overwrite_disk_enabled``. ``POST /config/cloud_storage`` stores the storage and then breaks
its answer after ``[``, as the real server does.
"""

from __future__ import annotations

from numbers import Number
from typing import Any

from fts3sdk.testing._api._jobs_write import input_as_dict
from fts3sdk.testing._server._pages import accept_response
from fts3sdk.testing._server._wire import HTML, Ctx, HTTPError, WireResponse, json_response
from fts3sdk.testing._state._config_state import audit, audit_json, typed

__all__ = [
    "add_cloud_user",
    "delete_cloud_storage",
    "delete_se",
    "get_cloud_storage",
    "get_cloud_storages",
    "get_se",
    "remove_cloud_user",
    "set_cloud_storage",
    "set_se",
]

_TPC = ("FULL", "PULL", "PUSH", "NONE")
_SE_COLUMNS: dict[str, type] = {
    "storage": str,
    "site": str,
    "se_metadata": str,
    "ipv6": int,
    "udt": int,
    "debug_level": int,
    "eviction": int,
    "inbound_max_active": int,
    "inbound_max_throughput": Number,
    "outbound_max_active": int,
    "outbound_max_throughput": Number,
    "tpc_support": str,
}
_CHAR_FLAGS = ("skip_eviction", "overwrite_disk_enabled")
_SHOWN = (
    "inbound_max_active",
    "inbound_max_throughput",
    "outbound_max_active",
    "outbound_max_throughput",
    "udt",
    "ipv6",
    "se_metadata",
    "site",
    "debug_level",
    "skip_eviction",
    "tpc_support",
    "overwrite_disk_enabled",
)
"""The ``se_info`` columns a GET shows (``eviction`` is stored but not shown)."""
_NO_CONTENT = WireResponse(204, b"", "")


def _se_value(key: str, value: Any) -> Any:
    if key in _CHAR_FLAGS:
        if isinstance(value, bool | int):
            return value
        return typed({key: str}, key, value)
    value = typed(_SE_COLUMNS, key, value)
    if key == "tpc_support" and value not in _TPC:
        raise HTTPError(400, f"Field tpc_support is expected to be one of the following: {', '.join(_TPC)}")
    return value


def _column_value(key: str, value: Any) -> Any:
    """What the database keeps: floats in the throughput columns (the answer to the POST echoes the input)."""
    return float(value) if _SE_COLUMNS.get(key) is Number and value is not None else value


def _stored_flag(value: Any) -> Any:
    return str(int(value)) if isinstance(value, bool | int) else value


def get_se(ctx: Ctx) -> WireResponse:
    """``GET /config/se[?se=]``: ``{storage: {se_info, operations}}``, keys present only when set."""
    ctx.authorize("config")
    wanted = ctx.request.values.get("se")
    config = ctx.state.config
    answer: dict[str, dict[str, Any]] = {}
    for storage, row in sorted(config.storages.items()):
        if not wanted or storage == wanted:
            info = {key: row.get(key) for key in _SHOWN}
            answer[storage] = {"se_info": info | {key: _stored_flag(info[key]) for key in _CHAR_FLAGS}}
    for (storage, vo, operation), limit in sorted(config.limits.items()):
        if not wanted or storage == wanted:
            entry = answer.setdefault(storage, {})
            entry.setdefault("operations", {}).setdefault(vo, {})[operation] = limit
    return accept_response(ctx.request, "Storage configuration", answer)


def set_se(ctx: Ctx) -> WireResponse:
    """``POST /config/se``: settings and limits per storage; answers ``[se_info, operations]`` of the last one.

    All or nothing: a refused storage leaves every storage of the request unchanged (the server rolls back).
    """
    ctx.authorize("config")
    data = input_as_dict(ctx.request)
    config = ctx.state.config
    saved = (dict(config.storages), dict(config.limits), list(config.audit))
    try:
        answer = [_set_storage(ctx, storage, wanted) for storage, wanted in data.items()]
    except HTTPError:
        config.storages, config.limits = saved[0], saved[1]
        config.audit[:] = saved[2]
        raise
    return json_response(answer[-1] if answer else [None, None])


def _set_storage(ctx: Ctx, storage: str, wanted: Any) -> list[Any]:
    if not storage or storage.isspace() or not isinstance(wanted, dict):
        raise HTTPError(400, "Malformed configuration")
    config = ctx.state.config
    info, operations = None, wanted.get("operations")
    new_info = wanted.get("se_info")
    if new_info:
        if not isinstance(new_info, dict):
            raise HTTPError(400, "Malformed configuration")
        values = {key: _se_value(key, value) for key, value in new_info.items()}
        info = (config.storages.get(storage) or {"storage": storage}) | values
        config.storages[storage] = {key: _column_value(key, value) for key, value in info.items()}
        audit(ctx.state, ctx.caller, "set-se-config", f"Set config {storage}: {audit_json(wanted)}")
    if operations:
        if not isinstance(operations, dict):
            raise HTTPError(400, "Malformed configuration")
        _set_limits(ctx, storage, operations)
        audit(ctx.state, ctx.caller, "set-se-limits", f"Set limits for {storage}: {audit_json(operations)}")
    return [info, operations]


def _set_limits(ctx: Ctx, storage: str, operations: dict[str, Any]) -> None:
    limits = ctx.state.config.limits
    for vo, by_operation in operations.items():
        if not isinstance(by_operation, dict):
            raise HTTPError(400, "Malformed configuration")
        for operation, value in by_operation.items():
            try:
                limit = int(value)
            except (TypeError, ValueError):
                raise HTTPError(400, "Malformed configuration") from None
            if limit > 0:
                limits[(storage, vo, operation)] = limit
            else:
                limits.pop((storage, vo, operation), None)


def delete_se(ctx: Ctx) -> WireResponse:
    """``DELETE /config/se?se=``: drop a storage's settings and limits (204)."""
    ctx.authorize("config")
    storage = ctx.request.values.get("se")
    if not storage:
        raise HTTPError(400, "Missing storage (se)")
    config = ctx.state.config
    config.storages.pop(storage, None)
    for key in [key for key in config.limits if key[0] == storage]:
        del config.limits[key]
    return _NO_CONTENT


# --- cloud storage ------------------------------------------------------------------------------------------


def _certificate_config(ctx: Ctx) -> None:
    ctx.require_certificate()
    ctx.authorize("config")


def _users(ctx: Ctx, name: str) -> list[dict[str, Any]]:
    users = [user for key, user in sorted(ctx.state.config.cloud_users.items()) if key[0] == name]
    return [user.model_dump(mode="json") for user in users]


def _known(ctx: Ctx, name: str) -> None:
    if name not in ctx.state.config.clouds:
        raise HTTPError(404, "The storage does not exist")


def get_cloud_storages(ctx: Ctx) -> WireResponse:
    """``GET /config/cloud_storage``: storages with their users (secrets included, as the server sends them)."""
    _certificate_config(ctx)
    storages = [
        storage.model_dump(mode="json", exclude={"users"}) | {"users": _users(ctx, name)}
        for name, storage in sorted(ctx.state.config.clouds.items())
    ]
    return accept_response(ctx.request, "Cloud storage configuration", storages)


def set_cloud_storage(ctx: Ctx) -> WireResponse:
    """``POST /config/cloud_storage``: store the storage, then break the answer after ``[`` (201, labelled HTML)."""
    from fts3sdk.models import CloudStorage

    _certificate_config(ctx)
    data = input_as_dict(ctx.request)
    name = data.get("storage_name")
    if not name:
        raise HTTPError(400, "Missing storage name")
    fields = ("app_key", "app_secret", "service_api_url")
    stored = CloudStorage.model_validate({"storage_name": str(name)} | {k: data.get(k) for k in fields})
    ctx.state.config.clouds[str(name)] = stored
    return WireResponse(201, b"[", HTML, declared_length=len(str(name)))


def get_cloud_storage(ctx: Ctx, storage_name: str) -> WireResponse:
    """``GET /config/cloud_storage/<name>``: the users of one storage."""
    _certificate_config(ctx)
    _known(ctx, storage_name)
    return json_response(_users(ctx, storage_name))


def add_cloud_user(ctx: Ctx, storage_name: str) -> WireResponse:
    """``POST /config/cloud_storage/<name>``: credentials of one user or one VO; 201, labelled HTML."""
    from fts3sdk.models import CloudStorageUser

    _certificate_config(ctx)
    _known(ctx, storage_name)
    data = input_as_dict(ctx.request)
    user_dn, vo = data.get("user_dn") or "", data.get("vo_name") or ""
    if user_dn and vo:
        raise HTTPError(400, "Only one of user_dn or vo_name must be specified")
    if not user_dn and not vo:
        raise HTTPError(400, "One of user_dn or vo_name must be specified")
    user = CloudStorageUser(
        storage_name=storage_name, user_dn=user_dn, vo_name=vo,
        access_token=data.get("access_token", data.get("access_key")),
        access_token_secret=data.get("access_token_secret", data.get("secret_key")),
        request_token=data.get("request_token"), request_token_secret=data.get("request_token_secret"),
    )  # fmt: skip
    ctx.state.config.cloud_users[(storage_name, user_dn, vo)] = user
    answer = {"storage_name": storage_name, "user_dn": user_dn, "vo_name": vo}
    return WireResponse(201, audit_json(answer).encode(), HTML)


def remove_cloud_user(ctx: Ctx, storage_name: str, user: str) -> WireResponse:
    """``DELETE /config/cloud_storage/<name>/<user DN or VO>``: 204."""
    _certificate_config(ctx)
    _known(ctx, storage_name)
    users = ctx.state.config.cloud_users
    for key in [key for key in users if key[0] == storage_name and user in key[1:]]:
        del users[key]
    return _NO_CONTENT


def delete_cloud_storage(ctx: Ctx, storage_name: str) -> WireResponse:
    """``DELETE /config/cloud_storage/<name>``: the storage and its users; 204."""
    _certificate_config(ctx)
    _known(ctx, storage_name)
    config = ctx.state.config
    del config.clouds[storage_name]
    for key in [key for key in config.cloud_users if key[0] == storage_name]:
        del config.cloud_users[key]
    return _NO_CONTENT
