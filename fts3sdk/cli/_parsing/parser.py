"""Commands and groups of commands on the standard library's argparse: parsing, help, one-line usage errors.

A `Group` holds commands (plain functions, their parameters described by `fts3sdk.cli._parsing.spec`) and other
groups. `dispatch` follows the words of the command line down the groups, builds the parser of the one command
named (no other is looked at), parses its options and arguments in any order, fills what was not given from
the environment or the defaults, and calls it. A command line the parser cannot take raises `UsageError`: one
line, exit status 2, in the words the ``fts3sdk`` command has always used (``No such option: --jsno``).
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fts3sdk.cli._parsing.spec import Arg, BadValue, Opt, Param, boolean, read_param

__all__ = ["Exit", "Group", "Invocation", "UsageError", "dispatch", "params_of", "summary"]

USAGE_STATUS = 2
_NEGATIVE = re.compile(r"^-\d+$|^-\d*\.\d+$")
_HELP = "Show this message and exit."
_WIDEST = 120


class Exit(Exception):
    """Leave the command with exit status ``code`` (its messages already printed)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = int(code)


class UsageError(Exception):
    """A command line the parser cannot take: ``message``, and the command whose help would explain it."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.message = message
        self.prog = prog

    def line(self) -> str:
        """The line printed after ``error:``."""
        return f"{self.message.rstrip('.')} (see '{self.prog} --help')"


class Invocation:
    """What a command gets besides its options, when it asks for it with a parameter of this type."""

    __slots__ = ("runtime", "sources")

    def __init__(self, runtime: object, sources: Mapping[str, str]) -> None:
        self.runtime = runtime
        """What the caller of the command line passed (`fts3sdk.cli._parsing.options.Runtime`)."""
        self.sources = sources
        """For each parameter given, where its value came from: its flag, or the environment variable."""

    def origin(self, name: str, default: str) -> str:
        """Where parameter ``name`` came from, or ``default`` when it was not given."""
        return self.sources.get(name, default)


class _Entry:
    __slots__ = ("hidden", "target")

    def __init__(self, target: Callable[..., Any] | Group, hidden: bool = False) -> None:
        self.target = target
        self.hidden = hidden


class Group:
    """Commands and groups of commands under one name (``fts3sdk config links ...``)."""

    def __init__(self, name: str | None = None, *, help: str = "", epilog: str = "") -> None:
        self.name = name
        self.help = help
        self.epilog = epilog
        self.entries: dict[str, _Entry] = {}

    def command(self, name: str, *, hidden: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as command ``name``."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self.entries[name] = _Entry(function, hidden)
            return function

        return register

    def add_group(self, group: Group, name: str | None = None) -> None:
        """Register ``group`` under ``name`` (default: its own name)."""
        key = name or group.name
        if not key:
            raise ValueError("a sub-group needs a name")
        self.entries[key] = _Entry(group)

    def help_text(self, prog: str, *, version: bool = False) -> str:
        """The group's ``--help``: usage, what it is, its commands with their summaries, its epilog."""
        options = "[--version] " if version else ""
        parts = [f"Usage: {prog} {options}COMMAND [ARGS]...", ""]
        if self.help:
            parts += [self.help, ""]
        parts += ["Options:"]
        if version:
            parts.append(f"  {'--version':<12}Show the version and exit.")
        parts += [f"  {'-h, --help':<12}{_HELP}", "", "Commands:"]
        shown = {name: entry for name, entry in self.entries.items() if not entry.hidden}
        width = max(map(len, shown), default=0) + 2
        parts += [f"  {name:<{width}}{summary(entry.target)}".rstrip() for name, entry in shown.items()]
        if self.epilog:
            import textwrap

            parts += ["", textwrap.fill(self.epilog, _width())]
        return "\n".join(parts) + "\n"


def summary(target: Callable[..., Any] | Group) -> str:
    """The first line of a command's docstring, or a group's help."""
    text = target.help if isinstance(target, Group) else inspect.getdoc(target) or ""
    return text.strip().split("\n", 1)[0]


