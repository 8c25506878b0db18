"""``client.optimizer``: the optimizer's current values and history per link, sync and async."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fts3sdk.models import Optimizer, OptimizerEvolution, OptimizerUpdate
from fts3sdk.resources._endpoints import _admin as api

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client

__all__ = ["AsyncOptimizerControl", "OptimizerControl"]


class OptimizerControl:
    """The optimizer's decisions per link (``/optimizer``); reading needs no particular access level."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def enabled(self) -> bool:
        """Whether the server's optimizer is on (``GET /optimizer``)."""
        return self._client._send(api.optimizer_enabled())

    def current(self, *, source_se: str | None = None, dest_se: str | None = None) -> list[Optimizer]:
        """The current decision per link, newest first (``GET /optimizer/current``), optionally for one link."""
        return self._client._send(api.optimizer_current(source_se, dest_se))

    def evolution(self, *, source_se: str | None = None, dest_se: str | None = None) -> list[OptimizerEvolution]:
        """The last 50 optimizer steps, newest first (``GET /optimizer/evolution``), optionally for one link."""
        return self._client._send(api.optimizer_evolution(source_se, dest_se))

    def set(
        self,
        source_se: str,
        dest_se: str,
        *,
        active: int | None = None,
        nostreams: int | None = None,
        ema: float | None = None,
        throughput: float | None = None,
        success: float | None = None,
        rationale: str | None = None,
        diff: int | None = None,
        actual_active: int | None = None,
        queue_size: int | None = None,
        filesize_avg: float | None = None,
        filesize_stddev: float | None = None,
    ) -> OptimizerUpdate:
        """Store a decision for a link, as the optimizer would (``POST /optimizer/current``).

        Gives the history step and the link's new current values. Values left ``None`` take the server's
        defaults (2 active, 1 stream, zeros); every value must be non-negative. The server checks no access
        level for this call: any authenticated client may change the optimizer's values.
        """
        values = {
            "active": active,
            "nostreams": nostreams,
            "ema": ema,
            "throughput": throughput,
            "success": success,
            "rationale": rationale,
            "diff": diff,
            "actual_active": actual_active,
            "queue_size": queue_size,
            "filesize_avg": filesize_avg,
            "filesize_stddev": filesize_stddev,
        }
        return self._client._send(api.set_optimizer(source_se, dest_se, values))


class AsyncOptimizerControl:
    """The optimizer's decisions per link (``/optimizer``); reading needs no particular access level."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def enabled(self) -> bool:
        """Whether the server's optimizer is on (``GET /optimizer``)."""
        return await self._client._send(api.optimizer_enabled())

    async def current(self, *, source_se: str | None = None, dest_se: str | None = None) -> list[Optimizer]:
        """The current decision per link, newest first (``GET /optimizer/current``), optionally for one link."""
        return await self._client._send(api.optimizer_current(source_se, dest_se))

    async def evolution(self, *, source_se: str | None = None, dest_se: str | None = None) -> list[OptimizerEvolution]:
        """The last 50 optimizer steps, newest first (``GET /optimizer/evolution``), optionally for one link."""
        return await self._client._send(api.optimizer_evolution(source_se, dest_se))

    async def set(
        self,
        source_se: str,
        dest_se: str,
        *,
        active: int | None = None,
        nostreams: int | None = None,
        ema: float | None = None,
        throughput: float | None = None,
        success: float | None = None,
        rationale: str | None = None,
        diff: int | None = None,
        actual_active: int | None = None,
        queue_size: int | None = None,
        filesize_avg: float | None = None,
        filesize_stddev: float | None = None,
    ) -> OptimizerUpdate:
        """Store a decision for a link, as the optimizer would (``POST /optimizer/current``).

        Gives the history step and the link's new current values. Values left ``None`` take the server's
        defaults (2 active, 1 stream, zeros); every value must be non-negative. The server checks no access
        level for this call: any authenticated client may change the optimizer's values.
        """
        values = {
            "active": active,
            "nostreams": nostreams,
            "ema": ema,
            "throughput": throughput,
            "success": success,
            "rationale": rationale,
            "diff": diff,
            "actual_active": actual_active,
            "queue_size": queue_size,
            "filesize_avg": filesize_avg,
            "filesize_stddev": filesize_stddev,
        }
        return await self._client._send(api.set_optimizer(source_se, dest_se, values))
