"""Run unmodified code written for the official client (``import fts3...``) on fts3sdk.

Two ways, both resolving the official module names to stand-ins that show fts3sdk's own functions and classes:

* **No change at all**: install the ``fts3sdk-compat`` distribution (``compat/`` in this repository).
  Its startup hook calls `activate`; it also installs the ``fts-rest-*`` commands.
* **One call** at the top of a program, before the first ``import fts3...``::

      import fts3sdk.compat

      fts3sdk.compat.install()

      import fts3.rest.client.easy as fts3                 # the names of fts3sdk.easy
      from fts3.rest.client.request import Request         # fts3sdk.easy.client.request.Request

Every module of the official 3.14.2 package exists (`MODULES`): ``fts3`` (``__version__`` "3.14.2"),
``fts3.rest``, ``fts3.rest.client`` and its ``context``, ``request``, ``inquirer``, ``submitter``, ``ban``,
``delegator`` and ``exceptions``, ``fts3.rest.client.easy`` and its ``ban``, ``delegate``, ``state``,
``submission`` and ``whoami``, ``fts3.cli`` and its command modules. Each holds the official public names;
another ``fts3.*`` name raises ModuleNotFoundError. Both ways refuse with `OfficialClientPresent` when the official
package is installed too: hiding it silently would be worse than an error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

from fts3sdk.compat._finder import MARK, OfficialClientPresent, StandInFinder, foreign_fts3, refusal
from fts3sdk.compat._tree import OFFICIAL_TREE

__all__ = ["MODULES", "OfficialClientPresent", "activate", "install", "installed", "uninstall"]

MODULES: tuple[str, ...] = tuple(OFFICIAL_TREE)
"""Every official module name fts3sdk.compat provides."""


def _finders() -> list[StandInFinder]:
    return [finder for finder in sys.meta_path if isinstance(finder, StandInFinder)]


def installed() -> bool:
    """Whether the official names resolve to fts3sdk (by `install` or `activate`)."""
    return bool(_finders())


def install(force: bool = False) -> None:
    """Make ``import fts3...`` give fts3sdk's stand-ins in this interpreter, from now on.

    Idempotent. Raises OfficialClientPresent (an ImportError) when another ``fts3`` package is importable or
    already imported, unless ``force`` (then fts3sdk replaces it for this interpreter: modules already imported
    from it are dropped from ``sys.modules``). The other package is looked up without importing it.
    """
    if installed():
        return
    if force:
        _forget(lambda module: not getattr(module, MARK, False))
    else:
        where = foreign_fts3()
        if where is not None:
            raise OfficialClientPresent(refusal(where), name="fts3")
    sys.meta_path.insert(0, StandInFinder(strict=False))


def activate() -> StandInFinder:
    """Register the stand-ins, checking for the official package when ``import fts3`` happens; gives the finder.

    What the ``fts3sdk-compat`` distribution's startup hook calls on the first ``import fts3``: that import (and
    every later one) raises OfficialClientPresent if the official package is installed too.
    """
    finders = _finders()
    if finders:
        return finders[0]
    finder = StandInFinder(strict=True)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall() -> None:
    """Undo `install`/`activate`: the official names are no longer resolved (modules imported keep their names)."""
    for finder in _finders():
        sys.meta_path.remove(finder)
    _forget(lambda module: bool(getattr(module, MARK, False)))


def _forget(which: Callable[[ModuleType], bool]) -> None:
    for name in [name for name in sys.modules if name == "fts3" or name.startswith("fts3.")]:
        if which(sys.modules[name]):
            del sys.modules[name]
