"""Shared fixtures: a client of either kind over a MockTransport that replays recordings."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from fts3sdk import AsyncClient, Client
from fts3sdk.testing import IssuedCertificate, ThrowawayPKI, plugin
from fts3sdk.testing._monitoring._activemq import ActiveMQBroker
from fts3sdk.testing._server._transport import CutShort, FakeTransport
from tests import _confinement
from tests._broker import USERS, require_activemq
from tests.recordings import Recording, SetName, load

_confinement.install()

T = TypeVar("T")
ENDPOINT = "https://fts.example.org:8446"
AnyClient = Client | AsyncClient


async def call(value: T | Awaitable[T]) -> T:
    """Await a coroutine (async client) or pass a value through (sync client)."""
    if inspect.isawaitable(value):
        return await value
    return value


# The plugin's fixtures, also when fts3sdk is not installed (then its pytest11 entry point is not loaded).
fts_pki = plugin.fts_pki
fts_user_cert = plugin.fts_user_cert
fts_key_pool = plugin.fts_key_pool
fts_fake = plugin.fts_fake
fts_server = plugin.fts_server
fts_client = plugin.fts_client


@pytest.fixture(scope="session")
def pki(fts_pki: ThrowawayPKI) -> ThrowawayPKI:
    """The session's throwaway CA (the plugin's ``fts_pki``)."""
    return fts_pki


@pytest.fixture(scope="session")
def alice(fts_user_cert: IssuedCertificate) -> IssuedCertificate:
    """Alice's RSA user certificate from ``pki`` (the plugin's ``fts_user_cert``)."""
    return fts_user_cert


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActiveMQBroker]:
    """A private ActiveMQ on 127.0.0.1 for the module that asks (user `tests._broker.AUTH`); skipped without it."""
    require_activemq()
    with ActiveMQBroker(tmp_path_factory.mktemp("activemq"), users=USERS) as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def recorded_response(rec: Recording) -> httpx.Response:
    """The recorded answer as an httpx response; a body the server cut off breaks off the same way."""
    if rec.transport_error is not None:
        return httpx.Response(
            rec.status, headers=rec.headers, stream=CutShort(rec.body_text.encode(), rec.transport_error)
        )
    return httpx.Response(rec.status, content=rec.body_text.encode(), headers=rec.headers)


class Replay:
    """A MockTransport handler answering each request with the next recording, after checking it matches.

    Names are of the ``responses`` set unless ``set`` says otherwise.
    """

    def __init__(self, *names: str, set: SetName = "responses") -> None:
        self.expected: list[Recording] = [load(name, set) for name in names]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert self.expected, f"unexpected request {request.method} {request.url}"
        rec = self.expected.pop(0)
        assert request.method == rec.method
        assert request.url.path == rec.path
        assert dict(request.url.params) == rec.query
        if rec.request_body is not None and rec.method == "POST" and rec.path != "/jobs":
            assert json.loads(request.content) == rec.request_body
        return recorded_response(rec)

    def done(self) -> None:
        assert not self.expected, f"requests not made: {[r.name for r in self.expected]}"


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(kind: str) -> Iterator[Callable[..., AnyClient]]:
    made: list[AnyClient] = []

    def make(handler: Handler | FakeTransport, **options: Any) -> AnyClient:
        options.setdefault("anonymous", True)
        transport = handler if isinstance(handler, FakeTransport) else httpx.MockTransport(handler)
        client: AnyClient = (
            Client(ENDPOINT, transport=transport, **options)
            if kind == "sync"
            else AsyncClient(ENDPOINT, transport=transport, **options)
        )
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, Client):
            client.close()
