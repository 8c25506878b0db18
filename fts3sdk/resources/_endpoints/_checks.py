"""What the endpoint builders share: argument checks, and reading back a change whose answer comes broken.

The checks refuse before sending what the server would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fts3sdk import errors
from fts3sdk._base import Endpoint, Flow

T = TypeVar("T")
R = TypeVar("R")


def non_empty(name: str, value: object) -> str:
    """``value`` if it is a non-empty string, else ValueError naming ``name``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, not {value!r}")
    return value


def count(name: str, value: object) -> int:
    """``value`` if it is a non-negative integer (not a bool), else ValueError."""
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return value


def flag(name: str, value: object) -> bool:
    """``value`` if it is a bool, else ValueError."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, not {value!r}")
    return value


def is_amount(value: object) -> bool:
    """Whether ``value`` is a non-negative number (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def given(**values: str | None) -> dict[str, str]:
    """The query parameters that were given (``None`` means "not sent")."""
    return {key: value for key, value in values.items() if value is not None}


def may_have_applied(exc: errors.FTS3ClientException) -> bool:
    """Whether a failed request may have taken effect: no HTTP error status came back (a broken answer)."""
    return exc.status_code is None or exc.status_code < 400


def read_back(change: Endpoint[Any], read: Endpoint[T], stored: Callable[[T], R | None], what: str) -> Flow[R]:
    """Send ``change`` (whose answer may come broken), then ``read``; gives what ``stored`` finds in it.

    ``stored`` gives ``None`` when the change is not there: then the change's own error is raised if it had
    one (it may not have been applied after all), else `InvalidResponse`. HTTP errors of the change are
    raised at once.
    """
    failure: errors.FTS3ClientException | None = None
    try:
        yield change
    except errors.FTS3ClientException as exc:
        if not may_have_applied(exc):
            raise
        failure = exc
    found = stored((yield read))
    if found is None:
        if failure is not None:
            raise failure
        raise errors.InvalidResponse(f"the server accepted {what} but does not show it")
    return found
