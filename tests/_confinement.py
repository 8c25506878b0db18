"""Fail any test that reads a file beside the repository instead of inside it (a fresh clone has nothing beside it).

An audit hook sees every ``open``, ``os.listdir`` and ``os.scandir`` of the test process. A path under the
repository's parent directory but outside the repository (``../shared``, a sibling checkout) raises
`OutsideRepository`, naming the path. The check is off when the parent directory holds, outside the repository, the
system's temporary directory, the interpreter or the home directory (a clone in ``/tmp``: every temporary file
would be "beside" it); ``.ci/run``
proves the same thing for every process, subprocesses included, by running the suite from a copy of the
repository in an empty directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


class OutsideRepository(PermissionError):
    """A test tried to read a file beside the repository."""


def _contains(parent: str, path: str) -> bool:
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def _checked_parent() -> str | None:
    parent, repository = str(REPOSITORY.parent), str(REPOSITORY)
    for other in (tempfile.gettempdir(), sys.prefix, sys.base_prefix, str(Path.home())):
        real = os.path.realpath(other)
        if _contains(parent, real) and not _contains(repository, real):
            return None
    return parent


def _hook(parent: str, repository: str) -> Any:
    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event not in _EVENTS or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        if _contains(parent, path) and not _contains(repository, path):
            raise OutsideRepository(f"a test read {path}, outside the repository {repository}: copy what it needs in")

    return audit


def install() -> bool:
    """Install the audit hook (once per process); ``False`` when the layout makes the check meaningless."""
    parent = _checked_parent()
    if parent is None:
        return False
    sys.addaudithook(_hook(parent, str(REPOSITORY)))
    return True
