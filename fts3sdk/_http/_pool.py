"""Connections spread over a few small httpx pools, each request going to the least busy one.

httpcore scans every connection of a pool on each request and each release, and the scan asks every idle TLS
connection whether it is readable, which is costly. With 32 requests in flight over 32 connections that scan
took three quarters of the client's CPU (4 ms a request, against 1 ms with 8 connections; see
benchmarks/README.md). Four pools of at most 25 connections keep each scan short; a sequential caller only
ever uses the first pool, so its single kept-alive connection is reused as before.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import AsyncIterator, Iterator, Sequence

import httpx

__all__ = ["ShardedPool", "sharded_pool"]

SHARDS = 4
PER_SHARD = httpx.Limits(max_connections=25, max_keepalive_connections=25, keepalive_expiry=30)


class _Released(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that gives its pool's slot back when it is closed."""

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, release: _Slot) -> None:
        self._stream = stream
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        yield from self._stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        async for chunk in self._stream:
            yield chunk

    def close(self) -> None:
        try:
            if isinstance(self._stream, httpx.SyncByteStream):
                self._stream.close()
        finally:
            self._release.free()

    async def aclose(self) -> None:
        try:
            if isinstance(self._stream, httpx.AsyncByteStream):
                await self._stream.aclose()
        finally:
            self._release.free()


class _Slot:
    """One request in flight on one pool; freed once."""

    def __init__(self, owner: ShardedPool, index: int) -> None:
        self._owner = owner
        self.index = index
        self._freed = False

    def free(self) -> None:
        if not self._freed:
            self._freed = True
            self._owner._done(self.index)


def _released(response: httpx.Response, slot: _Slot) -> httpx.Response:
    if response.is_closed:
        slot.free()
    else:
        response.stream = _Released(response.stream, slot)
    return response


class ShardedPool(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Send each request through the pool with the fewest requests in flight (ties: the first)."""

    def __init__(self, pools: Sequence[httpx.BaseTransport] | Sequence[httpx.AsyncBaseTransport]) -> None:
        if not pools:
            raise ValueError("at least one pool is needed")
        self.pools = pools
        self._busy = [0] * len(pools)
        self._lock = threading.Lock()

    def _take(self) -> _Slot:
        with self._lock:
            index = min(range(len(self._busy)), key=self._busy.__getitem__)
            self._busy[index] += 1
        return _Slot(self, index)

    def _done(self, index: int) -> None:
        with self._lock:
            self._busy[index] -= 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on the least busy pool."""
        slot = self._take()
        pool = self.pools[slot.index]
        assert isinstance(pool, httpx.BaseTransport), "a sync client needs sync pools"
        try:
            response = pool.handle_request(request)
        except BaseException:
            slot.free()
            raise
        return _released(response, slot)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on the least busy pool."""
        slot = self._take()
        pool = self.pools[slot.index]
        assert isinstance(pool, httpx.AsyncBaseTransport), "an async client needs async pools"
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            slot.free()
            raise
        return _released(response, slot)

    def close(self) -> None:
        """Close every pool."""
        for pool in self.pools:
            if isinstance(pool, httpx.BaseTransport):
                pool.close()

    async def aclose(self) -> None:
        """Close every pool."""
        for pool in self.pools:
            if isinstance(pool, httpx.AsyncBaseTransport):
                await pool.aclose()


def sharded_pool(context: ssl.SSLContext, *, http2: bool, asynchronous: bool) -> ShardedPool:
    """`SHARDS` httpx connection pools sharing one TLS context."""
    if asynchronous:
        return ShardedPool(
            [httpx.AsyncHTTPTransport(verify=context, http2=http2, limits=PER_SHARD) for _ in range(SHARDS)]
        )
    return ShardedPool([httpx.HTTPTransport(verify=context, http2=http2, limits=PER_SHARD) for _ in range(SHARDS)])
