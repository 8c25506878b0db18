"""The ``fts3sdk`` command line (install the ``cli`` extra: ``pip install 'fts3sdk[cli]'``).

Typer and rich are imported only when the command runs: ``import fts3sdk`` never needs them. The commands,
options and exit codes are documented in ``docs/cli.md``; `ExitCode` lists the exit statuses.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fts3sdk.cli._exit import ExitCode

if TYPE_CHECKING:
    import httpx

__all__ = ["ExitCode", "main"]

_CLI_PACKAGES = frozenset({"typer", "rich"})


def main(argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    """Run ``fts3sdk`` with ``argv`` (default: the process arguments) and give its exit status.

    ``transport`` replaces the network for every client created (e.g. a `fts3sdk.testing.FakeFTS`).
    """
    if argv is None:  # the process's own command line: pydantic would scan every distribution for plugins
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        from fts3sdk.cli._app import run
    except ImportError as exc:
        if exc.name not in _CLI_PACKAGES:
            raise
        print("fts3sdk: the command line needs typer and rich: pip install 'fts3sdk[cli]'", file=sys.stderr)
        return 1
    return run(argv, transport=transport)
