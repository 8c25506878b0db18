"""What a failure below HTTP means: where it happened, whether the request may have reached the server.

httpx reports every such failure as a few exception types whose causes (an `ssl.SSLError` with its alert, a
refused or reset socket, a DNS error) say what really happened. `classify` reads that chain once, without I/O;
the retry policy decides from its answer, and `transport_error` turns it into the fts3sdk error people read.
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

import httpx

from fts3sdk import errors

if TYPE_CHECKING:
    from fts3sdk._base import Endpoint

__all__ = ["ALERTS", "Fault", "Kind", "as_transport_error", "classify", "transport_error"]


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


def as_transport_error(exc: ssl.SSLError, request: httpx.Request) -> httpx.ReadError:
    """An httpx error for a TLS error httpx let through (anyio's TLS stream raises a read's alert as it is)."""
    error = httpx.ReadError(str(exc), request=request)
    error.__cause__ = exc
    return error


def _causes(exc: BaseException) -> Iterator[BaseException]:
    # Both links: anyio raises the reset as the cause and leaves the TLS alert read before it in the context.
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < 32:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [link for link in (current.__cause__, current.__context__) if link is not None]


def _ssl_reason(error: ssl.SSLError) -> str:
    return str(getattr(error, "reason", None) or "").upper()


def _ssl_words(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return str(error.verify_message)
    if isinstance(error, ssl.SSLEOFError) or _ssl_reason(error) == "UNEXPECTED_EOF_WHILE_READING":
        return "the server closed the connection in the middle of the TLS handshake"
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


_ADVICE: Final = {
    "certificate expired": "renew the proxy (voms-proxy-init, or fts3sdk proxy-init) or the certificate",
    "unknown CA": "the server does not trust the CA of this certificate (or the file lacks part of its chain)",
    "certificate revoked": "the certificate was revoked: get a new one from your CA",
    "certificate required": "the server requires a client certificate: give cert= (--cert) or set X509_USER_PROXY",
    "access denied": "the server does not accept this certificate",
}
_CHECK_PAIR: Final = "check that the certificate and key belong together and the file holds the whole chain"


def transport_error(
    exc: httpx.TransportError,
    request: httpx.Request,
    endpoint: Endpoint[Any],
    *,
    credential: str | None = None,
    trust: str | None = None,
    timeout: httpx.Timeout | None = None,
    speaks_tls: bool = False,
) -> errors.FTS3ClientException:
    """The fts3sdk error for a failure below HTTP: what happened, and whether the request may have taken effect.

    ``credential`` and ``trust`` describe the client certificate and the CA location in use, for the messages;
    ``speaks_tls`` says that the server of a plain-HTTP request that lost its connection answers TLS.
    """
    fault = classify(exc)
    if speaks_tls and fault.kind in (Kind.RESET, Kind.DISCONNECTED):
        fault = Fault(Kind.WRONG_PROTOCOL, "the server speaks TLS")
    url = str(request.url)
    context: dict[str, Any] = {"method": request.method, "url": url}
    where = f"{request.url.host}:{request.url.port or (443 if request.url.scheme == 'https' else 80)}"
    builder = _BUILDERS.get(fault.kind)
    if builder is not None:
        return builder(fault, request, where, _Known(credential, trust, timeout), context)
    applied = _applied(request, endpoint.may_resend)
    if fault.kind is Kind.TIMEOUT:
        return errors.RequestTimeout(f"{request.method} {url} timed out{applied}", **context)
    if fault.kind in (Kind.RESET, Kind.DISCONNECTED, Kind.TRUNCATED):
        return errors.ConnectionLost(f"{request.method} {url}: {fault.detail}{applied}", **context)
    if fault.kind is Kind.PROTOCOL:
        return errors.InvalidResponse(f"{request.method} {url}: {fault.detail}{applied}", **context)
    return errors.ConnectionFailed(f"cannot connect to {url}: {fault.detail}", **context)


@dataclass(frozen=True, slots=True)
class _Known:
    credential: str | None
    trust: str | None
    timeout: httpx.Timeout | None


def _applied(request: httpx.Request, may_resend: bool) -> str:
    if may_resend:
        return ""
    job = " (the job may exist)" if request.url.path.rstrip("/").endswith("/jobs") else ""
    return f" after the request was sent: it may have been applied{job}; check before submitting again"


def _seconds(value: float | None) -> str:
    return f"{value:g} s" if value is not None else "the timeout"


_Builder = Callable[[Fault, httpx.Request, str, _Known, dict[str, Any]], errors.FTS3ClientException]


def _refused(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    return errors.ConnectionRefused(
        f"cannot connect to {request.url}: nothing accepts connections on {where} "
        "(is the server running, and the port right?)",
        **ctx,
    )


def _host_not_found(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    return errors.HostNotFound(
        f"cannot connect to {request.url}: the host name {request.url.host} does not resolve ({fault.detail})", **ctx
    )


def _connect_timeout(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    limit = _seconds(known.timeout.connect if known.timeout else None)
    return errors.ConnectionFailed(f"cannot connect to {request.url}: {where} did not answer within {limit}", **ctx)


def _pool_timeout(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    limit = _seconds(known.timeout.pool if known.timeout else None)
    return errors.ConnectionFailed(
        f"cannot send {request.method} {request.url}: no free connection within {limit} (too many requests at once)",
        **ctx,
    )


def _tls_failed(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    return errors.ConnectionFailed(f"cannot connect to {request.url}: the TLS handshake failed ({fault.detail})", **ctx)


def _untrusted(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    trust = known.trust or "the CA location in use"
    if "mismatch" in fault.detail.lower():
        advice = f"the server's certificate is not for {request.url.host}: use the host name it was issued for"
    else:
        advice = "check X509_CERT_DIR (or ca_path=, --capath): it must hold the CA of the server's certificate"
    return errors.ServerNotTrusted(
        f"cannot connect to {request.url}: the server's certificate failed verification ({fault.detail}) "
        f"against {trust}; {advice}",
        ca_location=known.trust,
        **ctx,
    )


def _wrong_protocol(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    if request.url.scheme == "http":
        https = request.url.copy_with(scheme="https")
        return errors.WrongProtocol(
            f"{request.method} {request.url} failed: {where} speaks TLS, not plain HTTP; use {https}; "
            "the server did not read the request",
            **ctx,
        )
    return errors.WrongProtocol(
        f"cannot connect to {request.url}: {where} does not speak TLS ({fault.detail}); "
        "is it a plain http:// endpoint, or the wrong port?",
        **ctx,
    )


def _rejected(
    fault: Fault, request: httpx.Request, where: str, known: _Known, ctx: dict[str, Any]
) -> errors.FTS3ClientException:
    alert = fault.alert or "handshake failure"
    who = f"the client certificate {known.credential}" if known.credential else "a connection without certificate"
    if alert == "handshake failure" and not known.credential:
        advice = _ADVICE["certificate required"]
    else:
        advice = _ADVICE.get(alert, _CHECK_PAIR)
    return errors.CertificateRejected(
        f"the server refused {who} in the TLS handshake of {request.method} {request.url} (TLS alert: {alert}); "
        f"{advice}; the request was not processed",
        alert=alert,
        **ctx,
    )


_BUILDERS: Final[dict[Kind, _Builder]] = {
    Kind.REFUSED: _refused,
    Kind.HOST_NOT_FOUND: _host_not_found,
    Kind.CONNECT_TIMEOUT: _connect_timeout,
    Kind.POOL_TIMEOUT: _pool_timeout,
    Kind.TLS: _tls_failed,
    Kind.SERVER_UNTRUSTED: _untrusted,
    Kind.WRONG_PROTOCOL: _wrong_protocol,
    Kind.REJECTED: _rejected,
}
