"""The sharded connection pool: requests go to the least busy pool and give their slot back when read."""

from __future__ import annotations

import threading

import anyio
import httpx
import pytest

from fts3sdk._http._pool import ShardedPool, sharded_pool


class Recorder:
    """A MockTransport handler remembering which pool answered, optionally blocking until released."""

    def __init__(self, name: str, gate: threading.Event | None = None) -> None:
        self.name = name
        self.gate = gate
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.gate is not None:
            assert self.gate.wait(5)
        return httpx.Response(200, text=self.name)


def test_sequential_requests_stay_on_the_first_pool() -> None:
    handlers = [Recorder(str(n)) for n in range(4)]
    pool = ShardedPool([httpx.MockTransport(h) for h in handlers])
    with httpx.Client(transport=pool) as client:
        assert [client.get("https://x.example.org/").text for _ in range(5)] == ["0"] * 5
    assert pool._busy == [0, 0, 0, 0]


def test_concurrent_requests_spread_over_the_pools() -> None:
    gate = threading.Event()
    handlers = [Recorder(str(n), gate) for n in range(3)]
    pool = ShardedPool([httpx.MockTransport(h) for h in handlers])
    with httpx.Client(transport=pool) as client:
        threads = [threading.Thread(target=client.get, args=("https://x.example.org/",)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for _ in range(500):
            if sum(h.count for h in handlers) == 6:
                break
            threading.Event().wait(0.01)
        gate.set()
        for thread in threads:
            thread.join(5)
    assert [h.count for h in handlers] == [2, 2, 2]
    assert pool._busy == [0, 0, 0]


def test_a_failed_request_frees_its_slot() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    pool = ShardedPool([httpx.MockTransport(broken)])
    with httpx.Client(transport=pool) as client, pytest.raises(httpx.ConnectError):
        client.get("https://x.example.org/")
    assert pool._busy == [0]


@pytest.mark.anyio
async def test_async_requests_spread_and_release() -> None:
    answered: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.01)
        return httpx.Response(200, text="ok")

    pool = ShardedPool([httpx.MockTransport(handler) for _ in range(4)])
    async with httpx.AsyncClient(transport=pool) as client, anyio.create_task_group() as group:
        for _ in range(16):

            async def fetch() -> None:
                answered.append((await client.get("https://x.example.org/")).text)

            group.start_soon(fetch)
    assert answered == ["ok"] * 16
    assert pool._busy == [0, 0, 0, 0]


def test_factory_builds_matching_pools() -> None:
    import ssl

    context = ssl.create_default_context()
    assert all(isinstance(p, httpx.HTTPTransport) for p in sharded_pool(context, http2=False, asynchronous=False).pools)
    assert all(
        isinstance(p, httpx.AsyncHTTPTransport) for p in sharded_pool(context, http2=False, asynchronous=True).pools
    )
    with pytest.raises(ValueError, match="at least one"):
        ShardedPool([])


def test_real_connections_are_released_and_reused() -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    peers: set[int] = set()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            peers.add(self.client_address[1])
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        import ssl

        pool = sharded_pool(ssl.create_default_context(), http2=False, asynchronous=False)
        with httpx.Client(transport=pool) as client:
            for _ in range(5):
                assert client.get(f"http://127.0.0.1:{server.server_address[1]}/").text == "ok"
        assert pool._busy == [0, 0, 0, 0]
        assert len(peers) == 1, "sequential requests reuse one kept-alive connection"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
