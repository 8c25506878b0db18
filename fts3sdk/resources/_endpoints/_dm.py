"""Data management on storages through the server's gfal2 (``/dm/*``), and its errors mapped by errno.

The server answers gfal2 failures as ``[<errno>] <message>`` and picks the status from the errno (REFERENCE
§3.8): EPERM/EACCES → 403, ENOENT → 404, EAGAIN/EBUSY/ETIMEDOUT → 503, ENOTDIR/EPROTONOSUPPORT → 400, anything
else → 500. The same table picks the error class here, which also puts right the one case where the status
lies: a request the server refused while already inside its gfal2 child comes back as ``500 [5] 400 Bad
Request: ...`` and is a `ClientError`, not a `ServerError`.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from fts3sdk import errors
from fts3sdk._base import Endpoint, model
from fts3sdk.models import DirectoryEntry, StatInfo

T = TypeVar("T")

_GFAL_MESSAGE = re.compile(r"\[(\d+)\]\s*(.*)", re.DOTALL)
_IN_CHILD_BAD_REQUEST = re.compile(r"400 Bad Request:")
_BY_ERRNO = {
    errno.EPERM: 403,
    errno.EACCES: 403,
    errno.ENOENT: 404,
    errno.EAGAIN: 503,
    errno.EBUSY: 503,
    errno.ETIMEDOUT: 503,
    errno.ENOTDIR: 400,
    errno.EPROTONOSUPPORT: 400,
}
_ERROR_STATUSES = frozenset({400, 403, 404, 500, 503})


def gfal_errno(error: errors.FTS3ClientException) -> int | None:
    """The gfal2 errno of a data-management error (``[2] No such file or directory`` → 2), if it has one."""
    match = _GFAL_MESSAGE.match(error.message or "")
    return int(match.group(1)) if match else None


def status_for_errno(code: int, message: str = "") -> int:
    """The HTTP status REFERENCE §3.8 gives a gfal2 errno (400 for a request refused inside the gfal2 child)."""
    if code == errno.EIO and _IN_CHILD_BAD_REQUEST.match(message):
        return 400
    return _BY_ERRNO.get(code, 500)


def dm_error(response: httpx.Response) -> errors.FTS3ClientException:
    """The error for a failed data-management answer: class by gfal2 errno, the real status kept."""
    text = errors.response_text(response)
    request = response.request
    error = errors.from_status(response.status_code, text, method=request.method, url=str(request.url))
    assert error is not None
    match = _GFAL_MESSAGE.match(error.message or "")
    if match is None:
        return error
    status = status_for_errno(int(match.group(1)), match.group(2))
    if status == response.status_code:
        return error
    mapped = errors.from_status(status, text, method=request.method, url=str(request.url))
    assert mapped is not None
    mapped.status_code = response.status_code
    return mapped


def _mapped(parse: Callable[[httpx.Response], T]) -> Callable[[httpx.Response], T]:
    def read(response: httpx.Response) -> T:
        if response.status_code >= 400:
            raise dm_error(response)
        return parse(response)

    return read


def check_surl(surl: object, name: str = "surl") -> str:
    """A storage URL the server accepts: with a scheme and a host or path, never ``file://``."""
    if not isinstance(surl, str) or not surl.strip():
        raise ValueError(f"{name} must be a storage URL such as davs://host/path, not {surl!r}")
    parts = urlsplit(surl)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError(f"{name} must be a storage URL such as davs://host/path, not {surl!r}")
    if parts.scheme.lower() == "file":
        raise ValueError(f"{name}: file:// URLs are refused by the server")
    return surl


def _get(path: str, surl: str, parse: Callable[[httpx.Response], T]) -> Endpoint[T]:
    return Endpoint("GET", path, _mapped(parse), {"surl": check_surl(surl)}, accept=_ERROR_STATUSES)


def _post(path: str, body: dict[str, Any]) -> Endpoint[None]:
    read = model(int)

    def done(response: httpx.Response) -> None:
        read(response)

    return Endpoint("POST", path, _mapped(done), json=body, accept=_ERROR_STATUSES, may_resend=False)


def listing(surl: str) -> Endpoint[dict[str, DirectoryEntry]]:
    """``GET /dm/list?surl=``: a directory's entries by name (directories end with ``/``)."""
    return _get("/dm/list", surl, model(dict[str, DirectoryEntry]))


def stat(surl: str) -> Endpoint[StatInfo]:
    """``GET /dm/stat?surl=``: mode, size and times of one URL."""
    return _get("/dm/stat", surl, model(StatInfo))


def mkdir(surl: str) -> Endpoint[None]:
    """``POST /dm/mkdir``: create a directory (mode 0775; its parent must exist)."""
    return _post("/dm/mkdir", {"surl": check_surl(surl)})


def unlink(surl: str) -> Endpoint[None]:
    """``POST /dm/unlink``: delete a file."""
    return _post("/dm/unlink", {"surl": check_surl(surl)})


def rmdir(surl: str) -> Endpoint[None]:
    """``POST /dm/rmdir``: delete an empty directory."""
    return _post("/dm/rmdir", {"surl": check_surl(surl)})


def rename(old: str, new: str) -> Endpoint[None]:
    """``POST /dm/rename``: rename or move a file or directory on one storage."""
    return _post("/dm/rename", {"old": check_surl(old, "old"), "new": check_surl(new, "new")})
