"""Plain tables for the operators' commands (``config``, ``optimizer``): one row per item, ``-`` for nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from fts3sdk.cli._printing.output import console, print_json, when

if TYPE_CHECKING:
    from fts3sdk.cli._parsing.options import Connection

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
    """Print a table with ``headers``; columns named in ``right`` are right-aligned (numbers).

    Columns holding URLs wrap them only between their pieces (`fts3sdk.cli._printing.urls.FittedTable`).
    """
    from fts3sdk.cli._printing.urls import Column, FittedTable, looks_like_url

    values = [list(row) for row in rows]
    urls = {index for row in values for index, value in enumerate(row) if looks_like_url(value)}
    columns = [
        Column(header, justify="right" if header in right else "left", url=index in urls)
        for index, header in enumerate(headers)
    ]
    cells = [
        [str(value) if index in urls and looks_like_url(value) else cell(value) for index, value in enumerate(row)]
        for row in values
    ]
    console().print(FittedTable(columns, cells))


def emit(conn: Connection, value: object, show: Callable[[], object]) -> None:
    """Print ``value`` as JSON with ``--json``, else call ``show`` to print it for people."""
    if conn.json:
        print_json(value)
    else:
        show()
