"""A batch of submits with ``delegate="auto"`` checks the delegation once (issue 16 item 6), sync and async.

Requests are counted at the transport, in front of the fake server; the cache's clock is a variable the test moves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest

from fts3sdk import AsyncClient, Client, JobSpec, Transfer, errors
from fts3sdk._base import DELEGATION_CHECK_SECONDS, DelegationCache
from fts3sdk.testing import FakeFTS, FakeTransport, IssuedCertificate
from tests.conftest import call

URL = "https://fts.example.org:8446"
SPEC = JobSpec(transfers=[Transfer(sources="mock://a.example.org/x", destinations="mock://b.example.org/x")])
CHECK = ["GET /whoami", "GET /delegation/b039e71fde61be6f"]
DELEGATE = ["GET /delegation/b039e71fde61be6f/request", "PUT /delegation/b039e71fde61be6f/credential"]
SUBMIT = ["POST /jobs"]


class Counting(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, remembering ``METHOD /path`` of every request."""

    def __init__(self, inner: FakeTransport) -> None:
        self.inner = inner
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return seen


class Clock:
    """A monotonic clock the test sets."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wire(fts_fake: FakeFTS) -> Counting:
    return Counting(fts_fake.transport())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sync", "async"])
async def client(
    request: pytest.FixtureRequest, wire: Counting, fts_user_cert: IssuedCertificate, clock: Clock
) -> AsyncIterator[Client | AsyncClient]:
    cert, key = fts_user_cert.cert_path, fts_user_cert.key_path
    if request.param == "sync":
        with Client(URL, transport=wire, cert=cert, key=key) as sync:
            sync.delegation_cache = DelegationCache(clock=clock)
            yield sync
    else:
        async with AsyncClient(URL, transport=wire, cert=cert, key=key) as asynchronous:
            asynchronous.delegation_cache = DelegationCache(clock=clock)
            yield asynchronous


@pytest.mark.anyio
async def test_a_batch_of_submits_checks_the_delegation_once(client: Client | AsyncClient, wire: Counting) -> None:
    for _ in range(5):
        await call(client.jobs.submit(SPEC))
    assert wire.take() == CHECK + DELEGATE + SUBMIT * 5  # was (CHECK + SUBMIT) * 5 plus DELEGATE once


@pytest.mark.anyio
async def test_the_check_is_trusted_for_a_short_time(
    client: Client | AsyncClient, wire: Counting, clock: Clock
) -> None:
    await call(client.jobs.submit(SPEC))
    wire.take()
    clock.now += DELEGATION_CHECK_SECONDS - 1
    await call(client.jobs.submit(SPEC))
    assert wire.take() == SUBMIT
    clock.now += 2
    await call(client.jobs.submit(SPEC))
    assert wire.take() == CHECK + SUBMIT  # checked again: still fresh, nothing delegated


@pytest.mark.anyio
async def test_a_419_forgets_the_check_and_the_submit_is_sent_again(
    client: Client | AsyncClient, wire: Counting, fts_fake: FakeFTS
) -> None:
    await call(client.jobs.submit(SPEC))
    wire.take()
    with Client(URL, anonymous=True, transport=fts_fake.transport()) as elsewhere:
        elsewhere.delegation.delete()  # another process removes the stored credential
    job_id = await call(client.jobs.submit(SPEC))
    assert wire.take() == SUBMIT + CHECK + DELEGATE + SUBMIT  # 419 first: nothing was stored
    assert [job.job_id for job in fts_fake.jobs()][-1] == job_id
    assert len(fts_fake.jobs()) == 2


@pytest.mark.anyio
async def test_a_419_right_after_a_check_is_raised(
    client: Client | AsyncClient, wire: Counting, fts_fake: FakeFTS
) -> None:
    fts_fake.add_delegation(lifetime=timedelta(hours=1, minutes=30))  # fresh enough for the client's rule...
    client.delegation_cache.ttl = 0  # ...and never trusted: every submit checks
    fts_fake.clock.advance(timedelta(minutes=31))  # the server now refuses (< 1 h left)
    with pytest.raises(errors.NeedDelegation):
        await call(client.jobs.submit(SPEC, delegate=False))
    assert wire.take() == SUBMIT


@pytest.mark.anyio
async def test_a_credential_due_for_renewal_is_not_trusted_long(
    client: Client | AsyncClient, wire: Counting, fts_fake: FakeFTS, clock: Clock
) -> None:
    fts_fake.add_delegation(lifetime=timedelta(hours=2, minutes=3))  # 3 minutes more than the renewal margin
    await call(client.jobs.submit(SPEC))
    assert wire.take() == CHECK + SUBMIT
    clock.now += 150
    await call(client.jobs.submit(SPEC))
    assert wire.take() == SUBMIT
    clock.now += 50  # within the 5 minutes, but past the 3 minutes before the renewal margin
    await call(client.jobs.submit(SPEC))
    assert wire.take() == CHECK + SUBMIT


@pytest.mark.anyio
async def test_explicit_delegation_and_deletion_update_the_cache(client: Client | AsyncClient, wire: Counting) -> None:
    await call(client.delegation.delegate())
    await call(client.jobs.submit(SPEC))
    assert wire.take() == CHECK + DELEGATE + SUBMIT
    await call(client.delegation.delete())
    wire.take()
    with_copy = client.with_options(timeout=5)  # copies share the cache
    await call(with_copy.jobs.submit(SPEC))
    assert wire.take() == CHECK + DELEGATE + SUBMIT
    await call(client.jobs.submit(SPEC))
    assert wire.take() == SUBMIT


@pytest.mark.anyio
async def test_delegate_true_always_checks(client: Client | AsyncClient, wire: Counting) -> None:
    await call(client.jobs.submit(SPEC))
    wire.take()
    await call(client.jobs.submit(SPEC, delegate=True))
    assert wire.take() == CHECK + SUBMIT


def test_token_clients_never_check(fts_fake: FakeFTS) -> None:
    fts_fake.add_token("tok", sub="robot", groups=["/dteam"])
    wire = Counting(fts_fake.transport())
    with Client(URL, token="tok", transport=wire) as robot:
        for _ in range(3):
            robot.jobs.submit(SPEC)
    assert wire.take() == SUBMIT * 3


@pytest.fixture
def sync_only(wire: Counting, fts_user_cert: IssuedCertificate) -> Iterator[Client]:
    with Client(URL, cert=fts_user_cert.cert_path, key=fts_user_cert.key_path, transport=wire) as made:
        yield made


def test_the_default_time_is_five_minutes(sync_only: Client) -> None:
    assert sync_only.delegation_cache.ttl == 300.0
    assert sync_only.delegation_cache.fresh() is None
