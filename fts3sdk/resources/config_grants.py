"""``client.config.authorizations`` and ``client.config.activity_shares``: grants to DNs, activity weights."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fts3sdk.models import ActivityShareConfig, ActivityShares, AuthorizationByDn
from fts3sdk.resources._endpoints import _config_access as api

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = ["Activities", "AsyncActivities", "AsyncAuthorizations", "Authorizations"]


class Authorizations:
    """Access levels granted to DNs, on top of their VOMS roles (``/config/authorize``; certificate only)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, *, dn: str | None = None, operation: str | None = None) -> builtins.list[AuthorizationByDn]:
        """Grants, optionally of one DN and/or one operation (``GET /config/authorize``)."""
        return self._client._send(api.authorizations(dn, operation))

    def grant(self, dn: str, operation: str) -> AuthorizationByDn:
        """Grant ``operation`` (``config``, ``transfer``...) at level ``all`` (``POST /config/authorize``).

        Granting again gives the existing grant. ``admin`` can only be granted in the database.
        """
        return self._client._send(api.grant(dn, operation))

    def revoke(self, dn: str, operation: str | None = None) -> None:
        """Revoke one operation of a DN, or all its grants (``DELETE /config/authorize``)."""
        self._client._send(api.revoke(dn, operation))


class AsyncAuthorizations:
    """Access levels granted to DNs, on top of their VOMS roles (``/config/authorize``; certificate only)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self, *, dn: str | None = None, operation: str | None = None) -> builtins.list[AuthorizationByDn]:
        """Grants, optionally of one DN and/or one operation (``GET /config/authorize``)."""
        return await self._client._send(api.authorizations(dn, operation))

    async def grant(self, dn: str, operation: str) -> AuthorizationByDn:
        """Grant ``operation`` (``config``, ``transfer``...) at level ``all`` (``POST /config/authorize``).

        Granting again gives the existing grant. ``admin`` can only be granted in the database.
        """
        return await self._client._send(api.grant(dn, operation))

    async def revoke(self, dn: str, operation: str | None = None) -> None:
        """Revoke one operation of a DN, or all its grants (``DELETE /config/authorize``)."""
        await self._client._send(api.revoke(dn, operation))


class Activities:
    """Activity shares: the weight of each activity within a VO (``/config/activity_shares``; certificate only)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self) -> dict[str, ActivityShares]:
        """Activity weights of every VO (``GET /config/activity_shares``)."""
        return self._client._send(api.activity_shares())

    def get(self, vo: str) -> ActivityShares:
        """The activity weights of one VO (``GET /config/activity_shares/{vo}``).

        Raises NotFound for a VO without shares (the server itself answers 500 then).
        """
        return self._client._run(api.activity_shares_flow(vo))

    def set(self, vo: str, weights: Mapping[str, float], *, active: bool = True) -> ActivityShareConfig:
        """Set a VO's activity weights, replacing the previous ones (``POST /config/activity_shares``)."""
        return self._client._send(api.set_activity_shares(vo, weights, active))

    def delete(self, vo: str) -> None:
        """Drop a VO's activity weights (``DELETE /config/activity_shares/{vo}``). Raises NotFound when none."""
        self._client._send(api.delete_activity_shares(vo))


class AsyncActivities:
    """Activity shares: the weight of each activity within a VO (``/config/activity_shares``; certificate only)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self) -> dict[str, ActivityShares]:
        """Activity weights of every VO (``GET /config/activity_shares``)."""
        return await self._client._send(api.activity_shares())

    async def get(self, vo: str) -> ActivityShares:
        """The activity weights of one VO (``GET /config/activity_shares/{vo}``).

        Raises NotFound for a VO without shares (the server itself answers 500 then).
        """
        return await self._client._run(api.activity_shares_flow(vo))

    async def set(self, vo: str, weights: Mapping[str, float], *, active: bool = True) -> ActivityShareConfig:
        """Set a VO's activity weights, replacing the previous ones (``POST /config/activity_shares``)."""
        return await self._client._send(api.set_activity_shares(vo, weights, active))

    async def delete(self, vo: str) -> None:
        """Drop a VO's activity weights (``DELETE /config/activity_shares/{vo}``). Raises NotFound when none."""
        await self._client._send(api.delete_activity_shares(vo))
