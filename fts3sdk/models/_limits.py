"""What the FTS server can store and accept, in one place: its database columns and the API's own ranges.

The typed client refuses a value beyond these before any request (`JobSpec`, `Transfer`, ``jobs.modify``, the
command line through them); `fts3sdk.testing` answers such a value as the real server does (a 500 where the
database refuses it). How the limits were found:

* the column types of FTS schema 9.1.0 (``t_job``, ``t_file``), the schema fts-rest-flask 3.13.4 writes: ``INT``
  is 32-bit signed, ``BIGINT`` 64-bit signed, ``VARCHAR(n)``/``CHAR(n)`` hold *n* characters, ``TEXT`` 65535
  bytes, and the tables are ``latin1``;
* recordings of the real server (MariaDB in its default strict mode, where a value that does not fit is an error,
  not a silent truncation): ``retry`` = 10^12 and ``filesize`` = 10^20 are 500s, so is a URL holding characters
  outside Latin-1; ``jobs.modify`` stores any ``int`` priority (no 1..5 clamp), up to the column's range.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

__all__ = [
    "BIGINT",
    "FILESIZE",
    "FILE_COLUMNS",
    "INT",
    "JOB_COLUMNS",
    "LIST_LIMIT",
    "MAX_URL_LENGTH",
    "PRIORITY",
    "SCITAG",
    "TRANSFER_OPTION",
    "Column",
    "Range",
    "expiry_problem",
    "latin1_problem",
    "strict_int_problem",
    "url_text_problem",
]


@dataclass(frozen=True)
class Range:
    """An inclusive range of integers."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.low}..{self.high}"


INT = Range(-(2**31), 2**31 - 1)
"""MySQL ``INT``: every integer column of ``t_job`` and most of ``t_file``."""
BIGINT = Range(-(2**63), 2**63 - 1)
"""MySQL ``BIGINT``: ``t_file.user_filesize`` and ``filesize``."""
TEXT_BYTES = 65535
"""MySQL ``TEXT``: the metadata columns."""

PRIORITY = Range(1, 5)
"""Job priority: the server clamps a submitted one into this range, and stores a modified one as given."""
SCITAG = Range(65, 65535)
"""SciTag flow labels the server accepts (400 otherwise)."""
LIST_LIMIT = Range(0, 500)
"""``GET /jobs?limit=``: the server refuses other values (400)."""
FILESIZE = Range(0, 2**53)
"""File sizes: the server stores ``float(filesize)``, exact up to 2**53 (9 PiB); beyond it stores another number,
and past the last double below 2**63 its ``BIGINT`` column refuses it (a 500)."""
TRANSFER_OPTION = Range(0, INT.high)
"""``timeout``, ``nostreams``, ``buffer_size``: written into ``t_job.internal_job_params`` (``VARCHAR(255)``)
and read back as integers by the transfer daemon; kept to the range of the integer columns."""

ColumnType = Literal["int", "bigint", "varchar", "char", "text"]


@dataclass(frozen=True)
class Column:
    """One column of the server's database and what it can hold."""

    table: str
    name: str
    type: ColumnType
    length: int | None = None
    """Characters of a ``VARCHAR``/``CHAR``; bytes of a ``TEXT``."""

    @property
    def qualified(self) -> str:
        """``t_job.retry``."""
        return f"{self.table}.{self.name}"

    @property
    def range(self) -> Range | None:
        """The integers the column holds (None for text columns)."""
        return {"int": INT, "bigint": BIGINT}.get(self.type)

    def problem(self, value: object) -> str | None:
        """Why the database cannot store ``value`` here (None when it fits, or is NULL)."""
        if value is None:
            return None
        bounds = self.range
        if bounds is not None:
            if isinstance(value, float):
                value = round(value)
            if isinstance(value, int) and value not in bounds and not isinstance(value, bool):
                return f"{value} is out of the range of {self.qualified} ({bounds})"
            return None
        if not isinstance(value, str):
            return None
        if self.type == "text":
            return None if len(value.encode("latin-1", "replace")) <= TEXT_BYTES else f"longer than {self.qualified}"
        if value.isascii() and (self.length is None or len(value) <= self.length):
            return None
        problem = latin1_problem(value)
        if problem is not None:
            return f"{problem} ({self.qualified} is latin1)"
        if self.length is not None and len(value) > self.length:
            return f"{len(value)} characters, longer than {self.qualified} ({self.length})"
        return None


