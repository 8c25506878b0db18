"""Wire types shared by the monitoring messages: millisecond epochs, metadata values, the common base."""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic_core import core_schema

from fts3sdk.models import FTSModel

__all__ = [
    "BRANCH",
    "EMPTY_IS_NONE",
    "NONE_IS_EMPTY",
    "EpochMillis",
    "EventKind",
    "EventModel",
    "Metadata",
    "OptionalText",
    "epoch_millis",
    "shared_unknown_members",
]

_MAX_MILLIS = 253402300799999  # 9999-12-31T23:59:59.999Z, the last instant a datetime holds


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SHARED_MEMBERS = 64  # unknown enum values remembered (a producer sends few; garbage must not fill memory)


def _from_millis(value: object) -> object:
    # 0 means "did not happen": the producers never send null. A number no datetime can hold (a wrapped
    # unsigned value, 1e+9999) is read as unknown too rather than failing the whole message.
    if type(value) is int:  # what the producers send: the fast path of a dozen fields per message
        return _EPOCH + timedelta(0, 0, 0, value) if 0 < value <= _MAX_MILLIS else None  # positional: faster
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if not math.isfinite(value) or value <= 0 or value > _MAX_MILLIS:
        return None
    whole, fraction = divmod(value, 1)
    moment = datetime.fromtimestamp(int(whole) // 1000, tz=timezone.utc)
    micros = (int(whole) % 1000) * 1000 + round(fraction * 1000)
    return moment.replace(microsecond=min(micros, 999_999))


def epoch_millis(value: datetime | None) -> int | float:
    """A datetime as the producers write it: milliseconds since the epoch, ``0`` for None (float if sub-ms)."""
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - datetime(1970, 1, 1, tzinfo=timezone.utc)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return micros // 1000 if micros % 1000 == 0 else micros / 1000


BRANCH = "\u2026"
"""The label of the union branches these types validate with (a validation error's location names it)."""
_AS_NONE = core_schema.with_default_schema(core_schema.none_schema(), default=None, on_error="default")
"""Whatever reached it (after a check) becomes None."""


class _Millis:
    """The validation of `EpochMillis`: what producers send (whole milliseconds, or 0) is read without Python.

    An int in range becomes a datetime, and 0 None, in pydantic-core; anything else (floats with fractions of
    a millisecond, strings, negative or wrapped numbers, datetimes) goes to `_from_millis`. A Python
    validator per time field cost as much as validating the rest of a completion's 83 fields.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        # The int is milliseconds because EventModel sets val_temporal_unit.
        in_range = core_schema.int_schema(strict=True, gt=0, le=_MAX_MILLIS)
        zero = core_schema.int_schema(strict=True, ge=0, le=0)
        return core_schema.union_schema(
            [
                (core_schema.chain_schema([in_range, core_schema.datetime_schema()]), BRANCH),
                (core_schema.chain_schema([zero, _AS_NONE]), BRANCH),
                (
                    core_schema.no_info_before_validator_function(
                        _from_millis, core_schema.nullable_schema(core_schema.datetime_schema())
                    ),
                    BRANCH,
                ),
            ],
            mode="left_to_right",
        )


EpochMillis = Annotated[
    datetime | None,
    _Millis(),
    PlainSerializer(epoch_millis, when_used="json"),
    WithJsonSchema(
        {"type": "number", "description": "Milliseconds since the Unix epoch (UTC); 0 means it did not happen"},
        mode="validation",
    ),
]
"""An aware UTC datetime read from milliseconds since the epoch; ``0`` (not happened), negative and out-of-range
values read as None."""


def shared_unknown_members(enum_type: type[enum.Enum]) -> BeforeValidator:
    """A validator giving each value an open enum does not know one shared pseudo-member (made once, not per message).

    url-copy sends ``job_state: "UNKNOWN"`` in nearly every completion: making its pseudo-member anew took
    longer than validating the rest of the field.
    """
    known = enum_type._value2member_map_
    made: dict[str, enum.Enum] = {}

    def member(value: object) -> object:
        if type(value) is not str or value in known:
            return value
        found = made.get(value)
        if found is None:
            found = enum_type(value)
            if len(made) < _SHARED_MEMBERS:
                made[value] = found
        return found

    return BeforeValidator(member)


def _metadata(value: object) -> object:
    # Before FTS 3.14.1 "no metadata" was written as an empty string, since then as null.
    return None if value == "" else value


Metadata = Annotated[
    Any,
    BeforeValidator(_metadata),
    WithJsonSchema({"description": "Any JSON value (an object in practice); null when none"}, mode="validation"),
]
"""User metadata as submitted: any JSON value, objects in practice; ``""`` (servers before 3.14.1) reads as None."""


class _EmptyIsNone:
    """Reads ``""`` and ``"null"`` as None before the annotated type, in pydantic-core (no Python call)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        empty = core_schema.literal_schema(["", "null"])
        return core_schema.union_schema(
            [(core_schema.chain_schema([empty, _AS_NONE]), BRANCH), (handler(source), BRANCH)], mode="left_to_right"
        )


def _none_as_empty(value: object) -> str:
    return "" if value is None else str(value)


EMPTY_IS_NONE = _EmptyIsNone()
"""Reads ``""`` and the literal ``"null"`` as None (the producers never send a JSON null for strings)."""
NONE_IS_EMPTY = PlainSerializer(_none_as_empty, return_type=str, when_used="json")
"""Writes None back as ``""``, as the producers do."""

OptionalText = Annotated[str | None, EMPTY_IS_NONE, NONE_IS_EMPTY]
"""A string the producers leave empty when unset: ``""`` (and the literal ``"null"``) read as None."""


class EventModel(FTSModel):
    """Base of the monitoring messages: unknown fields are kept (``model_extra``), instances are immutable."""

    model_config = ConfigDict(
        extra="allow", frozen=True, defer_build=True, ser_json_inf_nan="constants", val_temporal_unit="milliseconds"
    )


class EventKind(str, enum.Enum):
    """The four kinds of monitoring message, each with its own default destination."""

    START = "start"
    """Transfer start (``ST``): sent by url-copy before the copy begins."""
    COMPLETE = "complete"
    """Transfer completion (``CO``): sent by url-copy after every attempt (success, failure, cancel)."""
    STATE = "state"
    """File state change (``SS``): sent by the transfer server, and by the REST server at submission."""
    OPTIMIZER = "optimizer"
    """Optimizer decision (``OP``): a link's new number of allowed connections."""

    @property
    def default_destination(self) -> str:
        """The destination name FTS publishes this kind to by default, e.g. ``transfer.fts_monitoring_complete``."""
        return _DESTINATIONS[self]

    def destination(self, *, topic: bool = True) -> str:
        """The STOMP destination of the default name: ``/topic/<name>`` (FTS's default) or ``/queue/<name>``."""
        return f"/{'topic' if topic else 'queue'}/{self.default_destination}"

    def __str__(self) -> str:
        return self.value


_DESTINATIONS = {
    EventKind.START: "transfer.fts_monitoring_start",
    EventKind.COMPLETE: "transfer.fts_monitoring_complete",
    EventKind.STATE: "transfer.fts_monitoring_state",
    EventKind.OPTIMIZER: "transfer.fts_monitoring_queue_state",
}
