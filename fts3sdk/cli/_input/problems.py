"""Input problems in the user's words: pydantic's errors reworded and named as the user wrote them.

A problem is one line (``files[2].destinations: required``); a command prints each as its own ``error:`` line,
up to `MAX_PROBLEMS`, so a bulk file with three bad entries shows all three at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

__all__ = ["MAX_PROBLEMS", "InputError", "Location", "capped", "dotted", "problem_lines", "words"]

MAX_PROBLEMS = 20
"""At most this many problems are printed; a last line counts the others."""

Location = tuple[int | str, ...]
"""Where a problem is, as pydantic gives it: ``("transfers", 2, "destinations")``."""

_LONGEST_INPUT = 60

_PLAIN: dict[str, str] = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "none_required": "must be null",
    "json_invalid": "is not valid JSON",
}

_BOUNDS: dict[str, str] = {
    "greater_than_equal": "must be {ge} or more",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be {le} or less",
    "less_than": "must be less than {lt}",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} character(s)",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
}

_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "bytes", "none", "list", "dict", "set", "tuple"})
_NO_INPUT = frozenset({"missing", "value_error", "assertion_error", "extra_forbidden"})


class InputError(ValueError):
    """Problems with what the user gave (a file, arguments), each one line; ``str()`` joins them with newlines."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        """Every problem found, in input order."""
        super().__init__("\n".join(capped(self.problems)))


def capped(problems: Sequence[str], cap: int = MAX_PROBLEMS) -> list[str]:
    """The first ``cap`` problems, then one line counting the rest."""
    if len(problems) <= cap:
        return list(problems)
    return [*problems[:cap], f"... and {len(problems) - cap} more problem(s) not shown"]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _LONGEST_INPUT else text[: _LONGEST_INPUT - 3] + "..."


def words(error: ErrorDetails, *, with_input: bool = True) -> str:
    """What is wrong, in plain words, without the location: ``must be 5 or less (got 9)``."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in context:
        text = str(context["error"])
    elif kind in _BOUNDS:
        text = _BOUNDS[kind].format(**context)
    elif kind in ("literal_error", "enum"):
        text = f"must be {context.get('expected', 'one of the listed values')}"
    elif kind in _PLAIN:
        text = _PLAIN[kind]
    else:
        message = error["msg"]
        text = message[:1].lower() + message[1:]
    if with_input and kind not in _NO_INPUT and not isinstance(error.get("input"), dict | list):
        text += f" (got {_shown(error['input'])})"
    return text


def dotted(location: Location, *, head: str = "") -> str:
    """A location as a path: ``transfers[2].destinations``; after ``head`` when given (``--x`` + ``[0]``)."""
    text = head
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def problem_lines(exc: ValidationError, name: Callable[[Location], str] = dotted) -> list[str]:
    """One line per problem of ``exc`` (``<where>: <what>``), where ``name`` says each location the user's way.

    The failed members of a union give one line (``must be an object or a string``); identical lines are given
    once (a default applied to many transfers fails the same way for each).
    """
    return _unique(_line(name(where), what) for where, what in _merged(exc.errors(include_url=False)))


def _is_union_tag(part: int | str) -> bool:
    # pydantic adds the member's type to the location of a union's errors: "str", "dict[str,any]", "function-after[...]"
    return isinstance(part, str) and (part in _TYPE_TAGS or any(mark in part for mark in "[]()-, "))


def _merged(errors: list[ErrorDetails]) -> list[tuple[Location, str]]:
    merged: dict[Location, list[str]] = {}
    for error in errors:
        location = tuple(error["loc"])
        if location and _is_union_tag(location[-1]):
            location = location[:-1]
        merged.setdefault(location, []).append(words(error))
    return [(location, _either(texts)) for location, texts in merged.items()]


def _either(texts: list[str]) -> str:
    texts = _unique(texts)
    if len(texts) > 1 and all(text.startswith("must be ") for text in texts):
        return "must be " + " or ".join(text.removeprefix("must be ") for text in texts)
    return "; ".join(texts)


def _line(where: str, what: str) -> str:
    return f"{where}: {what}" if where else what


def _unique(lines: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(lines))
