"""What a failure below HTTP means: where it happened, whether the request may have reached the server.

httpx reports every such failure as a few exception types whose causes (an `ssl.SSLError` with its alert, a
refused or reset socket, a DNS error) say what really happened. `classify` reads that chain once, without I/O;
the retry policy and the error messages both decide from its answer.
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Final

import httpx

__all__ = ["ALERTS", "Fault", "Kind", "classify"]


class Kind(Enum):
    """The kinds of failure a person can tell apart and act on."""

    BAD_URL = "bad URL"
    REFUSED = "refused"
    HOST_NOT_FOUND = "host not found"
    CONNECT_TIMEOUT = "connect timeout"
    POOL_TIMEOUT = "pool timeout"
    CONNECT = "connect"
    SERVER_UNTRUSTED = "server not trusted"
    REJECTED = "certificate rejected"
    WRONG_PROTOCOL = "wrong protocol"
    TLS = "TLS"
    TIMEOUT = "timeout"
    RESET = "reset"
    DISCONNECTED = "disconnected"
    TRUNCATED = "truncated"
    PROTOCOL = "protocol"


_NOT_SENT: Final = frozenset(
    {
        Kind.BAD_URL,
        Kind.REFUSED,
        Kind.HOST_NOT_FOUND,
        Kind.CONNECT_TIMEOUT,
        Kind.POOL_TIMEOUT,
        Kind.CONNECT,
        Kind.SERVER_UNTRUSTED,
        Kind.REJECTED,
        Kind.WRONG_PROTOCOL,
        Kind.TLS,
    }
)
_FINAL: Final = frozenset({Kind.BAD_URL, Kind.SERVER_UNTRUSTED, Kind.REJECTED, Kind.WRONG_PROTOCOL})

ALERTS: Final = {
    "SSLV3_ALERT_CERTIFICATE_EXPIRED": "certificate expired",
    "SSLV3_ALERT_BAD_CERTIFICATE": "bad certificate",
    "SSLV3_ALERT_CERTIFICATE_REVOKED": "certificate revoked",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "certificate unknown",
    "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE": "unsupported certificate",
    "SSLV3_ALERT_HANDSHAKE_FAILURE": "handshake failure",
    "TLSV1_ALERT_UNKNOWN_CA": "unknown CA",
    "TLSV1_ALERT_ACCESS_DENIED": "access denied",
    "TLSV1_ALERT_DECRYPT_ERROR": "decrypt error",
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": "certificate required",
}
"""TLS alerts by which a server refuses the client's certificate (OpenSSL reason -> the alert in words)."""

# A TLS server met by a plain-HTTP request, or a plain server met by a TLS ClientHello.
_NOT_TLS: Final = frozenset({"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG"})
_TLS_RECORD_STARTS: Final = ("bytearray(b'\\x15\\x03", "bytearray(b'\\x16\\x03")
_DISCONNECTED: Final = "Server disconnected without sending a response"
_INCOMPLETE: Final = "peer closed connection without sending complete message body"
_RESET_ERRNOS: Final = frozenset({errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED})


@dataclass(frozen=True, slots=True)
class Fault:
    """One transport failure, read."""

    kind: Kind
    detail: str
    """What happened, in words (the alert, the OS error, the verification failure)."""
    alert: str | None = None
    """The TLS alert in words, for a certificate the server rejected."""

    @property
    def sent(self) -> bool:
        """Whether the request may have reached the server's application (then a submit may have been applied)."""
        return self.kind not in _NOT_SENT

    @property
    def final(self) -> bool:
        """Whether trying again can only fail the same way (an untrusted server, a rejected certificate...)."""
        return self.kind in _FINAL


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 16:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _ssl_reason(error: ssl.SSLError) -> str:
    return str(getattr(error, "reason", None) or "").upper()


def _ssl_words(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return str(error.verify_message)
    reason = getattr(error, "reason", None)
    return str(reason).replace("_", " ").lower() if reason else str(error)


def classify(exc: httpx.TransportError) -> Fault:
    """Read what ``exc`` (and the exceptions it was raised from) says happened."""
    if isinstance(exc, httpx.UnsupportedProtocol):
        return Fault(Kind.BAD_URL, str(exc) or "unsupported URL")
    if isinstance(exc, httpx.ConnectTimeout):
        return Fault(Kind.CONNECT_TIMEOUT, "timed out")
    if isinstance(exc, httpx.PoolTimeout):
        return Fault(Kind.POOL_TIMEOUT, "no free connection in time")
    if isinstance(exc, httpx.TimeoutException):
        return Fault(Kind.TIMEOUT, "timed out")
    tls = next((cause for cause in _causes(exc) if isinstance(cause, ssl.SSLError)), None)
    if tls is not None and _ssl_reason(tls) in ALERTS:
        alert = ALERTS[_ssl_reason(tls)]
        return Fault(Kind.REJECTED, f"TLS alert: {alert}", alert=alert)
    if isinstance(exc, (httpx.ConnectError, httpx.ProxyError)):
        return _connect_fault(exc, tls)
    return _exchange_fault(exc, tls)


def _connect_fault(exc: httpx.TransportError, tls: ssl.SSLError | None) -> Fault:
    if isinstance(tls, ssl.SSLCertVerificationError):
        return Fault(Kind.SERVER_UNTRUSTED, _ssl_words(tls))
    if tls is not None:
        kind = Kind.WRONG_PROTOCOL if _ssl_reason(tls) in _NOT_TLS else Kind.TLS
        return Fault(kind, _ssl_words(tls))
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return Fault(Kind.REFUSED, "connection refused")
        if isinstance(cause, socket.gaierror):
            return Fault(Kind.HOST_NOT_FOUND, cause.strerror or str(cause))
    return Fault(Kind.CONNECT, str(exc) or type(exc).__name__)


def _exchange_fault(exc: httpx.TransportError, tls: ssl.SSLError | None) -> Fault:
    text = str(exc)
    if isinstance(exc, httpx.RemoteProtocolError):
        if text.startswith(_DISCONNECTED):
            return Fault(Kind.DISCONNECTED, "the server closed the connection without answering")
        if text.startswith(_INCOMPLETE):
            return Fault(Kind.TRUNCATED, "the server closed the connection in the middle of its answer")
        if any(start in text for start in _TLS_RECORD_STARTS):
            return Fault(Kind.WRONG_PROTOCOL, "the server answered with TLS")
        return Fault(Kind.PROTOCOL, f"not an HTTP answer ({text})")
    if any(isinstance(cause, OSError) and cause.errno in _RESET_ERRNOS for cause in _causes(exc)):
        return Fault(Kind.RESET, "the connection was reset")
    if tls is not None:
        return Fault(Kind.DISCONNECTED, f"the TLS connection failed ({_ssl_words(tls)})")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return Fault(Kind.DISCONNECTED, f"the connection failed ({text or type(exc).__name__})")
    return Fault(Kind.PROTOCOL, text or type(exc).__name__)
