"""``client.config``: the server's configuration, its global settings, links and shares, sync and async.

Storages and cloud storages are in `fts3sdk.resources.config_storages`, grants and activity shares in
`fts3sdk.resources.config_grants`; ``client.config`` reaches all of them.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from fts3sdk.models import ConfigAudit, GlobalConfig, Host, LinkConfig, ShareConfig
from fts3sdk.resources._endpoints import _config as api
from fts3sdk.resources.config_grants import Activities, AsyncActivities, AsyncAuthorizations, Authorizations
from fts3sdk.resources.config_storages import AsyncCloudStorages, AsyncStorages, CloudStorages, Storages

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = [
    "AsyncConfig",
    "AsyncGlobalSettings",
    "AsyncLinks",
    "AsyncShares",
    "Config",
    "GlobalSettings",
    "Links",
    "Shares",
]


class Config:
    """The server's configuration (``/config``); every call needs the ``config`` access level."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def hosts(self) -> builtins.list[Host]:
        """The FTS nodes' services with their heartbeats and drain flags (``GET /config``)."""
        return self._client._send(api.hosts())

    def drain(self, hostname: str) -> builtins.list[Host]:
        """Drain a node (``POST /config/drain``): it takes no new transfers; gives its service rows, now drained."""
        return self._client._run(api.drain_flow(hostname, True))

    def undrain(self, hostname: str) -> builtins.list[Host]:
        """Put a drained node back to work (``POST /config/drain``); gives its service rows."""
        return self._client._run(api.drain_flow(hostname, False))

    def audit(self) -> builtins.list[ConfigAudit]:
        """The last 100 configuration changes, newest first (``GET /config/audit``)."""
        return self._client._send(api.audit())

    @property
    def globals(self) -> GlobalSettings:
        """Server-wide settings per VO (``/config/global``)."""
        return GlobalSettings(self._client)

    @property
    def links(self) -> Links:
        """Link configurations (``/config/links``)."""
        return Links(self._client)

    @property
    def shares(self) -> Shares:
        """VO shares on links (``/config/shares``)."""
        return Shares(self._client)

    @property
    def storages(self) -> Storages:
        """Storage settings and per-VO operation limits (``/config/se``)."""
        return Storages(self._client)

    @property
    def authorizations(self) -> Authorizations:
        """Access levels granted to DNs (``/config/authorize``)."""
        return Authorizations(self._client)

    @property
    def activity_shares(self) -> Activities:
        """Activity weights per VO (``/config/activity_shares``)."""
        return Activities(self._client)

    @property
    def cloud_storages(self) -> CloudStorages:
        """Cloud storages and their credentials (``/config/cloud_storage``)."""
        return CloudStorages(self._client)


class AsyncConfig:
    """The server's configuration (``/config``); every call needs the ``config`` access level."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def hosts(self) -> builtins.list[Host]:
        """The FTS nodes' services with their heartbeats and drain flags (``GET /config``)."""
        return await self._client._send(api.hosts())

    async def drain(self, hostname: str) -> builtins.list[Host]:
        """Drain a node (``POST /config/drain``): it takes no new transfers; gives its service rows, now drained."""
        return await self._client._run(api.drain_flow(hostname, True))

    async def undrain(self, hostname: str) -> builtins.list[Host]:
        """Put a drained node back to work (``POST /config/drain``); gives its service rows."""
        return await self._client._run(api.drain_flow(hostname, False))

    async def audit(self) -> builtins.list[ConfigAudit]:
        """The last 100 configuration changes, newest first (``GET /config/audit``)."""
        return await self._client._send(api.audit())

    @property
    def globals(self) -> AsyncGlobalSettings:
        """Server-wide settings per VO (``/config/global``)."""
        return AsyncGlobalSettings(self._client)

    @property
    def links(self) -> AsyncLinks:
        """Link configurations (``/config/links``)."""
        return AsyncLinks(self._client)

    @property
    def shares(self) -> AsyncShares:
        """VO shares on links (``/config/shares``)."""
        return AsyncShares(self._client)

    @property
    def storages(self) -> AsyncStorages:
        """Storage settings and per-VO operation limits (``/config/se``)."""
        return AsyncStorages(self._client)

    @property
    def authorizations(self) -> AsyncAuthorizations:
        """Access levels granted to DNs (``/config/authorize``)."""
        return AsyncAuthorizations(self._client)

    @property
    def activity_shares(self) -> AsyncActivities:
        """Activity weights per VO (``/config/activity_shares``)."""
        return AsyncActivities(self._client)

    @property
    def cloud_storages(self) -> AsyncCloudStorages:
        """Cloud storages and their credentials (``/config/cloud_storage``)."""
        return AsyncCloudStorages(self._client)


