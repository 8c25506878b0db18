"""What every ``fts-rest-*`` command shares (official ``fts3.cli.base``): options, configuration, the context.

Options, defaults, help text and errors are the official ones: ``optparse`` formats them, as it did there. The
configuration file is ``~/.fts3client.cfg`` (section ``[Main]``, else its defaults): ``verbose``, ``endpoint``,
``json``, ``ukey``, ``ucert``. Nothing heavier than the standard library is imported until a command runs, so
``--help`` and argument errors are fast.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Collection, Sequence
from configparser import ConfigParser
from optparse import IndentedHelpFormatter, OptionParser, Values
from typing import TYPE_CHECKING, Any, NoReturn

from fts3sdk._version import OFFICIAL_CLIENT_VERSION
from fts3sdk.rest_cli._main import LOGGER

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["CLIENT_VERSION", "CONFIG_DEFAULTS", "CONFIG_DEFAULTSECTION", "CONFIG_FILENAME", "Base", "description"]

CLIENT_VERSION = OFFICIAL_CLIENT_VERSION
"""The official version the commands stand in for (their User-Agent is ``fts-rest-cli/<version>``)."""
CONFIG_FILENAME = os.path.expanduser("~/.fts3client.cfg")
CONFIG_DEFAULTSECTION = "Main"
CONFIG_DEFAULTS = {"verbose": "false", "endpoint": "None", "json": "false", "ukey": "None", "ucert": "None"}


def description(*lines: str) -> str:
    """A multi-line description laid out as the official source had it (help wraps it, spaces included)."""
    indent = " " * 12
    return "\n" + "".join(f"{indent}{line}\n" for line in lines) + indent


class _HelpFormatter(IndentedHelpFormatter):
    """Print the example after the options: ``Example:``, then each line indented, ``%(prog)s`` replaced."""

    def format_epilog(self, epilog: str | None) -> str:
        if not epilog:
            return ""
        indent = " " * (self.current_indent + self.indent_increment)
        lines = [line.strip() % {"prog": sys.argv[0]} for line in epilog.splitlines()]
        return "\n" + "\n".join(["Example:", *(indent + line for line in lines if line)]) + "\n\n"


def _configured(config: ConfigParser, section: str, key: str) -> str | None:
    value = config.get(section, key)
    return None if value == "None" else value


class Base:
    """A command: its option parser, then `validate` and `run` on the parsed options (``self.options``)."""

    def __init__(self, extra_args: str | None = None, description: str | None = None, example: str | None = None):
        self.logger = logging.getLogger(LOGGER)
        self.options = Values()
        self.args: list[str] = []
        config = ConfigParser(defaults=CONFIG_DEFAULTS)
        config.read(CONFIG_FILENAME)
        section = CONFIG_DEFAULTSECTION if config.has_section(CONFIG_DEFAULTSECTION) else "DEFAULT"
        usage = f"usage: %prog [options] {extra_args}" if extra_args else None
        parser = OptionParser(usage=usage, description=description, epilog=example, formatter=_HelpFormatter())
        self.opt_parser = parser
        add = parser.add_option
        add("-v", "--verbose", dest="verbose", action="store_true", help="verbose output.",
            default=config.getboolean(section, "verbose"))  # fmt: skip
        add("-s", "--endpoint", dest="endpoint", help="FTS3 REST endpoint.",
            default=_configured(config, section, "endpoint"))  # fmt: skip
        add("-j", "--json", dest="json", action="store_true", help="print the output in JSON format.",
            default=config.getboolean(section, "json"))  # fmt: skip
        add("--key", dest="ukey", help="the user certificate private key.",
            default=_configured(config, section, "ukey"))  # fmt: skip
        add("--cert", dest="ucert", help="the user certificate.", default=_configured(config, section, "ucert"))
        add("--capath", dest="capath", default=None, help="use the specified directory to verify the peer")
        add("--insecure", dest="verify", default=True, action="store_false",
            help="do not validate the server certificate")  # fmt: skip
        add(
            "--access-token", dest="access_token", default=None,
            help="deprecated: Single OAuth2 access token for FTS submission plus source and destination tokens.",
        )  # fmt: skip
        add(
            "--fts-access-token", dest="fts_access_token", default=None,
            help="OAuth2 access token for FTS submission (source and destination tokens must be specified "
            "separately)",
        )  # fmt: skip

    def __call__(self, argv: Sequence[str] | None = None) -> Any:
        """Parse ``argv`` (default: the process arguments), validate, run; gives what `run` gives."""
        self.options, self.args = self.opt_parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if self.options.endpoint is None:
            self.options.endpoint = f"https://{socket.getfqdn()}:8446"
        if self.options.verbose:
            self.logger.setLevel(logging.DEBUG)
            logging.getLogger("fts3sdk").setLevel(logging.DEBUG)
        if self.options.access_token and self.options.fts_access_token:
            self.error(
                "Cannot use both '--access-token' and '--fts-access-token' simultaneously. (prefer new "
                "'--fts-access-token' handle)"
            )
        if self.options.access_token:
            self.options.fts_access_token = self.options.access_token
        self.validate()
        return self.run()

    def validate(self) -> None:
        """Check the arguments; a command that finds a problem prints it and exits."""

    def run(self) -> Any:
        """Do the command's work."""
        raise NotImplementedError(f"Run method not implemented in {type(self).__name__}")

    def error(self, message: str) -> NoReturn:
        """Usage and ``<prog>: error: <message>`` on stderr, exit status 2 (optparse's way)."""
        self.opt_parser.error(message)

    def fail(self, message: str) -> NoReturn:
        """``message`` on stdout (where the official commands print errors), exit status 1."""
        self.logger.critical(message)
        sys.exit(1)

    def wait(self, context: Context, job_id: str, waiting: Collection[str]) -> None:
        """Poll the job every ``--interval`` seconds while its state is in ``waiting``; print each, then the end."""
        from fts3sdk.easy.client.inquirer import Inquirer

        inquirer = Inquirer(context)
        job = inquirer.get_job_status(job_id)
        while job["job_state"] in waiting:
            self.logger.info("Job in state %s", job["job_state"])
            time.sleep(self.options.poll_interval)
            job = inquirer.get_job_status(job_id)
        self.logger.info("Job finished with state %s", job["job_state"])
        if job["reason"]:
            self.logger.info("Reason: %s", job["reason"])

    def _create_context(self) -> Context:
        import warnings

        from fts3sdk._config import InsecureRequestWarning
        from fts3sdk.easy.client.context import Context

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)  # --insecure asks for it, as the official
            return Context(
                self.options.endpoint,
                ukey=self.options.ukey,
                ucert=self.options.ucert,
                verify=self.options.verify,
                fts_access_token=self.options.fts_access_token,
                capath=self.options.capath,
                user_agent=f"fts-rest-cli/{CLIENT_VERSION}",
            )
