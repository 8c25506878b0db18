"""The Easy facade against recordings: the official examples, return values equal to the recorded JSON bodies,
request bodies equal to what the official client sent, the official exceptions and texts."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509

import fts3sdk.easy as fts3
from fts3sdk import errors
from fts3sdk.credentials import load_credential
from fts3sdk.proxy import create_proxy
from fts3sdk.testing import FakeFTS, HTTPSServer
from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI
from tests.conftest import Replay
from tests.recordings import Recording, load

ENDPOINT = "https://fts.example.org:8446"
JOB_ID = "eb7fa674-eaaa-11f1-b239-02fc00000001"
UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"
DLG_ID = "b039e71fde61be6f"
HARNESS = "/harness/93a56c6e-"

Step = str | Recording
MakeContext = Callable[..., fts3.Context]


def answer(method: str, path: str, body: Any, *, status: int = 200, query: dict[str, str] | None = None) -> Recording:
    """An answer that is not among the recordings (e.g. a delegation valid for some hours from now)."""
    return Recording(
        f"{method} {path}", method, path, query or {}, None, status, {"content-type": "application/json"}, body
    )


def replay(*steps: Step) -> Replay:
    handler = Replay()
    handler.expected = [load(step) if isinstance(step, str) else step for step in steps]
    return handler


def delegation_valid_for(hours: float) -> Recording:
    end = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=hours)
    return answer(
        "GET", f"/delegation/{DLG_ID}", {"termination_time": end.strftime("%Y-%m-%dT%H:%M:%S"), "voms_attrs": [""]}
    )


def exactly(text: str, *, whole: bool = True) -> str:
    """A ``match=`` pattern for this exact text (or this beginning)."""
    return f"^{re.escape(text)}$" if whole else f"^{re.escape(text)}"


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture
def make() -> Iterator[MakeContext]:
    """Build contexts over a MockTransport (``no_creds`` unless credentials are given); closed afterwards."""
    made: list[fts3.Context] = []

    def build(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> fts3.Context:
        if not {"ucert", "ukey", "fts_access_token"} & set(options):
            options.setdefault("no_creds", True)
        context = fts3.Context(ENDPOINT, transport=httpx.MockTransport(handler), **options)
        made.append(context)
        return context

    yield build
    for context in made:
        context.close()


def run(make: MakeContext, *steps: Step, **options: Any) -> tuple[fts3.Context, Replay]:
    """A context whose constructor consumed ``get_root``, answering ``steps`` next."""
    handler = replay("get_root", *steps)
    return make(handler, **options), handler


# --- Context ---------------------------------------------------------------------------------------------------


def test_context_validates_the_endpoint_like_the_official(make: MakeContext) -> None:
    context, handler = run(make)
    assert context.endpoint == ENDPOINT
    assert context.get_endpoint_info() == {**load("get_root").body, "url": ENDPOINT}
    request = handler.requests[0]
    assert request.headers["user-agent"] == "fts-python-bindings/3.14.2"
    assert request.headers["accept"] == "application/json"
    handler.done()


def test_one_trailing_slash_is_removed_and_the_user_agent_can_be_set(make: MakeContext) -> None:
    handler = replay("get_root")
    context = fts3.Context(
        ENDPOINT + "/", no_creds=True, user_agent="fts-rest-cli/3.14.2", transport=httpx.MockTransport(handler)
    )
    with context:
        assert context.endpoint == ENDPOINT
        assert context.user_agent == handler.requests[0].headers["user-agent"] == "fts-rest-cli/3.14.2"


def test_no_creds_works_and_sends_no_credential(make: MakeContext) -> None:
    context, handler = run(make, no_creds=True)
    assert (context.access_method, context.ucert, context.ukey, context.fts_access_token) == (None, None, None, None)
    assert not context.has_certificate()
    assert "authorization" not in handler.requests[0].headers
    assert fts3.delegate(context) == ""


def test_token_context(make: MakeContext) -> None:
    context, handler = run(make, "whoami_token", fts_access_token="abc")
    assert context.access_method == "oauth2"
    assert context.fts_access_token == "abc"
    assert fts3.whoami(context) == load("whoami_token").body
    assert all(r.headers["authorization"] == "Bearer abc" for r in handler.requests)
    assert fts3.delegate(context) == ""  # no request
    handler.done()


def test_x509_context(make: MakeContext, alice: IssuedCertificate, pki: ThrowawayPKI) -> None:
    context, _ = run(make, ucert=str(alice.cert_path), ukey=str(alice.key_path))
    assert context.access_method == "X509"
    assert context.has_certificate() == str(alice.key_path)
    assert context.x509 is not None
    assert context.x509.subject == x509.load_pem_x509_certificate(alice.cert_path.read_bytes()).subject
    assert context.x509_list == [context.x509]
    assert context.passwd is None


def test_a_combined_file_serves_as_certificate_and_key(
    make: MakeContext, alice: IssuedCertificate, pki: ThrowawayPKI, tmp_path: Path
) -> None:
    combined = tmp_path / "proxy.pem"
    combined.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes() + pki.ca_path.read_bytes())
    context, _ = run(make, ucert=str(combined))
    assert context.ukey == context.ucert == str(combined)
    assert [cert.subject for cert in context.x509_list] == [alice_subject(alice), pki.ca_cert.subject]


def alice_subject(alice: IssuedCertificate) -> x509.Name:
    return x509.load_pem_x509_certificate(alice.cert_path.read_bytes()).subject


def test_credentials_are_discovered_in_the_official_order(
    make: MakeContext, alice: IssuedCertificate, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("X509_USER_CERT", str(alice.cert_path))
    monkeypatch.setenv("X509_USER_KEY", str(alice.key_path))
    monkeypatch.setenv("X509_USER_PROXY", str(tmp_path / "missing-proxy"))  # used even if missing; ukey ignored
    with pytest.raises(FileNotFoundError, match=exactly("Certificate not found!")):
        run(make, ukey=str(alice.key_path))
    monkeypatch.delenv("X509_USER_PROXY")
    context, _ = run(make, ucert=None)
    assert (context.ucert, context.ukey) == (str(alice.cert_path), str(alice.key_path))


def test_no_certificate_found_is_a_warning_and_an_anonymous_context(
    make: MakeContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("fts3sdk.easy.client.context.discover_certificate", lambda: None)
    with caplog.at_level(logging.WARNING, logger="fts3sdk"):
        context, _ = run(make, ucert=None)
    assert "No user certificate given!" in caplog.messages
    assert context.access_method == "X509"
    assert context.ucert is None


def test_missing_and_expired_certificates(make: MakeContext, pki: ThrowawayPKI, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=exactly("Certificate not found!")):
        run(make, ucert=str(tmp_path / "missing.pem"))
    expired = pki.issue_user("Old", lifetime=timedelta(hours=-1))
    with pytest.raises(Exception, match=exactly("Proxy expired!")) as caught:
        run(make, ucert=str(expired.cert_path), ukey=str(expired.key_path))
    assert type(caught.value) is Exception


def test_an_encrypted_key_is_asked_for_once(
    make: MakeContext, pki: ThrowawayPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = pki.issue_user("Locked", encrypted_passphrase="secret")
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return "secret"

    monkeypatch.setattr("getpass.getpass", getpass)
    context, _ = run(make, ucert=str(locked.cert_path), ukey=str(locked.key_path))
    assert context.passwd == b"secret"
    assert context.client.load_credential().subject_dn == locked.dn
    assert prompts == ["Private key password: "]


def test_a_wrong_passphrase_is_the_official_error(
    make: MakeContext, pki: ThrowawayPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = pki.issue_user("Locked2", encrypted_passphrase="secret")
    monkeypatch.setattr("getpass.getpass", lambda prompt: "wrong")
    with pytest.raises(Exception, match=f"^Could not load {locked.key_path}: "):
        run(make, ucert=str(locked.cert_path), ukey=str(locked.key_path))


def test_verify_false_warns_once() -> None:
    from fts3sdk import InsecureRequestWarning

    with pytest.warns(InsecureRequestWarning), pytest.raises(errors.ConnectionFailed, match=r"127\.0\.0\.1:9"):
        fts3.Context("https://127.0.0.1:9", no_creds=True, verify=False, connectTimeout=2)


def test_request_class_is_refused_with_the_way_out(make: MakeContext) -> None:
    with pytest.raises(NotImplementedError, match="transport="):
        fts3.Context(ENDPOINT, no_creds=True, request_class=object)


@pytest.mark.parametrize(
    ("failure", "text"),
    [
        (httpx.ConnectError("refused"), f"Bad endpoint: {ENDPOINT} (cannot connect to {ENDPOINT}/: refused)"),
        (httpx.ReadTimeout("slow"), f"Bad endpoint: {ENDPOINT} (GET {ENDPOINT}/ timed out)"),
        (httpx.Response(200, text="<html>not fts</html>"), f"Bad endpoint: {ENDPOINT} (the body is not JSON: "),
        (httpx.Response(200, json=["a list"]), f"Bad endpoint: {ENDPOINT} (GET / did not answer a JSON object)"),
    ],
)
def test_endpoint_failures_are_bad_endpoint(make: MakeContext, failure: Exception | httpx.Response, text: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(failure, httpx.Response):
            return failure
        raise failure

    with pytest.raises(errors.BadEndpoint) as caught:
        make(handler)
    assert str(caught.value).startswith(text)


def test_fts_errors_met_by_the_constructor_propagate_unchanged(make: MakeContext) -> None:
    with pytest.raises(errors.Unauthorized) as caught:
        make(replay(dataclasses.replace(load("banned_user_403"), path="/")))
    assert str(caught.value).startswith("Unauthorized: <!DOCTYPE HTML")


def test_a_missing_ca_location_is_bad_endpoint() -> None:
    with pytest.raises(errors.BadEndpoint, match="CA location not found"):
        fts3.Context(ENDPOINT, no_creds=True, capath="/nonexistent/certificates")


def test_raw_methods_give_body_text(make: MakeContext) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=load("get_root").body if request.url.path == "/" else {"ok": 1})

    context = make(handler)
    assert context.get("/jobs", {"state_in": "ACTIVE,SUBMITTED"}) == '{"ok":1}'
    assert context.put("/delegation/x/credential", "PEM") == '{"ok":1}'
    assert context.post_json("/ban/dn", {"user_dn": "/CN=Bob"}) == '{"ok":1}'
    assert context.post_json("/jobs", '{"files": []}') == '{"ok":1}'
    assert context.delete("jobs/1") == '{"ok":1}'
    get, put, post, post_str, delete = seen[1:]
    assert get.url.params["state_in"] == "ACTIVE,SUBMITTED"
    assert "content-type" not in put.headers
    assert put.content == b"PEM"
    assert post.headers["content-type"] == "application/json"
    assert post.content == b'{"user_dn": "/CN=Bob"}'
    assert post_str.content == b'{"files": []}'
    assert delete.url.path == "/jobs/1"


def test_raw_methods_raise_per_the_official_table(make: MakeContext) -> None:
    context, _ = run(make, "unknown_route_404", "method_not_allowed_405")
    with pytest.raises(errors.NotFound):
        context.get("/no/such/path")
    with pytest.raises(
        errors.MethodNotAllowed, match=exactly("Method Not Allowed: The method is not allowed for the requested URL.")
    ):
        context.put("/whoami", "")


def test_no_retries_by_default(make: MakeContext) -> None:
    context, handler = run(make, answer("GET", "/whoami", {"message": "busy"}, status=503))
    with pytest.raises(errors.TryAgain, match=exactly("Try again: 503")):
        fts3.whoami(context)
    handler.done()


# --- Reading ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["whoami", "whoami_proxy", "whoami_root", "whoami_anonymous"])
def test_whoami(make: MakeContext, name: str) -> None:
    context, handler = run(make, name)
    assert fts3.whoami(context) == load(name).body
    handler.done()


def test_list_jobs(make: MakeContext) -> None:
    context, handler = run(make, "jobs_list", "jobs_list_filtered")
    assert fts3.list_jobs(context) == load("jobs_list").body
    filtered = fts3.list_jobs(context, delegation_id=DLG_ID, state_in=["SUBMITTED", "ACTIVE", "STAGING"])
    assert filtered == load("jobs_list_filtered").body
    handler.done()


def test_list_jobs_extensions_list_finished_jobs(make: MakeContext) -> None:
    context, handler = run(make, "sim_jobs_list_finished", "jobs_list_limit")
    assert (
        fts3.list_jobs(context, state_in=["FINISHED", "FAILED"], time_window=1) == load("sim_jobs_list_finished").body
    )
    assert fts3.list_jobs(context, limit=2) == load("jobs_list_limit").body
    handler.done()


def test_list_jobs_errors(make: MakeContext) -> None:
    context, _ = run(make, "jobs_list_user_dn_400", "jobs_list_dlg_id_403")
    message = "The provided DN and delegation id do not correspond to the same user"
    with pytest.raises(errors.ClientError, match=f"^Client error: Bad request: {message}$"):
        fts3.list_jobs(context, user_dn="/DC=org/DC=example/O=Test/CN=Bob")
    with pytest.raises(errors.Unauthorized, match="does not match your delegation id"):
        fts3.list_jobs(context, delegation_id="73f5b099addb309b")


def test_get_job_status(make: MakeContext) -> None:
    context, handler = run(make, "job_get", "job_get", "job_files", "job_dm")
    assert fts3.get_job_status(context, JOB_ID) == load("job_get").body
    job = fts3.get_job_status(context, JOB_ID, list_files=True)
    assert job == {**load("job_get").body, "files": load("job_files").body, "dm": load("job_dm").body}
    assert [r.url.path for r in handler.requests[2:]] == [
        f"/jobs/{JOB_ID}",
        f"/jobs/{JOB_ID}/files",
        f"/jobs/{JOB_ID}/dm",
    ]
    handler.done()


def test_get_job_status_errors(make: MakeContext) -> None:
    context, _ = run(make, "job_get_404", "job_get_403_other_user")
    with pytest.raises(errors.NotFound) as caught:
        fts3.get_job_status(context, UNKNOWN_ID)
    assert (caught.value.resource, caught.value.reason, str(caught.value)) == (
        UNKNOWN_ID,
        None,
        f"Not found: {UNKNOWN_ID}",
    )
    with pytest.raises(errors.Unauthorized, match="Not enough permissions to check the job"):
        fts3.get_job_status(context, JOB_ID)
    with pytest.raises(Exception, match=exactly("The job_id provided is not a string!")):
        fts3.get_job_status(context, 42)  # type: ignore[arg-type]


def test_get_jobs_statuses(make: MakeContext) -> None:
    context, handler = run(make, "jobs_get_multiple", "jobs_get_multiple_with_files", "job_get")
    ids = ["eb7fa674-eaaa-11f1-b239-02fc00000001", "eb9936ca-eaaa-11f1-a58d-02fc00000001"]
    assert fts3.get_jobs_statuses(context, ids) == load("jobs_get_multiple").body
    assert fts3.get_jobs_statuses(context, ids, list_files=True) == load("jobs_get_multiple_with_files").body
    assert fts3.get_jobs_statuses(context, [JOB_ID]) == load("job_get").body  # one id: the server's dict
    handler.done()


def test_get_jobs_statuses_partial_answer_is_client_error(make: MakeContext) -> None:
    context, _ = run(make, "jobs_get_multiple_207", "job_get_404")
    recording = load("jobs_get_multiple_207")
    with pytest.raises(errors.ClientError) as caught:
        fts3.get_jobs_statuses(context, [JOB_ID, UNKNOWN_ID])
    assert caught.value.reason == recording.body_text  # a successful entry has no http_message: the raw body
    with pytest.raises(errors.NotFound) as not_found:
        fts3.get_jobs_statuses(context, [UNKNOWN_ID])
    resource: object = not_found.value.resource
    assert resource == [UNKNOWN_ID]
    with pytest.raises(Exception, match=exactly("The input provided is not a list of ids!")):
        fts3.get_jobs_statuses(context, JOB_ID)  # type: ignore[arg-type]


def test_bad_job_ids_are_refused_locally(make: MakeContext) -> None:
    context, handler = run(make)
    with pytest.raises(errors.ClientError, match=exactly("Client error: Bad request: give at least one job id")):
        fts3.get_jobs_statuses(context, [])
    with pytest.raises(errors.ClientError, match="not a job id"):
        fts3.get_job_status(context, "a/b")
    handler.done()


def test_207_with_messages_joins_them(make: MakeContext) -> None:
    entries = [{"job_id": i, "http_status": "404 Not Found", "http_message": f"No job {i}"} for i in ("a", "b")]
    context, _ = run(make, answer("GET", "/jobs/a,b", entries, status=207))
    with pytest.raises(errors.ClientError, match=exactly("Client error: No job a\nNo job b")):
        fts3.get_jobs_statuses(context, ["a", "b"])


# --- Delegation ------------------------------------------------------------------------------------------------


def x509_context(make: MakeContext, alice: IssuedCertificate, *steps: Step) -> tuple[fts3.Context, Replay]:
    return run(make, *steps, ucert=str(alice.cert_path), ukey=str(alice.key_path))


def test_delegate_signs_and_uploads_a_proxy(make: MakeContext, alice: IssuedCertificate) -> None:
    no_delegation = answer("GET", f"/delegation/{DLG_ID}", [])
    steps = ("delegate_whoami", no_delegation, "delegation_request", "delegation_credential_put")
    context, handler = x509_context(make, alice, *steps)
    assert fts3.delegate(context) == DLG_ID
    put = handler.requests[-1]
    assert "form" not in put.headers.get("content-type", "")
    proxy, user = x509.load_pem_x509_certificates(put.content)
    csr = x509.load_pem_x509_csr(load("delegation_request").body["text"].encode())
    assert user.subject == proxy.issuer == alice_subject(alice)
    assert proxy.public_key() == csr.public_key()
    assert proxy.not_valid_after_utc - proxy.not_valid_before_utc <= timedelta(hours=7, minutes=5)
    handler.done()


def test_delegate_skips_a_fresh_delegation_unless_forced(make: MakeContext, alice: IssuedCertificate) -> None:
    context, handler = x509_context(make, alice, "delegate_whoami", delegation_valid_for(5))
    assert fts3.delegate(context) == DLG_ID
    handler.done()
    context, handler = x509_context(
        make, alice, "delegate_whoami", delegation_valid_for(5), "delegation_request", "delegation_credential_put"
    )
    assert fts3.delegate(context, lifetime=timedelta(hours=1), force=True) == DLG_ID
    handler.done()


def test_delegate_reads_a_postgresql_termination_time(make: MakeContext, alice: IssuedCertificate) -> None:
    fresh = delegation_valid_for(5)
    with_zone = dataclasses.replace(
        fresh, body={**fresh.body, "termination_time": fresh.body["termination_time"] + "+0000"}
    )
    context, handler = x509_context(make, alice, "delegate_whoami", with_zone)
    assert fts3.delegate(context) == DLG_ID  # the official crashed on the suffix
    handler.done()


def test_delegate_renews_below_the_threshold(make: MakeContext, alice: IssuedCertificate) -> None:
    steps = ("delegate_whoami", delegation_valid_for(3), "delegation_request", "delegation_credential_put")
    context, handler = x509_context(make, alice, *steps)
    assert fts3.delegate(context, delegate_when_lifetime_lt=timedelta(hours=4)) == DLG_ID
    handler.done()


def test_delegate_wraps_every_error_in_client_error(make: MakeContext, alice: IssuedCertificate) -> None:
    forbidden = dataclasses.replace(load("delegation_get_403_other_id"), path=f"/delegation/{DLG_ID}")
    context, _ = x509_context(make, alice, "delegate_whoami", forbidden)
    with pytest.raises(errors.ClientError) as caught:
        fts3.delegate(context)
    assert type(caught.value) is errors.ClientError
    assert str(caught.value) == "Client error: Unauthorized: The requested ID and the credentials ID do not match"
    assert isinstance(caught.value.__cause__, errors.Unauthorized)


def test_delegator_get_info(make: MakeContext) -> None:
    context, handler = run(make, "delegate_whoami", "delegate_delegation_info", "delegation_get_none")
    assert fts3.Delegator(context).get_info() == load("delegate_delegation_info").body
    assert fts3.Delegator(context).get_info("73f5b099addb309b") == []
    handler.done()


# --- Submission ------------------------------------------------------------------------------------------------


def two_transfer_job(run_name: str, **params: Any) -> dict[str, Any]:
    """The official job of submit_job.json / submit_job_2.json: the first file with every attribute."""
    first = f"{HARNESS}{run_name}/file1"
    second = f"{HARNESS}{run_name}/file2"
    transfers = [
        fts3.new_transfer(
            f"gsiftp://source.example.org{first}",
            f"gsiftp://dest.example.org{first}",
            checksum="ADLER32:1a2b3c4d",
            filesize=1048576,
            activity="harness-test",
            metadata={"file": 1},
        ),
        fts3.new_transfer(f"https://source.example.org{second}", f"https://dest.example.org{second}"),
    ]
    return fts3.new_job(transfers, **params)


def assert_sent_as_recorded(request: httpx.Request, name: str) -> None:
    """The request body equals the official one key for key, in the same order, nulls included."""
    assert request.headers["content-type"] == "application/json"
    assert json.dumps(sent_json(request)) == json.dumps(load(name).request_body)


def test_submit_sends_the_official_body(make: MakeContext, alice: IssuedCertificate) -> None:
    job = two_transfer_job("job1", verify_checksum=True, metadata={"test": "harness", "n": 1}, priority=3)
    context, handler = x509_context(make, alice, "delegate_whoami", delegation_valid_for(5), "submit_job")
    assert fts3.submit(context, job) == load("submit_job").body["job_id"]
    assert_sent_as_recorded(handler.requests[-1], "submit_job")
    assert handler.requests[-1].content.startswith(b'{\n  "params": {\n    "verify_checksum": true,')
    handler.done()


def test_submit_delegates_first_when_needed(make: MakeContext, alice: IssuedCertificate) -> None:
    steps = (
        "delegate_whoami",
        delegation_valid_for(0.5),
        "delegation_request",
        "delegation_credential_put",
        "submit_job_2",
    )
    context, handler = x509_context(make, alice, *steps)
    assert fts3.submit(context, two_transfer_job("job2")) == load("submit_job_2").body["job_id"]
    assert_sent_as_recorded(handler.requests[-1], "submit_job_2")
    handler.done()


def test_submit_with_a_token_never_delegates(make: MakeContext) -> None:
    context, handler = run(make, "submit_job_token", fts_access_token="abc")
    assert fts3.submit(context, two_transfer_job("token")) == load("submit_job_token").body["job_id"]
    assert_sent_as_recorded(handler.requests[-1], "submit_job_token")
    handler.done()


def test_multihop_job(make: MakeContext) -> None:
    hops = ["https://a.example.org", "https://b.example.org", "https://c.example.org"]
    path = f"{HARNESS}hop/x"
    transfers = [fts3.new_transfer(hops[i] + path, hops[i + 1] + path) for i in range(2)]
    context, handler = run(make, "submit_multihop_job", fts_access_token="abc")
    assert fts3.submit(context, fts3.new_job(transfers, multihop=True)) == load("submit_multihop_job").body["job_id"]
    assert_sent_as_recorded(handler.requests[-1], "submit_multihop_job")


def test_staging_job(make: MakeContext) -> None:
    job = fts3.new_staging_job(
        [f"srm://tape.example.org{HARNESS}stage/tape1"], bring_online=3600, copy_pin_lifetime=7200
    )
    context, handler = run(make, "submit_staging_job", fts_access_token="abc")
    assert fts3.submit(context, job) == load("submit_staging_job").body["job_id"]
    assert_sent_as_recorded(handler.requests[-1], "submit_staging_job")


def test_deletion_job_is_refused_by_the_server_as_the_official_raises(make: MakeContext) -> None:
    surls = [f"gsiftp://dest.example.org{HARNESS}del/old1", f"gsiftp://dest.example.org{HARNESS}del/old2"]
    job = fts3.new_delete_job(surls, metadata={"purpose": "cleanup"})
    context, handler = run(make, "submit_delete_job_405", fts_access_token="abc")
    with pytest.raises(errors.MethodNotAllowed) as caught:  # as 3.14; also a ClientError, as 3.13 raised
        fts3.submit(context, job)
    assert isinstance(caught.value, errors.ClientError)
    assert str(caught.value) == "Method Not Allowed: Deletion jobs are no longer supported by FTS"
    assert caught.value.message == "Deletion jobs are no longer supported by FTS"
    assert_sent_as_recorded(handler.requests[-1], "submit_delete_job_405")


def test_deterministic_job_id(make: MakeContext) -> None:
    transfer = fts3.new_transfer("gsiftp://source.example.org/f", "gsiftp://dest.example.org/f")
    job = fts3.new_job([transfer], id_generator=fts3.JobIdGenerator.deterministic, sid="93a56c6e-sid")
    context, handler = run(make, "submit_job_deterministic_id", fts_access_token="abc")
    assert fts3.submit(context, job) == "768b14f1-0ecc-5a4d-92b1-847f61b6a3d4"
    assert sent_json(handler.requests[-1])["params"]["sid"] == "93a56c6e-sid"


@pytest.mark.parametrize(
    ("name", "error", "text"),
    [
        ("submit_419_no_delegation", errors.NeedDelegation, "Need to delegate credentials"),
        ("submit_409_duplicate_sid", errors.ClientError, "Client error: 409"),
        ("submit_400_no_transfers", errors.ClientError, "Client error: Bad request: No transfers operations specified"),
    ],
)
def test_submit_server_errors(make: MakeContext, name: str, error: type[Exception], text: str) -> None:
    context, _ = run(make, name, fts_access_token="abc")
    job = fts3.new_job([fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f")])
    with pytest.raises(error) as caught:
        fts3.submit(context, job)
    assert str(caught.value) == text


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            {"files": [{"sources": ["not a url"], "destinations": ["gsiftp://b.example.org/f"]}]},
            "files[0].sources: Missing scheme (not a url)",
        ),
        ({"files": []}, "files: a job needs at least one transfer"),
        ({"params": {"priority": 9}}, "priority: Input should be less than or equal to 5"),
        ({"params": {"overwrite_hop": True}}, "overwrite_hop requires multihop=True"),
        ({"params": {"id_generator": "deterministic"}}, "id_generator='deterministic' requires sid"),
    ],
)
def test_submit_checks_the_body_with_the_typed_rules_before_any_request(
    make: MakeContext, change: dict[str, Any], text: str
) -> None:
    job = fts3.new_job([fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f")])
    job.update({key: value for key, value in change.items() if key != "params"})
    job["params"].update(change.get("params", {}))
    context, handler = run(make, fts_access_token="abc")
    with pytest.raises(errors.ClientError) as caught:
        fts3.submit(context, job)
    assert str(caught.value).startswith("Client error: Bad request: ")
    assert text in str(caught.value)
    handler.done()


def test_keys_the_server_ignores_are_sent_unchanged(make: MakeContext) -> None:
    job = fts3.new_job([fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f", priority=2)])
    job["files"][0]["priority"] = 2
    job["params"]["fail_nearline"] = True
    job["params"]["job_metadata"] = {"big": "x" * 5000}  # the server's limit is configurable: it decides
    context, handler = run(make, "submit_job", fts_access_token="abc")
    fts3.submit(context, job)
    body = sent_json(handler.requests[-1])
    assert body["params"]["fail_nearline"] is True
    assert body["files"][0]["priority"] == 2


def test_submit_moves_job_parameters_into_the_files(make: MakeContext) -> None:
    transfer = fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f", checksum=None)
    job = fts3.new_job([transfer, {**transfer, "metadata": {"own": 1}}])
    job["params"].update(checksum="adler32:01020304", file_metadata={"shared": 1}, filesize=10)
    context, handler = run(make, "submit_job", fts_access_token="abc")
    fts3.submit(context, job)
    body = sent_json(handler.requests[-1])
    assert not {"checksum", "file_metadata", "filesize"} & set(body["params"])
    assert [f["metadata"] for f in body["files"]] == [{"shared": 1}, {"own": 1}]
    assert {f["checksum"] for f in body["files"]} == {"adler32:01020304"}
    assert "checksum" not in transfer  # the caller's dicts are not changed


def test_build_submission_is_the_official_json_text() -> None:
    text = fts3.Submitter.build_submission([{"sources": ["s"], "destinations": ["d"]}], params={"scitag": 70}, retry=2)
    assert text == json.dumps(
        {"params": {"retry": 2}, "files": [{"sources": ["s"], "destinations": ["d"], "scitag": 70}]}, indent=2
    )
    assert json.loads(fts3.Submitter.build_submission(delete=["x"], staging=["y"])) == {
        "params": {},
        "delete": ["x"],
        "staging": ["y"],
    }


# --- Cancel, bans ----------------------------------------------------------------------------------------------


def test_cancel(make: MakeContext) -> None:
    steps = (
        "job_cancel",
        "job_cancel_terminal",
        "job_cancel_files",
        "job_cancel_files_multiple",
        "job_cancel_files_not_in_job",
    )
    context, handler = run(make, *steps)
    assert fts3.cancel(context, JOB_ID) == load("job_cancel").body
    assert fts3.cancel(context, JOB_ID)["http_status"] == "304 Not Modified"
    cancelled = "ebb3226a-eaaa-11f1-9da6-02fc00000001"
    assert fts3.cancel(context, cancelled, [8872390222]) == "CANCELED"
    assert fts3.cancel(context, cancelled, [8872390222, 8872390223]) == ["CANCELED", "CANCELED"]
    assert (
        fts3.cancel(context, "ebcad0a4-eaaa-11f1-b458-02fc00000001", [8872390222]) == "File does not belong to the job"
    )
    handler.done()


def test_cancel_errors(make: MakeContext) -> None:
    context, _ = run(make, "job_cancel_404", "jobs_cancel_multiple_207")
    with pytest.raises(errors.NotFound):
        fts3.cancel(context, UNKNOWN_ID)
    with pytest.raises(errors.ClientError) as caught:
        fts3.cancel(context, f"ebcad0a4-eaaa-11f1-b458-02fc00000001,{UNKNOWN_ID}")
    assert caught.value.reason == load("jobs_cancel_multiple_207").body_text  # null http_message: the raw body


def test_cancel_all(make: MakeContext) -> None:
    context, handler = run(
        make,
        "jobs_cancel_all_root",
        answer("DELETE", "/jobs/vo/dteam", {"affected_files": 1, "affected_dm": 0, "affected_jobs": 1}),
        "jobs_cancel_all_forbidden_403",
    )
    assert fts3.cancel_all(context) == load("jobs_cancel_all_root").body
    assert fts3.cancel_all(context, "dteam")["affected_jobs"] == 1
    with pytest.raises(errors.Unauthorized, match=exactly("Unauthorized: User does not have root privileges")):
        fts3.cancel_all(context)
    handler.done()


def test_ban_and_unban_storage(make: MakeContext) -> None:
    wait = load("ban_se_wait")
    official_wait = dataclasses.replace(
        wait, request_body={k: v for k, v in wait.request_body.items() if k != "message"}
    )
    context, handler = run(make, "ban_se", official_wait, "unban_se", "unban_se_wait", "ban_se_forbidden_403")
    assert fts3.ban_se(context, "gsiftp://banned-se.example.org") == load("ban_se").body
    assert fts3.ban_se(context, "gsiftp://slow-se.example.org", "WAIT", 3600, True) == wait.body
    assert fts3.unban_se(context, "gsiftp://banned-se.example.org") is None  # type: ignore[func-returns-value]
    assert fts3.unban_se(context, "gsiftp://slow-se.example.org") is None  # type: ignore[func-returns-value]
    with pytest.raises(errors.Unauthorized, match="Not enough permissions"):
        fts3.ban_se(context, "gsiftp://nope.example.org")
    handler.done()


def test_ban_se_arguments_are_checked_locally(make: MakeContext) -> None:
    context, handler = run(make)
    with pytest.raises(
        errors.ClientError, match=exactly("Client error: Bad request: status must be 'cancel' or 'wait'", whole=False)
    ):
        fts3.ban_se(context, "gsiftp://banned-se.example.org", status="later")
    with pytest.raises(errors.ClientError, match="allow_submit"):
        fts3.ban_se(context, "gsiftp://banned-se.example.org", allow_submit=True)
    handler.done()


def test_ban_and_unban_user(make: MakeContext) -> None:
    context, handler = run(make, "ban_dn", "unban_dn", "ban_dn_self_409")
    bob = "/DC=org/DC=example/O=Test/CN=Bob"
    assert fts3.ban_dn(context, bob) == load("ban_dn").body
    assert fts3.unban_dn(context, bob) is None  # type: ignore[func-returns-value]
    with pytest.raises(errors.ClientError, match=exactly("Client error: 409")):
        fts3.ban_dn(context, "/DC=org/DC=example/O=Test/CN=localhost")
    handler.done()


# --- Job builders ----------------------------------------------------------------------------------------------


def test_new_transfer_keeps_truthy_values_only() -> None:
    assert fts3.new_transfer("s", "d", filesize=0, scitag=0, metadata={}) == {
        "sources": ["s"],
        "destinations": ["d"],
        "checksum": "ADLER32",
        "selection_strategy": "auto",
    }
    tokens = fts3.new_transfer(
        "s", "d", checksum=None, selection_strategy=None, source_token="a", destination_token="b"
    )
    assert tokens == {"sources": ["s"], "destinations": ["d"], "source_tokens": ["a"], "destination_tokens": ["b"]}


def test_new_transfer_checks() -> None:
    with pytest.raises(
        errors.ClientError, match=r"^Client error: Invalid SciTag value: 64 \(not in \[65, 65535\] range\)$"
    ):
        fts3.new_transfer("s", "d", scitag=64)
    with pytest.raises(
        errors.ClientError, match=exactly("Client error: Both source and destination tokens should be given")
    ):
        fts3.new_transfer("s", "d", source_token="a")


def test_add_alternative_source_appends() -> None:
    transfer = fts3.new_transfer("s1", "d")
    assert fts3.add_alternative_source(transfer, "s2") is transfer
    assert transfer["sources"] == ["s1", "s2"]


def test_new_job_defaults() -> None:
    job = fts3.new_job([])
    assert job["files"] == []
    assert job["delete"] is None
    recorded = load("submit_job_2").request_body["params"]
    assert job["params"] == recorded
    assert list(job["params"]) == list(recorded)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "No transfers or deletion jobs are provided"),
        ({"transfers": [], "verify_checksum": "destination"}, "verify_checksum does not contain a valid value"),
        (
            {"transfers": [], "overwrite": True, "overwrite_on_retry": True},
            "Incompatible overwrite flags used at the same time",
        ),
        (
            {"transfers": [], "overwrite": True, "overwrite_hop": True, "overwrite_when_only_on_disk": True},
            "Incompatible overwrite flags used at the same time",
        ),
        (
            {"transfers": [], "overwrite_when_only_on_disk": True},
            "'overwrite_when_only_on_disk' requires 'archive_timeout' to be set",
        ),
    ],
)
def test_new_job_checks(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.ClientError) as caught:
        fts3.new_job(**arguments)
    assert str(caught.value) == f"Client error: Bad request: {message}"


def test_new_job_accepts_hop_with_only_on_disk_and_ignores_unknown_arguments() -> None:
    job = fts3.new_job([], overwrite_hop=True, overwrite_when_only_on_disk=True, archive_timeout=60, ipv6=True)
    assert job["params"]["overwrite_hop"]
    assert "ipv6" not in job["params"]


def test_spacetoken_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="'spacetoken' is deprecated"):
        job = fts3.new_job([], spacetoken="TOKEN")
    assert job["params"]["destination_spacetoken"] == "TOKEN"
    with pytest.warns(DeprecationWarning, match="'spacetoken' is deprecated"):
        staging = fts3.new_staging_job(["srm://a/f"], bring_online=10, spacetoken="T", destination_spacetoken="D")
    assert staging["params"]["destination_spacetoken"] == "D"


def test_new_staging_job_works_with_its_defaults() -> None:
    job = fts3.new_staging_job(["srm://a/f", {"surl": "srm://a/g", "metadata": {"m": 1}}], copy_pin_lifetime=60)
    assert [f["sources"] for f in job["files"]] == [["srm://a/f"], ["srm://a/g"]]
    assert job["files"][1]["metadata"] == {"m": 1}
    assert job["params"]["bring_online"] is None
    with pytest.raises(
        errors.ClientError,
        match=exactly(
            "Client error: Bad request: both 'bring_online' and 'copy_pin_lifetime' are not positive numbers"
        ),
    ):
        fts3.new_staging_job(["srm://a/f"])
    with pytest.raises(AttributeError, match=exactly("Unexpected input type <class 'int'>")):
        fts3.new_staging_job([42], bring_online=1)  # type: ignore[list-item]


def test_new_delete_job() -> None:
    job = fts3.new_delete_job(["gsiftp://a/f"], spacetoken="T", sid="s")
    assert job == {
        "delete": ["gsiftp://a/f"],
        "params": {
            "source_spacetoken": "T",
            "job_metadata": None,
            "priority": None,
            "id_generator": "standard",
            "sid": "s",
        },
    }


# --- Surface and exceptions ------------------------------------------------------------------------------------

OFFICIAL_NAMES = [
    "Context",
    "whoami",
    "delegate",
    "list_jobs",
    "get_job_status",
    "get_jobs_statuses",
    "ban_se",
    "ban_dn",
    "unban_se",
    "unban_dn",
    "cancel",
    "cancel_all",
    "new_transfer",
    "add_alternative_source",
    "new_job",
    "new_staging_job",
    "new_delete_job",
    "submit",
    "JobIdGenerator",
    "exceptions",
    "timedelta",
    "warnings",
    "Submitter",
    "Inquirer",
    "Delegator",
    "Ban",
    "ClientError",
]


def test_the_official_names_are_all_there() -> None:
    assert set(OFFICIAL_NAMES) <= set(fts3.__all__)
    for name in fts3.__all__:
        assert getattr(fts3, name) is not None
    assert fts3.exceptions is errors
    assert (fts3.JobIdGenerator.standard, fts3.JobIdGenerator.deterministic) == ("standard", "deterministic")


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (errors.BadEndpoint("https://x (refused)"), "Bad endpoint: https://x (refused)"),
        (errors.Unauthorized(), "Unauthorized"),
        (errors.Unauthorized("Not enough permissions"), "Unauthorized: Not enough permissions"),
        (errors.ClientError("Bad request: oops"), "Client error: Bad request: oops"),
        (errors.NeedDelegation("Need delegation"), "Need to delegate credentials"),
        (errors.FailedDependency("Failed dependency"), "Failed dependency"),
        (errors.ServerError("500"), "Server error: 500"),
        (errors.TryAgain("503"), "Try again: 503"),
        (errors.NotFound("https://x/jobs/1"), "Not found: https://x/jobs/1"),
        (errors.NotFound("https://x/jobs/1", "No job"), "No job"),
    ],
)
def test_legacy_exception_texts(error: Exception, text: str) -> None:
    assert str(error) == text
    assert isinstance(error, fts3.exceptions.FTS3ClientException)


def test_legacy_exception_tree() -> None:
    exc = fts3.exceptions
    assert issubclass(exc.NeedDelegation, exc.ClientError)
    assert issubclass(exc.FailedDependency, exc.ClientError)
    assert issubclass(exc.TryAgain, exc.ServerError)
    for outside in (exc.NotFound, exc.Unauthorized, exc.ServerError, exc.BadEndpoint):
        assert not issubclass(outside, exc.ClientError)
    assert errors.ClientError("x").reason == "x"
    assert errors.NotFound("r", "why").resource == "r"


# --- Over real TLS against fts3sdk.testing ---------------------------------------------------------------------


@pytest.fixture
def connect(fts_server: HTTPSServer, pki: ThrowawayPKI) -> Iterator[Callable[..., fts3.Context]]:
    """Contexts on the HTTPS server, trusting the throwaway CA through ``capath``; closed afterwards."""
    made: list[fts3.Context] = []

    def build(**options: Any) -> fts3.Context:
        options.setdefault("capath", str(pki.ca_dir))
        context = fts3.Context(fts_server.url, **options)
        made.append(context)
        return context

    yield build
    for context in made:
        context.close()


def as_user(connect: Callable[..., fts3.Context], user: IssuedCertificate) -> fts3.Context:
    return connect(ucert=str(user.cert_path), ukey=str(user.key_path))


def same_shape(answer: Any, recorded: Any) -> bool:
    """The same keys at every level (values differ: ids, times)."""
    if isinstance(recorded, dict):
        return isinstance(answer, dict) and set(answer) == set(recorded)
    if isinstance(recorded, list) and recorded:
        return isinstance(answer, list) and all(same_shape(item, recorded[0]) for item in answer)
    return True


def test_tls_context_and_whoami(connect: Callable[..., fts3.Context], alice: IssuedCertificate) -> None:
    context = as_user(connect, alice)
    assert same_shape(context.get_endpoint_info(), {**load("get_root").body, "url": ""})
    assert context.endpoint_info["api"] == {"major": 3, "minor": 13, "patch": 4}
    me = fts3.whoami(context)
    assert same_shape(me, load("whoami").body)
    assert me["user_dn"] == alice.dn


def test_tls_official_transfer_example(
    connect: Callable[..., fts3.Context], alice: IssuedCertificate, fts_fake: FakeFTS
) -> None:
    context = as_user(connect, alice)
    assert fts3.delegate(context) == fts3.whoami(context)["delegation_id"]
    first = fts3.submit(context, two_transfer_job("tls1", verify_checksum=True, metadata={"n": 1}, priority=3))
    second = fts3.submit(context, two_transfer_job("tls2"))
    job = fts3.get_job_status(context, first, list_files=True)
    assert same_shape({k: v for k, v in job.items() if k not in ("files", "dm")}, load("job_get").body)
    assert same_shape(job["files"], load("job_files").body)
    assert job["dm"] == []
    both = fts3.get_jobs_statuses(context, [first, second], list_files=True)
    assert [j["job_id"] for j in both] == [first, second]
    assert same_shape(both, load("jobs_get_multiple_with_files").body)
    assert {first, second} <= {j["job_id"] for j in fts3.list_jobs(context)}
    file_id = fts_fake.files(second)[0].file_id
    assert fts3.cancel(context, second, [file_id]) == "CANCELED"
    assert fts3.cancel(context, first)["job_state"] == "CANCELED"
    assert fts3.cancel(context, first)["http_status"] == "304 Not Modified"
    with pytest.raises(errors.NotFound):
        fts3.get_job_status(context, UNKNOWN_ID)


def test_tls_staging_and_deletion_jobs(connect: Callable[..., fts3.Context], alice: IssuedCertificate) -> None:
    context = as_user(connect, alice)
    staging = fts3.submit(context, fts3.new_staging_job(["srm://tape.example.org/f"], bring_online=3600))
    assert fts3.get_job_status(context, staging)["job_state"] == "STAGING"
    with pytest.raises(errors.MethodNotAllowed, match=r"^Method Not Allowed: Deletion jobs are no longer supported"):
        fts3.submit(context, fts3.new_delete_job(["gsiftp://dest.example.org/old"]))


def test_tls_root_bans_and_cancels_all(
    connect: Callable[..., fts3.Context], pki: ThrowawayPKI, alice: IssuedCertificate
) -> None:
    root = as_user(connect, pki.issue_user("localhost"))  # the host certificate's DN: the server's root
    assert fts3.whoami(root)["is_root"] is True
    assert fts3.ban_se(root, "gsiftp://banned-se.example.org") == []
    assert fts3.unban_se(root, "gsiftp://banned-se.example.org") is None  # type: ignore[func-returns-value]
    assert fts3.ban_dn(root, "/DC=org/DC=example/O=Test/CN=Bob") == []
    assert fts3.unban_dn(root, "/DC=org/DC=example/O=Test/CN=Bob") is None  # type: ignore[func-returns-value]
    assert same_shape(fts3.cancel_all(root), load("jobs_cancel_all_root").body)
    with pytest.raises(errors.Unauthorized):
        fts3.cancel_all(as_user(connect, alice))


def test_tls_token_and_anonymous(connect: Callable[..., fts3.Context], fts_fake: FakeFTS) -> None:
    fts_fake.add_token("tls-token", sub="harness-token-user")
    context = connect(fts_access_token="tls-token")
    assert fts3.whoami(context)["user_dn"] == "harness-token-user"
    job_id = fts3.submit(context, two_transfer_job("tls-token"))  # no delegation for tokens
    assert fts3.get_job_status(context, job_id)["job_metadata"]["auth_method"] == "oauth2"
    anonymous = connect(no_creds=True)
    assert fts3.whoami(anonymous)["user_dn"] == "anon"


def test_tls_proxy_found_in_the_environment(
    connect: Callable[..., fts3.Context],
    alice: IssuedCertificate,
    pki: ThrowawayPKI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = create_proxy(load_credential(alice.cert_path, alice.key_path), tmp_path / "x509up")
    monkeypatch.setenv("X509_USER_PROXY", str(proxy))
    monkeypatch.setenv("X509_CERT_DIR", str(pki.ca_dir))
    context = connect(capath=None)
    assert len(context.x509_list) == 2
    assert fts3.whoami(context)["dn"][0] == alice.dn
    assert fts3.delegate(context, force=True)


def test_tls_untrusted_server_is_bad_endpoint(fts_server: HTTPSServer, tmp_path: Path) -> None:
    with pytest.raises(errors.BadEndpoint, match=exactly(f"Bad endpoint: {fts_server.url} (", whole=False)):
        fts3.Context(fts_server.url, no_creds=True, capath=str(tmp_path))


def test_the_migration_guide_testing_example(fts_fake: FakeFTS) -> None:
    fts_fake.add_delegation()
    with fts3.Context("https://fts3.example.org:8446", no_creds=True, transport=fts_fake.transport()) as ctx:
        transfer = fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f")
        job_id = fts3.submit(ctx, fts3.new_job([transfer]))
        fts_fake.run(job_id)
        assert fts3.get_job_status(ctx, job_id)["job_state"] == "FINISHED"
