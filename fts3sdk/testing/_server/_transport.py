"""`FakeTransport`: the fake server as an httpx transport, sync and async, in-process and without sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING

import httpx

from fts3sdk.testing._server._wire import WireRequest, WireResponse

if TYPE_CHECKING:
    from fts3sdk.testing._state._identity import Identity

__all__ = ["CutShort", "FakeTransport"]


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers httpx requests with a `FakeFTS`, as ``identity``; usable by `Client` and `AsyncClient` alike.

    A bearer token in the ``Authorization`` header takes precedence over the identity, as on the real
    server (a valid token wins over a client certificate).
    """

    def __init__(self, handle: Callable[[WireRequest], WireResponse], identity: Identity) -> None:
        self._handle = handle
        self.identity = identity
        """Who the requests come from."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (sync clients)."""
        request.read()
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (async clients); the fake never blocks on I/O."""
        await request.aread()
        return self._answer(request)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        headers: dict[str, str] = {}
        for name, value in request.headers.multi_items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        wire = WireRequest(
            method=request.method,
            path=request.url.raw_path.split(b"?", 1)[0].decode("ascii"),
            query=tuple(request.url.params.multi_items()),
            headers=headers,
            body=request.content,
            identity=self.identity,
        )
        answer = self._handle(wire)
        response_headers = [("content-type", answer.content_type)] if answer.content_type else []
        response_headers += answer.headers
        if answer.cut_short:
            response_headers.append(("content-length", str(answer.declared_length)))
            error = (
                "peer closed connection without sending complete message body "
                f"(received {len(answer.body)} bytes, expected {answer.declared_length})"
            )
            stream = CutShort(answer.body, error)
            return httpx.Response(answer.status, headers=response_headers, stream=stream, request=request)
        return httpx.Response(answer.status, headers=response_headers, content=answer.body, request=request)

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return f"FakeTransport(identity={self.identity!r})"


class CutShort(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks off after ``received``, raising what httpx raises when a peer does that."""

    def __init__(self, received: bytes, error: str) -> None:
        self._received = received
        self._error = error

    def __iter__(self) -> Iterator[bytes]:
        yield self._received
        raise httpx.RemoteProtocolError(self._error)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._received
        raise httpx.RemoteProtocolError(self._error)
