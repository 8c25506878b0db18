"""The ``fts3sdk`` Typer application: commands registered in the order ``--help`` lists them."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

from fts3sdk._version import __version__
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._usage import Group, ParserError, usage_error

if TYPE_CHECKING:
    import httpx

__all__ = ["app", "build", "run"]

_EPILOG = (
    "Exit codes: 0 ok, 1 other error, 2 usage, 3 authentication, 4 not found, 5 server error, "
    "6 connection, 7 watched job did not finish, 8 --max-wait reached, 130 interrupted."
)

# (name, module, attribute, group, hidden), in the order --help lists them. A command's module (and the models it
# needs) is imported only when that command runs, or when the whole list is shown.
_COMMANDS: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("submit", "_submit", "submit", False, False),
    ("status", "_commands_jobs", "status", False, False),
    ("list", "_commands_jobs", "list_jobs", False, False),
    ("cancel", "_commands_jobs", "cancel", False, False),
    ("events", "_commands_events", "events", False, False),
    ("whoami", "_commands_server", "whoami", False, False),
    ("server-info", "_commands_server", "server_info", False, False),
    ("delegate", "_commands_server", "delegate", False, False),
    ("proxy-init", "_commands_server", "proxy_init", False, False),
    ("ban", "_commands_server", "ban", False, False),
    ("unban", "_commands_server", "unban", False, False),
    ("config", "_commands_config", "config_app", True, False),
    ("optimizer", "_commands_optimizer", "optimizer_app", True, False),
    ("dm", "_commands_dm", "dm_app", True, False),
    ("demo", "_demo", "demo", False, False),
    ("schemas", "_commands_server", "schemas", False, True),
)
_NAMES = frozenset(name for name, *_ in _COMMANDS)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fts3sdk {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Command line for CERN's FTS3 File Transfer Service, built on the fts3sdk typed client."""


def build(only: str | None = None) -> typer.Typer:
    """The application with every command, or with ``only`` that one (what running it needs)."""
    application = typer.Typer(
        name="fts3sdk",
        help="Command line for CERN's FTS3 File Transfer Service, built on the fts3sdk typed client.",
        epilog=_EPILOG,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        cls=Group,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(_root)
    for name, module, attribute, group, hidden in _COMMANDS:
        if only is not None and name != only:
            continue
        value = getattr(importlib.import_module(f"fts3sdk.cli.{module}"), attribute)
        if group:
            application.add_typer(value, name=name)
        else:
            application.command(name, hidden=hidden)(value)
    return application


# Defined for the interpreter only: the whole application, built when first asked for.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name == "app":
            globals()["app"] = value = build()
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
else:
    app: typer.Typer


def run(argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and give the exit status."""
    import sys

    from fts3sdk.cli._options import Runtime

    args = None if argv is None else list(argv)
    given = sys.argv[1:] if args is None else args
    only = given[0] if given and given[0] in _NAMES else None
    command = typer.main.get_command(build(only))
    try:
        result = command.main(args=args, prog_name="fts3sdk", obj=Runtime(transport), standalone_mode=False)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ParserError as exc:
        status, line = usage_error(exc)
        if line is not None:
            typer.echo(f"error: {line}", err=True)
        return status
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        return int(ExitCode.ERROR)
    return result if isinstance(result, int) else 0
