"""``client.status``: what each FTS node is doing, sync and async."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fts3sdk.models import HostActivity
from fts3sdk.resources._endpoints import _admin as api

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = ["AsyncStatus", "Status"]


class Status:
    """What the FTS nodes are doing (``/status``); needs a certificate and the ``config`` access level."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def hosts(self) -> dict[str, HostActivity]:
        """Transfers and bring-online requests running per node (``GET /status/hosts``).

        Work without a host is counted under ``"null"``.
        """
        return self._client._send(api.host_activity())


class AsyncStatus:
    """What the FTS nodes are doing (``/status``); needs a certificate and the ``config`` access level."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def hosts(self) -> dict[str, HostActivity]:
        """Transfers and bring-online requests running per node (``GET /status/hosts``).

        Work without a host is counted under ``"null"``.
        """
        return await self._client._send(api.host_activity())
