"""Raw loopback servers for fault tests: each binds 127.0.0.1 port 0, bounds every wait and joins its threads."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from types import TracebackType

from fts3sdk.testing._server._https import lingering_close

_POLL = 0.1
_JOIN = 5.0
_LINGER_RESET = struct.pack("ii", 1, 0)

Behaviour = Callable[["Exchange"], bytes | None]
"""What the server does with one request: the bytes to answer, or ``None`` to drop the connection unanswered."""


def http_response(body: bytes, status: str = "200 OK", content_type: str = "application/json") -> bytes:
    """A complete kept-alive HTTP/1.1 response."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


class Exchange:
    """One request read by a `LoopbackServer`, with what the server knows about its connection."""

    def __init__(self, request_line: str, body: bytes, served_before: int, idle: float) -> None:
        self.request_line = request_line
        self.method = request_line.split(" ", 1)[0]
        self.body = body
        self.served_before = served_before
        """Requests already answered on this connection (0: a fresh connection)."""
        self.idle = idle
        """Seconds since this connection's last answer (0 on a fresh connection)."""


class LoopbackServer:
    """An HTTP/1.1 server (TLS when ``tls`` is given) that lets ``behaviour`` answer or drop each request.

    A dropped request closes the connection without a byte of answer: with a FIN, or with a reset when
    ``reset=True``. A failed TLS handshake is closed the way Apache does (the alert, then the client's bytes
    read until it closes), or at once with ``linger=False``, which resets a connection carrying unread bytes.
    ``requests`` lists every request line received, answered or not.
    """

    def __init__(
        self, behaviour: Behaviour, *, tls: ssl.SSLContext | None = None, reset: bool = False, linger: bool = True
    ) -> None:
        self.behaviour = behaviour
        self.reset = reset
        self.linger = linger
        self.requests: list[str] = []
        self.connections = 0
        self._tls = tls
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._start(self._accept_loop)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            self._start(self._serve, conn)

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(_POLL)
        conn: socket.socket = raw
        try:
            if self._tls is not None:
                raw.settimeout(5)
                conn = self._tls.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
                try:
                    conn.do_handshake()
                except ssl.SSLError:
                    if self.linger:
                        lingering_close(conn)  # as Apache does
                    return
                conn.settimeout(_POLL)
            self._converse(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _converse(self, conn: socket.socket) -> None:
        buffer, served, last = b"", 0, time.monotonic()
        while not self._stop.is_set():
            while b"\r\n\r\n" not in buffer:
                chunk = self._recv(conn)
                if chunk is None:
                    continue
                if not chunk:
                    return
                buffer += chunk
                if not buffer[:1].isupper():  # not HTTP (a TLS ClientHello): answer 400, as HTTP servers do
                    conn.sendall(http_response(b"not HTTP", "400 Bad Request", "text/plain"))
                    return
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            body, buffer = self._body(conn, head, buffer)
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            with self._lock:
                self.requests.append(line)
            answer = self.behaviour(Exchange(line, body, served, time.monotonic() - last if served else 0.0))
            if answer is None:
                if self.reset:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
                return
            conn.sendall(answer)
            served, last = served + 1, time.monotonic()

    def _recv(self, conn: socket.socket) -> bytes | None:
        try:
            return conn.recv(65536)
        except TimeoutError:
            return None if not self._stop.is_set() else b""

    def _body(self, conn: socket.socket, head: bytes, buffer: bytes) -> tuple[bytes, bytes]:
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        deadline = time.monotonic() + 5
        while len(buffer) < length and time.monotonic() < deadline:
            chunk = self._recv(conn)
            if chunk == b"":
                break
            buffer += chunk or b""
        return buffer[:length], buffer[length:]

    def close(self) -> None:
        """Stop, close the listener and join every thread (bounded)."""
        self._stop.set()
        self._listener.close()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(_JOIN)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def closes_idle(body: bytes, idle: float) -> Behaviour:
    """Answer ``body``, except on a kept-alive connection idle for ``idle`` seconds: drop it unanswered.

    That is what a server closing idle connections does when the client reuses one at the moment it closes
    (Apache's KeepAliveTimeout, a graceful restart): the client's request meets a closing connection.
    """

    def behaviour(exchange: Exchange) -> bytes | None:
        if exchange.served_before and exchange.idle >= idle:
            return None
        return http_response(body)

    return behaviour
