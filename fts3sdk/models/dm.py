"""Storage namespace entries seen through the server's gfal2 (``/dm/stat``, ``/dm/list``)."""

from __future__ import annotations

import stat as _stat
from datetime import datetime, timezone

from fts3sdk.models._types import FTSModel

__all__ = ["DirectoryEntry", "StatInfo"]


class _Mode(FTSModel):
    mode: int
    """POSIX mode bits (file type and permissions), as ``os.stat`` gives them."""
    size: int
    """Size in bytes."""
    mtime: int
    """Last modification, UNIX seconds (0 when the storage does not say)."""

    @property
    def is_dir(self) -> bool:
        """Whether the entry is a directory."""
        return _stat.S_ISDIR(self.mode)

    @property
    def is_file(self) -> bool:
        """Whether the entry is a regular file."""
        return _stat.S_ISREG(self.mode)

    @property
    def permissions(self) -> str:
        """The mode as ``ls -l`` shows it, e.g. ``drwxr-xr-x``."""
        return _stat.filemode(self.mode)

    @property
    def modified(self) -> datetime | None:
        """`mtime` as an aware UTC datetime (``None`` when the storage gave 0)."""
        return datetime.fromtimestamp(self.mtime, tz=timezone.utc) if self.mtime else None


class DirectoryEntry(_Mode):
    """One entry of a directory listing (``GET /dm/list``); the listing maps names to entries.

    Directory names end with ``/`` in the listing.
    """


class StatInfo(_Mode):
    """What a stat of a storage URL gives (``GET /dm/stat``)."""

    nlink: int = 0
    """Number of hard links (0 when the storage does not say)."""
    atime: int = 0
    """Last access, UNIX seconds."""
    ctime: int = 0
    """Last status change, UNIX seconds."""
