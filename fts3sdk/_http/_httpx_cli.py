"""Keep ``import httpx`` from importing httpx's own command line (click, rich, pygments) when they are installed.

httpx's ``__init__`` imports ``httpx._main`` for its ``httpx`` console script, which costs about 0.1 s whenever
click, rich and pygments happen to be installed (upstream: encode/httpx#3547, still open). Before httpx is first
imported, a stand-in takes that module's place; the real one is imported the moment anything uses it
(``httpx.main()``, the ``httpx`` command, any attribute), so nothing changes but the import time.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

__all__ = ["defer_httpx_cli"]

_NAME = "httpx._main"


def _real() -> ModuleType:
    if isinstance(sys.modules.get(_NAME), _DeferredCli):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def _main(*args: Any, **kwargs: Any) -> Any:
    """Run httpx's command line (what ``httpx.main`` is): imports it first."""
    return _real().main(*args, **kwargs)


class _DeferredCli(ModuleType):
    """Stands for ``httpx._main`` until it is used, then imports and hands over to the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's probes (__path__...) must not import it
            raise AttributeError(name)
        return getattr(_real(), name)


def defer_httpx_cli() -> None:
    """Put the stand-in in place, unless httpx (or its command line) is already imported."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    deferred = _DeferredCli(_NAME, "httpx's command line, imported when used (fts3sdk._http._httpx_cli).")
    deferred.main = _main  # type: ignore[attr-defined]
    sys.modules[_NAME] = deferred
