"""The official client's exception tree: the root `FTS3ClientException` and the classes 3.14 raises, by status."""

from __future__ import annotations

import sys
from typing import Any

import httpx

_BODY_LIMIT = 64 * 1024


class FTS3ClientException(Exception):
    """Root of every error raised by fts3sdk.

    Attributes (all optional): ``message`` (the server's explanation), ``status_code``, ``method``, ``url``,
    ``body`` (the raw response text, cut at 64 KiB) and the legacy ``reason``.
    """

    reason: str | None = None

    def __init__(
        self,
        *args: object,
        message: str | None = None,
        status_code: int | None = None,
        method: str | None = None,
        url: str | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(*args)
        self.message = message
        self.status_code = status_code
        self.method = method
        self.url = url
        self.body = body[:_BODY_LIMIT] if body is not None else None

    def _context(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "status_code": self.status_code,
            "method": self.method,
            "url": self.url,
            "body": self.body,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self._context(), self.__dict__))

    if sys.version_info < (3, 11):

        def add_note(self, note: str) -> None:
            """Add a line of context (PEP 678's ``add_note``, which Python 3.10 lacks)."""
            self.__notes__ = [*getattr(self, "__notes__", ()), note]

    def describe(self) -> str:
        """One line for people: the legacy text with the server's message, the request it answered and any notes.

        Never a raw JSON or HTML body. An HTTP error names its request (``... (in reply to GET /whoami)``), so
        a failure before a submission is not taken for the submission; a note (`add_note`) says what the
        failure means for the operation, e.g. that no job was submitted.
        """
        text = str(self) or type(self).__name__
        body = (self.body or "").strip()
        notes: list[str] = []
        if self.message and body and body in text:
            text = f"{getattr(self, 'prefix', '') or type(self).__name__}: {self.message}"
        elif self.message and self.message not in text:
            notes.append(self.message)
        request = self._request_line()
        if request is not None and self.status_code is not None and request not in text:
            notes.append(f"in reply to {request}")
        notes += [note for note in getattr(self, "__notes__", ()) if isinstance(note, str)]
        if notes:
            text = f"{text} ({'; '.join(notes)})"
        return " ".join(text.split())

    def _request_line(self) -> str | None:
        if not self.method or not self.url:
            return None
        try:
            path = httpx.URL(self.url).path
        except (httpx.InvalidURL, TypeError):
            path = self.url
        return f"{self.method} {path}"


def _rebuild(
    cls: type[FTS3ClientException], args: tuple[object, ...], context: dict[str, Any], state: dict[str, Any]
) -> FTS3ClientException:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    error.__dict__.update(context)
    return error


class _ReasonError(FTS3ClientException):
    """A legacy error built from a ``reason`` and shown as ``<prefix>: <reason>``."""

    prefix = ""

    def __init__(self, reason: str | None = None, **context: Any) -> None:
        super().__init__(reason, **context)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.prefix}: {self.reason}" if self.reason else self.prefix


class BadEndpoint(_ReasonError):
    """The endpoint cannot be used: not reachable, or not an FTS server."""

    prefix = "Bad endpoint"


class ConnectionFailed(BadEndpoint):
    """Connecting failed (DNS, refused, TLS handshake, connect timeout): nothing reached the server."""


class RequestTimeout(_ReasonError):
    """The request was sent but no answer came in time: whether it took effect is unknown."""

    prefix = "Request timed out"


class InvalidResponse(_ReasonError):
    """The server's answer could not be understood (not JSON, truncated, unexpected shape); see ``body``."""

    prefix = "Invalid response"


class Unauthorized(_ReasonError):
    """Authentication or authorization refused (401, 402, 403)."""

    prefix = "Unauthorized"


class ClientError(_ReasonError):
    """The request was refused as wrong (400 and other 4xx); also a partial multi-job answer in Easy."""

    prefix = "Client error"


class NeedDelegation(ClientError):
    """No valid delegated credential on the server (419): delegate, then retry."""

    def __str__(self) -> str:
        return "Need to delegate credentials"


class FailedDependency(ClientError):
    """A dependency of the request failed on the server (424, e.g. VOMS)."""

    def __str__(self) -> str:
        return "Failed dependency"


class MethodNotAllowed(ClientError):
    """The server does not allow this method here (405), e.g. a deletion job.

    The official 3.14 client raises it; it is also a `ClientError`, so clauses written for 3.13 (which raised
    ``ClientError("405")``) still catch it.
    """

    prefix = "Method Not Allowed"


class ServerError(_ReasonError):
    """The server failed (5xx)."""

    prefix = "Server error"


class TryAgain(ServerError):
    """The server is temporarily unavailable (503): retry later."""

    prefix = "Try again"


class NotFound(FTS3ClientException):
    """The resource does not exist (404)."""

    prefix = "Not found"

    def __init__(self, resource: str, reason: str | None = None, **context: Any) -> None:
        super().__init__(resource, reason, **context)
        self.resource = resource
        self.reason = reason

    def __str__(self) -> str:
        return self.reason if self.reason else f"Not found: {self.resource}"


class _Plain:
    """Shown as the reason alone: the message already says what happened, a prefix would repeat it."""

    reason: str | None

    def __str__(self) -> str:
        return self.reason or type(self).__name__
