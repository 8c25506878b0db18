"""stomp.py plumbing shared by the consumer and the publisher: a connection, opened with a bounded wait.

stomp.py's own ``connect(wait=True)`` waits for ever when a broker takes the TCP connection but never
answers, and logs a failed TLS handshake instead of raising it; `open_connection` waits at most
``timeout`` and, when TLS is on, tells why the handshake failed (`BrokerTLSError`) instead of a bare
``ConnectFailedException``.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any

from fts3sdk.events._brokers import Broker, BrokerAuth
from fts3sdk.events._errors import BrokerTLSError, BrokerUnavailable

__all__ = ["abort_connection", "open_connection", "stomp_connection", "stomp_module", "stop_connection", "tls_problem"]

_PROBE_WAIT = 2.0  # how long the TLS probe waits for the broker's verdict on our certificate


def stomp_module() -> Any:
    """stomp.py, or a clear error naming the extra that brings it."""
    try:
        import stomp  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError("the FTS event consumer needs stomp.py: pip install 'fts3sdk[events]'") from None
    return stomp


def stop_connection(connection: Any) -> None:
    """Disconnect a stomp.py connection and stop its threads, whatever state it is in."""
    with contextlib.suppress(Exception):
        connection.disconnect()
    with contextlib.suppress(Exception):
        connection.transport.stop()


def abort_connection(connection: Any) -> None:
    """Drop a connection whose broker went silent: close the socket first (no DISCONNECT receipt will come)."""
    with contextlib.suppress(Exception):
        connection.transport.set_connected(False)
        connection.transport.disconnect_socket()
    stop_connection(connection)


def stomp_connection(
    broker: Broker, auth: BrokerAuth, *, timeout: float, heartbeat: float = 0.0, check_heartbeats: bool = True
) -> Any:
    """A stomp.py STOMP 1.2 connection to ``broker`` (not connected yet), with TLS when ``auth`` says so.

    ``heartbeat`` seconds between heart-beats each way; with ``check_heartbeats=False`` stomp.py does not
    judge the broker's silence itself (the caller does).
    """
    stomp, beat = stomp_module(), int(heartbeat * 1000)
    target = _target(broker, auth)
    connection = stomp.Connection12(
        [target], heartbeats=(beat, beat), reconnect_attempts_max=1, timeout=timeout, vhost=auth.vhost,
        auto_decode=False, prefer_localhost=False, try_loopback_connect=False,
        heart_beat_receive_scale=1.5 if check_heartbeats else 0.0,
    )  # fmt: skip
    if auth.uses_tls:
        connection.set_ssl(
            for_hosts=[target], cert_file=str(auth.cert) if auth.cert else None,
            key_file=str(auth.key or auth.cert) if auth.cert else None,
            ca_certs=str(auth.ca_file) if auth.ca_file else None, verify=auth.verify,
        )  # fmt: skip
    return connection


def _target(broker: Broker, auth: BrokerAuth) -> tuple[str, int]:
    # With TLS the name is what the certificate is checked against (resolve_brokers put the address's name).
    return (broker.host, broker.port) if auth.uses_tls else broker.target


class _Handshake:
    """Listens to one connection attempt: CONNECTED, an ERROR frame, or the connection going away."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.connected = False
        self.error: str | None = None
        self.lost = False

    def on_connected(self, frame: Any) -> None:
        with self.condition:
            self.connected = True
            self.condition.notify_all()

    def on_error(self, frame: Any) -> None:
        message = frame.headers.get("message", "") or (frame.body or b"")[:200]
        with self.condition:
            self.error = message if isinstance(message, str) else message.decode(errors="replace")
            self.condition.notify_all()

    def on_disconnected(self) -> None:
        with self.condition:
            self.lost = True
            self.condition.notify_all()

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.condition:
            while not (self.connected or self.error or self.lost):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no answer to the STOMP CONNECT within {timeout:g} s")
                self.condition.wait(remaining)
        if self.error is not None:
            raise OSError(self.error)
        if not self.connected:
            raise ConnectionError("the broker closed the connection")


