"""Exceptions raised by the client, the async client and the Easy facade.

The tree keeps the official client's classes, bases, constructors and texts, so existing ``except`` clauses
keep working; the classes added here are leaves or sit under a legacy class:

```text
FTS3ClientException              root; .message .status_code .method .url .body, legacy .reason
├── BadEndpoint                  endpoint unusable (not an FTS server)
│   ├── BadCALocation            the CA directory or bundle to check the server with is missing or unusable
│   └── ConnectionFailed         connect, DNS or TLS failure, connect timeout: the server was never reached
│       ├── ConnectionRefused    nothing accepts connections on the host and port
│       ├── HostNotFound         the host name does not resolve
│       ├── ServerNotTrusted     the server's certificate failed verification; .ca_location says against what
│       └── WrongProtocol        http:// to a TLS port, or https:// to a plain HTTP port
├── RequestTimeout               sent, no answer in time: the outcome is unknown
│   └── ConnectionLost           sent, then the connection was reset or closed before an answer
├── InvalidResponse              non-JSON, truncated or unexpected body; .body holds the raw text
├── Unauthorized                 401, 402, 403
│   ├── CertificateRejected      the server refused the client certificate in the TLS handshake; .alert
│   └── CredentialError          the local credential is unusable (also a ValueError): nothing was sent
│       ├── CredentialNotFound   a certificate or key file does not exist; .origin says who named it
│       ├── CredentialUnreadable a file exists but cannot be read (permissions, a directory)
│       ├── CredentialMalformed  not PEM, no certificate, a damaged certificate or key, an unsupported key
│       ├── PrivateKeyMissing    a certificate without its key (usercert.pem given alone)
│       ├── PrivateKeyMismatch   the key is not the certificate's
│       ├── PassphraseRequired   the key is encrypted and no passphrase was given
│       ├── WrongPassphrase      the passphrase does not decrypt the key
│       ├── CredentialExpired    a certificate of the chain has expired; .not_after
│       └── CredentialNotYetValid a certificate of the chain is not valid yet; .not_before
├── ClientError                  400 and other 4xx; 207 in the Easy facade
│   ├── NeedDelegation           419
│   ├── FailedDependency         424
│   └── MethodNotAllowed         405 (the official 3.14 class; a ClientError, as 3.13 raised ClientError("405"))
├── NotFound                     404
└── ServerError                  other 5xx
    └── TryAgain                 503
```

`from_response` is the one table from HTTP status to exception.
"""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import datetime
from typing import Any

import httpx

__all__ = [
    "BadCALocation",
    "BadEndpoint",
    "CertificateRejected",
    "ClientError",
    "ConnectionFailed",
    "ConnectionLost",
    "ConnectionRefused",
    "CredentialError",
    "CredentialExpired",
    "CredentialMalformed",
    "CredentialNotFound",
    "CredentialNotYetValid",
    "CredentialUnreadable",
    "FTS3ClientException",
    "FailedDependency",
    "HostNotFound",
    "InvalidResponse",
    "MethodNotAllowed",
    "NeedDelegation",
    "NotFound",
    "PassphraseRequired",
    "PrivateKeyMismatch",
    "PrivateKeyMissing",
    "RequestTimeout",
    "ServerError",
    "ServerNotTrusted",
    "TryAgain",
    "Unauthorized",
    "WrongPassphrase",
    "WrongProtocol",
    "from_response",
    "from_status",
    "response_text",
    "server_message",
]

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


class BadCALocation(_Plain, BadEndpoint):
    """The CA directory or bundle the server is checked against is missing or unusable; nothing was sent."""


class ConnectionRefused(ConnectionFailed):
    """Nothing accepts connections on the endpoint's host and port (server down, wrong port, firewall)."""

    prefix = "Connection refused"


class HostNotFound(ConnectionFailed):
    """The endpoint's host name does not resolve (a typo, or no DNS)."""

    prefix = "Host not found"


class ServerNotTrusted(ConnectionFailed):
    """The server's certificate failed verification: ``ca_location`` names the CA directory or bundle used."""

    prefix = "Server not trusted"

    def __init__(self, reason: str | None = None, *, ca_location: str | None = None, **context: Any) -> None:
        super().__init__(reason, **context)
        self.ca_location = ca_location


class WrongProtocol(ConnectionFailed):
    """``http://`` given for a TLS port, or ``https://`` for a plain HTTP port; the server did not read the request."""

    prefix = "Wrong protocol"


class ConnectionLost(RequestTimeout):
    """The request was sent, then the connection was reset or closed before an answer: the outcome is unknown.

    Idempotent requests are retried on a new connection first; this is raised when retries did not help, and
    for a submission, which is never sent twice.
    """

    prefix = "Connection lost"


class CertificateRejected(Unauthorized):
    """The server refused the client certificate in the TLS handshake; ``alert`` is its TLS alert in words.

    The server's application never saw the request, so nothing was applied.
    """

    prefix = "Certificate rejected"

    def __init__(self, reason: str | None = None, *, alert: str | None = None, **context: Any) -> None:
        super().__init__(reason, **context)
        self.alert = alert


