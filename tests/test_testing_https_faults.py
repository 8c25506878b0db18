"""The fake's HTTPS server under client misbehaviour and at shutdown: no worker dies, no thread raises."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from fts3sdk import AsyncClient, Client, errors
from fts3sdk.testing import HTTPSServer, IssuedCertificate, ThrowawayPKI
from fts3sdk.testing._server import _https
from fts3sdk.testing._server._wire import WireRequest, WireResponse

BIG = 8 * 1024 * 1024
"""An answer larger than the sockets' buffers: its ``sendall`` is still writing when the client vanishes."""
_LINGER_RESET = struct.pack("ii", 1, 0)


@contextlib.contextmanager
def thread_errors() -> Iterator[list[str]]:
    """Every exception that escapes a thread inside the block (set in the test body: pytest sets its own hook)."""
    seen: list[str] = []

    def hook(args: threading.ExceptHookArgs) -> None:
        seen.append(f"{args.thread.name if args.thread else '?'}: {args.exc_type.__name__}: {args.exc_value}")

    previous, threading.excepthook = threading.excepthook, hook
    try:
        yield seen
    finally:
        threading.excepthook = previous


@pytest.fixture(scope="module")
def host(fts_pki: ThrowawayPKI) -> IssuedCertificate:
    return fts_pki.issue_host()


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> IssuedCertificate:
    return ThrowawayPKI(tmp_path_factory.mktemp("stranger")).issue_user("Stranger")


def answer(request: WireRequest) -> WireResponse:
    """``/big``: 8 MiB; anything else: a short JSON body."""
    if request.path == "/big":
        return WireResponse(200, b"x" * BIG, "application/octet-stream")
    return WireResponse(200, b'{"ok": true}')


@pytest.fixture
def server(fts_pki: ThrowawayPKI, host: IssuedCertificate) -> Iterator[HTTPSServer]:
    with HTTPSServer(answer, fts_pki, host, workers=2) as running:
        yield running


