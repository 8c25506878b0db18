"""The ``fts3sdk`` application: its commands in the order ``--help`` lists them, and `run`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fts3sdk._version import __version__
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._parsing.parser import Exit, Group, UsageError, dispatch

if TYPE_CHECKING:
    import httpx

__all__ = ["app", "build", "run"]

_HELP = "Command line for CERN's FTS3 File Transfer Service, built on the fts3sdk typed client."
_EPILOG = (
    "Exit codes: 0 ok, 1 other error, 2 usage, 3 authentication, 4 not found, 5 server error, "
    "6 connection, 7 watched job did not finish, 8 --max-wait reached, 130 interrupted."
)

# (name, module in fts3sdk.cli._commands, attribute, hidden), in the order --help lists them. A command's module
# (and the models it needs) is imported only when that command runs, or when the whole list is shown.
_COMMANDS: tuple[tuple[str, str, str, bool], ...] = (
    ("submit", "submit", "submit", False),
    ("status", "jobs", "status", False),
    ("list", "jobs", "list_jobs", False),
    ("cancel", "jobs", "cancel", False),
    ("events", "events", "events", False),
    ("whoami", "server", "whoami", False),
    ("server-info", "server", "server_info", False),
    ("delegate", "server", "delegate", False),
    ("proxy-init", "server", "proxy_init", False),
    ("ban", "server", "ban", False),
    ("unban", "server", "unban", False),
    ("config", "config", "config_app", False),
    ("optimizer", "optimizer", "optimizer_app", False),
    ("dm", "dm", "dm_app", False),
    ("demo", "demo", "demo", False),
    ("schemas", "server", "schemas", True),
)
_NAMES = frozenset(name for name, *_ in _COMMANDS)


def build(only: str | None = None) -> Group:
    """The application with every command, or with ``only`` that one (what running it needs)."""
    application = Group(help=_HELP, epilog=_EPILOG)
    for name, module, attribute, hidden in _COMMANDS:
        if only is not None and name != only:
            continue
        value = getattr(importlib.import_module(f"fts3sdk.cli._commands.{module}"), attribute)
        if isinstance(value, Group):
            application.add_group(value, name)
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
    app: Group


def run(
    argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None, preload: bool = False
) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and give the exit status.

    ``preload``: import the models of an answer while its request is sent (`fts3sdk.cli._parsing.preload`).
    """
    from fts3sdk.cli._parsing.options import Runtime
    from fts3sdk.cli._parsing.preload import Preloader

    given = sys.argv[1:] if argv is None else list(argv)
    only = given[0] if given and given[0] in _NAMES else None
    try:
        runtime = Runtime(transport, preloader=Preloader() if preload else None)
        return dispatch(build(only), given, "fts3sdk", runtime, version=f"fts3sdk {__version__}")
    except UsageError as exc:
        print(f"error: {exc.line()}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except Exit as exit_:
        return exit_.code
    except KeyboardInterrupt:  # outside a command's own handling: while parsing, or waiting for a preload
        print("error: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