class CredentialError(_Plain, Unauthorized, ValueError):
    """The local X.509 credential cannot be used; found before connecting, so nothing was sent.

    Also a ValueError, as it was before it joined this tree. Messages name the file and where its name came
    from; they never hold key material or passphrases.
    """


class CredentialNotFound(CredentialError):
    """A certificate or key file does not exist; ``origin`` says where its name came from."""

    def __init__(self, reason: str | None = None, *, path: str | None = None, origin: str | None = None) -> None:
        super().__init__(reason)
        self.path = path
        self.origin = origin


class CredentialUnreadable(CredentialError):
    """A credential file exists but cannot be read (permissions, a directory)."""


class CredentialMalformed(CredentialError):
    """A credential file is not PEM, holds no certificate, or a damaged certificate or key, or an unsupported key."""


class PrivateKeyMissing(CredentialError):
    """A certificate was given without its private key (``usercert.pem`` without ``userkey.pem``)."""


class PrivateKeyMismatch(CredentialError):
    """The private key does not belong to the certificate."""


class PassphraseRequired(CredentialError):
    """The private key is encrypted and no passphrase was given."""


class WrongPassphrase(CredentialError):
    """The passphrase does not decrypt the private key (or the key is damaged)."""


class CredentialExpired(CredentialError):
    """A certificate of the chain has expired; ``not_after`` is when (the earliest expiry of the chain)."""

    def __init__(self, reason: str | None = None, *, not_after: datetime | None = None) -> None:
        super().__init__(reason)
        self.not_after = not_after


class CredentialNotYetValid(CredentialError):
    """A certificate of the chain is not valid yet; ``not_before`` is when it will be (a clock out of step?)."""

    def __init__(self, reason: str | None = None, *, not_before: datetime | None = None) -> None:
        super().__init__(reason)
        self.not_before = not_before


_HTML_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.IGNORECASE | re.DOTALL)
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]+>")


def server_message(text: str) -> str | None:
    """Extract the server's explanation from an error body (JSON, per-job entry, list of entries, HTML)."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "http_message"):
            if isinstance(data.get(key), str):
                return str(data[key])
    if isinstance(data, list):
        messages = [e["http_message"] for e in data if isinstance(e, dict) and isinstance(e.get("http_message"), str)]
        return "\n".join(messages) if messages else None
    for pattern in (_HTML_PARAGRAPH, _HTML_TITLE):
        match = pattern.search(text)
        if match:
            return html.unescape(_HTML_TAG.sub("", match.group(1))).strip()
    stripped = text.strip()
    return stripped[:500] if stripped else None


def _legacy_message(text: str) -> str | None:
    # The official client takes a JSON "message" key, else the whole body.
    try:
        data = json.loads(text)
    except ValueError:
        return text or None
    if isinstance(data, dict) and "message" in data:
        return str(data["message"])
    return text or None


def _multi_status_reason(text: str) -> str:
    try:
        entries = json.loads(text)
        return "\n".join(entry["http_message"] for entry in entries)
    except (ValueError, TypeError, KeyError):
        return text


def from_status(
    code: int,
    text: str = "",
    *,
    method: str | None = None,
    url: str | None = None,
) -> FTS3ClientException | None:
    """The exception the official client raises for an answer with this status and body text (``None``: success)."""
    if code < 400 and code != 207:
        return None
    context: dict[str, Any] = {
        "message": server_message(text),
        "status_code": code,
        "method": method,
        "url": url,
        "body": text,
    }
    legacy = _legacy_message(text)
    if code == 207:
        return ClientError(_multi_status_reason(text), **context)
    if code == 400:
        return ClientError(f"Bad request: {legacy}" if legacy else "Bad request", **context)
    if code in (401, 402, 403):
        return Unauthorized(legacy, **context)
    if code == 404:
        return NotFound(url or "", legacy, **context)
    return _other_status(code, context)


def _other_status(code: int, context: dict[str, Any]) -> FTS3ClientException:
    if code == 419:
        return NeedDelegation("Need delegation", **context)
    if code == 424:
        return FailedDependency("Failed dependency", **context)
    if code == 405:
        return MethodNotAllowed(_legacy_message(context["body"]), **context)
    if code < 500:
        return ClientError(str(code), **context)
    if code == 503:
        return TryAgain(str(code), **context)
    return ServerError(str(code), **context)


def response_text(response: httpx.Response) -> str:
    """The body as text, with undecodable bytes replaced rather than raising."""
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


def from_response(response: httpx.Response) -> FTS3ClientException | None:
    """The exception the official client raises for this response, or ``None`` when it succeeded."""
    if response.status_code < 400 and response.status_code != 207:
        return None
    text = response_text(response)
    return from_status(response.status_code, text, method=response.request.method, url=str(response.request.url))
