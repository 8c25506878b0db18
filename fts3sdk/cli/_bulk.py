"""Reading many transfers from a file: the official bulk JSON, CSV, or one ``source destination`` per line."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

__all__ = ["BulkFormat", "read_bulk"]

BulkFormat = Literal["auto", "json", "csv", "lines"]
_COLUMNS = ("source", "destination", "checksum", "filesize")


def read_bulk(path: Path, fmt: BulkFormat = "auto") -> dict[str, Any]:
    """Read ``path`` (``-`` for stdin) into a ``POST /jobs`` body: ``{"files": [...], "params": {...}}``.

    JSON is the official client's bulk format (``files`` or ``Files``, optional ``params``); CSV rows are
    ``source,destination[,checksum[,filesize]]`` with an optional header; plain lines are
    ``source destination [checksum [filesize]]``. Blank lines and ``#`` comments are skipped. Raises
    ValueError naming the line of a malformed entry, OSError when the file cannot be read.
    """
    text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    chosen = _guess(path, text) if fmt == "auto" else fmt
    if chosen == "json":
        return _from_json(text)
    rows = _csv_rows(text) if chosen == "csv" else _line_rows(text)
    files = [_transfer(number, fields) for number, fields in rows]
    if not files:
        raise ValueError(f"{path}: no transfers found")
    return {"files": files, "params": {}}


def _guess(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    first = next((line for line in stripped.splitlines() if line.strip() and not line.startswith("#")), "")
    return "csv" if "," in first and " " not in first.strip() else "lines"


def _from_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if isinstance(data, list):
        data = {"files": data}
    if not isinstance(data, dict):
        raise ValueError('a bulk JSON file holds an object {"files": [...], "params": {...}}')
    files = data.get("files", data.get("Files"))
    if not isinstance(files, list) or not files:
        raise ValueError('a bulk JSON file needs a non-empty "files" list')
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise ValueError('"params" must be an object')
    return {"files": files, "params": params}


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in _content_lines(text):
        fields = [field.strip() for field in next(csv.reader(io.StringIO(line)))]
        if number == 1 and fields and fields[0].lower() in ("source", "src", "source_surl"):
            continue
        yield number, fields


def _line_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in _content_lines(text):
        yield number, line.split()


def _transfer(number: int, fields: list[str]) -> dict[str, Any]:
    fields = list(fields)
    while fields and not fields[-1]:
        fields.pop()
    if not 2 <= len(fields) <= len(_COLUMNS):
        raise ValueError(
            f"line {number}: expected source, destination[, checksum[, filesize]], got {len(fields)} field(s)"
        )
    transfer: dict[str, Any] = {"sources": [fields[0]], "destinations": [fields[1]]}
    if len(fields) > 2 and fields[2]:
        transfer["checksum"] = fields[2]
    if len(fields) > 3:
        try:
            transfer["filesize"] = int(fields[3])
        except ValueError:
            raise ValueError(f"line {number}: filesize {fields[3]!r} is not an integer") from None
    return transfer
