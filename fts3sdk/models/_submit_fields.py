"""Field types of the submission models: URL lists checked as the server does, metadata, durations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlparse

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema, to_json

from fts3sdk.models._limits import (
    FILE_COLUMNS,
    FILESIZE,
    JOB_COLUMNS,
    MAX_URL_LENGTH,
    PRIORITY,
    SCITAG,
    TRANSFER_OPTION,
    Column,
    Range,
    expiry_problem,
    strict_int_problem,
    url_text_problem,
)

DEFAULT_METADATA_SIZE_LIMIT = 1024
"""The server's *default* limit for each metadata field, in characters of its JSON encoding.

The check here measures the compact UTF-8 encoding, never longer than the server's, so it refuses only
what the server refuses; a value just under the limit may still be refused by the server.

Servers may raise it (``FileMetadataSizeLimit``, ``StagingMetadataSizeLimit``, ``ArchiveMetadataSizeLimit``,
``JobMetadataSizeLimit``); for such a server validate with ``context={"metadata_size_limit": n}``
(``Transfer.model_validate``, ``JobSpec.model_validate``) or ``JobSpec.from_body(..., metadata_size_limit=n)``.
"""

SelectionStrategy = Literal[
    "auto",
    "queue",
    "orderly",
    "success",
    "throughput",
    "file-throughput",
    "pending-data",
    "waiting-time",
    "waiting-time-with-error",
    "duration",
]
"""How the server picks the source of a multiple-replica transfer; it refuses any other name."""

IdGenerator = Literal["standard", "deterministic"]
"""How the server makes the job id: a random UUID, or one derived from the VO and ``sid``."""

_T = TypeVar("_T")


# --- URLs ------------------------------------------------------------------------------------------------------

# A URL that certainly passes the server's checks: scheme://host[:port]/path with nothing unusual. Anything
# else goes through urlparse, exactly as the server does (the fast path only saves time on large jobs).
_PLAIN_URL = re.compile(
    r"([A-Za-z][A-Za-z0-9+.\-]*)://([A-Za-z0-9.\-]+)(?::[0-9]*)?/[^\x00-\x20\x7f?#;][^\x00-\x20\x7f;]*"
)


_PLAIN_ASCII_URL = re.compile(
    r"([A-Za-z][A-Za-z0-9+.\-]*)://([A-Za-z0-9.\-]+)(?::[0-9]*)?/[\x21\x22\x24-\x3a\x3c-\x3e\x40-\x7e][\x21-\x3a\x3c-\x7e]*"
)
"""`_PLAIN_URL` in printable ASCII only: such a URL passes the server's checks and is sent as it is."""


def url_problem(url: str) -> str | None:
    # The server's own checks (JobBuilder validate_url), in its order, on the stripped URL.
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None and plain[1].lower() != "file":
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        return str(exc)
    if not parsed.scheme:
        return "Missing scheme"
    if parsed.scheme == "file":
        return "Can not transfer local files"
    if not parsed.path or (parsed.path == "/" and not parsed.query):
        return "Missing path"
    if not parsed.hostname:
        return "Missing host"
    return None


def storage_of(url: str) -> str:
    # What the server calls the storage element: scheme://host, lower-cased, port dropped.
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        return f"{plain[1]}://{plain[2]}".lower()
    parsed = urlparse(url.strip())
    return f"{parsed.scheme}://{parsed.hostname}"


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


def server_limits(info: ValidationInfo) -> bool:
    """Whether the database's limits apply (validation context ``server_limits``, on unless set False).

    The Easy facade turns them off: like the official client it sends what it is given and lets the server
    answer, and then reads numbers as the server does (``"3"`` is 3).
    """
    return bool((info.context or {}).get("server_limits", True))


def _check_urls(urls: list[str], info: ValidationInfo) -> list[str]:
    strict = server_limits(info)
    for url in urls:
        if strict and len(url) <= MAX_URL_LENGTH:
            plain = _PLAIN_ASCII_URL.fullmatch(url)
            if plain is not None and plain[1].lower() != "file" and len(plain[1]) + len(plain[2]) + 3 <= _STORAGE_LIMIT:
                continue  # passes every check below: one regex for the common case
        problem = url_problem(url)  # the server's reason first, when it has one
        if problem is not None:
            raise ValueError(f"{problem} ({url})")
        text_problem = (url_text_problem(url) or _storage_problem(url)) if strict else None
        if text_problem is not None:
            raise ValueError(f"{text_problem} ({url!r})")
    return urls


