"""The client core: status to error table, invalid bodies, retries, timeouts, discovery, tokens, encoding."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fts3sdk import AsyncClient, Client, JobSpec, Transfer, errors
from fts3sdk._config import discover_certificate
from fts3sdk._http._transport import RetryPolicy, RetryTransport
from tests.conftest import ENDPOINT, AnyClient, call
from tests.recordings import load

pytestmark = pytest.mark.anyio
MakeClient = Callable[..., AnyClient]
JOB_ID = "eb7fa674-eaaa-11f1-b239-02fc00000001"

STATUS_TABLE: list[tuple[int, type[errors.FTS3ClientException], str]] = [
    (400, errors.ClientError, "Client error: Bad request: nope"),
    (401, errors.Unauthorized, "Unauthorized: nope"),
    (402, errors.Unauthorized, "Unauthorized: nope"),
    (403, errors.Unauthorized, "Unauthorized: nope"),
    (404, errors.NotFound, "nope"),
    (405, errors.MethodNotAllowed, "Method Not Allowed: nope"),
    (409, errors.ClientError, "Client error: 409"),
    (419, errors.NeedDelegation, "Need to delegate credentials"),
    (424, errors.FailedDependency, "Failed dependency"),
    (429, errors.ClientError, "Client error: 429"),
    (500, errors.ServerError, "Server error: 500"),
    (502, errors.ServerError, "Server error: 502"),
    (503, errors.TryAgain, "Try again: 503"),
    (504, errors.ServerError, "Server error: 504"),
]


@pytest.mark.parametrize(("status", "cls", "text"), STATUS_TABLE)
async def test_status_table(make_client: MakeClient, status: int, cls: type[Exception], text: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"status": f"{status} X", "message": "nope"})

    with pytest.raises(cls) as caught:
        await call(make_client(handler, retries=0).whoami())
    error = caught.value
    assert type(error) is cls
    assert str(error) == text
    assert isinstance(error, errors.FTS3ClientException)
    assert error.status_code == status
    assert error.method == "GET"
    assert error.url == f"{ENDPOINT}/whoami"
    assert error.message == "nope"
    assert error.body is not None
    assert '"nope"' in error.body


def test_legacy_hierarchy_is_kept() -> None:
    assert issubclass(errors.NeedDelegation, errors.ClientError)
    assert issubclass(errors.FailedDependency, errors.ClientError)
    assert issubclass(errors.TryAgain, errors.ServerError)
    assert issubclass(errors.ConnectionFailed, errors.BadEndpoint)
    for cls in (errors.NotFound, errors.Unauthorized, errors.ServerError):
        assert not issubclass(cls, errors.ClientError)
    assert str(errors.NotFound("/jobs/x")) == "Not found: /jobs/x"
    assert str(errors.Unauthorized()) == "Unauthorized"
    assert str(errors.BadEndpoint("https://x")) == "Bad endpoint: https://x"
    assert errors.ClientError("why").reason == "why"


def test_errors_pickle_with_their_context() -> None:
    import pickle

    error = errors.NotFound("/jobs/x", "gone", status_code=404, message="gone", body="{}")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is errors.NotFound
    assert (str(copy), copy.status_code, copy.message, copy.resource) == ("gone", 404, "gone", "/jobs/x")


async def test_html_error_page_gives_its_paragraph(make_client: MakeClient) -> None:
    rec = load("banned_user_403")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, text=rec.body_text, headers=rec.headers)

    with pytest.raises(errors.Unauthorized) as caught:
        await call(make_client(handler).whoami())
    assert caught.value.message == "The user has been banned"


@pytest.mark.parametrize(
    "body",
    [b"<html>oops</html>", b'{"user_dn": "x", "dn": [', b"", b"[1, 2]", b'{"user_dn": 5}', b"\xff\xfe garbage"],
)
async def test_bad_bodies_give_invalid_response(make_client: MakeClient, body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    with pytest.raises(errors.InvalidResponse) as caught:
        await call(make_client(handler).whoami())
    assert caught.value.body is not None
    assert caught.value.status_code == 200


@given(st.binary(max_size=300))
def test_any_body_gives_a_model_or_a_typed_error(body: bytes) -> None:
    client = Client(
        ENDPOINT, anonymous=True, transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    )
    with client:
        try:
            client.jobs.list()
        except errors.InvalidResponse as exc:
            caught: errors.InvalidResponse | None = exc
        else:
            caught = None
    assert caught is None or caught.body is not None


async def test_redirects_are_refused(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://fts.example.org/whoami"})

    with pytest.raises(errors.InvalidResponse, match="redirect"):
        await call(make_client(handler, anonymous=False, token="tok").whoami())


class Flaky:
    """Answers with the given statuses (or raises the given exceptions) in turn, then 200."""

    def __init__(self, *outcomes: int | Exception, final: httpx.Response | None = None) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[httpx.Request] = []
        self.final = final

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if self.outcomes:
            outcome = self.outcomes.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return httpx.Response(outcome, headers={"retry-after": "0"})
        return self.final or httpx.Response(200, json=load("whoami").body)


def retrying_client(kind: str, handler: Flaky, sleeps: list[float], retries: int = 2) -> AnyClient:
    def record(seconds: float) -> None:
        sleeps.append(seconds)

    async def async_record(seconds: float) -> None:
        sleeps.append(seconds)

    transport = RetryTransport(
        httpx.MockTransport(handler), RetryPolicy(retries=retries), sleep=record, async_sleep=async_record
    )
    http: httpx.Client | httpx.AsyncClient
    if kind == "sync":
        http = httpx.Client(transport=transport)
        return Client(ENDPOINT, anonymous=True, http_client=http, retries=retries)
    http = httpx.AsyncClient(transport=transport)
    return AsyncClient(ENDPOINT, anonymous=True, http_client=http, retries=retries)


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_get_is_retried_on_gateway_errors(kind: str, status: int) -> None:
    handler, sleeps = Flaky(status, status), list[float]()
    who = await call(retrying_client(kind, handler, sleeps).whoami())
    assert who.user_dn
    assert len(handler.calls) == 3
    assert sleeps == [0.0, 0.0], "Retry-After: 0 is honoured"


async def test_retries_are_bounded(kind: str) -> None:
    handler, sleeps = Flaky(503, 503, 503, 503), list[float]()
    with pytest.raises(errors.TryAgain):
        await call(retrying_client(kind, handler, sleeps).whoami())
    assert len(handler.calls) == 3


async def test_connect_errors_are_retried_with_backoff(kind: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="fts3sdk")
    handler = Flaky(httpx.ConnectError("refused"), httpx.ConnectError("refused"))
    sleeps: list[float] = []
    await call(retrying_client(kind, handler, sleeps).whoami())
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5
    assert 0.5 <= sleeps[1] <= 1.0
    assert sum("retrying GET" in r.getMessage() and "ConnectError" in r.getMessage() for r in caplog.records) == 2


async def test_connect_failure_after_retries_is_typed(kind: str) -> None:
    handler = Flaky(*[httpx.ConnectError("refused")] * 5)
    with pytest.raises(errors.ConnectionFailed, match="cannot connect"):
        await call(retrying_client(kind, handler, []).whoami())


def _spec() -> JobSpec:
    return JobSpec(
        transfers=[Transfer(sources=["gsiftp://a.example.org/f"], destinations=["gsiftp://b.example.org/f"])]
    )


async def test_submit_is_never_resent_after_a_gateway_error(kind: str) -> None:
    handler = Flaky(503)
    with pytest.raises(errors.TryAgain):
        await call(retrying_client(kind, handler, []).jobs.submit(_spec(), delegate=False))
    assert len(handler.calls) == 1


async def test_submit_that_timed_out_says_the_job_may_exist(kind: str) -> None:
    handler = Flaky(httpx.ReadTimeout("slow"))
    with pytest.raises(errors.RequestTimeout, match="may exist"):
        await call(retrying_client(kind, handler, []).jobs.submit(_spec(), delegate=False))
    assert len(handler.calls) == 1


async def test_submit_is_resent_when_it_never_reached_the_server(kind: str) -> None:
    handler = Flaky(httpx.ConnectError("refused"), final=httpx.Response(200, json={"job_id": JOB_ID}))
    assert await call(retrying_client(kind, handler, []).jobs.submit(_spec(), delegate=False)) == JOB_ID
    assert len(handler.calls) == 2


async def test_with_options_overrides_retries_and_timeout(kind: str) -> None:
    handler, sleeps = Flaky(503, 503), list[float]()
    client = retrying_client(kind, handler, sleeps)
    with pytest.raises(errors.TryAgain):
        await call(client.with_options(retries=0).whoami())
    assert len(handler.calls) == 1
    assert client.with_options(timeout=120)._timeout.read == 120
    assert client._timeout.read == 30


def test_retry_after_is_capped_and_dates_are_read() -> None:
    policy = RetryPolicy(retries=3, retry_after_cap=5)
    request = httpx.Request("GET", ENDPOINT)
    assert policy.delay(request, httpx.Response(503, headers={"retry-after": "120"}), 0) == 5
    dated = httpx.Response(503, headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert policy.delay(request, dated, 0) == 0
    assert policy.delay(request, httpx.Response(500), 0) is None
    assert policy.delay(httpx.Request("POST", ENDPOINT), httpx.Response(503), 0) is None
    assert policy.delay(request, httpx.Response(503), 3) is None


async def test_read_timeout_is_typed(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(errors.RequestTimeout):
        await call(make_client(handler).whoami())


async def test_token_callable_gives_a_fresh_token_per_request(make_client: MakeClient) -> None:
    tokens = iter(["first", "second"])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json=load("whoami_token").body)

    client = make_client(handler, anonymous=False, token=lambda: next(tokens))
    await call(client.whoami())
    await call(client.whoami())
    assert seen == ["Bearer first", "Bearer second"]
    assert "first" not in repr(client)


async def test_dns_and_surls_are_encoded(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    client = make_client(handler)
    dn = "/DC=org/DC=example/O=Test & Co/CN=Alice+Bob?x=1"
    await call(client.jobs.list(user_dn=dn, source_se="gsiftp://a.example.org:2811"))
    assert seen[0].url.params["user_dn"] == dn
    assert b"%2F" in seen[0].url.query or b"/" in seen[0].url.query
    assert seen[0].url.params["source_se"] == "gsiftp://a.example.org:2811"
    await call(client.jobs.field(JOB_ID, "a?b c#"))
    assert seen[1].url.raw_path.endswith(b"/a%3Fb%20c%23")
    with pytest.raises(ValueError, match="contains '/'"):  # a separator for the server even as %2F
        await call(client.jobs.field(JOB_ID, "a/b"))


def test_bad_endpoint_is_refused() -> None:
    with pytest.raises(errors.BadEndpoint):
        Client("fts.example.org:8446", anonymous=True)


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy, cert, key = tmp_path / "proxy.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    uid = 987654
    env = {"X509_USER_PROXY": str(proxy), "X509_USER_CERT": str(cert), "X509_USER_KEY": str(key)}
    found = discover_certificate(env, uid=uid)
    assert found is not None
    assert (found.cert, found.key) == (proxy, proxy)
    del env["X509_USER_PROXY"]
    found = discover_certificate(env, uid=uid)
    assert found is not None
    assert (found.cert, found.key) == (cert, key)
    del env["X509_USER_KEY"]
    found = discover_certificate(env, uid=uid)
    assert found is not None
    assert (found.cert, found.key) == (cert, cert)
    default_proxy = Path(f"/tmp/x509up_u{uid}")
    default_proxy.write_text("x")
    try:
        found = discover_certificate(env, uid=uid)
        assert found is not None
        assert found.cert == default_proxy
    finally:
        default_proxy.unlink()
    monkeypatch.setattr("fts3sdk._config.HOST_CERT", tmp_path / "hostcert.pem")
    monkeypatch.setattr("fts3sdk._config.HOST_KEY", tmp_path / "hostkey.pem")
    assert discover_certificate({}, uid=uid) is None
    (tmp_path / "hostcert.pem").write_text("x")
    assert discover_certificate({}, uid=uid) is None
    (tmp_path / "hostkey.pem").write_text("x")
    found = discover_certificate({}, uid=uid)
    assert found is not None
    assert found.key == tmp_path / "hostkey.pem"


def test_describe_is_one_line_with_the_server_message() -> None:
    from tests.recordings import load as load_recording

    for name in ("job_get_404", "banned_user_403", "submit_419_no_delegation", "jobs_get_multiple_207"):
        rec = load_recording(name)
        request = httpx.Request(rec.method, f"{ENDPOINT}{rec.path}")
        error = errors.from_response(httpx.Response(rec.status, text=rec.body_text, request=request))
        assert error is not None
        line = error.describe()
        assert "\n" not in line
        assert error.message is not None
        assert " ".join(error.message.split()) in line
        assert "<html" not in line.lower()
        assert '"http_status"' not in line
