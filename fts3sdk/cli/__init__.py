"""The ``fts3sdk`` command line (install the ``cli`` extra: ``pip install 'fts3sdk[cli]'``).

The parser is the standard library's argparse; rich, for tables and progress on a terminal, is imported only when
something is shown that way: ``import fts3sdk`` never needs it. The commands,
options and exit codes are documented in ``docs/cli.md``; `ExitCode` lists the exit statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fts3sdk.cli._exit import ExitCode

if TYPE_CHECKING:
    import httpx

__all__ = ["ExitCode", "main"]


def main(argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    """Run ``fts3sdk`` with ``argv`` (default: the process arguments) and give its exit status.

    ``transport`` replaces the network for every client created (e.g. a `fts3sdk.testing.FakeFTS`).
    """
    own = argv is None  # the process's own command line
    if own:
        from fts3sdk._startup import start_command_process

        start_command_process()
    from fts3sdk.cli._app import run

    return run(argv, transport=transport, preload=own)
