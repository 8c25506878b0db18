"""The option parser's side of the command line: help rows without type noise, parser errors as one line.

Typer prints a parser error (``--priority 9``, an unknown option, a missing argument) as a framed box of five
lines in pydantic's words, and recent releases print a type after every flag (``--json <bool>``) and list
argument (``JOB_ID <list[str]>``). `Command` and `Group` drop those types from the help; `usage_error` gives
the one ``error:`` line printed instead of the box.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from fts3sdk.cli._problems import words

__all__ = ["ParserError", "Command", "Group", "usage_error"]


def _parser_error_class() -> type[Exception]:
    # Click's ClickException: from click itself, or from the copy of click that recent typer releases carry.
    for base in typer.BadParameter.__mro__:
        if base.__name__ == "ClickException":
            return base
    raise ImportError("typer.BadParameter does not derive from a ClickException")  # pragma: no cover


ParserError = _parser_error_class()
"""What the option parser raises for a command line it cannot take (exit status in ``exit_code``)."""


class _Argument(TyperArgument):
    """An argument whose help row shows its name alone (``JOB_ID``), not its Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        """No type column: the metavar already says what to give."""
        return None


def _tidy(params: list[Any]) -> list[Any]:
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument  # the same object, displayed differently; parsing is unchanged
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # a flag takes no value: show none
        elif getattr(param, "multiple", False) and param.metavar is None:
            param.metavar = _parameter_name(param).lstrip("-").replace("-", "_").upper()  # --vo VO, not <list[str]>
    return params


class Command(TyperCommand):
    """A command whose help shows no type after flags and arguments."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, with flags and arguments shown without a type."""
        return _tidy(super().get_params(ctx))


class Group(TyperGroup):
    """A command group: its commands are `Command`s and its groups `Group`s, whatever registered them."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, with flags shown without a type."""
        return _tidy(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command ``cmd_name``, shown as a `Command` (a group of commands as a `Group`)."""
        command = super().get_command(ctx, cmd_name)
        if type(command) is TyperCommand:
            command.__class__ = Command  # subclasses adding no state: only the help changes
        elif type(command) is TyperGroup:
            command.__class__ = Group
        return command


def _parameter_name(param: Any) -> str:
    opts = [opt for opt in getattr(param, "opts", []) if opt.startswith("--")]
    if opts:
        return str(opts[0])
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "value").upper()


def _bad_value(exc: Exception) -> str | None:
    cause = exc.__cause__
    param = getattr(exc, "param", None)
    core = sys.modules.get("pydantic_core")  # never imported just to check: only it can have raised one
    if core is None or not isinstance(cause, core.ValidationError) or param is None or not cause.errors():
        return None
    error = cause.errors(include_url=False)[0]
    what = words(error, with_input=False)
    value = error.get("input")
    shown = f" {value}" if isinstance(value, str | int | float) and str(value) and repr(value) not in what else ""
    return f"{_parameter_name(param)}{shown}: {what}"


def usage_error(exc: Exception) -> tuple[int, str | None]:
    """The exit status for a parser error and the line to print after ``error:`` (``None``: already shown)."""
    code = int(getattr(exc, "exit_code", 2))
    if type(exc).__name__ == "NoArgsIsHelpError":  # the help was printed instead
        return code, None
    message = _bad_value(exc) or str(getattr(exc, "format_message", lambda: str(exc))())
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return code, f"{message.rstrip('.')}{hint}"
