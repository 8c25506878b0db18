"""Startup hook of fts3sdk-compat (run by ``fts3sdk_compat.pth``): ``import fts3`` then resolves to fts3sdk.

Nothing is imported at startup: the first ``fts3`` import activates `fts3sdk.compat`, which refuses loudly when the
official ``fts3`` package is installed as well.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Trigger:
    """Hand the first ``fts3`` import to `fts3sdk.compat`, then step aside."""

    __fts3sdk_compat__ = True  # fts3sdk.compat does not mistake it for another fts3 package

    @classmethod
    def find_spec(
        cls, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != "fts3" and not fullname.startswith("fts3."):
            return None
        if cls in sys.meta_path:
            sys.meta_path.remove(cls)
        from fts3sdk import compat

        return compat.activate().find_spec(fullname, path, target)


if _Trigger not in sys.meta_path:
    sys.meta_path.insert(0, _Trigger)
