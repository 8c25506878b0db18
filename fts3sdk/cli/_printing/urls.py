"""Tables holding URLs: a URL is wrapped after a ``/``, ``?``, ``&`` or ``#``, never in the middle of a name.

Rich folds a long word at any character and, when a table is too wide, narrows its wrapping columns without
regard to what they hold. `URLCell` wraps a URL between its pieces only, and `FittedTable` narrows the URL
columns only down to their widest piece; when even that does not fit the terminal, each row is printed as a
block of ``name value`` lines instead of a table, where every piece fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Union

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

__all__ = ["Column", "FittedTable", "URLCell", "looks_like_url", "url_pieces"]

_PIECES = re.compile(r"[^/?&#]*[/?&#]+|[^/?&#]+$")
_UNBOUNDED = 1_000_000

Cell = Union["Text", str, None]
"""A cell: styled text, or for a URL column the URL (``None``: shown as ``-``)."""


def url_pieces(url: str) -> list[str]:
    """``url`` cut after each ``/``, ``?``, ``&`` and ``#``: the places where it may be wrapped."""
    return _PIECES.findall(url) or [url]


def looks_like_url(value: object) -> bool:
    """Whether ``value`` is a URL to keep whole (``scheme://...``, no spaces)."""
    return isinstance(value, str) and "://" in value and not any(char.isspace() for char in value)


def _widest(url: str) -> int:
    return max(len(piece) for piece in url_pieces(url))


class URLCell:
    """A URL wrapped between its pieces (only a piece wider than the space it has is folded)."""

    def __init__(self, url: str) -> None:
        self.url = url
        """The URL shown."""

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement(_widest(self.url), len(self.url)).clamp(max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        lines = [""]
        for piece in url_pieces(self.url):
            if lines[-1] and len(lines[-1]) + len(piece) > options.max_width:
                lines.append("")
            lines[-1] += piece
        yield Text("\n".join(lines), overflow="fold")


@dataclass(frozen=True)
class Column:
    """A column of a `FittedTable`."""

    header: str
    justify: Literal["left", "right"] = "left"
    no_wrap: bool = False
    url: bool = False
    """Its cells are URLs (strings), wrapped between pieces."""


class FittedTable:
    """A table that keeps the names in its URLs whole at any terminal width (see the module docstring)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> None:
        self.columns = tuple(columns)
        self.rows = [tuple(row) for row in rows]

    def _urls(self, index: int) -> list[str]:
        return [str(row[index]) for row in self.rows if row[index]]

    def _table(self, widths: dict[int, int]) -> Table:
        from rich.table import Table

        table = Table(show_edge=False, header_style="bold")
        for index, column in enumerate(self.columns):
            table.add_column(
                column.header, justify=column.justify, no_wrap=column.no_wrap, width=widths.get(index), overflow="fold"
            )
        for row in self.rows:
            table.add_row(*(self._cell(column, value) for column, value in zip(self.columns, row, strict=True)))
        return table

    @staticmethod
    def _cell(column: Column, value: Cell) -> Text | URLCell:
        from rich.text import Text

        if column.url and isinstance(value, str) and value:
            return URLCell(value)
        return value if isinstance(value, Text) else Text("-" if value is None else str(value))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.measure import Measurement

        unbounded = options.update_width(_UNBOUNDED)
        rigid = {i: self._longest(i) for i, column in enumerate(self.columns) if column.no_wrap}
        urls = {index: self._urls(index) for index, column in enumerate(self.columns) if column.url}
        longest = {i: max([len(self.columns[i].header), *map(len, found)]) for i, found in urls.items()}
        widest = {i: min(max(map(_widest, found), default=1), longest[i]) for i, found in urls.items()}
        need = Measurement.get(console, unbounded, self._table({**rigid, **longest})).minimum - options.max_width
        slack = sum(longest.values()) - sum(widest.values())
        if need <= 0:
            yield self._table({**rigid, **longest})  # other columns wrap first: every URL stays on one line
        elif need <= slack:
            yield self._table({**rigid, **_narrowed(longest, widest, need)})
        else:
            yield from self._blocks()

    def _longest(self, index: int) -> int:
        return max([len(self.columns[index].header), *(len(str(row[index] or "-")) for row in self.rows)])

    def _blocks(self) -> RenderResult:
        from rich.table import Table
        from rich.text import Text

        for number, row in enumerate(self.rows):
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for column, value in zip(self.columns, row, strict=True):
                grid.add_row(Text(column.header), self._cell(column, value))
            if number:
                yield Text("")
            yield grid


def _narrowed(longest: dict[int, int], widest: dict[int, int], need: int) -> dict[int, int]:
    """URL column widths ``need`` characters narrower in all, each cut in proportion to its room."""
    room = {index: longest[index] - widest[index] for index in longest}
    total = sum(room.values())
    cuts = {index: space * need // total for index, space in room.items()}
    for index in sorted(room, key=lambda i: room[i] - cuts[i], reverse=True)[: need - sum(cuts.values())]:
        cuts[index] += 1  # the rounding remainder, from the columns with the most room left
    return {index: longest[index] - cuts[index] for index in longest}
