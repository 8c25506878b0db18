"""An import finder that answers the official ``fts3...`` module names with stand-ins showing fts3sdk's objects.

Each stand-in is a module of its own whose names are the very functions and classes of fts3sdk (so identity,
``isinstance`` and ``except`` clauses work across both names); fts3sdk's modules themselves are never changed.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

from fts3sdk._version import OFFICIAL_CLIENT_VERSION
from fts3sdk.compat._tree import OFFICIAL_TREE

__all__ = ["MARK", "OfficialClientPresent", "StandInFinder", "foreign_fts3"]

MARK = "__fts3sdk_compat__"
"""Attribute set on every stand-in module."""
_SOURCES = {entry.source: name for name, entry in OFFICIAL_TREE.items() if entry.source}


class OfficialClientPresent(ImportError):
    """Another ``fts3`` package (the official client) is installed: fts3sdk's stand-in would hide it, so it refuses.

    An ImportError, so ``except ImportError`` around ``install()`` falls back to the official client.
    """


def _ours(finder: object) -> bool:
    # The finder, or the startup hook of the fts3sdk-compat distribution that hands over to it.
    return isinstance(finder, StandInFinder) or getattr(finder, MARK, False) is True


def foreign_fts3() -> str | None:
    """Where another ``fts3`` is (imported, or importable by a finder other than fts3sdk's), else ``None``.

    Looked up without importing it.
    """
    present = sys.modules.get("fts3")
    if present is not None:
        return None if getattr(present, MARK, False) else str(getattr(present, "__file__", None) or present)
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        if _ours(finder) or find_spec is None:
            continue
        try:
            spec = find_spec("fts3", None)
        except (ImportError, ValueError):
            continue
        if spec is not None:
            return str(spec.origin or (list(spec.submodule_search_locations or []) or ["?"])[0])
    return None


def _is_package(name: str) -> bool:
    return any(other.startswith(name + ".") for other in OFFICIAL_TREE)


class _StandInLoader:
    """Fill a fresh module with the public names of the fts3sdk module standing in for an official one."""

    def __init__(self, finder: StandInFinder) -> None:
        self._finder = finder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """Let the import system create a plain module."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Copy the names in, then register the submodules the official package imports with itself."""
        name = module.__name__
        entry = OFFICIAL_TREE[name]
        setattr(module, MARK, True)
        module.__doc__ = f"fts3sdk stand-in for the official {name} ({entry.source or 'a package'})."
        if name == "fts3":
            module.__version__ = OFFICIAL_CLIENT_VERSION  # type: ignore[attr-defined]
        if entry.exceptions:
            _copy_exceptions(module)
        if entry.source is not None:
            source = importlib.import_module(entry.source)
            for public in source.__all__:
                setattr(module, public, _official(getattr(source, public)))
        for child in entry.submodules:
            submodule = self._finder.load_now(f"{name}.{child}")
            if not isinstance(getattr(module, child, submodule), ModuleType):
                continue  # a function of the same name wins, as in the official package (easy.whoami)
            setattr(module, child, submodule)


def _copy_exceptions(module: ModuleType) -> None:
    from fts3sdk import errors

    for public in errors.__all__:
        value = getattr(errors, public)
        if isinstance(value, type) and issubclass(value, Exception):
            setattr(module, public, value)


def _official(value: object) -> object:
    # A module among the names (Easy's ``exceptions``) is shown as its official stand-in.
    if isinstance(value, ModuleType) and value.__name__ in _SOURCES:
        return importlib.import_module(_SOURCES[value.__name__])
    return value


class StandInFinder:
    """Answer the official module names (and only them) with stand-ins.

    ``strict``: refuse with `OfficialClientPresent` when ``import fts3`` finds that another ``fts3`` is installed
    (the check happens at that import, not when the finder is registered).
    """

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self._loader = _StandInLoader(self)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for an official name; ModuleNotFoundError for any other ``fts3.*`` name; ``None`` otherwise."""
        if fullname != "fts3" and not fullname.startswith("fts3."):
            return None
        if fullname == "fts3" and self.strict:
            where = foreign_fts3()
            if where is not None:
                raise OfficialClientPresent(refusal(where), name="fts3")
        if fullname not in OFFICIAL_TREE:
            raise ModuleNotFoundError(f"No module named {fullname!r} (not a module of the official fts3 package)")
        return importlib.machinery.ModuleSpec(fullname, self._loader, is_package=_is_package(fullname))  # type: ignore[arg-type]

    def load_now(self, fullname: str) -> ModuleType:
        """Import a stand-in without the import system setting it as an attribute of its parent."""
        present = sys.modules.get(fullname)
        if present is not None:
            return present
        spec = self.find_spec(fullname)
        assert spec is not None
        module = ModuleType(fullname)
        module.__spec__, module.__loader__ = spec, spec.loader
        module.__package__ = fullname if _is_package(fullname) else fullname.rpartition(".")[0]
        if _is_package(fullname):
            module.__path__ = []
        sys.modules[fullname] = module
        try:
            self._loader.exec_module(module)
        except BaseException:
            sys.modules.pop(fullname, None)
            raise
        return module


def refusal(where: str) -> str:
    """The message refusing to hide another ``fts3`` package found at ``where``."""
    return (
        f"the official fts3 package is installed ({where}) and fts3sdk's stand-in for it would hide it: uninstall "
        "one of them (pip uninstall fts3, or pip uninstall fts3sdk-compat), or call "
        "fts3sdk.compat.install(force=True) to run on fts3sdk anyway"
    )
