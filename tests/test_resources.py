"""Every resource method, sync and async, against the recorded answers of a real server."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from fts3sdk import (
    ArchivedJob,
    AsyncClient,
    Batch,
    CancelAllResult,
    Client,
    Delegation,
    FileState,
    Job,
    JobSpec,
    JobState,
    StorageBan,
    UserBan,
    errors,
)
from fts3sdk.resources import bans, config, config_grants, config_storages, delegation, dm, jobs, optimizer, status
from fts3sdk.resources._endpoints._jobs import FILE_FIELDS, MAX_IDS_PER_REQUEST
from tests.conftest import AnyClient, Replay, call
from tests.recordings import load

pytestmark = pytest.mark.anyio
MakeClient = Callable[..., AnyClient]
JOB_ID = "eb7fa674-eaaa-11f1-b239-02fc00000001"


async def replayed(make_client: MakeClient, names: list[str], action: Callable[[AnyClient], Any]) -> Any:
    replay = Replay(*names)
    result = await call(action(make_client(replay)))
    replay.done()
    return result


async def test_endpoint_info_is_cached(make_client: MakeClient) -> None:
    replay = Replay("get_root")
    client = make_client(replay)
    first = await call(client.endpoint_info())
    assert await call(client.endpoint_info()) is first
    assert first.api >= (3, 13)
    replay.done()


async def test_whoami(make_client: MakeClient) -> None:
    who = await replayed(make_client, ["whoami"], lambda c: c.whoami())
    assert who.delegation_id == "b039e71fde61be6f"
    assert who.vo == "b039e71fde61be6f"


async def test_jobs_list(make_client: MakeClient) -> None:
    listed = await replayed(make_client, ["jobs_list"], lambda c: c.jobs.list())
    assert listed
    assert all(isinstance(job, Job) for job in listed)


async def test_jobs_list_filters(make_client: MakeClient) -> None:
    listed = await replayed(
        make_client,
        ["jobs_list_filtered"],
        lambda c: c.jobs.list(dlg_id="b039e71fde61be6f", state_in=[JobState.SUBMITTED, "ACTIVE", JobState.STAGING]),
    )
    assert {job.job_state for job in listed} <= {JobState.SUBMITTED, JobState.ACTIVE, JobState.STAGING}


async def test_jobs_list_limit_and_window(make_client: MakeClient) -> None:
    assert len(await replayed(make_client, ["jobs_list_limit"], lambda c: c.jobs.list(limit=2))) == 2
    finished = await replayed(
        make_client,
        ["sim_jobs_list_finished"],
        lambda c: c.jobs.list(state_in="FINISHED,FAILED", time_window=timedelta(hours=1)),
    )
    assert all(job.is_terminal for job in finished)


async def test_jobs_list_refuses_limit_above_server_cap(make_client: MakeClient) -> None:
    client = make_client(Replay())
    with pytest.raises(ValueError, match="500"):
        await call(client.jobs.list(limit=1000))


async def test_jobs_get(make_client: MakeClient) -> None:
    job = await replayed(make_client, ["job_get"], lambda c: c.jobs.get(JOB_ID))
    assert job.job_id == JOB_ID
    assert job.files is None


async def test_jobs_get_with_files_asks_for_every_file_field(make_client: MakeClient) -> None:
    body = dict(load("job_get").body, files=load("job_files").body)

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["files"] == FILE_FIELDS
        return httpx.Response(200, json=body)

    job = await call(make_client(handler).jobs.get(JOB_ID, files=True))
    assert job.files is not None
    assert [f.file_id for f in job.files] == [8872390218, 8872390219]


async def test_jobs_get_unknown_raises_not_found(make_client: MakeClient) -> None:
    replay = Replay("job_get_404")
    with pytest.raises(errors.NotFound) as caught:
        await call(make_client(replay).jobs.get("00000000-0000-0000-0000-000000000000"))
    assert caught.value.status_code == 404
    assert caught.value.message is not None
    assert "has been found" in caught.value.message


async def test_jobs_get_refuses_an_id_list(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="not a job id"):
        await call(make_client(Replay()).jobs.get("a,b"))


async def test_get_many(make_client: MakeClient) -> None:
    batch = await replayed(
        make_client, ["jobs_get_multiple"], lambda c: c.jobs.get_many([JOB_ID, "eb9936ca-eaaa-11f1-a58d-02fc00000001"])
    )
    assert isinstance(batch, Batch)
    assert batch.ok
    assert list(batch) == [JOB_ID, "eb9936ca-eaaa-11f1-a58d-02fc00000001"]


async def test_get_many_merges_partial_answers(make_client: MakeClient) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    batch = await replayed(make_client, ["jobs_get_multiple_207"], lambda c: c.jobs.get_many([JOB_ID, missing]))
    assert not batch.ok
    assert batch[JOB_ID].job_state is JobState.SUBMITTED
    assert isinstance(batch.errors[missing], errors.NotFound)
    with pytest.raises(errors.NotFound):
        batch[missing]
    with pytest.raises(errors.NotFound):
        batch.raise_for_errors()


async def test_get_many_splits_long_id_lists(make_client: MakeClient) -> None:
    ids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(2 * MAX_IDS_PER_REQUEST + 1)]
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        asked = [i for i in request.url.path.removeprefix("/jobs/").split(",") if i]
        template = load("job_get").body
        return httpx.Response(200, json=[dict(template, job_id=i) for i in asked])

    batch = await call(make_client(handler).jobs.get_many(ids + ids[:3]))
    assert len(paths) == 3
    assert list(batch) == ids
    assert paths[-1].endswith(","), "a single id is sent with a trailing comma to get a list back"


async def test_job_files_dm_retries(make_client: MakeClient) -> None:
    files = await replayed(make_client, ["job_files"], lambda c: c.jobs.files(JOB_ID))
    assert files[0].file_state is FileState.SUBMITTED
    assert await replayed(make_client, ["job_dm"], lambda c: c.jobs.dm(JOB_ID)) == []
    assert await replayed(make_client, ["job_file_retries"], lambda c: c.jobs.retries(JOB_ID, 8872390218)) == []
    retries = await replayed(
        make_client,
        ["sim_job_file_retries"],
        lambda c: c.jobs.retries("ee73d738-eaaa-11f1-b2b3-02fc00000001", 8872390234),
    )
    assert retries[0].attempt >= 0
    assert retries[0].reason


async def test_job_field(make_client: MakeClient) -> None:
    assert await replayed(make_client, ["job_field_job_state"], lambda c: c.jobs.field(JOB_ID, "job_state")) == (
        "SUBMITTED"
    )
    assert await replayed(make_client, ["job_field_priority"], lambda c: c.jobs.field(JOB_ID, "priority")) == 3
    metadata = await replayed(make_client, ["job_field_job_metadata"], lambda c: c.jobs.field(JOB_ID, "job_metadata"))
    assert metadata == {"test": "harness", "n": 1, "auth_method": "certificate"}
    with pytest.raises(errors.NotFound, match="No such field"):
        await replayed(make_client, ["job_field_404"], lambda c: c.jobs.field(JOB_ID, "no_such_field"))


async def test_submit_without_delegation(make_client: MakeClient) -> None:
    recorded = load("submit_job").request_body
    spec = JobSpec.from_body(recorded)
    replay = Replay("submit_job")
    job_id = await call(make_client(replay).jobs.submit(spec, delegate=False))
    assert job_id == JOB_ID
    sent = json.loads(replay.requests[0].content)
    assert sent == spec.to_body()
    assert replay.requests[0].headers["content-type"] == "application/json"


async def test_submit_with_a_token_never_delegates(make_client: MakeClient) -> None:
    replay = Replay("submit_job_token")
    spec = JobSpec.from_body(load("submit_job_token").request_body)
    client = make_client(replay, anonymous=False, token="secret-token")
    assert await call(client.jobs.submit(spec)) == load("submit_job_token").body["job_id"]
    assert replay.requests[0].headers["authorization"] == "Bearer secret-token"
    replay.done()


async def test_submit_errors_keep_the_server_message(make_client: MakeClient) -> None:
    spec = JobSpec.from_body(load("submit_419_no_delegation").request_body)
    with pytest.raises(errors.NeedDelegation) as caught:
        await replayed(make_client, ["submit_419_no_delegation"], lambda c: c.jobs.submit(spec, delegate=False))
    assert caught.value.message is not None
    assert "No delegation found" in caught.value.message
    assert str(caught.value) == "Need to delegate credentials"


async def test_cancel(make_client: MakeClient) -> None:
    job = await replayed(make_client, ["job_cancel"], lambda c: c.jobs.cancel(JOB_ID))
    assert job.job_state is JobState.CANCELED
    assert job.http_status_code == 200
    terminal = await replayed(make_client, ["job_cancel_terminal"], lambda c: c.jobs.cancel(JOB_ID))
    assert terminal.http_status_code == 304


async def test_cancel_many(make_client: MakeClient) -> None:
    rec = load("jobs_cancel_multiple_207")
    ids = [i for i in rec.path.removeprefix("/jobs/").split(",") if i]
    batch = await replayed(make_client, ["jobs_cancel_multiple_207"], lambda c: c.jobs.cancel(ids))
    assert isinstance(batch, Batch)
    assert set(batch) | set(batch.errors) == set(ids)
    assert batch.errors


async def test_cancel_files(make_client: MakeClient) -> None:
    job_id = "ebb3226a-eaaa-11f1-9da6-02fc00000001"
    one = await replayed(make_client, ["job_cancel_files"], lambda c: c.jobs.cancel_files(job_id, [8872390222]))
    assert one == {8872390222: "CANCELED"}
    rec = load("job_cancel_files_multiple")
    fids = [int(f) for f in rec.path.rsplit("/", 1)[1].split(",")]
    many = await replayed(make_client, ["job_cancel_files_multiple"], lambda c: c.jobs.cancel_files(job_id, fids))
    assert many == dict.fromkeys(fids, "CANCELED")


async def test_cancel_all(make_client: MakeClient) -> None:
    result = await replayed(make_client, ["jobs_cancel_all_root"], lambda c: c.jobs.cancel_all())
    assert isinstance(result, CancelAllResult)
    with pytest.raises(errors.Unauthorized):
        await replayed(make_client, ["jobs_cancel_all_forbidden_403"], lambda c: c.jobs.cancel_all())


async def test_modify(make_client: MakeClient) -> None:
    job = await replayed(
        make_client,
        ["job_modify_priority"],
        lambda c: c.jobs.modify("eb9936ca-eaaa-11f1-a58d-02fc00000001", priority=5),
    )
    assert job.priority == 5
    assert job.files is not None
    with pytest.raises(ValueError, match="priority"):
        await call(make_client(Replay()).jobs.modify(JOB_ID, priority=0))


async def test_wait_polls_until_terminal(make_client: MakeClient) -> None:
    states = iter(["SUBMITTED", "ACTIVE", "ACTIVE", "FINISHED"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=dict(load("job_get").body, job_state=next(states)))

    seen: list[JobState] = []
    job = await call(
        make_client(handler).jobs.wait(JOB_ID, poll_interval=0.001, on_update=lambda j: seen.append(j.job_state))
    )
    assert job.job_state is JobState.FINISHED
    assert seen == ["SUBMITTED", "ACTIVE", "ACTIVE", "FINISHED"]


async def test_wait_times_out(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=load("job_get").body)

    with pytest.raises(TimeoutError, match="SUBMITTED"):
        await call(make_client(handler).jobs.wait(JOB_ID, poll_interval=0.01, timeout=0.05))


async def test_files_list(make_client: MakeClient) -> None:
    assert await replayed(make_client, ["files_list"], lambda c: c.files.list())
    filtered = await replayed(
        make_client,
        ["files_list_filtered"],
        lambda c: c.files.list(state_in=[FileState.SUBMITTED], source_se="gsiftp://source.example.org"),
    )
    assert all(f.file_state is FileState.SUBMITTED for f in filtered)


async def test_archive(make_client: MakeClient) -> None:
    job_id = "ee535724-eaaa-11f1-b0bb-02fc00000001"
    archived = await replayed(make_client, ["sim_archive_get"], lambda c: c.archive.get(job_id))
    assert isinstance(archived, ArchivedJob)
    assert await replayed(make_client, ["sim_archive_get_field"], lambda c: c.archive.field(job_id, "job_state")) == (
        "FINISHED"
    )
    with pytest.raises(errors.NotFound):
        await replayed(
            make_client, ["archive_get_404"], lambda c: c.archive.get("eb9936ca-eaaa-11f1-a58d-02fc00000001")
        )


async def test_storage_bans(make_client: MakeClient) -> None:
    affected = await replayed(
        make_client, ["ban_se"], lambda c: c.storage.ban("gsiftp://banned-se.example.org", timeout=0)
    )
    assert affected == []
    replay = Replay("ban_se_wait")
    await call(
        make_client(replay).storage.ban(
            "gsiftp://slow-se.example.org", status="wait", allow_submit=True, message="maintenance", timeout=3600
        )
    )
    assert json.loads(replay.requests[0].content) == load("ban_se_wait").request_body
    banned = await replayed(make_client, ["ban_se_list"], lambda c: c.storage.list_banned())
    assert all(isinstance(b, StorageBan) for b in banned)
    assert (
        await replayed(make_client, ["unban_se"], lambda c: c.storage.unban("gsiftp://banned-se.example.org")) is None
    )


async def test_storage_ban_refuses_allow_submit_with_cancel(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="allow_submit"):
        await call(make_client(Replay()).storage.ban("gsiftp://x.example.org", allow_submit=True))


async def test_user_bans(make_client: MakeClient) -> None:
    bob = "/DC=org/DC=example/O=Test/CN=Bob"
    assert await replayed(make_client, ["ban_dn"], lambda c: c.users.ban(bob)) == [
        "eae8b6b0-eaaa-11f1-970e-02fc00000001"
    ]
    banned = await replayed(make_client, ["ban_dn_list"], lambda c: c.users.list_banned())
    assert isinstance(banned[0], UserBan)
    assert await replayed(make_client, ["unban_dn"], lambda c: c.users.unban(bob)) is None
    with pytest.raises(errors.ClientError, match="409"):
        await replayed(
            make_client, ["ban_dn_self_409"], lambda c: c.users.ban("/DC=org/DC=example/O=Test/CN=localhost")
        )


async def test_delegation_info_and_delete(make_client: MakeClient) -> None:
    info = await replayed(make_client, ["delegation_get"], lambda c: c.delegation.info("b039e71fde61be6f"))
    assert isinstance(info, Delegation)
    for name in ("delegation_get_none", "delegation_get_none_legacy"):
        assert await replayed(make_client, [name], lambda c: c.delegation.info("73f5b099addb309b")) is None
    assert await replayed(make_client, ["whoami", "delegation_get"], lambda c: c.delegation.info()) == info
    assert await replayed(make_client, ["delegation_delete"], lambda c: c.delegation.delete("73f5b099addb309b")) is None
    with pytest.raises(errors.NotFound):
        await replayed(make_client, ["delegation_delete_404"], lambda c: c.delegation.delete("73f5b099addb309b"))


async def test_delegation_voms(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/delegation/b039e71fde61be6f/voms"
        assert json.loads(request.content) == ["dteam"]
        return httpx.Response(203, text="2026-11-28 09:38:43.123456", headers={"content-type": "text/plain"})

    expiry = await call(make_client(handler).delegation.voms(["dteam"], delegation_id="b039e71fde61be6f"))
    assert expiry == datetime(2026, 11, 28, 9, 38, 43, 123456, tzinfo=timezone.utc)


async def test_escape_hatch(make_client: MakeClient) -> None:
    schema = await replayed(make_client, ["api_docs_schema_submit"], lambda c: c.get("/api-docs/schema/submit"))
    assert schema["type"] == "object"
    assert (
        await replayed(
            make_client,
            ["unban_dn"],
            lambda c: c.delete("ban/dn", params={"user_dn": load("unban_dn").query["user_dn"]}),
        )
        is None
    )


SYNC_ASYNC = [
    (jobs.Jobs, jobs.AsyncJobs),
    (jobs.Files, jobs.AsyncFiles),
    (jobs.Archive, jobs.AsyncArchive),
    (bans.Storage, bans.AsyncStorage),
    (bans.Users, bans.AsyncUsers),
    (delegation.Delegations, delegation.AsyncDelegations),
    (config.Config, config.AsyncConfig),
    (config.GlobalSettings, config.AsyncGlobalSettings),
    (config.Links, config.AsyncLinks),
    (config.Shares, config.AsyncShares),
    (config_storages.Storages, config_storages.AsyncStorages),
    (config_storages.CloudStorages, config_storages.AsyncCloudStorages),
    (config_grants.Authorizations, config_grants.AsyncAuthorizations),
    (config_grants.Activities, config_grants.AsyncActivities),
    (optimizer.OptimizerControl, optimizer.AsyncOptimizerControl),
    (status.Status, status.AsyncStatus),
    (dm.Namespace, dm.AsyncNamespace),
    (Client, AsyncClient),
]


@pytest.mark.parametrize(("sync", "async_"), SYNC_ASYNC)
def test_parity(sync: type, async_: type) -> None:
    def public(cls: type) -> dict[str, Any]:
        return {n: m for n, m in inspect.getmembers(cls) if not n.startswith("_") and callable(m)}

    sync_methods, async_methods = public(sync), public(async_)
    renamed = {"close": "aclose"}
    assert {renamed.get(n, n) for n in sync_methods} == set(async_methods)
    for name, method in sync_methods.items():
        twin = async_methods[renamed.get(name, name)]
        if name in ("with_options", "load_credential"):
            continue
        assert inspect.iscoroutinefunction(twin), name
        assert inspect.signature(method).parameters.keys() == inspect.signature(twin).parameters.keys(), name
        for key, param in inspect.signature(method).parameters.items():
            assert param.default == inspect.signature(twin).parameters[key].default, (name, key)
        assert inspect.getdoc(method) == inspect.getdoc(twin), name


async def test_wait_can_follow_the_files(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["files"] == FILE_FIELDS
        body = dict(load("sim_job_get_finished").body, files=load("sim_job_files_finished").body)
        return httpx.Response(200, json=body)

    seen: list[int] = []
    client = make_client(handler)
    job_id = "ee535724-eaaa-11f1-b0bb-02fc00000001"
    job = await call(client.jobs.wait(job_id, files=True, on_update=lambda j: seen.append(len(j.files or []))))
    assert job.is_terminal
    assert seen == [2]
