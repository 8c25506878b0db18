"""The certificate-only configuration endpoints as data: grants to DNs, activity shares, cloud storages.

``POST /config/cloud_storage`` stores the storage and then breaks the connection after ``[``; its flow reads the
list back and gives the storage from there, raising the transport error only when the list does not show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fts3sdk import errors
from fts3sdk._base import Endpoint, Flow, model, nothing, segment
from fts3sdk.models import ActivityShareConfig, ActivityShares, AuthorizationByDn, CloudStorage, CloudStorageUser
from fts3sdk.resources._endpoints._checks import flag, given, is_amount, non_empty, read_back

_ACTIVITY = model(dict[str, ActivityShares])
_CLOUDS = model(list[CloudStorage])


# --- authorizations -----------------------------------------------------------------------------------------


def _operation(operation: str) -> str:
    if operation == "admin":
        raise ValueError("the admin level can only be changed in the database, not through the API")
    return non_empty("operation", operation)


def authorizations(dn: str | None, operation: str | None) -> Endpoint[list[AuthorizationByDn]]:
    """``GET /config/authorize[?dn&operation]``: levels granted to DNs."""
    return Endpoint("GET", "/config/authorize", model(list[AuthorizationByDn]), given(dn=dn, operation=operation))


def grant(dn: str, operation: str) -> Endpoint[AuthorizationByDn]:
    """``POST /config/authorize``: grant ``operation`` at level ``all`` (an existing grant is given back)."""
    body = {"dn": non_empty("dn", dn), "operation": _operation(operation)}
    return Endpoint("POST", "/config/authorize", model(AuthorizationByDn), json=body)


def revoke(dn: str, operation: str | None) -> Endpoint[None]:
    """``DELETE /config/authorize?dn[&operation]``: revoke one operation, or every grant of the DN."""
    params = given(dn=non_empty("dn", dn), operation=None if operation is None else _operation(operation))
    return Endpoint("DELETE", "/config/authorize", nothing, params)


# --- activity shares ----------------------------------------------------------------------------------------


def activity_shares() -> Endpoint[dict[str, ActivityShares]]:
    """``GET /config/activity_shares``: activity weights per VO."""
    return Endpoint("GET", "/config/activity_shares", _ACTIVITY)


def activity_shares_flow(vo: str) -> Flow[ActivityShares]:
    """``GET /config/activity_shares/{vo}``; the server answers 500 for a VO without shares: that is NotFound."""
    path = _activity_path(vo)
    try:
        found: ActivityShares = yield Endpoint("GET", path, model(ActivityShares))
    except errors.ServerError as exc:
        every: dict[str, ActivityShares] = yield activity_shares()
        if vo in every:
            raise
        raise errors.NotFound(
            path,
            f"No activity shares for {vo}",
            message=f"No activity shares for {vo} (the server answered 500)",
            status_code=exc.status_code,
            method="GET",
            url=exc.url,
            body=exc.body,
        ) from exc
    return found


def set_activity_shares(vo: str, weights: Mapping[str, float], active: bool) -> Endpoint[ActivityShareConfig]:
    """``POST /config/activity_shares``: the weights of a VO's activities."""
    if not weights:
        raise ValueError("give at least one activity weight")
    for activity, weight in weights.items():
        non_empty("activity", activity)
        if not is_amount(weight):
            raise ValueError(f"the weight of {activity!r} must be a non-negative number, not {weight!r}")
    body = {"vo": non_empty("vo", vo), "share": dict(weights), "active": flag("active", active)}
    return Endpoint("POST", "/config/activity_shares", model(ActivityShareConfig), json=body)


def delete_activity_shares(vo: str) -> Endpoint[None]:
    """``DELETE /config/activity_shares/{vo}``: 404 when the VO has none."""
    return Endpoint("DELETE", _activity_path(vo), nothing)


def _activity_path(vo: str) -> str:
    return f"/config/activity_shares/{segment(non_empty('vo', vo), 'VO name')}"


# --- cloud storages -----------------------------------------------------------------------------------------


def cloud_storages() -> Endpoint[list[CloudStorage]]:
    """``GET /config/cloud_storage``: registered cloud storages with their users."""
    return Endpoint("GET", "/config/cloud_storage", _CLOUDS)


def cloud_storage_users(name: str) -> Endpoint[list[CloudStorageUser]]:
    """``GET /config/cloud_storage/{name}``: the users of one storage (404 when unknown)."""
    return Endpoint("GET", _cloud_path(name), model(list[CloudStorageUser]))


def _cloud_path(name: str) -> str:
    return f"/config/cloud_storage/{segment(non_empty('name', name), 'cloud storage name')}"


def register_cloud_flow(name: str, *, app_key: str, app_secret: str, service_api_url: str) -> Flow[CloudStorage]:
    """``POST /config/cloud_storage`` then the list: the storage as stored (the POST's answer is always broken)."""
    body = {
        "storage_name": non_empty("name", name),
        "app_key": non_empty("app_key", app_key),
        "app_secret": non_empty("app_secret", app_secret),
        "service_api_url": non_empty("service_api_url", service_api_url),
    }

    def stored(listed: list[CloudStorage]) -> CloudStorage | None:
        found = next((item for item in listed if item.storage_name == name), None)
        if found is None or (found.app_key, found.service_api_url) != (app_key, service_api_url):
            return None
        return found

    change = Endpoint("POST", "/config/cloud_storage", nothing, json=body, may_resend=False)
    return (yield from read_back(change, cloud_storages(), stored, f"the cloud storage {name!r}"))


def delete_cloud_storage(name: str) -> Endpoint[None]:
    """``DELETE /config/cloud_storage/{name}``: the storage and every credential on it (404 when unknown)."""
    return Endpoint("DELETE", _cloud_path(name), nothing)


def add_cloud_user(
    name: str, *, user_dn: str | None, vo: str | None, tokens: Mapping[str, str | None]
) -> Endpoint[CloudStorageUser]:
    """``POST /config/cloud_storage/{name}``: credentials of exactly one user or one VO."""
    if (user_dn is None) == (vo is None):
        raise ValueError("give exactly one of user_dn or vo")
    owner = {"user_dn": non_empty("user_dn", user_dn)} if user_dn is not None else {"vo_name": non_empty("vo", vo)}
    body: dict[str, Any] = dict(owner)
    body.update({key: value for key, value in tokens.items() if value is not None})
    return Endpoint("POST", _cloud_path(name), model(CloudStorageUser), json=body)


def remove_cloud_user(name: str, user: str) -> Endpoint[None]:
    """``DELETE /config/cloud_storage/{name}/{user or vo}``: drop the credentials of a user or a VO."""
    # A DN holds '/': refused by segment, it cannot travel in a path.
    path = f"{_cloud_path(name)}/{segment(non_empty('user', user), 'cloud storage user or VO')}"
    return Endpoint("DELETE", path, nothing)