def tls_connection(server: HTTPSServer, pki: ThrowawayPKI) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(pki.ca_path))
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def reset(sock: socket.socket) -> None:
    """Vanish: close with a TCP reset, whatever is still unread or unsent."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
    sock.close()


def still_serves(server: HTTPSServer, pki: ThrowawayPKI) -> None:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(pki.ca_path)), timeout=10) as http:
        for _ in range(4):  # more requests than workers, each on its own connection
            assert http.get(f"{server.url}/ping", headers={"Connection": "close"}).json() == {"ok": True}


def test_a_client_that_vanishes_while_the_answer_is_written(server: HTTPSServer, fts_pki: ThrowawayPKI) -> None:
    with thread_errors() as seen:
        for _ in range(6):  # three times the workers: each of them meets it more than once
            tls = tls_connection(server, fts_pki)
            tls.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            assert tls.recv(1024).startswith(b"HTTP/1.1 200 OK")
            reset(tls)
        still_serves(server, fts_pki)
    assert seen == []


@pytest.mark.parametrize(
    "garbage",
    [
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: -3\r\n\r\n",
        b"\x16\x03\x01\x00\x05hello\r\n\r\n",
        b"GET /" + b"a" * 70000,
    ],
    ids=["bad-chunk-size", "huge-body", "negative-length", "binary", "huge-head"],
)
def test_garbage_is_answered_400_and_closed(server: HTTPSServer, fts_pki: ThrowawayPKI, garbage: bytes) -> None:
    with thread_errors() as seen:
        for _ in range(3):  # more than the workers
            with tls_connection(server, fts_pki) as tls:
                tls.sendall(garbage)
                assert read_all(tls).startswith(b"HTTP/1.1 400 Bad Request\r\n"), "not overtaken by a reset"
        still_serves(server, fts_pki)
    assert seen == []


def test_half_closed_sockets(server: HTTPSServer, fts_pki: ThrowawayPKI) -> None:
    with thread_errors() as seen:
        for _ in range(3):
            with tls_connection(server, fts_pki) as tls:
                tls.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
                socket.socket.shutdown(tls, socket.SHUT_WR)  # the client sends no more, but reads
                assert read_all(tls).startswith(b"HTTP/1.1 200 OK\r\n")
            with tls_connection(server, fts_pki) as tls:
                tls.sendall(b"POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
                socket.socket.shutdown(tls, socket.SHUT_WR)  # in the middle of the body
                assert read_all(tls) == b"", "TLS cannot answer a truncated stream: the server closes"
        still_serves(server, fts_pki)
    assert seen == []


def read_all(tls: ssl.SSLSocket) -> bytes:
    """What the server sent until it closed, ``b""`` for a TLS error (bounded by the socket's timeout)."""
    received = b""
    try:
        while chunk := tls.recv(65536):
            received += chunk
    except OSError:
        return received
    return received


# --- a refused certificate: the alert reaches the client -------------------------------------------------------


def test_a_refused_certificate_is_reported_as_such(
    server: HTTPSServer, fts_pki: ThrowawayPKI, stranger: IssuedCertificate
) -> None:
    for _ in range(20):  # a reset overtaking the alert was seen about one time in three
        client = Client(server.url, cert=stranger.cert_path, key=stranger.key_path, ca_path=fts_pki.ca_dir)
        with client, pytest.raises(errors.CertificateRejected) as caught:
            client.whoami()
        assert caught.value.alert == "unknown CA"


@pytest.mark.anyio
async def test_a_refused_certificate_is_reported_as_such_async(
    server: HTTPSServer, fts_pki: ThrowawayPKI, stranger: IssuedCertificate
) -> None:
    for _ in range(20):
        client = AsyncClient(server.url, cert=stranger.cert_path, key=stranger.key_path, ca_path=fts_pki.ca_dir)
        async with client:
            with pytest.raises(errors.CertificateRejected) as caught:
                await client.whoami()
        assert caught.value.alert == "unknown CA"


# --- stopping while clients connect ----------------------------------------------------------------------------


def test_close_just_after_a_handshake(
    fts_pki: ThrowawayPKI, host: IssuedCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = HTTPSServer(answer, fts_pki, host, workers=2)
    real_identity = _https._identity
    closing = threading.Thread(target=server.close)

    def identity_while_closing(tls: ssl.SSLSocket) -> object:  # close() sweeps the connection being set up
        closing.start()
        deadline = time.monotonic() + 5
        while not server._stop.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        return real_identity(tls)

    monkeypatch.setattr(_https, "_identity", identity_while_closing)
    with thread_errors() as seen:
        with tls_connection(server, fts_pki) as tls:
            tls.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_all(tls) == b"", "the connection ends unanswered"
        closing.join(30)
    assert not closing.is_alive()
    assert seen == []


def hammer(port: int, context: ssl.SSLContext, go: threading.Event, stuck: list[str]) -> None:
    """Twenty requests, each on a new connection; a connection that never ends is recorded in ``stuck``."""
    go.wait(5)
    for _ in range(20):
        try:
            # Wrapped before connecting: wrap_socket() on a connected socket that is reset at that moment (the
            # backlog of a listener being closed) raises without closing the SSLSocket it made (CPython 3.11).
            with context.wrap_socket(socket.socket(), server_hostname="127.0.0.1") as tls:
                tls.settimeout(10)
                tls.connect(("127.0.0.1", port))
                tls.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
                tls.recv(65536)
        except TimeoutError as exc:
            stuck.append(repr(exc))
        except OSError:
            pass  # refused, reset or closed: the server is stopping


def test_close_while_clients_connect(fts_pki: ThrowawayPKI, host: IssuedCertificate) -> None:
    context = ssl.create_default_context(cafile=str(fts_pki.ca_path))
    with thread_errors() as seen:
        for _ in range(5):
            server = HTTPSServer(answer, fts_pki, host, workers=4)
            go = threading.Event()
            stuck: list[str] = []
            clients = [threading.Thread(target=hammer, args=(server.port, context, go, stuck)) for _ in range(6)]
            for thread in clients:
                thread.start()
            go.set()
            time.sleep(0.05)
            server.close()
            for thread in clients:
                thread.join(60)
            assert not any(thread.is_alive() for thread in clients)
            assert stuck == [], "every accepted connection ends when the server stops"
    assert seen == []
