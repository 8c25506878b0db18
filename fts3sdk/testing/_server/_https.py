"""A small threaded HTTPS/1.1 server in front of `FakeFTS`: client certificates optional, proxies accepted.

Like Apache with ``SSLVerifyClient optional`` and mod_gridsite: no certificate means anonymous; an RFC 3820
proxy chain is verified (``VERIFY_ALLOW_PROXY_CERTS``) and the user is the first non-proxy certificate of
the verified chain. Connections are kept alive; each response goes out in one ``sendall`` with TCP_NODELAY
(headers and body written separately would stall ~40 ms per request on loopback: Nagle + delayed ACK).
A fixed number of worker threads serve connections; whatever a client does (reset mid-answer, half-close,
garbage) ends its connection, never a worker. Connections end as Apache ends them (a lingering close: the
last bytes sent, then the client's bytes read until it closes, bounded), so a TLS alert or a 400 is not
overtaken by a reset. Every wait is bounded and `close` joins every thread.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from fts3sdk.testing._server._wire import WireRequest, WireResponse, phrase
from fts3sdk.testing._state._identity import Identity

if TYPE_CHECKING:
    from cryptography import x509

    from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI

__all__ = ["HTTPSServer"]

logger = logging.getLogger("fts3sdk.testing")
_POLL = 0.1
_HANDSHAKE_TIMEOUT = 10.0
_IDLE_TIMEOUT = 15.0
_JOIN_TIMEOUT = 5.0
_LINGER = 2.0
_MAX_HEAD = 64 * 1024
_MAX_BODY = 64 * 1024 * 1024
_DER = 2  # _ssl.ENCODING_DER
_TEXT = "text/plain; charset=utf-8"


class _BadRequest(Exception):
    """The bytes received are not an HTTP/1.1 request this server can read."""


class HTTPSServer:
    """A running HTTPS front of a `FakeFTS` on ``url``; stop it with `close` or by leaving the ``with`` block."""

    def __init__(
        self,
        handle: Callable[[WireRequest], WireResponse],
        pki: ThrowawayPKI,
        host_cert: IssuedCertificate,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        workers: int = 8,
    ) -> None:
        self._handle = handle
        self._context = _server_context(pki, host_cert)
        self._stop = threading.Event()
        self._pending: queue.Queue[socket.socket] = queue.Queue(maxsize=256)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(_POLL)
        self.host_dn = host_cert.dn
        """DN of the host certificate: the root identity."""
        self._port = int(self._listener.getsockname()[1])
        self.url = f"https://{host}:{self._port}"
        """Base URL of the server, e.g. ``https://127.0.0.1:43210``."""
        self._threads = [threading.Thread(target=self._accept_loop, name="fake-fts-accept", daemon=True)]
        self._threads += [
            threading.Thread(target=self._work_loop, name=f"fake-fts-worker-{n}", daemon=True) for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self._port

    def close(self) -> None:
        """Stop accepting, interrupt open connections and join every thread (bounded waits)."""
        if self._stop.is_set():
            return
        self._stop.set()
        with self._open_lock:
            for sock in self._open:
                _interrupt(sock)
        for thread in self._threads:
            thread.join(_JOIN_TIMEOUT)
        self._listener.close()
        while True:
            try:
                self._pending.get_nowait().close()
            except queue.Empty:
                break

    def __enter__(self) -> HTTPSServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<HTTPSServer {self.url}{' closed' if self._stop.is_set() else ''}>"

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                self._pending.put_nowait(conn)
            except queue.Full:
                conn.close()

    def _work_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn = self._pending.get(timeout=_POLL)
            except queue.Empty:
                continue
            try:
                with self._tracked(conn):
                    self._serve(conn)
            except Exception:  # a bug of this server: logged; the worker serves the next connection
                logger.exception("fts3sdk.testing: unexpected error serving a connection")

    @contextlib.contextmanager
    def _tracked(self, sock: socket.socket) -> Iterator[None]:
        with self._open_lock:
            self._open.add(sock)
        if self._stop.is_set():  # close() may have swept the open sockets just before this one was added
            _interrupt(sock)
        try:
            yield
        finally:
            with self._open_lock:
                self._open.discard(sock)
            sock.close()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.settimeout(_HANDSHAKE_TIMEOUT)
            tls = self._context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        except OSError as exc:  # reset before anything was read
            logger.debug("fts3sdk.testing: connection lost before the TLS handshake: %s", exc)
            return
        with self._tracked(tls):
            try:
                tls.do_handshake()
            except OSError as exc:  # ssl.SSLError included; the alert, if any, is on its way
                logger.debug("fts3sdk.testing: TLS handshake failed: %s", exc)
                lingering_close(tls, self._stop)
                return
            try:
                identity = _identity(tls)
                tls.settimeout(_IDLE_TIMEOUT)
                _Connection(tls, identity, self._handle, self._stop).serve()
            except OSError as exc:  # the client went away: reset, broken pipe, TLS EOF
                logger.debug("fts3sdk.testing: connection lost: %s", exc)
                return
            lingering_close(tls, self._stop)


class _Connection:
    """One kept-alive TLS connection: read a request, answer it, until close, idle timeout or server stop."""

    def __init__(
        self,
        sock: ssl.SSLSocket,
        identity: Identity,
        handle: Callable[[WireRequest], WireResponse],
        stop: threading.Event,
    ) -> None:
        self.sock = sock
        self.identity = identity
        self.handle = handle
        self.stop = stop
        self.buffer = bytearray()

    def serve(self) -> None:
        """Answer requests until the client closes, asks to close or idles out, or the server stops.

        Raises `OSError` when the client goes away; a request that cannot be read is answered 400.
        """
        while not self.stop.is_set():
            try:
                request, keep_alive = self._read_request()
            except _BadRequest as exc:
                logger.debug("fts3sdk.testing: bad request: %s", exc)
                self._send(WireResponse(400, b"Bad Request", _TEXT), keep_alive=False)
                return
            if request is None:
                return
            try:
                response = self.handle(request)
            except Exception:  # what a server does with its own crash: a 500, logged
                logger.exception("fts3sdk.testing: unexpected error answering %s %s", request.method, request.path)
                response = WireResponse(500, b"Internal Server Error", _TEXT)
            self._send(response, keep_alive=keep_alive and not response.cut_short)
            if not keep_alive or response.cut_short:
                return

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        self.buffer += data
        return bool(data)

    def _read_head(self) -> bytes | None:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            if len(self.buffer) > _MAX_HEAD:
                raise _BadRequest("header section too large")
            if not self._fill():
                if self.buffer:
                    raise _BadRequest("connection closed in the middle of a request")
                return None
        head = bytes(self.buffer[:end])
        del self.buffer[: end + 4]
        return head

    def _read_exact(self, size: int) -> bytes:
        if size > _MAX_BODY:
            raise _BadRequest("body too large")
        while len(self.buffer) < size:
            if not self._fill():
                raise _BadRequest("connection closed in the middle of a body")
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _read_line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            if len(self.buffer) > _MAX_HEAD or not self._fill():
                raise _BadRequest("bad chunked encoding")
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 2]
        return line

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size = _chunk_size(self._read_line())
            if size == 0:
                while self._read_line():  # trailers, up to the empty line
                    pass
                return bytes(body)
            body += self._read_exact(size)
            self._read_line()
            if len(body) > _MAX_BODY:
                raise _BadRequest("body too large")

    def _read_request(self) -> tuple[WireRequest | None, bool]:
        head = self._read_head()
        if head is None:
            return None, False
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ")
        except ValueError:
            raise _BadRequest(f"bad request line {lines[0]!r}") from None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        body = self._read_body(headers)
        path, _, query = target.partition("?")
        pairs = tuple(parse_qsl(query, keep_blank_values=True))
        return WireRequest(method.upper(), path, pairs, headers, body, self.identity), keep_alive

    def _read_body(self, headers: dict[str, str]) -> bytes:
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        try:
            length = 0 if chunked else int(headers.get("content-length", "0"))
        except ValueError:
            raise _BadRequest("bad Content-Length") from None
        if length < 0 or length > _MAX_BODY:
            raise _BadRequest(f"bad Content-Length {length}")
        if headers.get("expect", "").lower() == "100-continue":
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if chunked:
            return self._read_chunked()
        return self._read_exact(length) if length > 0 else b""

    def _send(self, response: WireResponse, *, keep_alive: bool) -> None:
        lines = [f"HTTP/1.1 {response.status} {phrase(response.status)}"]
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        if response.status != 204:
            lines.append(f"Content-Length: {response.declared_length if response.cut_short else len(response.body)}")
        lines += [f"{name}: {value}" for name, value in response.headers]
        lines += ["Server: fts3sdk-fake-fts", "Connection: keep-alive" if keep_alive else "Connection: close"]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body)


