"""The server's timestamps read into aware UTC datetimes, without pydantic (the models' `UTCDateTime` uses it)."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["as_utc", "parse_utc"]

_SERVER_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def as_utc(value: datetime) -> datetime:
    """Naive means UTC; an aware datetime is converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


@functools.cache
def _datetime_adapter() -> TypeAdapter[datetime]:
    from pydantic import TypeAdapter

    return TypeAdapter(datetime)


def parse_utc(value: object) -> object:
    """A server timestamp (or a datetime) as an aware UTC datetime; other values are returned as they are.

    One Python step per timestamp (this runs for every time of every file of a large answer): the server's naive
    form goes through ``datetime.fromisoformat``; ``+0000`` offsets (strftime's ``%z``) get the colon ISO wants;
    anything else is left to pydantic's own parser (ValueError when it cannot read it either).
    """
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 19:
            text = _SERVER_OFFSET.sub(r"\1:\2", text)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = _datetime_adapter().validate_python(text)
    return as_utc(value) if isinstance(value, datetime) else value
