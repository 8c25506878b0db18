"""Storages as the fake server's gfal2 sees them: an in-memory namespace keyed by URL, and gfal2's mock plugin.

* ``mock://`` URLs behave as gfal2's mock plugin did on the recording server: the URL's query decides the answer
  (``?size=N`` for stat, ``?list=name:octal-mode:size,...`` for listings, ``?errno=N`` to fail with that errno);
  it implements stat, listing and unlink, and fails mkdir, rmdir and rename with EPROTONOSUPPORT.
* URLs of the usual storage protocols (davs, https, root, gsiftp, srm, s3...) live in an in-memory namespace:
  every host has a root directory; files and directories appear through ``FakeFTS.add_file``/``add_directory``
  and the data-management calls, which all work there, with the errno a POSIX file system would give. (The
  recording server's mock plugin could not mkdir, rmdir or rename: the namespace deliberately can.)
* Any other protocol fails with EPROTONOSUPPORT, as gfal2 does without a plugin for it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["NAMESPACE_SCHEMES", "GfalError", "Namespace", "Node", "refused_as_value_error"]

NAMESPACE_SCHEMES = frozenset(
    {"davs", "dav", "https", "http", "root", "xroot", "gsiftp", "srm", "s3", "s3s", "gcloud", "sftp", "ftp"}
)
DIRECTORY_MODE = stat.S_IFDIR | 0o775
FILE_MODE = stat.S_IFREG | 0o644
_MOCK_STAT_MODE = stat.S_IFREG | 0o755


class GfalError(Exception):
    """A gfal2 failure: its errno and message (the server answers ``[errno] message``)."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or os.strerror(code))
        self.errno = code
        self.message = message or os.strerror(code)


@contextlib.contextmanager
def refused_as_value_error(url: str) -> Iterator[None]:
    """Turn a `GfalError` of a set-up call (``FakeFTS.add_file``...) into the ValueError its caller expects."""
    try:
        yield
    except GfalError as exc:
        raise ValueError(f"cannot create {url}: {exc.message}") from None


def _unsupported(url: str) -> GfalError:
    return GfalError(errno.EPROTONOSUPPORT, f"Protocol not supported or path/url invalid: {url}")


@dataclass
class Node:
    """A file or directory of the namespace."""

    mode: int
    size: int = 0
    mtime: int = 0

    @property
    def is_dir(self) -> bool:
        """Whether this is a directory."""
        return stat.S_ISDIR(self.mode)

    def stat(self) -> dict[str, int]:
        """What ``/dm/stat`` answers for it."""
        return {
            "mode": self.mode, "nlink": 2 if self.is_dir else 1, "size": self.size,
            "atime": self.mtime, "mtime": self.mtime, "ctime": self.mtime,
        }  # fmt: skip

    def entry(self) -> dict[str, int]:
        """What ``/dm/list`` answers for it."""
        return {"size": self.size, "mode": self.mode, "mtime": self.mtime}


def _key(url: str) -> tuple[str, str]:
    """(``scheme://host[:port]``, normalized path) of a namespace URL; the query is not part of the name."""
    parts = urlsplit(url)
    path = posixpath.normpath("/" + parts.path.lstrip("/")) if parts.path else "/"
    path = "/" + path.lstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}", path


