"""The console-script entry points: run one command as the official scripts do (errors on stdout, exit 1).

Where the commands write is the official one too: messages only, INFO and errors on stdout, the rest on stderr.
The official formatter meant to prefix errors with ``Error:`` and warnings with ``# Warning:``, but under Python 3
it prints the bare message; scripts parse that, so it is kept.
"""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from typing import NoReturn

from fts3sdk._startup import start_command_process

__all__ = [
    "LOGGER",
    "ban_main",
    "delegate_main",
    "delete_submit_main",
    "server_status_main",
    "transfer_cancel_main",
    "transfer_list_main",
    "transfer_status_main",
    "transfer_submit_main",
    "setup",
    "whoami_main",
]

LOGGER = "fts3"
"""The logger the commands write to (``-v`` shows its debug messages)."""


class _Levels(logging.Filter):
    def __init__(self, levels: set[int], *, keep: bool) -> None:
        super().__init__()
        self._levels, self._keep = levels, keep

    def filter(self, record: logging.LogRecord) -> bool:
        return (record.levelno in self._levels) is self._keep


def setup() -> None:
    """Send INFO, ERROR and CRITICAL to stdout, WARNING and DEBUG to stderr, as bare messages; root at INFO."""
    quiet = {logging.WARNING, logging.DEBUG}
    out = logging.StreamHandler(sys.stdout)
    out.addFilter(_Levels(quiet, keep=False))
    err = logging.StreamHandler(sys.stderr)
    err.addFilter(_Levels(quiet, keep=True))
    root = logging.getLogger()
    for handler in (out, err):
        handler.setFormatter(logging.Formatter("%(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    for library in ("httpx", "httpcore"):  # httpx logs every request at INFO; urllib3 did at DEBUG
        logging.getLogger(library).setLevel(logging.WARNING)


def _refuse_next_to_the_official() -> None:
    from fts3sdk.compat._finder import foreign_fts3

    where = foreign_fts3()
    if where is not None:
        print(
            f"{sys.argv[0]}: this is fts3sdk-compat's command, but the official fts3 client is installed too "
            f"({where}); uninstall one of them (pip uninstall fts3sdk-compat, or pip uninstall fts3)",
            file=sys.stderr,
        )
        sys.exit(1)


def _run(module: str, name: str, *, exit_with_result: bool = False) -> NoReturn:
    start_command_process()
    _refuse_next_to_the_official()
    setup()
    try:
        command = getattr(importlib.import_module(f"fts3sdk.rest_cli.{module}"), name)()
        result = command(sys.argv[1:])
    except Exception as exc:
        logging.critical(str(exc))
        if logging.getLogger().getEffectiveLevel() == logging.DEBUG:
            traceback.print_exc()
        sys.exit(1)
    sys.exit(result if exit_with_result else 0)


def whoami_main() -> NoReturn:
    """``fts-rest-whoami``."""
    _run("whoami", "WhoAmI")


def delegate_main() -> NoReturn:
    """``fts-rest-delegate``."""
    _run("delegator", "Delegator")


def transfer_submit_main() -> NoReturn:
    """``fts-rest-transfer-submit``."""
    _run("jobsubmitter", "JobSubmitter")


def transfer_status_main() -> NoReturn:
    """``fts-rest-transfer-status``."""
    _run("jobshower", "JobShower")


def transfer_list_main() -> NoReturn:
    """``fts-rest-transfer-list``."""
    _run("joblister", "JobLister")


def transfer_cancel_main() -> NoReturn:
    """``fts-rest-transfer-cancel``."""
    _run("jobcanceller", "JobCanceller")


def ban_main() -> NoReturn:
    """``fts-rest-ban``."""
    _run("banning", "Banning")


def server_status_main() -> NoReturn:
    """``fts-rest-server-status`` (its exit status is what ``--is-active`` computes)."""
    _run("serverstatus", "ServerStatus", exit_with_result=True)


def delete_submit_main() -> NoReturn:
    """``fts-rest-delete-submit``."""
    _run("jobdeletionsubmitter", "JobDeletionSubmitter")
