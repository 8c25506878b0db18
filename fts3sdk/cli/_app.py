"""The ``fts3sdk`` Typer application: commands registered in the order ``--help`` lists them."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import typer

from fts3sdk._version import __version__
from fts3sdk.cli import _commands_events as events
from fts3sdk.cli import _commands_jobs as jobs
from fts3sdk.cli import _commands_server as server
from fts3sdk.cli._commands_config import config_app
from fts3sdk.cli._commands_dm import dm_app
from fts3sdk.cli._commands_optimizer import optimizer_app
from fts3sdk.cli._demo import demo
from fts3sdk.cli._options import Runtime
from fts3sdk.cli._submit import submit

__all__ = ["app", "run"]

_EPILOG = (
    "Exit codes: 0 ok, 1 other error, 2 usage, 3 authentication, 4 not found, 5 server error, "
    "6 connection, 7 watched job did not finish, 8 --max-wait reached, 130 interrupted."
)

app = typer.Typer(
    name="fts3sdk",
    help="Command line for CERN's FTS3 File Transfer Service, built on the fts3sdk typed client.",
    epilog=_EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fts3sdk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Command line for CERN's FTS3 File Transfer Service, built on the fts3sdk typed client."""


app.command("submit")(submit)
app.command("status")(jobs.status)
app.command("list")(jobs.list_jobs)
app.command("cancel")(jobs.cancel)
app.command("events")(events.events)
app.command("whoami")(server.whoami)
app.command("server-info")(server.server_info)
app.command("delegate")(server.delegate)
app.command("proxy-init")(server.proxy_init)
app.command("ban")(server.ban)
app.command("unban")(server.unban)
app.add_typer(config_app, name="config")
app.add_typer(optimizer_app, name="optimizer")
app.add_typer(dm_app, name="dm")
app.command("demo")(demo)
app.command("schemas", hidden=True)(server.schemas)


def run(argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and give the exit status."""
    command = typer.main.get_command(app)
    try:
        command.main(args=None if argv is None else list(argv), prog_name="fts3sdk", obj=Runtime(transport))
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
