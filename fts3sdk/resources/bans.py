"""``client.storage`` and ``client.users``: storage and user bans, sync and async."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fts3sdk.models import StorageBan, UserBan
from fts3sdk.resources._endpoints import _server as api
from fts3sdk.resources._endpoints._server import BanMode

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = ["AsyncStorage", "AsyncUsers", "Storage", "Users"]


class Storage:
    """Storage bans (``/ban/se``); they need the ``config`` access level."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def ban(
        self,
        storage: str,
        *,
        status: BanMode = "cancel",
        allow_submit: bool = False,
        message: str | None = None,
        timeout: int | None = None,
    ) -> list[str]:
        """Ban a storage for the caller's VO (``POST /ban/se``) and give the ids of the jobs it affected.

        ``cancel`` cancels its queued transfers, ``wait`` holds them (``allow_submit``: new ones are accepted
        on hold). ``timeout`` is sent as the official client does; current servers ignore it.
        """
        return self._client._send(
            api.ban_storage(storage, status=status, allow_submit=allow_submit, message=message, timeout=timeout)
        )

    def unban(self, storage: str) -> None:
        """Lift a storage ban (``DELETE /ban/se``); held transfers are queued again."""
        self._client._send(api.unban_storage(storage))

    def list_banned(self) -> list[StorageBan]:
        """Banned storages (``GET /ban/se``)."""
        return self._client._send(api.banned_storages())


class AsyncStorage:
    """Storage bans (``/ban/se``); they need the ``config`` access level."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def ban(
        self,
        storage: str,
        *,
        status: BanMode = "cancel",
        allow_submit: bool = False,
        message: str | None = None,
        timeout: int | None = None,
    ) -> list[str]:
        """Ban a storage for the caller's VO (``POST /ban/se``) and give the ids of the jobs it affected.

        ``cancel`` cancels its queued transfers, ``wait`` holds them (``allow_submit``: new ones are accepted
        on hold). ``timeout`` is sent as the official client does; current servers ignore it.
        """
        return await self._client._send(
            api.ban_storage(storage, status=status, allow_submit=allow_submit, message=message, timeout=timeout)
        )

    async def unban(self, storage: str) -> None:
        """Lift a storage ban (``DELETE /ban/se``); held transfers are queued again."""
        await self._client._send(api.unban_storage(storage))

    async def list_banned(self) -> list[StorageBan]:
        """Banned storages (``GET /ban/se``)."""
        return await self._client._send(api.banned_storages())


class Users:
    """User bans (``/ban/dn``); they need the ``config`` access level."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def ban(self, dn: str, *, message: str | None = None) -> list[str]:
        """Ban a user (``POST /ban/dn``) and give the ids of the user's jobs it canceled."""
        return self._client._send(api.ban_user(dn, message=message))

    def unban(self, dn: str) -> None:
        """Lift a user ban (``DELETE /ban/dn``)."""
        self._client._send(api.unban_user(dn))

    def list_banned(self) -> list[UserBan]:
        """Banned users (``GET /ban/dn``)."""
        return self._client._send(api.banned_users())


class AsyncUsers:
    """User bans (``/ban/dn``); they need the ``config`` access level."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def ban(self, dn: str, *, message: str | None = None) -> list[str]:
        """Ban a user (``POST /ban/dn``) and give the ids of the user's jobs it canceled."""
        return await self._client._send(api.ban_user(dn, message=message))

    async def unban(self, dn: str) -> None:
        """Lift a user ban (``DELETE /ban/dn``)."""
        await self._client._send(api.unban_user(dn))

    async def list_banned(self) -> list[UserBan]:
        """Banned users (``GET /ban/dn``)."""
        return await self._client._send(api.banned_users())
