"""Plain tables for the operators' commands (``config``, ``optimizer``): one row per item, ``-`` for nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from fts3sdk.cli._output import console, print_json, when

if TYPE_CHECKING:
    from fts3sdk.cli._options import Connection

__all__ = ["cell", "emit", "print_table"]


def cell(value: object) -> str:
    """A value as a table cell: ``-`` for None, yes/no for booleans, UTC times without a zone."""
    from datetime import datetime

    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, right: Sequence[str] = ()) -> None:
    """Print a table with ``headers``; columns named in ``right`` are right-aligned (numbers)."""
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    for header in headers:
        table.add_column(header, justify="right" if header in right else "left", overflow="fold")
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    console().print(table)


def emit(conn: Connection, value: object, show: Callable[[], object]) -> None:
    """Print ``value`` as JSON with ``--json``, else call ``show`` to print it for people."""
    if conn.json:
        print_json(value)
    else:
        show()