_STORAGE_LIMIT = FILE_COLUMNS["source_se"].length or 0


def _storage_problem(url: str) -> str | None:
    if len(url) <= _STORAGE_LIMIT:
        return None  # scheme://host is never longer than the URL
    storage = storage_of(url)
    return (
        f"its storage {storage!r} is longer than the server stores ({_STORAGE_LIMIT})"
        if len(storage) > _STORAGE_LIMIT
        else None
    )


@dataclass(frozen=True)
class _StrList:
    # Typed as Sequence[str] (so a str is accepted by type checkers too), validated and serialized as a
    # list[str] by pydantic-core: a single string becomes a one-element list.
    check: Callable[[list[str], ValidationInfo], list[str]] | None = None
    min_length: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema: CoreSchema = core_schema.list_schema(core_schema.str_schema(), min_length=self.min_length)
        if self.check is not None:
            schema = core_schema.with_info_after_validator_function(self.check, schema)
        return core_schema.no_info_before_validator_function(_as_list, schema)


_STR_LIST_SCHEMA = {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
URLList = Annotated[
    Sequence[str],
    _StrList(_check_urls, min_length=1),
    WithJsonSchema({**_STR_LIST_SCHEMA, "description": "URLs; a single string is a one-element list"}),
]
TokenList = Annotated[Sequence[str], _StrList(), WithJsonSchema(_STR_LIST_SCHEMA)]


# --- Metadata ----------------------------------------------------------------------------------------------------


def _within_size_limit(value: _T, info: ValidationInfo) -> _T:
    limit = (info.context or {}).get("metadata_size_limit", DEFAULT_METADATA_SIZE_LIMIT)
    try:
        size = len(to_json(value))  # compact UTF-8: never longer than the server's json.dumps
    except ValueError as exc:
        raise ValueError(f"{info.field_name} must be JSON-serializable: {exc}") from None
    if size > limit:
        raise ValueError(
            f"{info.field_name} is {size} bytes JSON-encoded: over the limit of {limit} "
            "(the server's default; see DEFAULT_METADATA_SIZE_LIMIT for a server configured higher)"
        )
    return value


Metadata = Annotated[dict[str, Any] | str, AfterValidator(_within_size_limit)]
ObjectMetadata = Annotated[dict[str, Any], AfterValidator(_within_size_limit)]


# --- Job parameters with several accepted forms --------------------------------------------------------------

_CHECKSUM_LETTERS = {"b": "both", "s": "source", "t": "target", "n": "none"}


def _checksum_word(value: object) -> object:
    if isinstance(value, str):
        if value in ("d", "destination"):
            raise ValueError("'destination' is stored as 'd', which the transfer daemon treats as 'none': use 'target'")
        return _CHECKSUM_LETTERS.get(value, value)
    return value


VerifyChecksum = Annotated[Literal["both", "source", "target", "none"] | StrictBool, BeforeValidator(_checksum_word)]
"""Which checksums to compare: a mode name (or its one-letter form as the server shows it), or a boolean:
``True`` is ``"both"``; ``False`` is ``"target"`` when a transfer gives a checksum, else ``"none"``."""

_DURATION = re.compile(r"\s*\+?(\d+)([smhd])\s*", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _to_duration(value: object) -> object:
    if value is None or isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return None if value == 0 else timedelta(hours=value)  # the server reads int 0 as "no limit"
    if isinstance(value, str):
        match = _DURATION.fullmatch(value)
        if match is not None:
            return timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2].lower()])
    raise ValueError("expected int hours, a timedelta, or a '<n>s', '<n>m', '<n>h' or '<n>d' string")


def _positive_seconds(value: timedelta | int | str | None, info: ValidationInfo) -> timedelta | int | str | None:
    if isinstance(value, timedelta) and (value <= timedelta(0) or value.microseconds):
        raise ValueError(f"must be a positive whole number of seconds, got {value}")
    if isinstance(value, timedelta) and server_limits(info):
        problem = expiry_problem(int(value.total_seconds()))
        if problem is not None:
            raise ValueError(problem)
    return value


