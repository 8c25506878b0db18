"""The optimizer's decisions per link (``/optimizer``): current values and their history."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from fts3sdk.models._types import FTSModel, UTCDateTime

__all__ = ["Optimizer", "OptimizerEvolution", "OptimizerUpdate"]


class Optimizer(FTSModel):
    """The optimizer's current decision for one link (``GET /optimizer/current``)."""

    source_se: str
    """Source storage."""
    dest_se: str
    """Destination storage."""
    datetime: UTCDateTime | None = None
    """When the decision was made."""
    active: int | None = None
    """Concurrent transfers allowed on the link."""
    nostreams: int | None = None
    """Streams per transfer."""
    ema: float | None = None
    """Exponential moving average of the throughput."""


class OptimizerEvolution(FTSModel):
    """One step of the optimizer's history for a link (``GET /optimizer/evolution``, newest first)."""

    source_se: str
    """Source storage."""
    dest_se: str
    """Destination storage."""
    datetime: UTCDateTime | None = None
    """When the step was taken."""
    active: int | None = None
    """Concurrent transfers decided."""
    ema: float | None = None
    """Exponential moving average of the throughput."""
    throughput: float | None = None
    """Throughput measured."""
    success: float | None = None
    """Success rate measured (percent)."""
    rationale: str | None = None
    """Why the optimizer decided so."""
    diff: int | None = None
    """Change of the number of concurrent transfers."""
    actual_active: int | None = None
    """Transfers actually running."""
    queue_size: int | None = None
    """Transfers queued on the link."""
    filesize_avg: float | None = None
    """Average file size."""
    filesize_stddev: float | None = None
    """Standard deviation of the file sizes."""


_OPTIMIZER_ONLY = frozenset(Optimizer.model_fields) - frozenset(OptimizerEvolution.model_fields)
_EVOLUTION_ONLY = frozenset(OptimizerEvolution.model_fields) - frozenset(Optimizer.model_fields)


class OptimizerUpdate(FTSModel):
    """What ``POST /optimizer/current`` stored: the history step and the new current values.

    The server answers ``[evolution, optimizer]`` and echoes every key it was given on *both* objects; each
    side keeps here only the fields that belong to it. Keys the server does not know are echoed (and kept in
    ``model_extra``) although nothing stores them.
    """

    evolution: OptimizerEvolution
    """The step added to the history."""
    optimizer: Optimizer
    """The current values of the link."""

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        if isinstance(data, list) and len(data) == 2 and all(isinstance(item, dict) for item in data):
            evolution, optimizer = data
            return {
                "evolution": {k: v for k, v in evolution.items() if k not in _OPTIMIZER_ONLY},
                "optimizer": {k: v for k, v in optimizer.items() if k not in _EVOLUTION_ONLY},
            }
        return data
