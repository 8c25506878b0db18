"""`FakeTransport`: the fake server as an httpx transport, sync and async, in-process and without sockets."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from fts3sdk.testing._wire import WireRequest, WireResponse

if TYPE_CHECKING:
    from fts3sdk.testing._identity import Identity

__all__ = ["FakeTransport"]


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
        return httpx.Response(answer.status, headers=response_headers, content=answer.body, request=request)

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return f"FakeTransport(identity={self.identity!r})"
