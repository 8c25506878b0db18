"""Printing: JSON for scripts, rich tables and key/value panels for people, the colours of states."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console
    from rich.text import Text

    from fts3sdk import File, Job
    from fts3sdk.cli._printing.urls import FittedTable

__all__ = [
    "console",
    "file_table",
    "iso_utc",
    "job_summary",
    "jobs_table",
    "jsonable",
    "model_jsonable",
    "print_json",
    "plain_pairs",
    "print_pairs",
    "rich_pairs",
    "Styled",
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


def iso_utc(moment: datetime) -> str:
    """A time in ISO 8601 with its UTC offset as ``Z``: ``2026-03-01T12:00:00Z`` (what ``jq``'s date functions read)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: models dumped as ``model_dump(mode="json")`` does, but every time with its offset.

    The models write times as the server does (naive UTC, for exact round trips); scripts reading our
    output should not have to know that, so each time is written as `iso_utc` gives it.
    """
    pydantic = sys.modules.get("pydantic")  # only a loaded pydantic can have made a model: never imported for this
    if pydantic is not None and isinstance(value, pydantic.BaseModel):
        return model_jsonable(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime):
        return iso_utc(value)
    return value


def model_jsonable(model: BaseModel, *, exclude_unset: bool = False) -> Any:
    """``model.model_dump(mode="json")`` with every time written as `iso_utc` gives it."""
    return _with_offsets(
        model.model_dump(mode="json", exclude_unset=exclude_unset), model.model_dump(exclude_unset=exclude_unset)
    )


def _with_offsets(dumped: Any, python: Any) -> Any:
    # The two dumps of one model have the same shape; where the Python one holds a datetime, write it with "Z".
    if isinstance(python, datetime):
        return iso_utc(python)
    if isinstance(dumped, dict) and isinstance(python, dict):
        return {key: _with_offsets(item, python.get(key)) for key, item in dumped.items()}
    if isinstance(dumped, list) and isinstance(python, (list, tuple)) and len(dumped) == len(python):
        return [_with_offsets(item, original) for item, original in zip(dumped, python, strict=True)]
    return dumped


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


class Styled(str):
    """A string shown in a rich ``style`` on a terminal (plain when piped): a value of `print_pairs`, rich unneeded."""

    style: str

    def __new__(cls, text: object, style: str) -> Styled:
        made = super().__new__(cls, text)
        made.style = style
        return made


def _cell(value: object) -> Text:
    from rich.text import Text

    if isinstance(value, Styled):
        return Text(str.__str__(value), style=value.style)
    return value if isinstance(value, Text) else Text("-" if value is None else str(value))


def when(moment: datetime | None) -> str:
    """A UTC time as ``YYYY-MM-DD HH:MM:SS``, or ``-``."""
    if moment is None:
        return "-"
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def print_pairs(pairs: Iterable[tuple[str, object]], *, title: str | None = None) -> None:
    """Print aligned ``name  value`` lines, skipping empty values; a URL value wraps only between its pieces."""
    rows: list[tuple[str, object]] = []
    for name, value in pairs:
        if value is None or value == "" or value == []:
            continue
        rows.append((name, ", ".join(map(str, value)) if isinstance(value, list) else value))
    plain = plain_pairs(rows, title)
    if plain is not None and not _styled(sys.stdout):
        sys.stdout.write(plain)
        sys.stdout.flush()
    else:
        rich_pairs(rows, title)


def rich_pairs(rows: Sequence[tuple[str, object]], title: str | None = None) -> None:
    """Print ``rows`` (name, value: none empty) with rich, as a grid."""
    from rich.table import Table

    from fts3sdk.cli._printing.urls import URLCell, looks_like_url

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for name, text in rows:
        grid.add_row(_cell(name), URLCell(text) if isinstance(text, str) and looks_like_url(text) else _cell(text))
    out = console()
    if title:
        out.print(_cell(title), style="bold")
    out.print(grid)


def plain_pairs(rows: Sequence[tuple[str, object]], title: str | None = None) -> str | None:
    """What `print_pairs` prints when piped, made without rich; ``None`` where only rich lays it out (wrapping).

    That is when every name and value is printable ASCII on one line and the widest row fits the plain width:
    then rich's grid is each name padded to the widest, two spaces, each value padded to the widest.
    """
    names = [str(name) for name, _ in rows]
    values = ["-" if value is None else str(value) for _, value in rows]
    texts = [*names, *values, *([title] if title else [])]
    if not rows or not all(text.isascii() and text.isprintable() for text in texts):
        return None
    name_width, value_width = max(map(len, names)), max(map(len, values))
    if name_width + 2 + value_width > _PLAIN_WIDTH:
        return None
    lines = [f"{name.ljust(name_width)}  {value.ljust(value_width)}" for name, value in zip(names, values, strict=True)]
    return "".join(f"{line}\n" for line in ([title] if title else []) + lines)


def _styled(stream: Any) -> bool:
    """Whether rich would treat ``stream`` as a terminal (colours, its width), as its `Console` decides."""
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR") or "IPython" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def jobs_table(jobs: Sequence[Job]) -> FittedTable:
    """A table of jobs: id, state, VO, submit time, source and destination storage."""
    from fts3sdk.cli._printing.urls import Column, FittedTable

    columns = [
        Column("Job id", no_wrap=True),
        Column("State"),
        Column("VO"),
        Column("Submitted (UTC)", no_wrap=True),
        Column("Source SE", url=True),
        Column("Destination SE", url=True),
    ]
    rows = [
        (job.job_id, styled_state(job.job_state), job.vo_name, when(job.submit_time), job.source_se, job.dest_se)
        for job in jobs
    ]
    return FittedTable(columns, rows)


def file_table(files: Sequence[File]) -> FittedTable:
    """A table of the transfers of a job: id, state, source, destination, size, throughput, reason."""
    from fts3sdk.cli._printing.urls import Column, FittedTable

    columns = [
        Column("File", justify="right", no_wrap=True),
        Column("State"),
        Column("Source", url=True),
        Column("Destination", url=True),
        Column("Size", justify="right", no_wrap=True),
        Column("MiB/s", justify="right", no_wrap=True),
        Column("Reason"),
    ]
    rows = []
    for item in files:
        speed = rate(item)
        throughput = f"{speed:.1f}" if speed is not None else "-"
        size_text = size(item.filesize or item.user_filesize)
        state = styled_state(item.file_state)
        rows.append((str(item.file_id), state, item.source_surl, item.dest_surl, size_text, throughput, item.reason))
    return FittedTable(columns, rows)


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
        ("State", Styled(job.job_state, state_style(job.job_state))),
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
