"""The client refuses, before the network, what the server would misroute, crash on or store wrongly.

Each measured failure is first reproduced against the fake server (faithful to the real one on these points) with
a plain httpx client, then the typed client is shown to refuse it with nothing sent. The Easy facade keeps the
official behaviour (it sends) except for path segments, where it refuses too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import fts3sdk.easy as fts3
from fts3sdk import Client, JobSpec, Transfer, errors
from fts3sdk._base import segment
from fts3sdk.models._limits import FILESIZE, INT, PRIORITY, TRANSFER_OPTION
from fts3sdk.testing import FakeFTS, IssuedCertificate
from fts3sdk.testing._server._apache import request_path
from fts3sdk.testing._server._routes import _ROUTER

URL = "https://fts.example.org:8446"
SRC = "mock://src.example.org/data/f"
DST = "mock://dst.example.org/data/f"


class Counting(httpx.BaseTransport):
    """A transport that counts what reaches the fake."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)


@pytest.fixture
def fake(fts_fake: FakeFTS) -> FakeFTS:
    fts_fake.add_delegation()
    return fts_fake


@pytest.fixture
def wire(fake: FakeFTS) -> Counting:
    return Counting(fake.transport())


@pytest.fixture
def client(wire: Counting, fts_user_cert: IssuedCertificate) -> Iterator[Client]:
    with Client(URL, cert=fts_user_cert.cert_path, key=fts_user_cert.key_path, transport=wire) as made:
        yield made


@pytest.fixture
def raw(fake: FakeFTS) -> Iterator[httpx.Client]:
    """What an unchecked client sends: httpx resolves dot segments, the fake then answers as the server."""
    with httpx.Client(base_url=URL, transport=fake.transport()) as plain:
        yield plain


def one_job(fake: FakeFTS, **params: Any) -> str:
    return fake.submit({"files": [{"sources": [SRC], "destinations": [DST]}], "params": params})


# --- Dot segments and other route-changing path segments (issue 16 item 3) ----------------------------------------


def test_files_of_dot_dot_are_other_jobs_transfers(
    fake: FakeFTS, raw: httpx.Client, client: Client, wire: Counting
) -> None:
    other = one_job(fake)
    leaked = raw.get("/jobs/../files").json()  # what jobs.files("..") used to send: GET /files
    assert [item["job_id"] for item in leaked] == [other]
    with pytest.raises(ValueError, match=r"not a job id: '\.\.' is a dot segment"):
        client.jobs.files("..")
    assert wire.requests == []


def test_field_dot_dot_is_the_job_list(fake: FakeFTS, raw: httpx.Client, client: Client, wire: Counting) -> None:
    job_id = one_job(fake)
    assert isinstance(raw.get(f"/jobs/{job_id}/..").json(), list)  # GET /jobs/: the job list
    with pytest.raises(ValueError, match=r"not a field name: '\.\.'"):
        client.jobs.field(job_id, "..")
    assert wire.requests == []


def test_modify_dot_posts_to_the_submission_path(raw: httpx.Client, client: Client, wire: Counting) -> None:
    sent = raw.post("/jobs/.", json={"params": {"priority": 3}})
    assert sent.request.url.path == "/jobs"  # httpx resolved it: the submission endpoint, not a job
    assert sent.json()["message"] == "No transfers operations specified"  # read as a job to submit
    with pytest.raises(ValueError, match=r"not a job id: '\.'"):
        client.jobs.modify(".", priority=3)
    assert wire.requests == []


def test_cancel_dot_dot_deletes_the_root(raw: httpx.Client, client: Client, wire: Counting) -> None:
    assert raw.delete("/jobs/..").request.url.path == "/"
    for bad in ("..", ".", "", "a/b", "a,b"):
        with pytest.raises(ValueError, match="not a job id"):
            client.jobs.cancel(bad)
    assert wire.requests == []


