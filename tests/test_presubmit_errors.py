"""A failure of the requests a submit makes first (whoami, delegation) says which request and that no job was sent."""

from __future__ import annotations

import httpx
import pytest

from fts3sdk import AsyncClient, Client, JobSpec, Transfer, errors
from fts3sdk.cli import ExitCode, main
from fts3sdk.testing import FakeFTS, Identity, IssuedCertificate

URL = "https://fts3.example.org:8446"
SPEC = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])
NOT_SUBMITTED = "before the submission: no job was submitted"
OUTAGE = {"status": "500 Internal Server Error", "message": "database unavailable"}


def failing(fake: FakeFTS, user: IssuedCertificate, prefix: str, status: int, seen: list[str]) -> httpx.MockTransport:
    """The fake as ``user`` sees it, except that requests whose path starts with ``prefix`` get ``status``."""
    inner = fake.transport(Identity.certificate(user.dn))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.url.path.startswith(prefix):
            return httpx.Response(status, json=OUTAGE | {"status": f"{status} Failing"})
        return inner.handle_request(request)

    return httpx.MockTransport(handler)


def client_for(transport: httpx.MockTransport, user: IssuedCertificate) -> Client:
    return Client(URL, cert=user.cert_path, key=user.key_path, transport=transport, retries=0)


@pytest.mark.parametrize(
    ("prefix", "status", "kind"),
    [("/whoami", 500, errors.ServerError), ("/delegation/", 503, errors.TryAgain)],
    ids=["whoami-500", "delegation-503"],
)
def test_the_failing_request_is_named_and_no_job_was_sent(
    fts_fake: FakeFTS, alice: IssuedCertificate, prefix: str, status: int, kind: type[errors.ServerError]
) -> None:
    seen: list[str] = []
    client = client_for(failing(fts_fake, alice, prefix, status, seen), alice)
    with client, pytest.raises(kind) as caught:
        client.jobs.submit(SPEC)
    assert fts_fake.jobs() == []
    assert not any(line.startswith("POST") for line in seen)
    failed = seen[-1]
    assert failed.startswith(f"GET {prefix}")
    assert caught.value.describe() == (
        f"{'Try again' if status == 503 else 'Server error'}: {status} (database unavailable; in reply to {failed}; "
        f"{NOT_SUBMITTED})"
    )
    assert caught.value.__notes__ == [NOT_SUBMITTED], "shown in a traceback too (PEP 678)"


@pytest.mark.anyio
async def test_the_async_client_says_so_too(fts_fake: FakeFTS, alice: IssuedCertificate) -> None:
    seen: list[str] = []
    transport = failing(fts_fake, alice, "/delegation/", 500, seen)
    async with AsyncClient(URL, cert=alice.cert_path, key=alice.key_path, transport=transport, retries=0) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.jobs.submit(SPEC)
    assert caught.value.describe().endswith(f"in reply to {seen[-1]}; {NOT_SUBMITTED})")
    assert seen[-1].startswith("GET /delegation/")


def test_a_failed_submission_itself_does_not_say_so(fts_fake: FakeFTS, alice: IssuedCertificate) -> None:
    seen: list[str] = []
    fts_fake.add_delegation(Identity.certificate(alice.dn))
    client = client_for(failing(fts_fake, alice, "/jobs", 500, seen), alice)
    with client, pytest.raises(errors.ServerError) as caught:
        client.jobs.submit(SPEC)
    assert seen[-1] == "POST /jobs"
    assert caught.value.describe() == "Server error: 500 (database unavailable; in reply to POST /jobs)"
    assert NOT_SUBMITTED not in caught.value.describe()


def test_a_lost_connection_before_the_submission(fts_fake: FakeFTS, alice: IssuedCertificate) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    with client_for(httpx.MockTransport(handler), alice) as client, pytest.raises(errors.ConnectionLost) as caught:
        client.jobs.submit(SPEC)
    assert caught.value.describe() == (
        f"Connection lost: GET {URL}/whoami: the server closed the connection without answering ({NOT_SUBMITTED})"
    )


@pytest.mark.parametrize("prefix", ["/whoami", "/delegation/"])
def test_the_command_line_says_so(
    fts_fake: FakeFTS, alice: IssuedCertificate, capsys: pytest.CaptureFixture[str], prefix: str
) -> None:
    seen: list[str] = []
    code = main(
        ["submit", "gsiftp://a.example.org/f", "gsiftp://b.example.org/f", "-s", URL,
         "--cert", str(alice.cert_path), "--key", str(alice.key_path), "--retries", "0"],
        transport=failing(fts_fake, alice, prefix, 500, seen),
    )  # fmt: skip
    assert code == ExitCode.SERVER
    assert capsys.readouterr().err.strip() == (
        f"error: Server error: 500 (database unavailable; in reply to {seen[-1]}; {NOT_SUBMITTED})"
    )
    assert fts_fake.jobs() == []
