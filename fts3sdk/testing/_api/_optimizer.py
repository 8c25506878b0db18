"""``/optimizer``: the optimizer flag, its current decisions per link and their history.

As on the real server, ``POST /optimizer/current`` checks no access level (even anonymous callers may write)
and echoes every key it was given on both answered objects, form values as strings, unknown keys included;
only the known columns are stored.
"""

from __future__ import annotations

from typing import Any

from fts3sdk.testing._api._jobs_write import input_as_dict
from fts3sdk.testing._server._wire import Ctx, HTTPError, WireResponse, json_response

__all__ = ["current", "enabled", "evolution", "set_current"]

EVOLUTION_LIMIT = 50
_INTS = {"active": 2, "nostreams": 1, "diff": 1, "actual_active": 1, "queue_size": 1}
_FLOATS = ("ema", "throughput", "success", "filesize_avg", "filesize_stddev")


def _filters(ctx: Ctx) -> tuple[str | None, str | None]:
    values = ctx.request.values
    return values.get("source_se") or None, values.get("dest_se") or None


def _matches(row: Any, source: str | None, destination: str | None) -> bool:
    return source in (None, row.source_se) and destination in (None, row.dest_se)


def enabled(ctx: Ctx) -> WireResponse:
    """``GET /optimizer``: the configuration flag, as a bare boolean."""
    return json_response(ctx.state.optimizer.enabled)


def evolution(ctx: Ctx) -> WireResponse:
    """``GET /optimizer/evolution``: the last 50 steps, newest first (same second: in the order they came)."""
    source, destination = _filters(ctx)
    rows = [row for row in ctx.state.optimizer.history.values() if _matches(row, source, destination)]
    rows.sort(key=lambda row: row.datetime or 0, reverse=True)
    return json_response([row.model_dump(mode="json") for row in rows[:EVOLUTION_LIMIT]])


def current(ctx: Ctx) -> WireResponse:
    """``GET /optimizer/current``: every link's current values, newest first (same second: by link)."""
    source, destination = _filters(ctx)
    rows = [row for _, row in sorted(ctx.state.optimizer.current.items()) if _matches(row, source, destination)]
    rows.sort(key=lambda row: row.datetime or 0, reverse=True)
    return json_response([row.model_dump(mode="json") for row in rows])


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, default in _INTS.items():
        try:
            values[name] = int(data.get(name, default))
        except (TypeError, ValueError) as exc:
            raise HTTPError(400, f"{name.capitalize()} must be an integer ({exc})") from None
        if values[name] < 0:
            raise HTTPError(400, f"{name.capitalize()} must be positive ({values[name]})")
    for name in _FLOATS:
        try:
            values[name] = float(data.get(name, 0))
        except (TypeError, ValueError) as exc:
            raise HTTPError(400, f"{name.capitalize()} must be a float ({exc})") from None
        if values[name] < 0:
            raise HTTPError(400, f"{name.capitalize()} must be positive ({values[name]})")
    return values


def set_current(ctx: Ctx) -> WireResponse:
    """``POST /optimizer/current``: store a decision for a link; answers ``[evolution, optimizer]`` as echoed."""
    from fts3sdk.models import Optimizer, OptimizerEvolution

    data = input_as_dict(ctx.request)
    source, destination = data.get("source_se"), data.get("dest_se")
    if not source or not destination:
        raise HTTPError(400, "Missing source and/or destination")
    values = _checked(data)
    now = ctx.state.now()
    link = {"source_se": source, "dest_se": destination, "datetime": now}
    known_current = {"ema", "active", "nostreams"}
    stored_current = Optimizer(**link, **{k: v for k, v in values.items() if k in known_current})
    step = {k: v for k, v in values.items() if k != "nostreams"} | {"rationale": data.get("rationale")}
    stored_step = OptimizerEvolution(**link, **step)
    state = ctx.state.optimizer
    state.current[(source, destination)] = stored_current
    state.history[(source, destination, now)] = stored_step
    echoed = [
        stored_step.model_dump(mode="json") | data,
        stored_current.model_dump(mode="json") | data,
    ]
    return json_response(echoed)
