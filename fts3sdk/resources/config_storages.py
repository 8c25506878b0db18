"""``client.config.storages`` and ``client.config.cloud_storages``: storage settings, limits and cloud credentials."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fts3sdk.models import CloudStorage, CloudStorageUser, StorageConfig, StorageSettings
from fts3sdk.resources._endpoints import _config as config_api
from fts3sdk.resources._endpoints import _config_access as api

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = ["AsyncCloudStorages", "AsyncStorages", "CloudStorages", "Storages"]


class Storages:
    """Storage settings and per-VO operation limits (``/config/se``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self) -> dict[str, StorageConfig]:
        """Settings and limits of every configured storage, ``*`` holding the defaults (``GET /config/se``)."""
        return self._client._send(config_api.storages())

    def get(self, se: str) -> StorageConfig | None:
        """One storage's settings and limits (``GET /config/se?se=``), or ``None`` when it has none."""
        return self._client._send(config_api.storage(se))

    def set(
        self,
        se: str,
        *,
        settings: StorageSettings | None = None,
        operations: Mapping[str, Mapping[str, int]] | None = None,
    ) -> StorageConfig:
        """Change a storage's settings and/or its operation limits per VO (``POST /config/se``).

        ``operations`` maps VO → operation (``delete``, ``staging``...) → concurrent limit; 0 removes a limit.
        Gives what the server stored (``se_info`` is ``None`` when only limits were sent).
        """
        return self._client._send(config_api.set_storage(se, settings, operations))

    def delete(self, se: str) -> None:
        """Drop a storage's settings and limits (``DELETE /config/se``)."""
        self._client._send(config_api.delete_storage(se))


class AsyncStorages:
    """Storage settings and per-VO operation limits (``/config/se``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self) -> dict[str, StorageConfig]:
        """Settings and limits of every configured storage, ``*`` holding the defaults (``GET /config/se``)."""
        return await self._client._send(config_api.storages())

    async def get(self, se: str) -> StorageConfig | None:
        """One storage's settings and limits (``GET /config/se?se=``), or ``None`` when it has none."""
        return await self._client._send(config_api.storage(se))

    async def set(
        self,
        se: str,
        *,
        settings: StorageSettings | None = None,
        operations: Mapping[str, Mapping[str, int]] | None = None,
    ) -> StorageConfig:
        """Change a storage's settings and/or its operation limits per VO (``POST /config/se``).

        ``operations`` maps VO → operation (``delete``, ``staging``...) → concurrent limit; 0 removes a limit.
        Gives what the server stored (``se_info`` is ``None`` when only limits were sent).
        """
        return await self._client._send(config_api.set_storage(se, settings, operations))

    async def delete(self, se: str) -> None:
        """Drop a storage's settings and limits (``DELETE /config/se``)."""
        await self._client._send(config_api.delete_storage(se))


class CloudStorages:
    """Cloud storages and the credentials of users and VOs on them (``/config/cloud_storage``; certificate only)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self) -> builtins.list[CloudStorage]:
        """Registered cloud storages with their users (``GET /config/cloud_storage``)."""
        return self._client._send(api.cloud_storages())

    def users(self, name: str) -> builtins.list[CloudStorageUser]:
        """The credentials registered on one storage (``GET /config/cloud_storage/{name}``)."""
        return self._client._send(api.cloud_storage_users(name))

    def register(self, name: str, *, app_key: str, app_secret: str, service_api_url: str) -> CloudStorage:
        """Register or change a cloud storage (``POST /config/cloud_storage``); gives it as stored.

        The server stores it but always breaks its answer (the body stops after ``[``), so the storage is read
        back from the list; the broken answer's error is raised only if the list does not show it.
        """
        flow = api.register_cloud_flow(name, app_key=app_key, app_secret=app_secret, service_api_url=service_api_url)
        return self._client._run(flow)

    def delete(self, name: str) -> None:
        """Remove a cloud storage and every credential on it (``DELETE /config/cloud_storage/{name}``)."""
        self._client._send(api.delete_cloud_storage(name))

    def add_user(
        self,
        name: str,
        *,
        user_dn: str | None = None,
        vo: str | None = None,
        access_token: str | None = None,
        access_token_secret: str | None = None,
        request_token: str | None = None,
        request_token_secret: str | None = None,
    ) -> CloudStorageUser:
        """Register the credentials of one user or one VO on a storage (``POST /config/cloud_storage/{name}``)."""
        tokens = {
            "access_token": access_token,
            "access_token_secret": access_token_secret,
            "request_token": request_token,
            "request_token_secret": request_token_secret,
        }
        return self._client._send(api.add_cloud_user(name, user_dn=user_dn, vo=vo, tokens=tokens))

    def remove_user(self, name: str, user: str) -> None:
        """Remove the credentials of a user (DN) or a VO (``DELETE /config/cloud_storage/{name}/{user}``).

        A DN holds slashes, which web servers in front of FTS often refuse in a path; VO names always work.
        """
        self._client._send(api.remove_cloud_user(name, user))


class AsyncCloudStorages:
    """Cloud storages and the credentials of users and VOs on them (``/config/cloud_storage``; certificate only)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self) -> builtins.list[CloudStorage]:
        """Registered cloud storages with their users (``GET /config/cloud_storage``)."""
        return await self._client._send(api.cloud_storages())

    async def users(self, name: str) -> builtins.list[CloudStorageUser]:
        """The credentials registered on one storage (``GET /config/cloud_storage/{name}``)."""
        return await self._client._send(api.cloud_storage_users(name))

    async def register(self, name: str, *, app_key: str, app_secret: str, service_api_url: str) -> CloudStorage:
        """Register or change a cloud storage (``POST /config/cloud_storage``); gives it as stored.

        The server stores it but always breaks its answer (the body stops after ``[``), so the storage is read
        back from the list; the broken answer's error is raised only if the list does not show it.
        """
        flow = api.register_cloud_flow(name, app_key=app_key, app_secret=app_secret, service_api_url=service_api_url)
        return await self._client._run(flow)

    async def delete(self, name: str) -> None:
        """Remove a cloud storage and every credential on it (``DELETE /config/cloud_storage/{name}``)."""
        await self._client._send(api.delete_cloud_storage(name))

    async def add_user(
        self,
        name: str,
        *,
        user_dn: str | None = None,
        vo: str | None = None,
        access_token: str | None = None,
        access_token_secret: str | None = None,
        request_token: str | None = None,
        request_token_secret: str | None = None,
    ) -> CloudStorageUser:
        """Register the credentials of one user or one VO on a storage (``POST /config/cloud_storage/{name}``)."""
        tokens = {
            "access_token": access_token,
            "access_token_secret": access_token_secret,
            "request_token": request_token,
            "request_token_secret": request_token_secret,
        }
        return await self._client._send(api.add_cloud_user(name, user_dn=user_dn, vo=vo, tokens=tokens))

    async def remove_user(self, name: str, user: str) -> None:
        """Remove the credentials of a user (DN) or a VO (``DELETE /config/cloud_storage/{name}/{user}``).

        A DN holds slashes, which web servers in front of FTS often refuse in a path; VO names always work.
        """
        await self._client._send(api.remove_cloud_user(name, user))
