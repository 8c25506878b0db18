"""Building blocks shared by every model: base classes, open enums and the wire-format scalar types."""

from __future__ import annotations

import enum
import re
from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from fts3sdk._times import parse_utc
from fts3sdk.models._docs import add_attribute_docs

__all__ = [
    "FTSModel",
    "OpenEnum",
    "SpecModel",
    "UTCDateTime",
    "Version",
    "YNBool",
    "format_server_datetime",
]

SERVER_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


class FTSModel(BaseModel):
    """Base of every model parsed from a server answer.

    Unknown keys are kept (readable through ``model_extra`` and dumped again), instances are immutable.
    """

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        add_attribute_docs(cls)  # field descriptions from their docstrings, before the deferred schema is built


class SpecModel(BaseModel):
    """Base of every model the user builds and the SDK sends: unknown or misspelt keys are refused."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        add_attribute_docs(cls)

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic keeps an assigned value when a model validator then refuses it: restore the model, so a
        # refused assignment cannot leave an invalid spec to be sent.
        state, fields_set = self.__dict__.copy(), set(self.__pydantic_fields_set__)
        try:
            super().__setattr__(name, value)
        except ValidationError:
            object.__setattr__(self, "__dict__", state)
            object.__setattr__(self, "__pydantic_fields_set__", fields_set)
            raise


_E = TypeVar("_E", bound="OpenEnum")


class OpenEnum(str, enum.Enum):
    """A string enum that also accepts values it does not know.

    The server may grow new states or codes; an unknown value becomes a pseudo-member named
    ``UNKNOWN_<value>`` whose value is the raw string, so it compares, prints and dumps as sent.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one the SDK knows (not a pseudo-member made for an unknown value)."""
        return self._name_ in type(self).__members__

    @classmethod
    def checked(cls: type[_E], value: str) -> _E:
        """``value`` as a member, refusing a plain string that names none (ValueError naming the known ones).

        A member is taken as it is, including a pseudo-member made on purpose for a value the SDK does not know
        yet (``JobState("NEWSTATE")``); a plain string must name a known member, in any case (the server's
        database compares them case-insensitively): a misspelt filter would otherwise match nothing, silently.
        """
        found = cls._lookup(value)
        if found is None:
            raise ValueError(cls.unknown_message([value]))
        return found

    @classmethod
    def _lookup(cls: type[_E], value: str) -> _E | None:
        if isinstance(value, cls):
            return value
        wanted = str(value).strip().upper()
        return next((member for member in cls if member.value.upper() == wanted), None)

    @classmethod
    def unknown_message(cls, values: list[str], *, for_code: bool = True) -> str:
        """Why ``values`` are refused: each named, with the closest known value, then the known ones.

        ``for_code`` adds how a program sends a value this SDK does not know yet; a command line cannot.
        """
        import difflib  # only for a refused value

        known = [member.value for member in cls]
        named = []
        for value in values:
            close = difflib.get_close_matches(str(value).strip().upper(), known, n=1)
            named.append(f"{value!r}{f' (did you mean {close[0]}?)' if close else ''}")
        words = _words(cls.__name__) + ("s" if len(values) > 1 else "")
        message = f"unknown {words} {', '.join(named)}; known: {', '.join(known)}"
        if for_code:
            wanted = str(values[0]).strip()
            message += f". A value this SDK does not know yet is sent on purpose as {cls.__name__}({wanted!r})"
        return message

    def __str__(self) -> str:
        return str(self.value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.__eq__(self, other)
        return NotImplemented

    def __hash__(self) -> int:
        return str.__hash__(self)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        known = handler(schema)
        return {"anyOf": [known, {"type": "string"}], "description": (cls.__doc__ or "").strip()}


def _words(name: str) -> str:
    # "JobState" -> "job state"
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def format_server_datetime(value: datetime) -> str:
    """Format a datetime the way the FTS server does: naive UTC, ``YYYY-MM-DDTHH:MM:SS``."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime(SERVER_DATETIME_FORMAT)


UTCDateTime = Annotated[
    datetime,
    BeforeValidator(parse_utc),
    PlainSerializer(format_server_datetime, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "description": "UTC time as the server writes it: YYYY-MM-DDTHH:MM:SS, optionally with a +HHMM offset",
        },
        mode="validation",
    ),
]
"""A timezone-aware UTC datetime. The server sends naive strings that mean UTC; they are made aware here."""

_YES = frozenset({"y", "yes", "true", "t", "1"})
_NO = frozenset({"n", "no", "false", "f", "0", ""})


def _yn(value: object) -> object:
    if value is None:
        return False
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
    return value


YNBool = Annotated[
    bool,
    BeforeValidator(_yn),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "enum": ["Y", "N", "y", "n", ""]},
                {"type": "null"},
            ],
            "description": "A yes/no flag: true/false, or the letters Y/N; empty or null mean no",
        },
        mode="validation",
    ),
]
"""A yes/no flag: a ``bool`` that also reads ``"Y"``/``"N"`` letters, ``""`` and ``null`` (no)."""


def _version_part(value: object) -> object:
    if isinstance(value, str):
        match = re.match(r"\s*(\d+)", value)
        if match:
            return int(match.group(1))
    return value


VersionPart = Annotated[
    int,
    BeforeValidator(_version_part),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}]}, mode="validation"),
]


class Version(FTSModel):
    """A ``major.minor.patch`` version, comparable with another Version or a tuple such as ``(3, 12)``.

    The server sends API versions as integers and core versions as strings; both become integers here.
    """

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)
    _fields: ClassVar[tuple[str, ...]] = ("major", "minor", "patch")

    major: VersionPart
    """Major version."""
    minor: VersionPart = 0
    """Minor version."""
    patch: VersionPart = 0
    """Patch level."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            parts = data.strip().split(".")
            return dict(zip(cls._fields, parts, strict=False))
        return data

    def as_tuple(self) -> tuple[int, int, int]:
        """The version as ``(major, minor, patch)``."""
        return (self.major, self.minor, self.patch)

    def _key(self, other: object) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        if isinstance(other, Version):
            return self.as_tuple(), other.as_tuple()
        if isinstance(other, tuple) and all(isinstance(part, int) for part in other):
            return self.as_tuple()[: len(other)], other
        return None

    def __lt__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] < key[1]

    def __le__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] <= key[1]

    def __gt__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] > key[1]

    def __ge__(self, other: object) -> bool:
        key = self._key(other)
        return NotImplemented if key is None else key[0] >= key[1]

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"