def _width() -> int:
    import shutil

    return min(shutil.get_terminal_size((_WIDEST, 24)).columns - 2, _WIDEST)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help as the command has always shown it: ``Usage:``, the docstring as written, ``-i, --interval FLOAT``."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34, width=_width())

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Usage: " if prefix is None else prefix)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings:
            return super()._format_action_invocation(action)
        if isinstance(action, _Toggle):
            return " / ".join(action.option_strings)
        flags = ", ".join(sorted(action.option_strings, key=lambda flag: (flag.startswith("--"), len(flag))))
        return flags if action.nargs == 0 else f"{flags} {action.metavar}"


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises instead of printing and exiting."""

    def error(self, message: str) -> Any:
        raise UsageError(message[:1].upper() + message[1:], self.prog)

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        if message:
            sys.stderr.write(message)
        raise Exit(status)


def params_of(command: Callable[..., Any]) -> tuple[list[Param], str | None]:
    """The parameters of ``command`` the parser fills, and the one asking for the `Invocation` (if any)."""
    params: list[Param] = []
    invocation = None
    for parameter in inspect.signature(command, eval_str=True).parameters.values():
        if parameter.annotation is Invocation:
            invocation = parameter.name
        else:
            params.append(read_param(parameter.name, parameter.annotation, parameter.default))
    return params, invocation


def _help(param: Param) -> str:
    spec = param.spec
    text = spec.help
    default = param.default
    if not param.required and default is not None and default is not False and not param.multiple:
        text += f" [default: {default:g}]" if isinstance(default, float) else f" [default: {default}]"
    envvar = getattr(spec, "envvar", None)
    if envvar:
        text += f" [env: {envvar}]"
    return text.strip().replace("%", "%%")


def _usage(prog: str, params: Sequence[Param]) -> str:
    words = [prog, "[OPTIONS]"]
    for param in params:
        if isinstance(param.spec, Arg):
            name = param.metavar if param.required else f"[{param.metavar}]"
            words.append(f"{name}..." if param.multiple else name)
    return " ".join(words)


class _Toggle(argparse.Action):
    """``--x`` sets True, ``--no-x`` (the second flag) False."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, option_string == self.option_strings[0])


def _parser(command: Callable[..., Any], params: Sequence[Param], prog: str) -> _Parser:
    parser = _Parser(prog=prog, usage=_usage(prog, params), description=inspect.getdoc(command),
                     formatter_class=_Formatter, add_help=False, allow_abbrev=False, exit_on_error=False)  # fmt: skip
    groups: dict[str, Any] = {}

    def group(title: str) -> Any:
        if title not in groups:
            groups[title] = parser.add_argument_group(title)
        return groups[title]

    for param in params:
        spec = param.spec
        if isinstance(spec, Arg):
            nargs = "*" if param.multiple else "?"
            group("Arguments").add_argument(param.name, metavar=param.metavar, nargs=nargs, help=_help(param))
            continue
        target = group(spec.panel or "Options")
        if param.toggle is not None:
            target.add_argument(*param.toggle, dest=param.name, action=_Toggle, nargs=0, help=_help(param))
        elif param.flag:
            flags = spec.flags
            target.add_argument(*flags, dest=param.name, action="store_const", const=True, help=_help(param))
        else:
            action = "append" if param.multiple else "store"
            target.add_argument(*spec.flags, dest=param.name, action=action, metavar=param.metavar, help=_help(param))
    group("Options").add_argument("-h", "--help", action="help", help=_HELP)
    return parser


def _long(argument_name: str | None) -> str:
    names = (argument_name or "").split("/")
    return next((name for name in names if name.startswith("--")), names[0])


