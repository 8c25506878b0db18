"""Errors of the monitoring-message layer, under classes of `fts3sdk.errors`."""

from __future__ import annotations

from fts3sdk.errors import ConnectionFailed, InvalidResponse

__all__ = ["BrokerTLSError", "BrokerUnavailable", "InvalidMessage"]


class InvalidMessage(InvalidResponse):
    """A frame body is not an FTS monitoring message (not JSON, not an object, or not of the expected kind).

    ``body`` holds the raw text (cut at 64 KiB), ``destination`` where it came from when known.
    """

    prefix = "Invalid message"

    def __init__(self, reason: str, *, body: str | None = None, destination: str | None = None) -> None:
        super().__init__(reason, message=reason, body=body)
        self.destination = destination


class BrokerUnavailable(ConnectionFailed):
    """No broker could be reached, or a broker refused the connection or subscription (``url`` names it)."""

    prefix = "Broker unavailable"


class BrokerTLSError(BrokerUnavailable):
    """TLS with a broker failed; the message says why.

    The broker's certificate is not trusted, the broker refused the client certificate (or its absence),
    or the certificate, key or CA files cannot be used.
    """

    prefix = "Broker TLS failed"