def _seconds_string(value: timedelta | int | str) -> str:
    # Always seconds with a unit: a bare integer would be read as hours by the server.
    seconds = int(value.total_seconds()) if isinstance(value, timedelta) else value
    return f"{seconds}s"


Duration = Annotated[
    timedelta | int | str | None,
    BeforeValidator(_to_duration),
    AfterValidator(_positive_seconds),
    PlainSerializer(_seconds_string, return_type=str, when_used="json-unless-none"),
]
"""A positive duration given as int hours, a ``timedelta`` or ``"<n>s|m|h|d"``; kept as a ``timedelta``."""


# --- Numbers and texts the database holds ---------------------------------------------------------------------


def _integer(value: object, info: ValidationInfo) -> object:
    # A bool or a numeric string would be coerced by pydantic: refused, unless reading as the server does.
    if type(value) is not int and server_limits(info):
        problem = strict_int_problem(value)
        if problem is not None:
            raise ValueError(problem)
    return value


@dataclass(frozen=True)
class _LimitedInt:
    # One Python call per value (this runs for every transfer of a large job): the type, then the range, both
    # only under the server's limits; otherwise pydantic's lax int (the server's own int()).
    bounds: Range
    why: str

    def check(self, value: object, info: ValidationInfo) -> object:
        if not server_limits(info):
            return value
        if type(value) is not int:
            raise ValueError(strict_int_problem(value) or f"must be a whole number (got {value!r})")
        if value < self.bounds.low:
            raise ValueError(f"must be {self.bounds.low} or more (got {value})")
        if value > self.bounds.high:
            raise ValueError(f"{value} is out of range: {self.bounds} ({self.why})")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_before_validator_function(self.check, core_schema.int_schema())

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "integer", "minimum": self.bounds.low, "maximum": self.bounds.high}


def limited_int(bounds: Range, why: str) -> Any:
    """An ``int`` type: no coercion from ``bool``/``str``, within ``bounds`` (``why`` says whose limit it is)."""
    return Annotated[int, _LimitedInt(bounds, why)]


def column_int(column: Column, **api: int) -> Any:
    """An ``int`` the ``column`` holds; ``api`` narrows it (``low=``/``high=``) where the API does."""
    assert column.range is not None
    bounds = Range(api.get("low", column.range.low), api.get("high", column.range.high))
    return limited_int(bounds, f"{column.qualified} is {column.type.upper()}; the server fails beyond")


def column_text(column: Column) -> Any:
    """A ``str`` the ``column`` holds (length, Latin-1)."""

    def check(value: str, info: ValidationInfo) -> str:
        problem = column.problem(value) if server_limits(info) else None
        if problem is not None:
            raise ValueError(f"{problem}; the server fails on it")
        return value

    return Annotated[str, AfterValidator(check)]


Retry = column_int(JOB_COLUMNS["retry"])
RetryDelay = column_int(JOB_COLUMNS["retry_delay"], low=0)
BringOnline = column_int(JOB_COLUMNS["bring_online"])
CopyPinLifetime = column_int(JOB_COLUMNS["copy_pin_lifetime"])
ArchiveTimeout = column_int(JOB_COLUMNS["archive_timeout"])
Priority = Annotated[int, BeforeValidator(_integer), Field(ge=PRIORITY.low, le=PRIORITY.high)]
"""1..5 even for the Easy facade: the server would clamp another value silently."""
TransferOption = limited_int(TRANSFER_OPTION, "written into internal_job_params, read back as a 32-bit integer")
FileSize = limited_int(FILESIZE, "the server stores float(filesize): exact up to 2**53 bytes")
SciTag = limited_int(SCITAG, "the server refuses other values")
Checksum = column_text(FILE_COLUMNS["checksum"])
Activity = column_text(FILE_COLUMNS["activity"])
TargetQoS = column_text(JOB_COLUMNS["target_qos"])
SpaceToken = column_text(JOB_COLUMNS["space_token"])


# --- Transfer ----------------------------------------------------------------------------------------------------