def _chunk_size(line: bytes) -> int:
    try:
        size = int(line.split(b";")[0].strip() or b"0", 16)
    except ValueError:
        raise _BadRequest(f"bad chunk size {line[:20]!r}") from None
    if size < 0:
        raise _BadRequest(f"bad chunk size {line[:20]!r}")
    return size


def _interrupt(sock: socket.socket) -> None:
    """Wake whatever thread waits on ``sock``: both directions of its descriptor shut down.

    The descriptor, not the TLS layer: `ssl.SSLSocket.shutdown` also drops the TLS state that the serving
    thread is using at that moment.
    """
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def lingering_close(sock: socket.socket, stop: threading.Event | None = None) -> None:
    """End a connection as Apache does: send a FIN after the last bytes, read what the client still sends, close.

    Closing with the client's bytes unread would send a reset, which can overtake what was sent last (a TLS
    1.3 alert after the client's Finished, a 400) and the client would see only "connection reset". Bounded
    by ``_LINGER`` seconds and by ``stop``. The caller closes the socket.
    """
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_WR)
        sock.settimeout(_POLL)
        deadline = time.monotonic() + _LINGER
        while not (stop is not None and stop.is_set()) and time.monotonic() < deadline:
            try:
                if not socket.socket.recv(sock, 65536):  # the raw bytes: the TLS session is over
                    return
            except TimeoutError:
                continue


