"""Requests and responses of the fake server, independent of how they travel (httpx transport or HTTPS).

Error bodies follow the real server's shapes: Flask's ``{"status", "message"}`` JSON, the per-job
``{"job_id", "http_status", "http_message"}`` entries, and Werkzeug's HTML page for middleware refusals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from fts3sdk.testing._state._identity import Caller, Identity
    from fts3sdk.testing._state._store import State

__all__ = [
    "JSON",
    "Ctx",
    "HTTPError",
    "MiddlewareError",
    "WireRequest",
    "WireResponse",
    "entry",
    "json_response",
    "status_line",
]

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"

# Werkzeug's names, which the server puts in "status" strings (Python's http module lacks 419).
_PHRASES = {
    200: "OK",
    201: "Created",
    203: "Non-Authoritative Information",
    204: "No Content",
    207: "Multi-Status",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    419: "Authentication Timeout",
    424: "Failed Dependency",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}
ROUTE_NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
    "and try again."
)
INTERNAL_ERROR = (
    "The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application."
)


def status_line(status: int) -> str:
    """``"404 Not Found"``: the code and Werkzeug's name for it."""
    return f"{status} {_PHRASES.get(status, 'Unknown')}"


def phrase(status: int) -> str:
    """The reason phrase of a status code."""
    return _PHRASES.get(status, "Unknown")


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request as the fake server sees it.

    ``path`` is the target's path as sent, percent-encoding and all; handlers see it as Apache hands it to the
    application (decoded, dot segments resolved, slashes merged).
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header names in lower case."""
    body: bytes = b""
    identity: Identity | None = None
    """Who is calling, as the TLS layer (or the transport's configuration) established it."""

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        """The Content-Type header as sent (parameters included), ``""`` when absent."""
        return self.header("content-type") or ""

    @property
    def args(self) -> dict[str, str]:
        """Query parameters, the first value of each (Flask's ``request.args``)."""
        return _first_values(self.query)

    @property
    def form(self) -> dict[str, str]:
        """Form fields of a form-encoded body (Werkzeug parses them whatever the method)."""
        if not self.content_type.startswith("application/x-www-form-urlencoded"):
            return {}
        return _first_values(parse_qsl(self.body.decode("latin-1"), keep_blank_values=True))

    @property
    def values(self) -> dict[str, str]:
        """Query parameters, then form fields (Flask's ``request.values``)."""
        return {**self.form, **self.args}


def _first_values(pairs: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(key, value)
    return values


@dataclass(frozen=True)
class WireResponse:
    """One HTTP response: status, body bytes, content type (``""``: none sent) and any extra headers."""

    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()
    declared_length: int | None = None
    """A body cut short, as the real server's crashing answers are: the Content-Length announced; the
    connection breaks after `body`."""

    @property
    def cut_short(self) -> bool:
        """Whether the body stops before the announced length."""
        return self.declared_length is not None and self.declared_length > len(self.body)


class HTTPError(Exception):
    """An error answered as Flask does: ``{"status": "<code> <name>", "message": ...}`` JSON."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> WireResponse:
        """The JSON error response."""
        return json_response({"status": status_line(self.status), "message": self.message}, self.status)


class MiddlewareError(HTTPError):
    """A refusal by the authentication middleware: Werkzeug's HTML error page, not JSON."""

    def response(self) -> WireResponse:
        """The HTML error page."""
        name = phrase(self.status)
        page = (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n'
            f"<title>{self.status} {name}</title>\n<h1>{name}</h1>\n<p>{self.message}</p>\n"
        )
        return WireResponse(self.status, page.encode(), HTML)


def json_response(value: Any, status: int = 200, *, headers: tuple[tuple[str, str], ...] = ()) -> WireResponse:
    """A JSON response of ``value``."""
    return WireResponse(status, json.dumps(value).encode(), JSON, headers)


def entry(job_id: str, status: int, message: str) -> dict[str, Any]:
    """A per-job error entry (the body of a single-job error, or one item of a 207 list)."""
    from fts3sdk.models import JobStatusEntry

    item = JobStatusEntry(job_id=job_id, http_status=status_line(status), http_message=message)
    return item.model_dump(mode="json")


@dataclass(frozen=True)
class Ctx:
    """What a route handler works with: the server state, the authenticated caller and the request."""

    state: State
    caller: Caller
    request: WireRequest

    def profiled(self) -> None:
        """The server's ``profile_request`` wrapper reads ``vos[0]``: callers without a VO get a 500."""
        if not self.caller.vos:
            raise HTTPError(500, INTERNAL_ERROR)

    def authorize(self, operation: str) -> None:
        """The ``authorize`` decorator: 403 ``Not enough permissions`` without a level for ``operation``."""
        if not self.caller.authorized(operation):
            raise HTTPError(403, "Not enough permissions")

    def require_certificate(self) -> None:
        """The ``require_certificate`` decorator: 403 for callers that did not present a certificate."""
        if self.caller.method != "certificate":
            raise HTTPError(403, "Certificate required")
