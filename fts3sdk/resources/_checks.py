"""Argument checks shared by the endpoint builders: what the server would refuse is refused before sending."""

from __future__ import annotations

from fts3sdk import errors


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