@dataclass
class Namespace:
    """The in-memory storages: nodes by (storage root, path)."""

    nodes: dict[tuple[str, str], Node] = field(default_factory=dict)

    # --- what the fake's owner calls ---

    def add_directory(self, url: str, *, mtime: int = 0) -> None:
        """Create a directory and its missing parents (an existing directory is left as it is)."""
        root, path = self._namespace_key(url)
        self._make_parents(root, path, mtime)
        existing = self.nodes.get((root, path))
        if existing is not None and not existing.is_dir:
            raise GfalError(errno.EEXIST)
        self.nodes.setdefault((root, path), Node(DIRECTORY_MODE, 0, mtime))

    def add_file(self, url: str, *, size: int = 0, mode: int = 0o644, mtime: int = 0) -> None:
        """Create or replace a file, creating its missing parent directories."""
        root, path = self._namespace_key(url)
        existing = self.nodes.get((root, path))
        if (existing is not None and existing.is_dir) or path == "/":
            raise GfalError(errno.EISDIR)
        self._make_parents(root, path, mtime)
        self.nodes[(root, path)] = Node(stat.S_IFREG | (mode & 0o7777), size, mtime)

    # --- gfal2 operations ---

    def stat(self, url: str) -> dict[str, int]:
        """``gfal2.stat``."""
        if _scheme(url) == "mock":
            return _mock_stat(url)
        return self._node(url).stat()

    def listdir(self, url: str) -> dict[str, dict[str, int]]:
        """``gfal2.opendir`` + ``readpp``: entries by name, directories with a trailing ``/``."""
        if _scheme(url) == "mock":
            return _mock_list(url)
        root, path = self._namespace_key(url)
        if not self._node(url).is_dir:
            raise GfalError(errno.ENOTDIR)
        listing = {}
        for (other_root, other), node in sorted(self.nodes.items()):
            if other_root == root and other != path and posixpath.dirname(other) == path:
                name = posixpath.basename(other)
                listing[f"{name}/" if node.is_dir else name] = node.entry()
        return listing

    def mkdir(self, url: str, *, mtime: int) -> None:
        """``gfal2.mkdir`` (mode 0775): the parent must exist."""
        if _scheme(url) == "mock":
            raise _unsupported(url)
        root, path = self._namespace_key(url)
        if self._exists(root, path):
            raise GfalError(errno.EEXIST)
        self._directory(root, posixpath.dirname(path))
        self.nodes[(root, path)] = Node(DIRECTORY_MODE, 0, mtime)

    def unlink(self, url: str) -> None:
        """``gfal2.unlink``: files only."""
        if _scheme(url) == "mock":
            _mock_fail(url)
            return
        root, path = self._namespace_key(url)
        if self._node(url).is_dir:
            raise GfalError(errno.EISDIR)
        del self.nodes[(root, path)]

    def rmdir(self, url: str) -> None:
        """``gfal2.rmdir``: empty directories only."""
        if _scheme(url) == "mock":
            raise _unsupported(url)
        root, path = self._namespace_key(url)
        if not self._node(url).is_dir:
            raise GfalError(errno.ENOTDIR)
        if path == "/":
            raise GfalError(errno.EBUSY)
        if any(other_root == root and other.startswith(path + "/") for other_root, other in self.nodes):
            raise GfalError(errno.ENOTEMPTY)
        del self.nodes[(root, path)]

    def rename(self, old: str, new: str) -> None:
        """``gfal2.rename``: within one storage; a directory moves with everything under it."""
        if _scheme(old) == "mock":
            raise _unsupported(old)
        (root, source), (target_root, target) = self._namespace_key(old), self._namespace_key(new)
        node = self._node(old)
        if target_root != root:
            raise GfalError(errno.EXDEV)
        if target == source:
            return
        if target.startswith(source + "/") or source == "/":
            raise GfalError(errno.EINVAL)
        self._directory(root, posixpath.dirname(target))
        replaced = self.nodes.get((root, target))
        if replaced is not None:
            if replaced.is_dir != node.is_dir:
                raise GfalError(errno.EISDIR if replaced.is_dir else errno.ENOTDIR)
            if replaced.is_dir and any(r == root and p.startswith(target + "/") for r, p in self.nodes):
                raise GfalError(errno.ENOTEMPTY)
        moved = {
            (root, target + other[len(source) :]): item
            for (other_root, other), item in self.nodes.items()
            if other_root == root and (other == source or other.startswith(source + "/"))
        }
        for _, moved_path in moved:
            del self.nodes[(root, source + moved_path[len(target) :])]
        self.nodes.update(moved)

    # --- helpers ---

    def _namespace_key(self, url: str) -> tuple[str, str]:
        if _scheme(url) not in NAMESPACE_SCHEMES or not urlsplit(url).netloc:
            raise _unsupported(url)
        return _key(url)

    def _exists(self, root: str, path: str) -> bool:
        return path == "/" or (root, path) in self.nodes

    def _node(self, url: str) -> Node:
        root, path = self._namespace_key(url)
        if path == "/":
            return self.nodes.get((root, path), Node(DIRECTORY_MODE))
        node = self.nodes.get((root, path))
        if node is None:
            raise GfalError(errno.ENOENT)
        return node

    def _directory(self, root: str, path: str) -> None:
        if path == "/":
            return
        node = self.nodes.get((root, path))
        if node is None:
            raise GfalError(errno.ENOENT)
        if not node.is_dir:
            raise GfalError(errno.ENOTDIR)

    def _make_parents(self, root: str, path: str, mtime: int) -> None:
        parent = posixpath.dirname(path)
        missing = []
        while parent != "/" and (root, parent) not in self.nodes:
            missing.append(parent)
            parent = posixpath.dirname(parent)
        existing = self.nodes.get((root, parent))
        if existing is not None and not existing.is_dir:
            raise GfalError(errno.ENOTDIR)
        for directory in reversed(missing):
            self.nodes[(root, directory)] = Node(DIRECTORY_MODE, 0, mtime)


def _scheme(url: str) -> str:
    return urlsplit(url).scheme.lower()


def _mock_query(url: str) -> dict[str, Any]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def _mock_fail(url: str) -> dict[str, Any]:
    query = _mock_query(url)
    if "errno" in query:
        try:
            code = int(query["errno"])
        except ValueError:
            code = errno.EINVAL
        raise GfalError(code)
    return query


def _mock_stat(url: str) -> dict[str, int]:
    query = _mock_fail(url)
    try:
        size = int(query.get("size", 0))
    except ValueError:
        size = 0
    return {"mode": _MOCK_STAT_MODE, "nlink": 0, "size": size, "atime": 0, "mtime": 0, "ctime": 0}


def _mock_list(url: str) -> dict[str, dict[str, int]]:
    query = _mock_fail(url)
    listing: dict[str, dict[str, int]] = {}
    for item in filter(None, str(query.get("list", "")).split(",")):
        name, _, rest = item.partition(":")
        mode_text, _, size_text = rest.partition(":")
        try:
            mode, size = int(mode_text or "0100644", 8), int(size_text or 0)
        except ValueError:
            raise GfalError(errno.EINVAL) from None
        listing[f"{name}/" if stat.S_ISDIR(mode) else name] = {"size": size, "mode": mode, "mtime": 0}
    if not listing:
        raise GfalError(errno.ENOTDIR)
    return listing
