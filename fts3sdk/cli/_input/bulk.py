"""Reading many transfers from a file: the official bulk JSON, CSV, or one ``source destination`` per line."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fts3sdk.cli._input.problems import InputError, Location, dotted

__all__ = ["Bulk", "BulkFormat", "read_bulk"]

BulkFormat = Literal["auto", "json", "csv", "lines"]
_COLUMNS = ("source", "destination", "checksum", "filesize")
_LINE_COLUMNS: Mapping[str, str] = {"sources": "source", "destinations": "destination"}


@dataclass(frozen=True)
class Bulk:
    """Transfers read from a bulk file, and how the file names them, so problems are reported its way."""

    files: list[Any]
    """The ``files`` of a ``POST /jobs`` body."""
    params: dict[str, Any] = field(default_factory=dict)
    """Job parameters given in the file (JSON ``params``)."""
    labels: tuple[str, ...] = ()
    """The file's name for each transfer: ``files[0]`` (JSON, counted from 0 as jq does) or ``line 3``."""
    columns: Mapping[str, str] | None = None
    """For CSV and plain lines: transfer field -> column name (``sources`` is the ``source`` column)."""

    def body(self) -> dict[str, Any]:
        """The ``POST /jobs`` body: ``{"files": [...], "params": {...}}``."""
        return {"files": self.files, "params": self.params}

    def where(self, index: int, rest: Location) -> str:
        """The file's name for part ``rest`` of transfer ``index``: ``files[2].destinations``, ``line 3: source``."""
        label = self.labels[index] if index < len(self.labels) else f"transfer {index + 1}"
        if not rest:
            return label
        if self.columns is None:
            return f"{label}.{dotted(rest)}"
        head, *tail = rest
        column = self.columns.get(str(head), str(head))
        return f"{label}: {dotted((column, *tail))}"


def read_bulk(path: Path, fmt: BulkFormat = "auto") -> Bulk:
    """Read ``path`` (``-`` for stdin) into the transfers and parameters of a job.

    JSON is the official client's bulk format (``files`` or ``Files``, optional ``params``); CSV rows are
    ``source,destination[,checksum[,filesize]]`` with an optional header; plain lines are
    ``source destination [checksum [filesize]]``. Blank lines and ``#`` comments are skipped. Raises
    InputError naming every malformed line, OSError when the file cannot be read.
    """
    text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    chosen = _guess(path, text) if fmt == "auto" else fmt
    if chosen == "json":
        return _from_json(text)
    rows = list(_csv_rows(text) if chosen == "csv" else _line_rows(text))
    problems = [problem for number, fields in rows if (problem := _row_problem(number, fields))]
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError([f"{'stdin' if str(path) == '-' else path}: no transfers found"])
    files = [_transfer(fields) for _, fields in rows]
    return Bulk(files, labels=tuple(f"line {number}" for number, _ in rows), columns=_LINE_COLUMNS)


def _guess(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    first = next((line for line in stripped.splitlines() if line.strip() and not line.startswith("#")), "")
    return "csv" if "," in first and " " not in first.strip() else "lines"


def _from_json(text: str) -> Bulk:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError([f"not valid JSON: {exc}"]) from None
    key = "files"
    if isinstance(data, list):
        data, key = {"files": data}, ""
    if not isinstance(data, dict):
        raise InputError(['a bulk JSON file holds an object {"files": [...], "params": {...}}'])
    if "files" not in data and "Files" in data:
        key = "Files"
    unknown = sorted(str(name) for name in data if name not in ("files", "Files", "params"))
    if unknown:
        raise InputError([f'unknown key(s) {", ".join(unknown)}: a bulk JSON file holds "files" and "params"'])
    files = data.get(key or "files")
    if not isinstance(files, list) or not files:
        raise InputError(['a bulk JSON file needs a non-empty "files" list'])
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise InputError(['"params" must be an object'])
    return Bulk(files, params, labels=tuple(f"{key}[{index}]" for index in range(len(files))))


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in _content_lines(text):
        fields = [field.strip() for field in next(csv.reader(io.StringIO(line)))]
        if number == 1 and fields and fields[0].lower() in ("source", "src", "source_surl"):
            continue
        yield number, _trimmed(fields)


def _line_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in _content_lines(text):
        yield number, line.split()


def _trimmed(fields: list[str]) -> list[str]:
    fields = list(fields)
    while fields and not fields[-1]:
        fields.pop()
    return fields


def _row_problem(number: int, fields: list[str]) -> str | None:
    if not 2 <= len(fields) <= len(_COLUMNS):
        return f"line {number}: expected source, destination[, checksum[, filesize]], got {len(fields)} field(s)"
    if len(fields) > 3:
        try:
            int(fields[3])
        except ValueError:
            return f"line {number}: filesize: must be a whole number of bytes (got {fields[3]!r})"
    return None


def _transfer(fields: list[str]) -> dict[str, Any]:
    transfer: dict[str, Any] = {"sources": [fields[0]], "destinations": [fields[1]]}
    if len(fields) > 2 and fields[2]:
        transfer["checksum"] = fields[2]
    if len(fields) > 3:
        transfer["filesize"] = int(fields[3])
    return transfer
