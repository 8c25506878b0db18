"""Dropped kept-alive connections: idempotent requests go again on a fresh connection, a submit never does."""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Iterator

import anyio
import httpx
import pytest

from fts3sdk import AsyncClient, Client, JobSpec, Transfer, errors
from fts3sdk._http._transport import RESEND_EXTENSION, RetryPolicy
from fts3sdk.resources._endpoints import _server as api
from fts3sdk.testing import IssuedCertificate, ThrowawayPKI
from tests._loopback import LoopbackServer, closes_idle
from tests.recordings import load

WHOAMI = json.dumps(load("whoami").body).encode()
SPEC = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])


@pytest.fixture(scope="module")
def host(fts_pki: ThrowawayPKI) -> IssuedCertificate:
    return fts_pki.issue_host()


def server_tls(pki: ThrowawayPKI, host: IssuedCertificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(host.cert_path), str(host.key_path))
    return context


@pytest.fixture(params=["fin", "reset"])
def idle_server(request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    with LoopbackServer(closes_idle(WHOAMI, 1.0), reset=request.param == "reset") as server:
        yield server


def test_a_dropped_kept_alive_connection_is_retried(idle_server: LoopbackServer) -> None:
    with Client(idle_server.url, anonymous=True) as client:
        assert client.whoami().user_dn
        time.sleep(2)
        assert client.whoami().user_dn
    assert idle_server.requests == ["GET /whoami HTTP/1.1"] * 3, "dropped once, then sent on a new connection"
    assert idle_server.connections == 2


@pytest.mark.anyio
async def test_a_dropped_kept_alive_connection_is_retried_async(idle_server: LoopbackServer) -> None:
    idle_server.behaviour = closes_idle(WHOAMI, 0.3)
    async with AsyncClient(idle_server.url, anonymous=True) as client:
        assert (await client.whoami()).user_dn
        await anyio.sleep(0.6)
        assert (await client.whoami()).user_dn
    assert idle_server.requests == ["GET /whoami HTTP/1.1"] * 3
    assert idle_server.connections == 2


def test_over_tls_too(fts_pki: ThrowawayPKI, host: IssuedCertificate, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="fts3sdk")
    behaviour = closes_idle(WHOAMI, 0.3)
    with LoopbackServer(behaviour, tls=server_tls(fts_pki, host)) as server:
        with Client(server.url, anonymous=True, ca_path=fts_pki.ca_dir) as client:
            client.whoami()
            time.sleep(0.6)
            client.whoami()
        assert len(server.requests) == 3
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying GET")]
    assert len(retries) == 1
    assert "RemoteProtocolError: Server disconnected without sending a response" in retries[0]


def test_a_submit_on_a_dropped_connection_is_never_resent(idle_server: LoopbackServer) -> None:
    body = json.dumps({"job_id": "eb7fa674-eaaa-11f1-b239-02fc00000001"}).encode()
    idle_server.behaviour = closes_idle(body, 0.3)
    with Client(idle_server.url, anonymous=True, retries=3) as client:
        assert client.jobs.submit(SPEC, delegate=False)
        time.sleep(0.6)
        with pytest.raises(errors.ConnectionLost) as caught:
            client.jobs.submit(SPEC, delegate=False)
    assert idle_server.requests == ["POST /jobs HTTP/1.1"] * 2, "the second submit was sent once, not resent"
    what = "the connection was reset" if idle_server.reset else "the server closed the connection without answering"
    assert str(caught.value) == (
        f"Connection lost: POST {idle_server.url}/jobs: {what} after the request was sent: "
        "it may have been applied (the job may exist); check before submitting again"
    )
    assert isinstance(caught.value, errors.RequestTimeout), "still caught where a lost answer was caught before"


def test_a_request_marked_not_resendable_is_not_retried(idle_server: LoopbackServer) -> None:
    idle_server.behaviour = closes_idle(b"{}", 0.3)
    with Client(idle_server.url, anonymous=True) as client:
        client.get("/whoami")
        time.sleep(0.6)
        with pytest.raises(errors.ConnectionLost):
            client._send(api.raw("DELETE", "/jobs/x", params={}, may_resend=False))
    assert len(idle_server.requests) == 2


def test_the_policy_decides_by_what_happened() -> None:
    policy = RetryPolicy(retries=2)
    get = httpx.Request("GET", "https://fts.example.org/whoami")
    post = httpx.Request("POST", "https://fts.example.org/jobs")
    fixed = httpx.Request("PUT", "https://fts.example.org/x", extensions={RESEND_EXTENSION: False})
    dropped = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    reset = httpx.ReadError("reset")
    reset.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    for exc in (dropped, reset):
        assert policy.delay(get, exc, 0) == 0.0, "a stale connection: a new one at once"
        assert (policy.delay(get, exc, 1) or 0) > 0, "then with backoff"
        assert policy.delay(post, exc, 0) is None
        assert policy.delay(fixed, exc, 0) is None
    assert policy.delay(post, httpx.ConnectError("refused"), 0) is not None, "nothing was sent"
    assert policy.delay(get, httpx.ReadTimeout("slow"), 0) is None, "a slow server is not asked twice"
    rejected = httpx.ConnectError("alert")
    rejected.__cause__ = ssl.SSLError(1, "[SSL: SSLV3_ALERT_CERTIFICATE_EXPIRED] sslv3 alert certificate expired")
    rejected.__cause__.reason = "SSLV3_ALERT_CERTIFICATE_EXPIRED"
    assert policy.delay(get, rejected, 0) is None, "the same certificate would be refused again"