def open_connection(
    connection: Any, broker: Broker, auth: BrokerAuth, *, timeout: float, headers: Mapping[str, str] | None = None
) -> None:
    """Connect ``connection`` and wait for the broker's CONNECTED, at most ``timeout`` seconds.

    Raises `BrokerTLSError` when the TLS handshake failed (saying why), else `BrokerUnavailable` (refused,
    bad login, no answer), both naming the broker; the connection is stopped then.
    """
    stomp = stomp_module()
    if auth.uses_tls:
        try:  # stomp.py retries for ever on a missing file: find out first
            _context(auth)
        except _FileProblem as unusable:
            stop_connection(connection)
            raise BrokerTLSError(f"broker {broker}: {unusable}", url=str(broker)) from None
    handshake = _Handshake()
    connection.set_listener("fts3sdk-connect", handshake)
    try:
        connection.connect(auth.username, auth.password, wait=False, headers=dict(headers or {}))
        handshake.wait(timeout)
    except (stomp.exception.StompException, OSError) as exc:  # TimeoutError and ConnectionError included
        stop_connection(connection)
        problem = tls_problem(broker, auth, timeout=timeout) if auth.uses_tls and not handshake.error else None
        if problem is not None:
            raise BrokerTLSError(f"broker {broker}: {problem}", url=str(broker)) from None
        detail = handshake.error or str(exc) or "connection refused or closed"
        raise BrokerUnavailable(f"broker {broker}: {detail}", url=str(broker)) from None
    finally:
        connection.remove_listener("fts3sdk-connect")


def tls_problem(broker: Broker, auth: BrokerAuth, *, timeout: float) -> str | None:
    """Why a TLS connection to ``broker`` with ``auth`` fails, in words; None when TLS itself works.

    It makes the handshake stomp.py makes, then waits briefly for the broker's verdict on the client
    certificate (with TLS 1.3 a refusal arrives after the handshake, as an alert).
    """
    try:
        context = _context(auth)
    except _FileProblem as problem:
        return str(problem)
    host, port = _target(broker, auth)
    try:
        raw = socket.create_connection((broker.address or host, port), timeout=timeout)
        with raw, context.wrap_socket(raw, server_hostname=host) as tls:
            tls.settimeout(_PROBE_WAIT)
            with contextlib.suppress(TimeoutError):
                tls.recv(1)
    except ssl.SSLCertVerificationError as exc:
        hint = "" if auth.ca_file else "; give the CA that issued it (ca_file, --broker-ca)"
        return f"the broker's certificate is not trusted ({exc.verify_message}){hint}"
    except ssl.SSLError as exc:
        reason = str(exc.reason or exc).lower().replace("_", " ")
        if "alert" in reason:
            whose = f"the client certificate {auth.cert}" if auth.cert else "a connection without a client certificate"
            return f"the broker refused {whose} ({reason.removeprefix('sslv3 ').removeprefix('tlsv13 ')})"
        return f"handshake failed: {reason}"
    except OSError:
        return None  # not a TLS problem: the plain reason stands
    return None


class _FileProblem(Exception):
    pass


def _context(auth: BrokerAuth) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        if auth.ca_file:
            context.load_verify_locations(str(auth.ca_file))
        else:
            context.load_default_certs()
    except (OSError, ValueError) as exc:
        raise _FileProblem(f"cannot use the CA file {auth.ca_file}: {_reason(exc)}") from None
    if not auth.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if auth.cert:
        try:
            context.load_cert_chain(str(auth.cert), str(auth.key or auth.cert))
        except (OSError, ValueError) as exc:
            raise _FileProblem(f"cannot use the client certificate {auth.cert}: {_reason(exc)}") from None
    return context


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc).lower().replace("_", " ")
