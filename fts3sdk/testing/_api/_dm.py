"""``/dm/*``: data management through gfal2 with the caller's delegated proxy (REFERENCE §3.8).

The server's order of checks is kept: the ``datamanagement`` level, then (list/stat) the ``surl`` parameter,
then a stored credential (419 otherwise), then (POSTs) the body, which is read as JSON only under an exact
``Content-Type: application/json``. The operation itself runs in a forked gfal2 child on the real server, so
mistakes found there (an empty or missing ``surl``, a body that is not an object) come back as 500 ``[5] ...``;
gfal2 errors come back as ``[errno] message`` with the status of their errno.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from fts3sdk.resources._endpoints._dm import status_for_errno
from fts3sdk.testing._server._wire import Ctx, HTTPError, WireResponse, json_response
from fts3sdk.testing._state._namespace import GfalError

__all__ = ["list_dir", "mkdir", "rename", "rmdir", "stat", "unlink"]


class _BadRequest(Exception):
    """A ``BadRequest`` raised inside the gfal2 child (it reaches the caller as EIO)."""


def _gfal(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except GfalError as exc:
        raise HTTPError(status_for_errno(exc.errno), f"[{exc.errno}] {exc.message}") from None
    except _BadRequest as exc:
        raise HTTPError(500, f"[{errno.EIO}] 400 Bad Request: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise HTTPError(500, f"[{errno.EIO}] {exc}") from None


def _credential(ctx: Ctx) -> None:
    caller = ctx.caller
    stored = ctx.state.credentials.get((caller.delegation_id or "", caller.user_dn))
    if stored is None:
        raise HTTPError(419, "No delegated proxy available")
    if stored.termination_time <= ctx.state.clock.now():
        raise HTTPError(419, f"Delegated proxy expired ({caller.delegation_id})")


def _surl(ctx: Ctx) -> str:
    surl = ctx.request.values.get("surl")
    if not surl:
        raise HTTPError(400, "Missing surl parameter")
    if urlsplit(surl).scheme == "file":
        raise HTTPError(400, "Forbiden SURL scheme")
    return surl


def _body(ctx: Ctx) -> Any:
    if ctx.request.content_type != "application/json":
        # The server unquotes the raw bytes with unquote_plus, which only takes text.
        raise HTTPError(400, "Malformed request: a bytes-like object is required, not 'str'")
    try:
        return json.loads(ctx.request.body)
    except ValueError as exc:
        raise HTTPError(400, f"Invalid value within the request: {exc}") from None


def _path(body: Any, key: str) -> str:
    value = body[key]
    if len(value) == 0:
        raise _BadRequest('No parameter "surl" specified')
    return str(value)


def list_dir(ctx: Ctx) -> WireResponse:
    """``GET /dm/list?surl=``: the entries of a directory (directories end with ``/``)."""
    ctx.authorize("datamanagement")
    surl = _surl(ctx)
    _credential(ctx)
    return json_response(_gfal(lambda: ctx.state.namespace.listdir(surl)))


def stat(ctx: Ctx) -> WireResponse:
    """``GET /dm/stat?surl=``: mode, nlink, size and times."""
    ctx.authorize("datamanagement")
    surl = _surl(ctx)
    _credential(ctx)
    return json_response(_gfal(lambda: ctx.state.namespace.stat(surl)))


def _operation(ctx: Ctx, run: Callable[[Any], None]) -> WireResponse:
    ctx.authorize("datamanagement")
    _credential(ctx)
    body = _body(ctx)
    _gfal(lambda: run(body))
    return json_response(0)


def mkdir(ctx: Ctx) -> WireResponse:
    """``POST /dm/mkdir`` ``{"surl"}``: create a directory (mode 0775)."""
    mtime = int(ctx.state.now().timestamp())
    return _operation(ctx, lambda body: ctx.state.namespace.mkdir(_path(body, "surl"), mtime=mtime))


def unlink(ctx: Ctx) -> WireResponse:
    """``POST /dm/unlink`` ``{"surl"}``: delete a file."""
    return _operation(ctx, lambda body: ctx.state.namespace.unlink(_path(body, "surl")))


def rmdir(ctx: Ctx) -> WireResponse:
    """``POST /dm/rmdir`` ``{"surl"}``: delete an empty directory."""
    return _operation(ctx, lambda body: ctx.state.namespace.rmdir(_path(body, "surl")))


def _rename(ctx: Ctx, body: Any) -> None:
    if len(body["old"]) == 0 or len(body["new"]) == 0:
        raise _BadRequest("No old or name specified")
    ctx.state.namespace.rename(str(body["old"]), str(body["new"]))


def rename(ctx: Ctx) -> WireResponse:
    """``POST /dm/rename`` ``{"old", "new"}``: rename within one storage."""
    return _operation(ctx, lambda body: _rename(ctx, body))
