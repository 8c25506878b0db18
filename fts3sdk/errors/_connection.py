"""Why a request never got an answer: the connection, DNS, TLS and protocol leaves under the official classes."""

from __future__ import annotations

from typing import Any

from fts3sdk.errors._official import BadEndpoint, ConnectionFailed, RequestTimeout, Unauthorized, _Plain


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