def test_every_builder_refuses_route_changing_segments(client: Client, wire: Counting) -> None:
    calls: list[Callable[[], object]] = [
        lambda: client.jobs.get(".."),
        lambda: client.jobs.get_many(["ok", ".."]),
        lambda: client.jobs.dm("."),
        lambda: client.jobs.retries("..", 1),
        lambda: client.jobs.cancel_files("..", [1]),
        lambda: client.jobs.cancel_all("dteam/cern"),
        lambda: client.jobs.cancel_all(".."),
        lambda: client.archive.get(".."),
        lambda: client.archive.field("x", "."),
        lambda: client.delegation.info(".."),
        lambda: client.get("/jobs/../whoami"),
        lambda: client.delete("jobs/./x"),
    ]
    for made in calls:
        with pytest.raises(ValueError, match=r"not a |dot segment"):
            made()
    assert wire.requests == []


@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda c: c.config.links.get(".."), "link name"),
        (lambda c: c.config.links.delete("a/b"), "link name"),
        (lambda c: c.config.activity_shares.get(".."), "VO name"),
        (lambda c: c.config.activity_shares.delete("."), "VO name"),
        (lambda c: c.config.cloud_storages.users(".."), "cloud storage name"),
        (lambda c: c.config.cloud_storages.delete(".."), "cloud storage name"),
        (lambda c: c.config.cloud_storages.add_user("..", vo="dteam"), "cloud storage name"),
        (lambda c: c.config.cloud_storages.remove_user("..", "dteam"), "cloud storage name"),
        (lambda c: c.config.cloud_storages.remove_user("DROPBOX", "/DC=org/CN=Alice"), "cloud storage user or VO"),
        (lambda c: c.config.cloud_storages.remove_user("DROPBOX", ".."), "cloud storage user or VO"),
    ],
)
def test_the_admin_builders_name_the_value(
    client: Client, wire: Counting, call: Callable[[Client], object], what: str
) -> None:
    with pytest.raises(ValueError, match=rf"^not a {what}: '") as caught:
        call(client)
    assert "path segment" not in str(caught.value)
    assert str(caught.value).endswith("(nothing was sent)")
    assert wire.requests == []


def test_every_segment_is_named() -> None:
    with pytest.raises(TypeError):
        segment("x")  # type: ignore[call-arg]  # what the value is must be said


def test_the_easy_facade_refuses_them_too(fake: FakeFTS, wire: Counting) -> None:
    with fts3.Context(URL, transport=wire, no_creds=True) as context:
        wire.requests.clear()  # the endpoint probe
        for job_id in ("..", ".", ""):
            with pytest.raises(errors.ClientError, match="Bad request: not a job id"):
                fts3.get_job_status(context, job_id)
        with pytest.raises(errors.ClientError, match="not a job id"):
            fts3.cancel(context, "..")
    assert wire.requests == []


segment_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["", ".", "..", "...", "%2e%2e", "%2E", "a/b", "a%2Fb", "?", "#", ";", " ", "\r\n", "ü", "~", "x y"]
)


@given(segment_text)
@settings(max_examples=400)
def test_a_segment_reaches_the_server_as_it_was_given_or_is_refused(text: str) -> None:
    try:
        quoted = segment(text, "job id")
    except ValueError:
        assert text in ("", ".", "..") or "/" in text
        return
    url = httpx.URL(f"{URL}/jobs/{quoted}/files")  # how the client builds and httpx normalises it
    path = request_path(url.raw_path.decode("ascii"))  # what Apache hands the application
    found, variables = _ROUTER.find("GET", path)
    assert (found.template, variables) == ("/jobs/<job_id>/files", {"job_id": text})


# --- URLs: control characters and surrounding blanks (issue 16 item 4) ---------------------------------------------


