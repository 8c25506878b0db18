"""Run unmodified code written for the official client on fts3sdk, by registering its module names.

Opt-in, at the top of a program (before the first ``import fts3...``)::

    import fts3sdk.compat

    fts3sdk.compat.install()

    import fts3.rest.client.easy as fts3                 # fts3sdk.easy
    from fts3.rest.client.exceptions import NotFound     # fts3sdk.errors.NotFound

Registered: ``fts3`` (``__version__`` "3.13.4"), ``fts3.rest``, ``fts3.rest.client`` (``Context``, ``Inquirer``,
``Submitter``, ``Delegator``, ``Ban`` and every exception class, as the official package exports),
``fts3.rest.client.easy`` (the module `fts3sdk.easy` itself) and ``fts3.rest.client.exceptions`` (the module
`fts3sdk.errors` itself). Other official modules (``context``, ``request``, the CLI) are not provided.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from fts3sdk import easy, errors

__all__ = ["MODULES", "OfficialClientPresent", "install", "installed", "uninstall"]

MODULES = ("fts3", "fts3.rest", "fts3.rest.client", "fts3.rest.client.easy", "fts3.rest.client.exceptions")
"""The module names `install` registers."""

_MARK = "__fts3sdk_compat__"
_CLIENT_NAMES = ("Ban", "Context", "Delegator", "Inquirer", "Submitter")


class OfficialClientPresent(ImportError):
    """The official ``fts3`` package is importable: `install` would hide it, so it refuses unless forced.

    An ImportError, so ``except ImportError`` around ``install()`` falls back to the official client.
    """


def _package(name: str, doc: str) -> ModuleType:
    module = ModuleType(name, doc)
    module.__path__ = []  # a package, so that missing official submodules fail as ModuleNotFoundError
    module.__package__ = name
    setattr(module, _MARK, True)
    return module


def _modules() -> dict[str, ModuleType]:
    top = _package("fts3", "fts3sdk stand-in for the official fts3 package (fts3sdk.compat).")
    top.__version__ = easy.CLIENT_VERSION  # type: ignore[attr-defined]
    rest = _package("fts3.rest", "fts3sdk stand-in for fts3.rest (fts3sdk.compat).")
    client = _package("fts3.rest.client", "fts3sdk stand-in for fts3.rest.client (fts3sdk.compat).")
    for name in _CLIENT_NAMES:
        setattr(client, name, getattr(easy, name))
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            setattr(client, name, value)
    top.rest = rest  # type: ignore[attr-defined]
    rest.client = client  # type: ignore[attr-defined]
    client.easy = easy  # type: ignore[attr-defined]
    client.exceptions = errors  # type: ignore[attr-defined]
    return dict(zip(MODULES, (top, rest, client, easy, errors), strict=True))


def installed() -> bool:
    """Whether `install` registered the stand-in modules (and they are still in place)."""
    return getattr(sys.modules.get("fts3"), _MARK, False) is True


def _official_importable() -> bool:
    try:
        return importlib.util.find_spec("fts3") is not None
    except (ImportError, ValueError):  # a broken or spec-less "fts3" already in sys.modules
        return True


def install(force: bool = False) -> None:
    """Register the official module names so that ``import fts3.rest.client.easy`` gives `fts3sdk.easy`.

    Idempotent. Raises OfficialClientPresent (an ImportError) when an ``fts3`` package is importable or
    already imported, unless ``force`` (then fts3sdk replaces it for this interpreter). The official package
    is looked up without importing it.
    """
    if installed():
        return
    if not force and ("fts3" in sys.modules or _official_importable()):
        raise OfficialClientPresent(
            "the official fts3 package is installed: fts3sdk.compat.install() would hide it. Use it, uninstall it, "
            "or call install(force=True) to run on fts3sdk anyway"
        )
    sys.modules.update(_modules())


def uninstall() -> None:
    """Remove the names `install` registered (modules imported since keep their references)."""
    if not installed():
        return
    for name in MODULES:
        sys.modules.pop(name, None)
