"""What a command takes, read from its signature: ``Annotated[int | None, Opt("--priority", min=1, max=5)]``.

A command is a plain function. Each parameter's annotation says its type, and an `Opt` or `Arg` in it says how
it is given (flags, help, environment variable, bounds); its default is the value when it is not given. `read`
turns a signature into `Param` rows, each with the converter that checks a value from the command line or the
environment and says what is wrong in one line (`BadValue`).
"""

from __future__ import annotations

import inspect
import math
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

__all__ = ["Arg", "BadValue", "Opt", "Param", "read_param"]


class Opt:
    """An option: ``Opt("--priority", "-p", help=..., min=1, max=5, envvar="...", metavar="...", panel="...")``.

    A flag pair ``"--ipv6/--no-ipv6"`` makes a ``bool | None`` option that each flag sets one way.
    """

    __slots__ = ("envvar", "flags", "help", "max", "metavar", "min", "panel")

    def __init__(
        self,
        *flags: str,
        help: str = "",
        envvar: str | None = None,
        metavar: str | None = None,
        min: float | None = None,
        max: float | None = None,
        panel: str | None = None,
    ) -> None:
        self.flags = flags
        self.help = help
        self.envvar = envvar
        self.metavar = metavar
        self.min = min
        self.max = max
        self.panel = panel


class Arg:
    """A positional argument: ``Arg(help=..., metavar="JOB_ID", min=0)``; required unless it has a default."""

    __slots__ = ("help", "max", "metavar", "min")

    def __init__(
        self, *, help: str = "", metavar: str | None = None, min: float | None = None, max: float | None = None
    ) -> None:
        self.help = help
        self.metavar = metavar
        self.min = min
        self.max = max


class BadValue(ValueError):
    """A value a converter refuses: ``what`` is wrong with it (``must be 5 or less``)."""

    def __init__(self, value: str, what: str) -> None:
        super().__init__(what)
        self.value = value
        self.what = what

    def line(self, name: str) -> str:
        """The problem named by ``name`` (a flag, a metavar, an environment variable): ``--priority 9: must be...``."""
        shown = f" {self.value}" if self.value and repr(self.value) not in self.what else ""
        return f"{name}{shown}: {self.what}"


class Param:
    """One parameter of a command as the parser takes it."""

    __slots__ = ("convert", "default", "flag", "metavar", "multiple", "name", "spec", "toggle")

    def __init__(
        self,
        name: str,
        spec: Opt | Arg,
        convert: Callable[[str], Any],
        default: Any,
        *,
        flag: bool = False,
        toggle: tuple[str, str] | None = None,
        multiple: bool = False,
        metavar: str = "",
    ) -> None:
        self.name = name
        """The function's parameter name."""
        self.spec = spec
        self.convert = convert
        """From the text given to the value (raises BadValue)."""
        self.default = default
        """The value when not given (``REQUIRED`` for a required argument)."""
        self.flag = flag
        """An option that takes no value (``True`` when given)."""
        self.toggle = toggle
        """The two flags of a ``--x/--no-x`` option."""
        self.multiple = multiple
        """Repeatable option, or an argument taking several values: the value is a list."""
        self.metavar = metavar

    @property
    def required(self) -> bool:
        """Whether a positional argument must be given."""
        return self.default is REQUIRED

    @property
    def label(self) -> str:
        """How messages name it: its long flag, or its metavar."""
        if isinstance(self.spec, Arg):
            return self.metavar
        if self.toggle is not None:
            return self.toggle[0]
        return next((flag for flag in self.spec.flags if flag.startswith("--")), self.spec.flags[0])


REQUIRED: Any = object()
"""The default of a required argument."""

_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})
_METAVARS: dict[Any, str] = {int: "INTEGER", float: "FLOAT", str: "TEXT", Path: "PATH"}


def _number(text: float) -> str:
    return f"{text:g}"


def _ranged(kind: type[int] | type[float], low: float | None, high: float | None) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise BadValue(text, "must be a whole number" if kind is int else "must be a number") from None
        if not math.isfinite(value):
            raise BadValue(text, "must be a number")
        if low is not None and value < low:
            raise BadValue(text, f"must be {_number(low)} or more")
        if high is not None and value > high:
            raise BadValue(text, f"must be {_number(high)} or less")
        return value

    return convert


def _choice(choices: Sequence[str]) -> Callable[[str], str]:
    listed = ", ".join(repr(choice) for choice in choices)

    def convert(text: str) -> str:
        if text not in choices:
            raise BadValue(text, f"{text!r} is not one of {listed}")
        return text

    return convert


def boolean(text: str) -> bool:
    """A flag's value from the environment: 1/true/yes/on or 0/false/no/off (any case)."""
    folded = text.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise BadValue(text, "must be true or false (1/0, yes/no, on/off)")


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def read_param(name: str, annotation: Any, default: Any) -> Param:
    """The parameter ``name`` of a command from its annotation (with an `Opt` or `Arg`) and its default."""
    if get_origin(annotation) is not Annotated:
        raise TypeError(f"parameter {name!r}: annotate it with Annotated[type, Opt(...)] or Arg(...)")
    kind, *extras = get_args(annotation)
    spec = next((extra for extra in extras if isinstance(extra, Opt | Arg)), None)
    if spec is None:
        raise TypeError(f"parameter {name!r}: no Opt(...) or Arg(...) in its annotation")
    kind = _without_none(kind)
    multiple = get_origin(kind) is list
    if multiple:
        (kind,) = get_args(kind)
    if get_origin(kind) is Literal:
        choices = [str(choice) for choice in get_args(kind)]
        convert: Callable[[str], Any] = _choice(choices)
        metavar = "[" + "|".join(choices) + "]"
    elif kind in (int, float):
        convert = _ranged(kind, spec.min, spec.max)
        metavar = _METAVARS[kind]
    elif kind in (str, Path, bool):
        convert = boolean if kind is bool else kind
        metavar = _METAVARS.get(kind, "")
    else:
        raise TypeError(f"parameter {name!r}: unsupported type {kind!r}")
    metavar = spec.metavar or metavar
    if isinstance(spec, Arg):
        metavar_arg = spec.metavar or name.upper()
        required = default is inspect.Parameter.empty
        return Param(name, spec, convert, REQUIRED if required else default, multiple=multiple, metavar=metavar_arg)
    pair = next((flag for flag in spec.flags if "/" in flag), None)
    if kind is bool and pair is not None:
        on, off = pair.split("/")
        return Param(name, spec, convert, default, toggle=(on, off))
    return Param(name, spec, convert, default, flag=kind is bool, multiple=multiple, metavar=metavar)