def test_control_characters_in_urls_are_stored_as_another_url(fake: FakeFTS, raw: httpx.Client) -> None:
    injected, padded = "mock://a.example.org/a\r\nX-Evil: 1", "  mock://a.example.org/b  "
    for given_url in (injected, padded):
        body = {"files": [{"sources": [given_url], "destinations": [DST]}]}
        stored = fake.files(raw.post("/jobs", json=body).json()["job_id"])[0].source_surl
        assert stored != given_url
    assert stored == "mock://a.example.org/b"
    assert fake.jobs()[0].source_se == "mock://a.example.org"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("mock://a.example.org/a\r\nX-Evil: 1", "control character or blank '\\\\r'"),
        ("mock://a.example.org/a\tb", "control character or blank '\\\\t'"),
        ("  mock://a.example.org/b  ", "surrounding whitespace"),
        ("mock://a.example.org/b\n", "surrounding whitespace"),
        ("mock://a.example.org/a b", "control character or blank ' '"),
        ("mock://a.example.org/\u00fc", "non-ASCII character 'ü': percent-encode it \\(e.g. %C3%BC\\)"),
        ("mock://a.example.org/" + "x" * 1080, "1101 characters, longer than the server stores \\(1100\\)"),
        ("mock://" + "h" * 250 + ".org/x", "longer than the server stores \\(255\\)"),
    ],
)
def test_urls_are_sent_exactly_as_validated_or_refused(url: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Transfer(sources=url, destinations=DST)
    encoded = "mock://a.example.org/a%0D%0AX-Evil:%201"
    assert Transfer(sources=encoded, destinations=DST).sources == [encoded]  # percent-encoded: sent as given


def test_non_ascii_and_long_urls_are_500s_on_the_server(fake: FakeFTS, raw: httpx.Client) -> None:
    for url in ("mock://a.example.org/\u0444", "mock://a.example.org/" + "x" * 1100):
        answer = raw.post("/jobs", json={"files": [{"sources": [url], "destinations": [DST]}]})
        assert answer.status_code == 500


# --- Limits in one place (issue 15 item 2, issue 16 item 5) ---------------------------------------------------------


def test_modify_priority_99_is_stored_by_the_server(
    fake: FakeFTS, raw: httpx.Client, client: Client, wire: Counting
) -> None:
    job_id = one_job(fake)
    assert raw.post(f"/jobs/{job_id}", json={"params": {"priority": 99}}).json()["priority"] == 99
    assert raw.post(f"/jobs/{job_id}", json={"params": {"priority": True}}).json()["priority"] == 1  # coerced
    for priority in (99, 0, -1, 6, 2**70):
        with pytest.raises(ValueError, match=r"priority: .* out of range: 1\.\.5"):
            client.jobs.modify(job_id, priority=priority)
    wrong: tuple[Any, ...] = (True, "3", 3.0)
    for value in wrong:
        with pytest.raises(ValueError, match="priority: must be a whole number"):
            client.jobs.modify(job_id, priority=value)
    assert wire.requests == []
    assert client.jobs.modify(job_id, priority=5).priority == 5


@pytest.mark.parametrize("name", ["retry", "bring_online", "copy_pin_lifetime", "archive_timeout", "retry_delay"])
def test_numbers_beyond_their_column_crash_the_server_and_are_refused(
    fake: FakeFTS, raw: httpx.Client, client: Client, wire: Counting, name: str
) -> None:
    body = {"files": [{"sources": [SRC], "destinations": [DST]}], "params": {name: 2**70}}
    assert raw.post("/jobs", json=body).status_code == 500
    too_big: dict[str, Any] = {name: 2**70}
    with pytest.raises(ValidationError, match=r"out of range: -?\d+\.\.2147483647 \(t_job\." + name):
        JobSpec(transfers=[Transfer(sources=SRC, destinations=DST)], **too_big)
    from_a_file = JobSpec.from_body(body)  # read as the server reads it...
    with pytest.raises(ValidationError, match="out of range"):
        client.jobs.submit(from_a_file, delegate=False)  # ...and refused before sending
    assert wire.requests == []


@pytest.mark.parametrize(
    ("field", "bounds"),
    [("priority", PRIORITY), ("retry", INT), ("timeout", TRANSFER_OPTION), ("nostreams", TRANSFER_OPTION)],
)
@given(value=st.integers(-(2**72), 2**72) | st.booleans() | st.sampled_from(["3", "0", 3.0, None]))
@settings(max_examples=60)
def test_job_numbers_are_integers_in_range(field: str, bounds: Any, value: Any) -> None:
    transfer = Transfer(sources=SRC, destinations=DST)
    fine = value is None or (type(value) is int and bounds.low <= value <= bounds.high)
    try:
        made = JobSpec(transfers=[transfer], **{field: value})
    except ValidationError as exc:
        assert not fine, exc
        assert exc.errors()[0]["loc"] == (field,)
    else:
        assert fine
        assert getattr(made, field) == value


@given(value=st.integers(-(2**70), 2**70) | st.booleans() | st.just("10"))
@settings(max_examples=60)
def test_filesize_is_exact_on_the_server_or_refused(value: Any) -> None:
    fine = type(value) is int and value in FILESIZE
    try:
        made = Transfer(sources=SRC, destinations=DST, filesize=value)
    except ValidationError:
        assert not fine
    else:
        assert fine
        assert int(float(made.filesize or 0)) == made.filesize  # what the server stores is what was given


def test_queue_timeout_past_2038_is_refused() -> None:
    transfer = Transfer(sources=SRC, destinations=DST)
    assert JobSpec(transfers=[transfer], max_time_in_queue="30d").max_time_in_queue
    with pytest.raises(ValidationError, match="ends after 2038-01-19T03:14:07Z"):
        JobSpec(transfers=[transfer], max_time_in_queue=10**6)


@pytest.mark.parametrize(
    ("transfer", "why"),
    [({"activity": "x" * 256}, "longer than t_file.activity"), ({"checksum": "adler32:\u0444"}, "outside Latin-1")],
)
def test_texts_beyond_their_column_are_refused(transfer: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Transfer(sources=SRC, destinations=DST, **transfer)


def test_assignments_are_checked_too() -> None:
    spec = JobSpec(transfers=[Transfer(sources=SRC, destinations=DST)])
    with pytest.raises(ValidationError, match="out of range"):
        spec.retry = 2**40
    assert spec.retry is None


def test_transfer_tokens_from_a_certificate_client(
    fake: FakeFTS, raw: httpx.Client, client: Client, wire: Counting
) -> None:
    item = {"sources": [SRC], "destinations": [DST], "source_tokens": ["t"]}
    answer = raw.post("/jobs", json={"files": [item]})
    assert answer.status_code == 409
    assert "foreign key constraint fails" in answer.json()["message"]
    with pytest.raises(ValidationError, match="must be given together"):
        Transfer(sources=SRC, destinations=DST, source_tokens=["t"])
    both = JobSpec(transfers=[Transfer(sources=SRC, destinations=DST, source_tokens=["t"], destination_tokens=["u"])])
    with pytest.raises(ValueError, match="need a client authenticated with a token"):
        client.jobs.submit(both)
    assert wire.requests == []


# --- The Easy facade sends, as the official client did --------------------------------------------------------------


def test_easy_sends_what_the_server_then_refuses(fake: FakeFTS, wire: Counting) -> None:
    with fts3.Context(URL, transport=wire, no_creds=True) as context:
        job = fts3.new_job([fts3.new_transfer(SRC, DST)], retry=2**70)
        with pytest.raises(errors.ServerError, match="500"):
            fts3.submit(context, job)
        loose = fts3.new_job([fts3.new_transfer("mock://a.example.org/a\tb", DST)], priority="3")  # type: ignore[arg-type]
        job_id = fts3.submit(context, loose)
    assert json.loads(wire.requests[-1].content)["params"]["priority"] == "3"  # sent as given
    assert fake.job(job_id).priority == 3
    assert fake.files(job_id)[0].source_surl == "mock://a.example.org/ab"  # stored as the server stores it