def _columns(table: str, *specs: tuple[str, ColumnType, int | None]) -> dict[str, Column]:
    return {name: Column(table, name, kind, length) for name, kind, length in specs}


JOB_COLUMNS = _columns(
    "t_job",
    ("job_type", "char", 1), ("source_se", "varchar", 255), ("dest_se", "varchar", 255),
    ("user_dn", "varchar", 1024), ("cred_id", "char", 16), ("vo_name", "varchar", 50), ("reason", "varchar", 2048),
    ("priority", "int", None), ("submit_host", "varchar", 255), ("max_time_in_queue", "int", None),
    ("space_token", "varchar", 255), ("internal_job_params", "varchar", 255), ("overwrite_flag", "char", 1),
    ("source_space_token", "varchar", 255), ("copy_pin_lifetime", "int", None), ("checksum_method", "char", 1),
    ("bring_online", "int", None), ("retry", "int", None), ("retry_delay", "int", None),
    ("target_qos", "varchar", 255), ("job_metadata", "text", TEXT_BYTES), ("archive_timeout", "int", None),
)  # fmt: skip
"""``t_job`` columns a submission writes, by the server's attribute name (schema 9.1.0)."""

FILE_COLUMNS = _columns(
    "t_file",
    ("file_index", "int", None), ("source_surl", "varchar", 1100), ("dest_surl", "varchar", 1100),
    ("source_se", "varchar", 255), ("dest_se", "varchar", 255), ("checksum", "varchar", 100),
    ("user_filesize", "bigint", None), ("file_metadata", "text", TEXT_BYTES), ("selection_strategy", "char", 32),
    ("vo_name", "varchar", 50), ("activity", "varchar", 255), ("priority", "int", None),
    ("staging_metadata", "text", TEXT_BYTES), ("archive_metadata", "text", TEXT_BYTES), ("scitag", "int", None),
)  # fmt: skip
"""``t_file`` columns a submission writes (schema 9.1.0)."""

MAX_URL_LENGTH = FILE_COLUMNS["source_surl"].length or 0
"""Longest source or destination URL the server stores (``t_file.source_surl``/``dest_surl``)."""
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]*")


def latin1_problem(text: str) -> str | None:
    """Why a latin1 column cannot hold ``text``: the first character outside Latin-1, if any."""
    for char in text:
        if ord(char) > 0xFF:
            return f"holds {char!r} (U+{ord(char):04X}), outside Latin-1"
    return None


def url_text_problem(url: str) -> str | None:
    """Why ``url`` cannot be sent as it is (None when it can): the checks before the server's own.

    URLs go on the wire as they are, in printable ASCII: a control character or surrounding blank would be
    stripped or kept by the server in ways the caller does not see, and characters outside ASCII make it fail
    (percent-encode them, e.g. ``%C3%BC`` for ``ü``). The length is that of its column.
    """
    if len(url) <= MAX_URL_LENGTH and _PRINTABLE_ASCII.fullmatch(url):
        return None
    if url != url.strip():
        return "surrounding whitespace: remove it (the server would strip it and store another URL)"
    for char in url:
        if ord(char) < 0x21 or ord(char) == 0x7F:
            return f"control character or blank {char!r} inside: percent-encode it (e.g. {_percent(char)})"
        if ord(char) > 0x7E:
            return f"non-ASCII character {char!r}: percent-encode it (e.g. {_percent(char)}); the server fails on it"
    if len(url) > MAX_URL_LENGTH:
        return f"{len(url)} characters, longer than the server stores ({MAX_URL_LENGTH})"
    return None


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def strict_int_problem(value: object) -> str | None:
    """Why ``value`` is not an integer as given (``True`` and ``"3"`` are not: they would be coerced)."""
    if isinstance(value, bool):
        return f"must be a whole number, not a boolean (got {value!r})"
    if isinstance(value, int):
        return None
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return f"must be a whole number, not the text {value!r}"
    return f"must be a whole number (got {value!r})"


def expiry_problem(seconds: int, *, now: float | None = None) -> str | None:
    """Why a queue timeout of ``seconds`` from now cannot be stored (None when it can).

    The server keeps the absolute expiry (UNIX seconds) in ``t_job.max_time_in_queue``, an ``INT``.
    """
    start = int(time.time() if now is None else now)
    if start + seconds <= INT.high:
        return None
    end = datetime.fromtimestamp(INT.high, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{seconds} s from now ends after {end}, beyond t_job.max_time_in_queue (a 32-bit UNIX time)"
