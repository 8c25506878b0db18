"""FakeFTS beyond the recordings: job lifecycle and state derivation, bans, the submission's rules, wire rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from fts3sdk import AsyncClient, Client, JobState, errors
from fts3sdk.testing import FakeClock, FakeFTS, FakeRequestError, FakeTransport, Identity, KeyPool
from fts3sdk.testing import plugin as fts_plugin
from fts3sdk.testing._server._wire import INTERNAL_ERROR
from tests.conftest import call

fts_key_pool = fts_plugin.fts_key_pool

ALICE = "/DC=org/DC=example/O=Test/CN=Alice"
BOB = "/DC=org/DC=example/O=Test/CN=Bob"
URL = "https://fts.example.org:8446"


def transfer(n: int, **extra: Any) -> dict[str, Any]:
    return {"sources": [f"gsiftp://a.example.org/f{n}"], "destinations": [f"gsiftp://b.example.org/f{n}"], **extra}


def job(*files: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {"files": list(files), "params": params}


@pytest.fixture
def fake(fts_key_pool: KeyPool) -> FakeFTS:
    made = FakeFTS(seed=7, key_pool=fts_key_pool)
    made.add_delegation()
    return made


@pytest.fixture
def http(fake: FakeFTS) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=URL, transport=fake.transport()) as client:
        yield client


def states(fake: FakeFTS, job_id: str) -> list[str]:
    return [str(item.file_state) for item in fake.files(job_id)]


# --- lifecycle and state derivation ---------------------------------------------------------------------------


def test_finished_and_finisheddirty(fake: FakeFTS) -> None:
    good = fake.submit(job(transfer(1), transfer(2)))
    assert fake.run(good).job_state == JobState.FINISHED
    fake.script_outcome("gsiftp://b.example.org/f4", reason="DESTINATION disk full")
    dirty = fake.submit(job(transfer(3), transfer(4)))
    ended = fake.run(dirty)
    assert ended.job_state == JobState.FINISHEDDIRTY
    assert ended.reason == "One or more files failed. Please have a look at the details for more information"
    assert ended.job_finished is not None
    assert states(fake, dirty) == ["FINISHED", "FAILED"]
    assert fake.files(dirty)[1].reason == "DESTINATION disk full"


def test_failed_and_canceled_outcomes(fake: FakeFTS) -> None:
    fake.script_outcome(lambda item: item.source_surl.endswith("/f1"), state="FAILED", reason="nope")
    assert fake.run(fake.submit(job(transfer(1)))).job_state == JobState.FAILED
    fake.script_outcome("gsiftp://b.example.org/f2", state="CANCELED", reason="gone")
    assert fake.run(fake.submit(job(transfer(2)))).job_state == JobState.CANCELED


def test_explicit_controls_and_timings(fake: FakeFTS) -> None:
    job_id = fake.submit(job(transfer(1, filesize=2_000_000), transfer(2)))
    first, second = (item.file_id for item in fake.files(job_id))
    assert fake.start(job_id, first).job_state == JobState.ACTIVE
    fake.clock.advance(10)
    fake.finish(job_id, first)
    done = fake.files(job_id)[0]
    assert (done.file_state, done.tx_duration, done.throughput, done.filesize) == ("FINISHED", 10.0, 200.0, 2_000_000)
    assert done.finish_time is not None
    assert done.start_time is not None
    assert done.finish_time - done.start_time == timedelta(seconds=10)
    assert fake.job(job_id).job_state == JobState.ACTIVE
    assert fake.fail(job_id, second, reason="broken", recoverable=False).job_state == JobState.FINISHEDDIRTY


def test_retries_leave_a_record_embedding_the_file(fake: FakeFTS, http: httpx.Client) -> None:
    job_id = fake.submit(job(transfer(1), retry=2))
    file_id = fake.files(job_id)[0].file_id
    fake.script_outcome("gsiftp://b.example.org/f1", reason="try again", recoverable=True)
    assert fake.run(job_id).job_state == JobState.FAILED
    retries = http.get(f"/jobs/{job_id}/files/{file_id}/retries").json()
    assert [entry["attempt"] for entry in retries] == [1, 2]
    assert retries[0]["file"]["file_state"] == "FAILED"
    assert retries[0]["file"]["retry"] == 2


def test_multihop_activates_hops_and_fails_as_a_whole(fake: FakeFTS) -> None:
    hops = [transfer(1), transfer(2), transfer(3)]
    job_id = fake.submit(job(*hops, multihop=True))
    assert states(fake, job_id) == ["SUBMITTED", "NOT_USED", "NOT_USED"]
    fake.finish(job_id, fake.files(job_id)[0].file_id)
    assert states(fake, job_id) == ["FINISHED", "SUBMITTED", "NOT_USED"]
    ended = fake.fail(job_id, fake.files(job_id)[1].file_id, recoverable=False)
    assert ended.job_state == JobState.FAILED  # a multihop job is never FINISHEDDIRTY
    assert states(fake, job_id) == ["FINISHED", "FAILED", "CANCELED"]
    assert fake.run(fake.submit(job(*hops, multihop=True))).job_state == JobState.FINISHED


def test_multiple_replicas_try_the_next_source(fake: FakeFTS) -> None:
    item = {
        "sources": ["gsiftp://a.example.org/x", "gsiftp://c.example.org/x"],
        "destinations": ["gsiftp://b.example.org/x"],
    }
    job_id = fake.submit(job(item))
    assert fake.job(job_id).job_type == "R"
    assert states(fake, job_id) == ["SUBMITTED", "NOT_USED"]
    fake.fail(job_id, fake.files(job_id)[0].file_id, recoverable=False)
    assert states(fake, job_id) == ["FAILED", "SUBMITTED"]
    assert fake.job(job_id).job_state == JobState.SUBMITTED
    assert fake.run(job_id).job_state == JobState.FINISHED  # one replica finished: the logical file did


def test_staging_goes_through_started_then_transfer(fake: FakeFTS) -> None:
    job_id = fake.submit(job(transfer(1), bring_online=3600))
    assert (fake.job(job_id).job_state, states(fake, job_id)) == (JobState.STAGING, ["STAGING"])
    fake.step(job_id)
    assert states(fake, job_id) == ["STARTED"]
    fake.step(job_id)
    assert (fake.job(job_id).job_state, states(fake, job_id)) == (JobState.SUBMITTED, ["SUBMITTED"])
    fake.step(job_id)
    assert fake.job(job_id).job_state == JobState.ACTIVE
    assert fake.run(job_id).job_state == JobState.FINISHED
    assert fake.files(job_id)[0].staging_finished is not None


def test_stage_only_file_finishes_after_staging(fake: FakeFTS) -> None:
    surl = "srm://tape.example.org/data/f"
    job_id = fake.submit(job({"sources": [surl], "destinations": [surl]}, copy_pin_lifetime=60))
    fake.step(job_id)
    fake.step(job_id)
    assert fake.job(job_id).job_state == JobState.FINISHED


def test_archiving_step_with_archive_timeout(fake: FakeFTS) -> None:
    job_id = fake.submit(job(transfer(1), archive_timeout=600))
    fake.step(job_id)
    fake.step(job_id)
    assert (fake.job(job_id).job_state, states(fake, job_id)) == (JobState.ARCHIVING, ["ARCHIVING"])
    assert fake.run(job_id).job_state == JobState.FINISHED


def test_token_files_leave_token_prep_when_started(fake: FakeFTS) -> None:
    fake.add_token("tok", sub="someone", groups=["/dteam"])
    job_id = fake.submit(job(transfer(1)), identity=Identity.bearer("tok"))
    assert states(fake, job_id) == ["TOKEN_PREP"]
    assert fake.job(job_id).vo_name == "dteam"
    fake.start(job_id)
    assert states(fake, job_id) == ["SUBMITTED"]


def test_automatic_progress_follows_the_clock(fts_key_pool: KeyPool) -> None:
    fake = FakeFTS(clock=FakeClock(), auto_progress=timedelta(seconds=1), auto_batch=2, key_pool=fts_key_pool)
    job_id = fake.submit(job(*(transfer(n) for n in range(4))))
    seen = []
    with httpx.Client(base_url=URL, transport=fake.transport()) as client:
        for _ in range(6):
            seen.append(client.get(f"/jobs/{job_id}").json()["job_state"])
            fake.clock.advance(1)
    assert seen[0] == "SUBMITTED"
    assert "ACTIVE" in seen
    assert seen[-1] == "FINISHED"
    assert states(fake, job_id) == ["FINISHED"] * 4


def test_archive_moves_terminal_jobs_only(fake: FakeFTS, http: httpx.Client) -> None:
    job_id = fake.submit(job(transfer(1)))
    with pytest.raises(ValueError, match="only terminal jobs"):
        fake.archive(job_id)
    fake.run(job_id)
    archived = fake.archive(job_id)
    assert archived.files[0].current_failures is None
    assert http.get(f"/jobs/{job_id}").status_code == 404
    assert http.get(f"/archive/{job_id}").json()["job_state"] == "FINISHED"
    assert http.get(f"/archive/{job_id}/nope").json()["message"] == "No such field"
    with pytest.raises(KeyError):
        fake.job(job_id)


# --- cancellation through the API -------------------------------------------------------------------------------


def test_cancel_files_then_job_ends(fake: FakeFTS, http: httpx.Client) -> None:
    job_id = fake.submit(job(transfer(1), transfer(2)))
    first, second = (item.file_id for item in fake.files(job_id))
    fake.finish(job_id, first)
    assert http.delete(f"/jobs/{job_id}/files/{first},{second},123").json() == [
        "FINISHED",
        "CANCELED",
        "File does not belong to the job",
    ]
    ended = fake.job(job_id)
    assert (ended.job_state, ended.cancel_job) == (JobState.CANCELED, True)


def test_cancel_files_refused_for_multihop(fake: FakeFTS, http: httpx.Client) -> None:
    job_id = fake.submit(job(transfer(1), transfer(2), multihop=True))
    answer = http.delete(f"/jobs/{job_id}/files/{fake.files(job_id)[0].file_id}")
    assert answer.status_code == 400
    assert answer.json()["message"] == "Multihop or reuse jobs must be cancelled at once (H)"


def test_cancel_all_per_vo_is_root_only(fake: FakeFTS) -> None:
    job_id = fake.submit(job(transfer(1), transfer(2)))
    vo = fake.job(job_id).vo_name
    with httpx.Client(base_url=URL, transport=fake.transport(fake.root_identity())) as root:
        assert root.delete("/jobs/vo/other").json() == {"affected_files": 0, "affected_dm": 0, "affected_jobs": 0}
        assert root.delete(f"/jobs/vo/{vo}").json() == {"affected_files": 2, "affected_dm": 0, "affected_jobs": 1}
    assert fake.job(job_id).job_state == JobState.CANCELED


# --- bans -------------------------------------------------------------------------------------------------------


@pytest.fixture
def root(fake: FakeFTS) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=URL, transport=fake.transport(fake.root_identity())) as client:
        yield client


def test_user_ban_cancels_jobs_and_refuses_the_user(fake: FakeFTS, root: httpx.Client) -> None:
    bob = Identity.certificate(BOB)
    fake.add_delegation(bob)
    job_id = fake.submit(job(transfer(1)), identity=bob)
    assert root.post("/ban/dn", json={"user_dn": BOB, "message": "go away"}).json() == [job_id]
    ended = fake.job(job_id)
    assert (ended.job_state, ended.reason) == (JobState.CANCELED, "User banned")
    assert fake.files(job_id)[0].reason == "User banned"
    with httpx.Client(base_url=URL, transport=fake.transport(bob)) as client:
        refused = client.get("/whoami")
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "text/html; charset=utf-8"
        assert "<p>The user has been banned</p>" in refused.text
        assert root.delete("/ban/dn", params={"user_dn": BOB}).status_code == 204
        assert client.get("/whoami").status_code == 200


def test_storage_ban_cancel(fake: FakeFTS, root: httpx.Client, http: httpx.Client) -> None:
    fake.grant(ALICE, "config")
    job_id = fake.submit(job(transfer(1)))
    banned = http.post("/ban/se", json={"storage": "gsiftp://b.example.org", "status": "cancel"})
    assert banned.json() == [job_id]
    ended = fake.job(job_id)
    assert (ended.job_state, ended.reason) == (JobState.CANCELED, None)
    assert fake.files(job_id)[0].reason == "Storage banned"
    refused = http.post("/jobs", json=job(transfer(2)))
    assert (refused.status_code, refused.json()["message"]) == (403, "gsiftp://b.example.org is banned")
    assert root.post("/jobs", json=job(transfer(3))).status_code == 419  # other VO: not banned for root


def test_storage_ban_wait_holds_and_releases(fake: FakeFTS, http: httpx.Client) -> None:
    fake.grant(ALICE, "admin")  # admin implies config
    queued = fake.submit(job(transfer(1)))
    staged = fake.submit(job(transfer(2), bring_online=60))
    body = {"storage": "gsiftp://a.example.org", "status": "wait", "allow_submit": True}
    assert sorted(http.post("/ban/se", json=body).json()) == sorted([queued, staged])
    assert (states(fake, queued), states(fake, staged)) == (["ON_HOLD"], ["ON_HOLD_STAGING"])
    fresh = http.post("/jobs", json=job(transfer(3))).json()["job_id"]
    assert states(fake, fresh) == ["ON_HOLD"]
    assert fake.step(queued) == 0  # held transfers do not move
    assert http.get("/ban/se").json()[0]["status"] == "WAIT_AS"
    assert http.delete("/ban/se", params={"storage": "gsiftp://a.example.org"}).status_code == 204
    assert (states(fake, queued), states(fake, staged), states(fake, fresh)) == (
        ["SUBMITTED"],
        ["STAGING"],
        ["SUBMITTED"],
    )


def test_ban_bodies_need_exact_json(fake: FakeFTS, http: httpx.Client) -> None:
    fake.grant(ALICE, "config")
    body = json.dumps({"storage": "gsiftp://x.example.org"})
    loose = http.post("/ban/se", content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert loose.json()["message"] == "Missing storage parameter"
    form = http.post("/ban/se", data={"storage": "gsiftp://x.example.org", "status": "wait", "allow_submit": "false"})
    assert form.status_code == 200  # form "false" is truthy, as on the server
    assert http.get("/ban/se").json()[0]["status"] == "WAIT_AS"
    combined = http.post("/ban/se", json={"storage": "s://h", "allow_submit": True})
    assert combined.json()["message"] == "allow_submit and status = CANCEL can not be combined"


# --- submission rules -------------------------------------------------------------------------------------------

SUBMISSIONS = [
    (job(transfer(1, metadata=3)), 400, "Invalid value within the request: Metadata neither JSON nor String"),
    (job({"destinations": ["gsiftp://b.example.org/f"]}), 400, "Missing parameter: 'sources'"),
    ({"files": []}, 400, "No valid pairs available"),
    (job(transfer(1), id_generator="deterministic"), 400, "Need sid for deterministic job id generation"),
    (job(transfer(1), overwrite=True, overwrite_on_retry=True), 400,
     "Incompatible overwrite flags used at the same time"),
    (job(transfer(1), overwrite_hop=True), 400, "'overwrite-hop' requires multihop job submission"),
    (job(transfer(1, scitag=7)), 400, "Invalid value within the request: Invalid SciTag value: 7"),
    (job(transfer(1), transfer(2), reuse=True, multihop=False), 200, None),
    (job(transfer(1, selection_strategy="best")), 200, None),
    (job({"sources": ["file:///etc/passwd"], "destinations": ["gsiftp://b.example.org/f"]}), 400,
     "Invalid value within the request: Can not transfer local files (file:///etc/passwd)"),
    (job({"sources": ["gsiftp://a.example.org/f", "gsiftp://c.example.org/f"], "destinations": ["gsiftp://b.example.org/f"]},
         transfer(2)), 400, "Multiple replica jobs must only have one unique file"),
    (job({"sources": ["gsiftp://a.example.org/f", "gsiftp://c.example.org/f"], "destinations": ["gsiftp://b.example.org/f"]},
         multihop=True), 400,
     "Can not request multiple replica job together with multihop or session reuse at the same time"),
    (job({"sources": ["gsiftp://a.example.org/f", "gsiftp://c.example.org/f"], "destinations": ["gsiftp://b.example.org/f"],
          "selection_strategy": "best"}), 400, "best algorithm is not supported by Scheduler"),
    ({"files": "nope"}, 500, INTERNAL_ERROR),  # recorded: the server calls .get() on "n"
    (job(transfer(1), retry="x"), 400, "Invalid value within the request: invalid literal for int() with base 10: 'x'"),
    (job(transfer(1), job_metadata=5), 400, "Invalid value within the request: Metadata neither JSON nor String"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "status", "message"), SUBMISSIONS)
def test_submission_rules(http: httpx.Client, body: dict[str, Any], status: int, message: str | None) -> None:
    answer = http.post("/jobs", json=body)
    assert answer.status_code == status, answer.text
    if message is not None:
        assert answer.json() == {"status": answer.json()["status"], "message": message}


def test_submission_defaults_and_derived_values(fake: FakeFTS, http: httpx.Client) -> None:
    params = {"overwrite": True, "priority": 9, "strict_copy": True, "timeout": 300, "max_time_in_queue": "2h"}
    item = transfer(1, metadata="label me", checksum="")
    job_id = http.post("/jobs", json=job(item, **params)).json()["job_id"]
    made = fake.job(job_id)
    assert (made.priority, made.overwrite_flag, made.internal_job_params) == (5, "Y", "timeout:300,strict")
    assert made.verify_checksum == "n"  # the last non-null checksum was empty
    assert made.max_time_in_queue == int(fake.clock.now().timestamp()) + 7200
    assert made.files is not None
    assert made.files[0].file_metadata == {"label": "label me"}
    assert made.job_metadata == {"auth_method": "certificate"}


def test_submission_body_families(http: httpx.Client) -> None:
    body = json.dumps(job(transfer(1)))
    assert http.put("/jobs", content=body).status_code == 200  # PUT: JSON whatever the Content-Type
    no_type = http.post("/jobs", content=body)
    assert no_type.json()["message"] == "Expecting application/json or application/x-www-form-urlencoded"
    listing = http.post("/jobs", json=[1])
    assert listing.json()["message"] == "Expecting a dictionary"
    form = http.post("/jobs", data={"files": "x"})  # form fields are strings: "x" is not a list of objects
    assert (form.status_code, form.json()["message"]) == (500, INTERNAL_ERROR)
    bad = http.post("/jobs", content=b"{", headers={"Content-Type": "application/json"})
    assert bad.json()["message"] == "Badly formatted JSON request"


def test_delegation_lifetime_rules(fts_key_pool: KeyPool) -> None:
    fake = FakeFTS(clock=FakeClock(datetime(2030, 1, 1)), key_pool=fts_key_pool)
    fake.add_delegation(lifetime=timedelta(minutes=30))
    http = httpx.Client(base_url=URL, transport=fake.transport())
    answer = http.post("/jobs", json=job(transfer(1)))
    assert (answer.status_code, answer.json()["message"]) == (
        419,
        "The delegated credentials has less than one hour left (b039e71fde61be6f)",
    )
    fake.clock.advance(timedelta(minutes=40))
    assert http.post("/jobs", json=job(transfer(1))).json()["message"] == (
        "The delegated credentials expired 600 seconds ago (b039e71fde61be6f)"
    )
    http.close()


def test_direct_submit_refusal_is_an_error(fake: FakeFTS) -> None:
    with pytest.raises(FakeRequestError) as caught:
        fake.submit({"files": []})
    assert (caught.value.status, caught.value.message) == (400, "No valid pairs available")


# --- wire rules -------------------------------------------------------------------------------------------------


def test_list_mode_partial_files_and_routes(fake: FakeFTS, http: httpx.Client) -> None:
    job_id = fake.submit(job(transfer(1)))
    assert isinstance(http.get(f"/jobs/{job_id},").json(), list)
    assert http.get(f"/jobs/{job_id}", params={"files": "file_state,nope"}).json()["files"] == [
        {"file_state": "SUBMITTED"}
    ]
    assert http.get("/jobs/all").json()["http_message"] == 'No job with the id "all" has been found'
    assert http.get(f"{URL}//jobs//{job_id}").json()["job_id"] == job_id
    assert http.get(f"/jobs/{job_id}/files").json()[0]["file_state"] == "SUBMITTED"
    assert http.delete(f"/jobs/{job_id}/files").status_code == 405
    head = http.head("/whoami")
    assert (head.status_code, head.content) == (200, b"")
    assert "POST" in http.options("/jobs").headers["allow"]
    assert http.get("/optimizer").json() is True


def test_list_selection_rules(fake: FakeFTS, http: httpx.Client) -> None:
    old = fake.submit(job(transfer(1)))
    fake.clock.advance(5)
    new = fake.submit(job(transfer(2)))
    fake.run(old)
    assert [j["job_id"] for j in http.get("/jobs").json()] == [new]
    assert [j["job_id"] for j in http.get("/jobs", params={"state_in": "FINISHED", "time_window": "1"}).json()] == [old]
    fake.clock.advance(timedelta(hours=2))
    assert http.get("/jobs", params={"state_in": "FINISHED", "time_window": "1"}).json() == []
    limited = http.get("/jobs", params={"state_in": "FINISHED,SUBMITTED", "limit": "5"}).json()
    assert [j["job_id"] for j in limited] == [new, old]
    assert http.get("/jobs", params={"fields": "job_id,files"}).json()[0]["files"][0]["file_state"] == "SUBMITTED"
    assert http.get("/files", params={"time_window": "1"}).status_code == 500  # as in 3.13.4


def test_middleware_refusals(fake: FakeFTS, http: httpx.Client) -> None:
    foreign = http.get("/whoami", headers={"Origin": "https://evil.example.org"})
    assert (foreign.status_code, foreign.headers["content-type"]) == (403, "text/html; charset=utf-8")
    assert "Host and Origin do not match" in foreign.text
    unknown = http.get("/whoami", headers={"Authorization": "Bearer who-knows"})
    assert unknown.json()["user_dn"] == ALICE  # a token that does not verify counts for nothing: the certificate does
    with httpx.Client(base_url=URL, transport=fake.transport(Identity.anonymous())) as anonymous:
        assert anonymous.get(f"/jobs/{fake.submit(job(transfer(1)))}").status_code == 500  # vos[0] of nobody


def test_voms_request_is_recorded(fake: FakeFTS, http: httpx.Client) -> None:
    answer = http.post("/delegation/b039e71fde61be6f/voms", json=["dteam", "dteam:/dteam/Role=lcgadmin"])
    assert answer.status_code == 203
    stored = http.get("/delegation/b039e71fde61be6f").json()
    assert stored["voms_attrs"] == ["dteam dteam:/dteam/Role=lcgadmin"]
    expiry = datetime.fromisoformat(answer.text).replace(tzinfo=timezone.utc)
    assert expiry.strftime("%Y-%m-%dT%H:%M:%S") == stored["termination_time"]
    assert (
        http.post("/delegation/b039e71fde61be6f/voms", json={"a": 1}).json()["message"] == "Expecting a list of strings"
    )


def test_identity_rules() -> None:
    fake = FakeFTS(roles={"public": {"transfer": "vo"}, "lcgadmin": {"config": "all"}}, gridmap={BOB: "dteam"})
    voms = Identity.certificate(ALICE, fqans=["/dteam/cern/Role=lcgadmin/Capability=NULL", "/dteam/Role=NULL"])
    with httpx.Client(base_url=URL, transport=fake.transport(voms)) as client:
        who = client.get("/whoami").json()
    assert who["vos"] == ["dteam/cern", "dteam"]
    assert who["roles"] == ["lcgadmin"]
    assert who["level"] == {"transfer": "vo", "config": "all"}
    with httpx.Client(base_url=URL, transport=fake.transport(Identity.certificate(BOB))) as client:
        assert client.get("/whoami").json()["vos"] == ["dteam"]


# --- the transport serves both clients ---------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_sdk_clients_over_the_transport(fake: FakeFTS, kind: str) -> None:
    transport = fake.transport()
    assert isinstance(transport, FakeTransport)
    client: Client | AsyncClient = (
        Client(URL, anonymous=True, transport=transport)
        if kind == "sync"
        else AsyncClient(URL, anonymous=True, transport=transport)
    )
    job_id = fake.submit(job(transfer(1)))
    fake.run(job_id)
    assert (await call(client.jobs.get(job_id))).job_state == JobState.FINISHED
    with pytest.raises(errors.NotFound):
        await call(client.jobs.get("00000000-0000-0000-0000-000000000000"))
    if isinstance(client, AsyncClient):
        await client.aclose()
    else:
        client.close()


def test_clock() -> None:
    clock = FakeClock(datetime(2030, 1, 1))
    assert clock.now() == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert clock.advance(60) == datetime(2030, 1, 1, 0, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    real = FakeClock(real=True)
    assert real.real
    assert real.now() <= real.now()


def test_public_names_resolve_and_are_documented() -> None:
    import fts3sdk.testing as testing

    for name in testing.__all__:
        assert getattr(testing, name).__doc__, name
    with pytest.raises(AttributeError):
        testing.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
