"""Printing: JSON for scripts, rich tables and key/value panels for people, the colours of states."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from fts3sdk import File, Job

__all__ = [
    "console",
    "file_table",
    "job_summary",
    "jobs_table",
    "print_json",
    "print_pairs",
    "state_style",
    "when",
]

_STYLES = {
    "FINISHED": "green",
    "FINISHEDDIRTY": "yellow",
    "FAILED": "red",
    "CANCELED": "magenta",
    "ACTIVE": "cyan",
    "STARTED": "cyan",
    "STAGING": "cyan",
    "ARCHIVING": "cyan",
    "SUBMITTED": "blue",
    "READY": "blue",
}
_PLAIN_WIDTH = 160


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr): colours on a terminal, wide plain text when piped."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    return Console(file=stream, width=None if terminal else _PLAIN_WIDTH, highlight=False, soft_wrap=not terminal)


def jsonable(value: Any) -> Any:
    """Models dumped with ``model_dump(mode="json")``, recursively through lists and dicts."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout (no colours, no wrapping: for ``jq`` and scripts)."""
    sys.stdout.write(json.dumps(jsonable(value), indent=2) + "\n")
    sys.stdout.flush()


def state_style(state: object) -> str:
    """The colour of a job or file state."""
    return _STYLES.get(str(state), "default")


def styled_state(state: object) -> Text:
    """A state in its colour."""
    from rich.text import Text

    return Text(str(state), style=state_style(state))


def _cell(value: object) -> Text:
    from rich.text import Text

    return value if isinstance(value, Text) else Text("-" if value is None else str(value))


def when(moment: datetime | None) -> str:
    """A UTC time as ``YYYY-MM-DD HH:MM:SS``, or ``-``."""
    if moment is None:
        return "-"
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def print_pairs(pairs: Iterable[tuple[str, object]], *, title: str | None = None) -> None:
    """Print aligned ``name  value`` lines, skipping empty values."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for name, value in pairs:
        if value is None or value == "" or value == []:
            continue
        grid.add_row(_cell(name), _cell(", ".join(map(str, value)) if isinstance(value, list) else value))
    out = console()
    if title:
        out.print(_cell(title), style="bold")
    out.print(grid)


def jobs_table(jobs: Sequence[Job]) -> Table:
    """A table of jobs: id, state, VO, submit time, source and destination storage."""
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    for column in ("Job id", "State", "VO", "Submitted (UTC)", "Source SE", "Destination SE"):
        table.add_column(column, no_wrap=column in ("Job id", "Submitted (UTC)"))
    for job in jobs:
        cells = (
            job.job_id,
            styled_state(job.job_state),
            job.vo_name,
            when(job.submit_time),
            job.source_se,
            job.dest_se,
        )
        table.add_row(*map(_cell, cells))
    return table


def file_table(files: Sequence[File]) -> Table:
    """A table of the transfers of a job: id, state, source, destination, size, throughput, reason."""
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    for column in ("File", "State", "Source", "Destination", "Size", "MiB/s", "Reason"):
        right = column in ("File", "Size", "MiB/s")
        table.add_column(column, justify="right" if right else "left", overflow="fold", no_wrap=right)
    for item in files:
        speed = rate(item)
        throughput = f"{speed:.1f}" if speed is not None else "-"
        size_text = size(item.filesize or item.user_filesize)
        cells = (item.file_id, styled_state(item.file_state), item.source_surl, item.dest_surl, size_text, throughput)
        table.add_row(*map(_cell, cells), _cell(item.reason or ""))
    return table


def rate(item: File) -> float | None:
    """MiB/s of a finished transfer, from its size and duration (the server's own ``throughput`` has no fixed unit)."""
    moved = item.filesize or item.user_filesize
    if item.file_state != "FINISHED" or not moved or not item.tx_duration:
        return None
    return moved / item.tx_duration / 2**20


def size(value: float | None) -> str:
    """A byte count in binary units (``1.5 GiB``), or ``-``."""
    if not value:
        return "-"
    amount = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if amount < 1024 or unit == "TiB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} PiB"  # pragma: no cover - the loop always returns


def job_summary(job: Job) -> list[tuple[str, object]]:
    """The lines that describe one job for people."""
    finished = f"{when(job.job_finished)} UTC" if job.job_finished else None
    return [
        ("Job", job.job_id),
        ("State", styled_state(job.job_state)),
        ("Reason", job.reason),
        ("VO", job.vo_name),
        ("Submitted by", job.user_dn),
        ("Submitted", f"{when(job.submit_time)} UTC"),
        ("Finished", finished),
        ("Source SE", job.source_se),
        ("Destination SE", job.dest_se),
        ("Priority", job.priority),
        ("Metadata", json.dumps(job.job_metadata) if job.job_metadata else None),
    ]
