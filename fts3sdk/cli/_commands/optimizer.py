"""``fts3sdk optimizer``: the optimizer's flag, its current decisions per link, their history, and changing them."""

from __future__ import annotations

from typing import Annotated

from fts3sdk import Optimizer, OptimizerEvolution
from fts3sdk.cli._parsing.options import CONNECTION, Connection, with_options
from fts3sdk.cli._parsing.parser import Group
from fts3sdk.cli._parsing.spec import Arg, Opt
from fts3sdk.cli._printing.tables import emit, print_table

__all__ = ["optimizer_app"]

optimizer_app = Group(name="optimizer", help="The optimizer's decisions per link: current values and history.")
Source = Annotated[str | None, Opt("--source", help="Only links from this storage.")]
Destination = Annotated[str | None, Opt("--destination", help="Only links to this storage.")]
_CURRENT = ("Source", "Destination", "When (UTC)", "Active", "Streams", "EMA")
_HISTORY = ("When (UTC)", "Source", "Destination", "Active", "Actual", "Queue", "Throughput", "Success %", "Why")


def _current(rows: list[Optimizer]) -> None:
    cells = [(r.source_se, r.dest_se, r.datetime, r.active, r.nostreams, r.ema) for r in rows]
    print_table(_CURRENT, cells, right=_CURRENT[3:])


def _history(rows: list[OptimizerEvolution]) -> None:
    cells = [
        (
            r.datetime,
            r.source_se,
            r.dest_se,
            r.active,
            r.actual_active,
            r.queue_size,
            r.throughput,
            r.success,
            r.rationale,
        )
        for r in rows
    ]
    print_table(_HISTORY, cells, right=_HISTORY[3:8])


@with_options(CONNECTION)
def enabled(*, conn: Connection) -> None:
    """Say whether the server's optimizer is on."""
    with conn.client() as client:
        on = client.optimizer.enabled()
    emit(conn, {"enabled": on}, lambda: print("the optimizer is on" if on else "the optimizer is off"))


@with_options(CONNECTION)
def current(source: Source = None, destination: Destination = None, *, conn: Connection) -> None:
    """Show the optimizer's current decision per link, newest first."""
    with conn.client() as client:
        rows = client.optimizer.current(source_se=source, dest_se=destination)
    emit(conn, rows, lambda: _current(rows))


@with_options(CONNECTION)
def evolution(source: Source = None, destination: Destination = None, *, conn: Connection) -> None:
    """Show the optimizer's last 50 steps, newest first."""
    with conn.client() as client:
        rows = client.optimizer.evolution(source_se=source, dest_se=destination)
    emit(conn, rows, lambda: _history(rows))


@with_options(CONNECTION)
def set_values(
    source: Annotated[str, Arg(help="Source storage.")],
    destination: Annotated[str, Arg(help="Destination storage.")],
    active: Annotated[int | None, Opt("--active", min=0, help="Concurrent transfers (default 2).")] = None,
    nostreams: Annotated[int | None, Opt("--nostreams", min=0, help="Streams (default 1).")] = None,
    ema: Annotated[float | None, Opt("--ema", min=0, help="Throughput moving average.")] = None,
    throughput: Annotated[float | None, Opt("--throughput", min=0)] = None,
    success: Annotated[float | None, Opt("--success", min=0, help="Success rate, percent.")] = None,
    rationale: Annotated[str | None, Opt("--rationale", help="Why (kept in the history).")] = None,
    *,
    conn: Connection,
) -> None:
    """Store a decision for a link, as the optimizer would (the server checks no access level for it)."""
    with conn.client() as client:
        update = client.optimizer.set(
            source, destination, active=active, nostreams=nostreams, ema=ema, throughput=throughput,
            success=success, rationale=rationale,
        )  # fmt: skip
    emit(conn, update, lambda: _current([update.optimizer]))


optimizer_app.command("enabled")(enabled)
optimizer_app.command("current")(current)
optimizer_app.command("evolution")(evolution)
optimizer_app.command("set")(set_values)