def _unknown(extras: Sequence[str], params: Sequence[Param]) -> str:
    options = [extra for extra in extras if extra.startswith("-") and extra != "-" and not _NEGATIVE.match(extra)]
    if not options:
        return f"Got unexpected extra argument(s) ({' '.join(extras)})"
    given = options[0].split("=", 1)[0]
    known = [flag for param in params if not isinstance(param.spec, Arg) for flag in _flags(param)]
    close = _close(given, [*known, "--help"])
    return f"No such option: {given}" + (f"; did you mean {close[0]}?" if close else "")


def _close(word: str, possibilities: Sequence[str]) -> list[str]:
    import difflib  # only for a mistyped command line

    return difflib.get_close_matches(word, possibilities, n=1)


def _flags(param: Param) -> Sequence[str]:
    if param.toggle is not None:
        return param.toggle
    return param.spec.flags if isinstance(param.spec, Opt) else ()


def _parse(parser: _Parser, params: Sequence[Param], argv: Sequence[str]) -> dict[str, Any]:
    try:
        namespace, extras = parser.parse_known_intermixed_args(list(argv))
    except argparse.ArgumentError as exc:
        flag = _long(exc.argument_name)
        if exc.message.startswith("expected"):
            raise UsageError(f"Option '{flag}' requires an argument", parser.prog) from None
        if exc.message.startswith("ignored explicit argument"):
            raise UsageError(f"Option '{flag}' does not take a value", parser.prog) from None
        raise UsageError(f"{flag}: {exc.message}", parser.prog) from None
    if extras:
        raise UsageError(_unknown(extras, params), parser.prog)
    return vars(namespace)


def _value(param: Param, given: Any, prog: str, sources: dict[str, str]) -> Any:
    name = param.label
    envvar = getattr(param.spec, "envvar", None)
    if (given is None or given == []) and envvar and os.environ.get(envvar):
        text = os.environ[envvar]
        given, name = (text.split() if param.multiple else text), envvar
    if given is None or given == []:
        if param.required:
            kind = "argument" if isinstance(param.spec, Arg) else "option"
            raise UsageError(f"Missing {kind} '{param.metavar}'", prog)
        return param.default
    sources[param.name] = name
    try:
        if param.toggle is not None or (param.flag and name != envvar):
            return given
        if param.flag:
            return boolean(given)
        if param.multiple:
            return [param.convert(item) for item in given]
        return param.convert(given)
    except BadValue as exc:
        raise UsageError(exc.line(name), prog) from None


def invoke(command: Callable[..., Any], argv: Sequence[str], prog: str, runtime: object) -> int:
    """Parse ``argv`` for ``command``, call it, and give its exit status."""
    params, invocation = params_of(command)
    given = _parse(_parser(command, params, prog), params, argv)
    sources: dict[str, str] = {}
    values = {param.name: _value(param, given.get(param.name), prog, sources) for param in params}
    if invocation is not None:
        values[invocation] = Invocation(runtime, sources)
    result = command(**values)
    return result if isinstance(result, int) else 0


def dispatch(group: Group, argv: Sequence[str], prog: str, runtime: object, *, version: str = "") -> int:
    """Run what ``argv`` names in ``group``: a sub-group's command, or the help; give the exit status."""
    if not argv:
        sys.stdout.write(group.help_text(prog, version=bool(version)))
        return USAGE_STATUS
    head, *rest = argv
    if head in ("-h", "--help"):
        sys.stdout.write(group.help_text(prog, version=bool(version)))
        return 0
    if version and head == "--version":
        sys.stdout.write(f"{version}\n")
        return 0
    if head.startswith("-"):
        raise UsageError(f"No such option: {head}", prog)
    entry = group.entries.get(head)
    if entry is None:
        visible = [name for name, item in group.entries.items() if not item.hidden]
        close = _close(head, visible)
        raise UsageError(f"No such command {head!r}" + (f"; did you mean {close[0]!r}?" if close else ""), prog)
    if isinstance(entry.target, Group):
        return dispatch(entry.target, rest, f"{prog} {head}", runtime)
    return invoke(entry.target, rest, f"{prog} {head}", runtime)
