"""Where the commands write, as the official ones: messages only, INFO and errors on stdout, the rest on stderr.

The official formatter meant to prefix errors with ``Error:`` and warnings with ``# Warning:``, but under Python 3
it prints the bare message; scripts parse that, so it is kept.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["LOGGER", "setup"]

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
