"""A loopback TCP proxy that delays every chunk by a fixed time in each direction, like a distant site."""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from types import TracebackType

_CHUNK = 65536


class DelayProxy:
    """Forward 127.0.0.1:<port> to ``target``, holding each chunk ``delay`` seconds per direction.

    Throughput is not limited: chunks are released in order at arrival time + delay. The kernel completes the
    TCP handshake at once, so the first chunk of each connection is held one more round trip (``2 * delay``):
    a new connection then costs what it costs across a real network. Threads are daemons, closed with the
    proxy; every wait has a timeout.
    """

    def __init__(self, target: tuple[str, int], delay: float) -> None:
        self.target = target
        self.delay = delay
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._closing = threading.Event()
        self._sockets: list[socket.socket] = []
        self._accepter = threading.Thread(target=self._accept, name="delay-proxy", daemon=True)
        self._accepter.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=10)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.settimeout(None)
                self._sockets.append(sock)
            self._pipe(client, upstream, handshake=2 * self.delay)
            self._pipe(upstream, client, handshake=0.0)

    def _pipe(self, source: socket.socket, sink: socket.socket, *, handshake: float) -> None:
        pending: queue.Queue[tuple[float, bytes]] = queue.Queue()
        threading.Thread(target=self._read, args=(source, pending, handshake), daemon=True).start()
        threading.Thread(target=self._write, args=(sink, pending), daemon=True).start()

    def _read(self, source: socket.socket, pending: queue.Queue[tuple[float, bytes]], handshake: float) -> None:
        extra = handshake
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                data = b""
            pending.put((time.monotonic() + self.delay + extra, data))
            extra = 0.0
            if not data:
                return

    def _write(self, sink: socket.socket, pending: queue.Queue[tuple[float, bytes]]) -> None:
        while not self._closing.is_set():
            try:
                due, data = pending.get(timeout=0.5)
            except queue.Empty:
                continue
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    return
                sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        """Stop accepting and close every connection."""
        self._closing.set()
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
        self._accepter.join(timeout=2)

    def __enter__(self) -> DelayProxy:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