class GlobalSettings:
    """Server-wide settings per VO, ``*`` holding the defaults (``/config/global``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self) -> dict[str, GlobalConfig]:
        """Settings of every VO that has its own, and the defaults under ``*`` (``GET /config/global``)."""
        return self._client._send(api.global_configs())

    def get(self, vo: str = "*") -> GlobalConfig | None:
        """Settings of one VO (default: the defaults ``*``), or ``None`` when the VO has none of its own."""
        return self._client._send(api.global_config(vo))

    def set(
        self,
        vo: str = "*",
        *,
        retry: int | None = None,
        max_time_queue: int | None = None,
        global_timeout: int | None = None,
        sec_per_mb: int | None = None,
        show_user_dn: bool | None = None,
        no_streaming: bool | None = None,
    ) -> GlobalConfig:
        """Change settings of a VO or the defaults (``POST /config/global``); gives the settings as stored.

        The server stores the change but always breaks its answer (the body stops after ``[``), so the
        settings are read back with ``GET /config/global``; the broken answer's error is raised only if the
        stored settings differ from the ones sent. ``None`` leaves a setting as it is.
        """
        values = {
            "retry": retry,
            "max_time_queue": max_time_queue,
            "global_timeout": global_timeout,
            "sec_per_mb": sec_per_mb,
            "show_user_dn": show_user_dn,
            "no_streaming": no_streaming,
        }
        return self._client._run(api.set_global_flow(vo, values))

    def delete(self, vo: str) -> None:
        """Drop a VO's own settings (``DELETE /config/global``); the defaults ``*`` cannot be dropped."""
        self._client._send(api.delete_global(vo))


class AsyncGlobalSettings:
    """Server-wide settings per VO, ``*`` holding the defaults (``/config/global``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self) -> dict[str, GlobalConfig]:
        """Settings of every VO that has its own, and the defaults under ``*`` (``GET /config/global``)."""
        return await self._client._send(api.global_configs())

    async def get(self, vo: str = "*") -> GlobalConfig | None:
        """Settings of one VO (default: the defaults ``*``), or ``None`` when the VO has none of its own."""
        return await self._client._send(api.global_config(vo))

    async def set(
        self,
        vo: str = "*",
        *,
        retry: int | None = None,
        max_time_queue: int | None = None,
        global_timeout: int | None = None,
        sec_per_mb: int | None = None,
        show_user_dn: bool | None = None,
        no_streaming: bool | None = None,
    ) -> GlobalConfig:
        """Change settings of a VO or the defaults (``POST /config/global``); gives the settings as stored.

        The server stores the change but always breaks its answer (the body stops after ``[``), so the
        settings are read back with ``GET /config/global``; the broken answer's error is raised only if the
        stored settings differ from the ones sent. ``None`` leaves a setting as it is.
        """
        values = {
            "retry": retry,
            "max_time_queue": max_time_queue,
            "global_timeout": global_timeout,
            "sec_per_mb": sec_per_mb,
            "show_user_dn": show_user_dn,
            "no_streaming": no_streaming,
        }
        return await self._client._run(api.set_global_flow(vo, values))

    async def delete(self, vo: str) -> None:
        """Drop a VO's own settings (``DELETE /config/global``); the defaults ``*`` cannot be dropped."""
        await self._client._send(api.delete_global(vo))


class Links:
    """Link configurations: transfer limits between two storages or wildcards (``/config/links``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self) -> builtins.list[LinkConfig]:
        """Every configured link (``GET /config/links``)."""
        return self._client._send(api.links())

    def get(self, symbolicname: str) -> LinkConfig:
        """One link by name (``GET /config/links/{name}``). Raises NotFound for an unknown name."""
        return self._client._send(api.link(symbolicname))

    def set(
        self,
        symbolicname: str,
        *,
        source: str | None = None,
        destination: str | None = None,
        min_active: int | None = None,
        max_active: int | None = None,
        optimizer_mode: int | None = None,
        tcp_buffer_size: int | None = None,
        nostreams: int | None = None,
        no_delegation: bool | None = None,
    ) -> LinkConfig:
        """Create a link, or change the link of that name (``POST /config/links``).

        A new link defaults to ``*`` → ``*`` with 2 active transfers at least and at most. The server checks
        ``min_active <= max_active`` taking 2 for the one not given, even when changing a link: give both
        when raising the minimum. The answer for a new link holds only the fields given.
        """
        values = {
            "source": source,
            "destination": destination,
            "min_active": min_active,
            "max_active": max_active,
            "optimizer_mode": optimizer_mode,
            "tcp_buffer_size": tcp_buffer_size,
            "nostreams": nostreams,
            "no_delegation": no_delegation,
        }
        return self._client._send(api.set_link(symbolicname, values))

    def delete(self, symbolicname: str) -> None:
        """Delete a link (``DELETE /config/links/{name}``); an unknown name is not an error."""
        self._client._send(api.delete_link(symbolicname))


class AsyncLinks:
    """Link configurations: transfer limits between two storages or wildcards (``/config/links``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self) -> builtins.list[LinkConfig]:
        """Every configured link (``GET /config/links``)."""
        return await self._client._send(api.links())

    async def get(self, symbolicname: str) -> LinkConfig:
        """One link by name (``GET /config/links/{name}``). Raises NotFound for an unknown name."""
        return await self._client._send(api.link(symbolicname))

    async def set(
        self,
        symbolicname: str,
        *,
        source: str | None = None,
        destination: str | None = None,
        min_active: int | None = None,
        max_active: int | None = None,
        optimizer_mode: int | None = None,
        tcp_buffer_size: int | None = None,
        nostreams: int | None = None,
        no_delegation: bool | None = None,
    ) -> LinkConfig:
        """Create a link, or change the link of that name (``POST /config/links``).

        A new link defaults to ``*`` → ``*`` with 2 active transfers at least and at most. The server checks
        ``min_active <= max_active`` taking 2 for the one not given, even when changing a link: give both
        when raising the minimum. The answer for a new link holds only the fields given.
        """
        values = {
            "source": source,
            "destination": destination,
            "min_active": min_active,
            "max_active": max_active,
            "optimizer_mode": optimizer_mode,
            "tcp_buffer_size": tcp_buffer_size,
            "nostreams": nostreams,
            "no_delegation": no_delegation,
        }
        return await self._client._send(api.set_link(symbolicname, values))

    async def delete(self, symbolicname: str) -> None:
        """Delete a link (``DELETE /config/links/{name}``); an unknown name is not an error."""
        await self._client._send(api.delete_link(symbolicname))


class Shares:
    """The shares of VOs on links (``/config/shares``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self) -> builtins.list[ShareConfig]:
        """Every VO share (``GET /config/shares``)."""
        return self._client._send(api.shares())

    def set(self, source: str, destination: str, vo: str, *, share: int) -> ShareConfig:
        """Set a VO's share on a link (``POST /config/shares``); storages are reduced to ``scheme://host``."""
        return self._client._send(api.set_share(source, destination, vo, share))

    def delete(self, source: str, destination: str, vo: str) -> None:
        """Delete a VO's share on a link (``DELETE /config/shares``); a missing share is not an error."""
        self._client._send(api.delete_share(source, destination, vo))


class AsyncShares:
    """The shares of VOs on links (``/config/shares``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self) -> builtins.list[ShareConfig]:
        """Every VO share (``GET /config/shares``)."""
        return await self._client._send(api.shares())

    async def set(self, source: str, destination: str, vo: str, *, share: int) -> ShareConfig:
        """Set a VO's share on a link (``POST /config/shares``); storages are reduced to ``scheme://host``."""
        return await self._client._send(api.set_share(source, destination, vo, share))

    async def delete(self, source: str, destination: str, vo: str) -> None:
        """Delete a VO's share on a link (``DELETE /config/shares``); a missing share is not an error."""
        await self._client._send(api.delete_share(source, destination, vo))
