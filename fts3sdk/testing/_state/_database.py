"""What the server's database refuses when a submission is inserted, with the answers the server then gives.

fts-rest-flask inserts the ``t_job`` row, then the ``t_file`` rows, through SQLAlchemy 1.4 on MariaDB in strict
mode. A value a column cannot hold (`fts3sdk.models._limits`) is a ``DataError``: the server answers 500. The job
id already taken is a 409 (``The sid provided by the user is duplicated``). A transfer token that is not in
``t_token`` (token rows are written only for token submissions) breaks a foreign key: the server answers 409 with
SQLAlchemy's text of the error, SQL statement and parameters included, as this module writes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fts3sdk.models._limits import FILE_COLUMNS, JOB_COLUMNS, Column
from fts3sdk.testing._server._wire import INTERNAL_ERROR, HTTPError

if TYPE_CHECKING:
    from fts3sdk.testing._state._store import State

__all__ = ["check_insert", "check_priority"]

_JOB_COLUMN_OF = {"verify_checksum": "checksum_method", "source_spacetoken": "source_space_token"}
_JOB_COLUMN_OF["destination_spacetoken"] = "space_token"
_FILE_INSERT_COLUMNS = (
    "hashed_id", "file_index", "job_id", "dest_surl_uuid", "vo_name", "source_se", "dest_se", "priority",
    "file_state", "source_surl", "dest_surl", "checksum", "user_filesize", "file_metadata", "staging_metadata",
    "archive_metadata", "selection_strategy", "activity", "scitag", "src_token_id", "dst_token_id",
    "file_state_initial",
)  # fmt: skip
"""The columns of the server's ``t_file`` insert, in its order (the order of its model)."""
_MAX_PARAMETER_SETS = 10
_MAX_CHARS = 300


def _stored(column: Column, value: Any) -> Any:
    # What reaches the column: JSON columns hold the JSON text, string columns the text of any scalar.
    if value is None or column.range is not None:
        return value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value if isinstance(value, str) else str(value)


def _row_fits(columns: Mapping[str, Column], row: Mapping[str, Any], names: Mapping[str, str]) -> bool:
    for key, value in row.items():
        column = columns.get(names.get(key, key))
        if column is not None and column.problem(_stored(column, value)) is not None:
            return False
    return True


def check_insert(state: State, job: Mapping[str, Any], files: Sequence[Mapping[str, Any]]) -> None:
    """Raise the server's answer if inserting ``job`` and its ``files`` fails in the database."""
    if not _row_fits(JOB_COLUMNS, job, _JOB_COLUMN_OF):
        raise HTTPError(500, INTERNAL_ERROR)
    if job["job_id"] in state.jobs:
        raise HTTPError(409, "The sid provided by the user is duplicated")
    if not all(_row_fits(FILE_COLUMNS, row, {}) for row in files):
        raise HTTPError(500, INTERNAL_ERROR)
    for row in files:
        for key in ("src_token_id", "dst_token_id"):
            if row[key] is not None and row[key] not in state.stored_token_ids:
                raise HTTPError(409, "The submission is duplicated " + _foreign_key_error(state, key, files))


def check_priority(priority: int) -> None:
    """``POST /jobs/<id>`` stores the priority as given: beyond the column's range the update fails (500)."""
    if JOB_COLUMNS["priority"].problem(priority) is not None:
        raise HTTPError(500, INTERNAL_ERROR)


def _foreign_key_error(state: State, constraint: str, files: Sequence[Mapping[str, Any]]) -> str:
    database = state.settings.database_name
    reason = (
        f"Cannot add or update a child row: a foreign key constraint fails (`{database}`.`t_file`, CONSTRAINT "
        f"`{constraint}` FOREIGN KEY (`{constraint}`) REFERENCES `t_token` (`token_id`))"
    )
    placeholders = ", ".join(["%s"] * len(_FILE_INSERT_COLUMNS))
    statement = f"INSERT INTO t_file ({', '.join(_FILE_INSERT_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608 - a message
    rows = [_parameters(row) for row in files]
    shown = _repr_tuple(rows[0]) if len(rows) == 1 else _repr_many(rows)
    return (
        f"(MySQLdb.IntegrityError) {(1452, reason)!r}\n[SQL: {statement}]\n[parameters: {shown}]\n"
        "(Background on this error at: https://sqlalche.me/e/14/gkpj)"
    )


def _parameters(row: Mapping[str, Any]) -> tuple[Any, ...]:
    values = []
    for name in _FILE_INSERT_COLUMNS:
        value = row.get(name)
        if name == "user_filesize":
            value = float(value or 0)
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        values.append(value)
    return tuple(values)


def _truncated(value: Any) -> str:
    # SQLAlchemy's _repr_params: one value's repr, cut in the middle past 300 characters.
    text = repr(value)
    if len(text) <= _MAX_CHARS:
        return text
    half = _MAX_CHARS // 2
    return f"{text[:half]} ... ({len(text) - _MAX_CHARS} characters truncated) ... {text[-half:]}"


def _repr_tuple(values: tuple[Any, ...]) -> str:
    return "(" + ", ".join(_truncated(value) for value in values) + ("," if len(values) == 1 else "") + ")"


def _repr_many(rows: list[tuple[Any, ...]]) -> str:
    if len(rows) <= _MAX_PARAMETER_SETS:
        return "[" + ", ".join(_repr_tuple(row) for row in rows) + "]"
    head = ", ".join(_repr_tuple(row) for row in rows[: _MAX_PARAMETER_SETS - 2])
    tail = ", ".join(_repr_tuple(row) for row in rows[-2:])
    note = f" ... displaying {_MAX_PARAMETER_SETS} of {len(rows)} total bound parameter sets ... "
    return f"[{head} {note} {tail}]"
