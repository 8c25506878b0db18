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
    GetCoreSchemaHandler,
    PlainSerializer,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, core_schema, to_json

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


def _check_urls(urls: list[str]) -> list[str]:
    for url in urls:
        problem = url_problem(url)
        if problem is not None:
            raise ValueError(f"{problem} ({url})")
    return urls


@dataclass(frozen=True)
class _StrList:
    # Typed as Sequence[str] (so a str is accepted by type checkers too), validated and serialized as a
    # list[str] by pydantic-core: a single string becomes a one-element list.
    check: Callable[[list[str]], list[str]] | None = None
    min_length: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema: CoreSchema = core_schema.list_schema(core_schema.str_schema(), min_length=self.min_length)
        if self.check is not None:
            schema = core_schema.no_info_after_validator_function(self.check, schema)
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


def _positive_seconds(value: timedelta | int | str | None) -> timedelta | int | str | None:
    if isinstance(value, timedelta) and (value <= timedelta(0) or value.microseconds):
        raise ValueError(f"must be a positive whole number of seconds, got {value}")
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


# --- Transfer ----------------------------------------------------------------------------------------------------
