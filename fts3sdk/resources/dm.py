"""``client.dm``: list, stat, mkdir, unlink, rmdir and rename on storage URLs, sync and async."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fts3sdk.models import DirectoryEntry, StatInfo
from fts3sdk.resources._endpoints import _dm as api
from fts3sdk.resources._endpoints._dm import gfal_errno

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = ["AsyncNamespace", "Namespace", "gfal_errno"]


class Namespace:
    """Files and directories on storages, through the server's gfal2 with your delegated proxy (``/dm``).

    Needs the ``datamanagement`` access level and a delegated credential (else NeedDelegation). Storage
    failures come as the error class of their gfal2 errno (``gfal_errno`` gives it): NotFound for ENOENT,
    Unauthorized for EACCES/EPERM, TryAgain for EBUSY/EAGAIN/ETIMEDOUT, ClientError for ENOTDIR and
    unsupported protocols, ServerError for the rest.
    """

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, surl: str) -> dict[str, DirectoryEntry]:
        """The entries of a directory by name (``GET /dm/list``); directory names end with ``/``."""
        return self._client._send(api.listing(surl))

    def stat(self, surl: str) -> StatInfo:
        """Mode, size and times of a file or directory (``GET /dm/stat``)."""
        return self._client._send(api.stat(surl))

    def mkdir(self, surl: str) -> None:
        """Create a directory, mode 0775 (``POST /dm/mkdir``); its parent must exist."""
        self._client._send(api.mkdir(surl))

    def unlink(self, surl: str) -> None:
        """Delete a file (``POST /dm/unlink``)."""
        self._client._send(api.unlink(surl))

    def rmdir(self, surl: str) -> None:
        """Delete an empty directory (``POST /dm/rmdir``)."""
        self._client._send(api.rmdir(surl))

    def rename(self, old: str, new: str) -> None:
        """Rename or move a file or directory within one storage (``POST /dm/rename``)."""
        self._client._send(api.rename(old, new))


class AsyncNamespace:
    """Files and directories on storages, through the server's gfal2 with your delegated proxy (``/dm``).

    Needs the ``datamanagement`` access level and a delegated credential (else NeedDelegation). Storage
    failures come as the error class of their gfal2 errno (``gfal_errno`` gives it): NotFound for ENOENT,
    Unauthorized for EACCES/EPERM, TryAgain for EBUSY/EAGAIN/ETIMEDOUT, ClientError for ENOTDIR and
    unsupported protocols, ServerError for the rest.
    """

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(self, surl: str) -> dict[str, DirectoryEntry]:
        """The entries of a directory by name (``GET /dm/list``); directory names end with ``/``."""
        return await self._client._send(api.listing(surl))

    async def stat(self, surl: str) -> StatInfo:
        """Mode, size and times of a file or directory (``GET /dm/stat``)."""
        return await self._client._send(api.stat(surl))

    async def mkdir(self, surl: str) -> None:
        """Create a directory, mode 0775 (``POST /dm/mkdir``); its parent must exist."""
        await self._client._send(api.mkdir(surl))

    async def unlink(self, surl: str) -> None:
        """Delete a file (``POST /dm/unlink``)."""
        await self._client._send(api.unlink(surl))

    async def rmdir(self, surl: str) -> None:
        """Delete an empty directory (``POST /dm/rmdir``)."""
        await self._client._send(api.rmdir(surl))

    async def rename(self, old: str, new: str) -> None:
        """Rename or move a file or directory within one storage (``POST /dm/rename``)."""
        await self._client._send(api.rename(old, new))
