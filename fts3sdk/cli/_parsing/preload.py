"""Importing the models a command will parse into while its request is on the network.

A command of the typed client spends most of its own time importing pydantic and the model module of the answer,
which it needs only once the answer is there; the TLS handshake and the server's work before that leave the
interpreter idle (the GIL is released while OpenSSL and the socket wait). `Preloader.start` imports those modules
in a background thread during that time; the command then finds them imported, or waits for the thread's import
of the module it needs.

Why it is safe: the thread starts once the client is built, when the command's own modules are imported; from
then on the main thread imports pydantic and the models only from function bodies (parsing the answer), holding
no import lock, so it can wait for the thread's import of a module but never make the thread wait for one of
its own (Python's per-module locks deadlock only two threads each inside a module the other needs, i.e. an
import cycle run from both ends; the models import nothing of the client's). The thread is a daemon and
`Preloader.join` waits for it before the command returns, so no import is left running at exit. Only the
``fts3sdk`` process's own command line preloads (`fts3sdk.cli.main` without ``argv``): called in-process, as by
tests and scripts, nothing changes.

Measured (``benchmarks/README.md``): over loopback the network leaves only 15-20 ms to fill, and the gain is
lost in the noise; 10 ms away (each way) it takes a fifth off ``fts3sdk whoami``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence

__all__ = ["JOB_MODELS", "SERVER_MODELS", "Preloader"]

SERVER_MODELS = ("fts3sdk.models.server",)
"""What the answers about the caller, the server and delegations are parsed into."""
JOB_MODELS = ("fts3sdk.models.jobs",)
"""What the answers about jobs (and their files) are parsed into."""


def _import_all(modules: Sequence[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException:
            return


class Preloader:
    """Starts background imports and waits for them."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def start(self, modules: Sequence[str]) -> None:
        """Import ``modules`` (in that order) in a daemon thread."""
        if modules:
            thread = threading.Thread(target=_import_all, args=(tuple(modules),), name="fts3sdk-preload", daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        """Wait until every background import has ended."""
        while self._threads:
            self._threads.pop().join()