def _server_context(pki: ThrowawayPKI, host_cert: IssuedCertificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(host_cert.cert_path), str(host_cert.key_path))
    context.load_verify_locations(cafile=str(pki.ca_path))
    context.verify_mode = ssl.CERT_OPTIONAL
    context.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS
    return context


def _identity(tls: ssl.SSLSocket) -> Identity:
    """Who the verified client chain proves; anonymous without a client certificate."""
    from cryptography import x509

    chain = _verified_chain(tls)
    if chain is not None:
        return Identity.from_chain(chain) if chain else Identity.anonymous()
    leaf = tls.getpeercert(binary_form=True)
    return Identity.anonymous() if not leaf else _leaf_identity(x509.load_der_x509_certificate(leaf))


def _verified_chain(tls: ssl.SSLSocket) -> list[x509.Certificate] | None:
    """The verified chain, leaf first: public in Python 3.13, on the private ``_sslobj`` in 3.10-3.12."""
    from cryptography import x509

    getter = getattr(tls, "get_verified_chain", None) or getattr(
        getattr(tls, "_sslobj", None), "get_verified_chain", None
    )
    if getter is None:
        return None
    items = getter() or []
    return [
        x509.load_der_x509_certificate(item if isinstance(item, bytes) else item.public_bytes(_DER)) for item in items
    ]


def _leaf_identity(leaf: x509.Certificate) -> Identity:
    """Fallback without a verified chain: for a proxy leaf, its issuer is taken as the user (one level)."""
    from fts3sdk.credentials import is_proxy_certificate, slash_dn

    if not is_proxy_certificate(leaf):
        return Identity.from_chain([leaf])
    return Identity("certificate", (slash_dn(leaf.issuer), slash_dn(leaf.subject)))
