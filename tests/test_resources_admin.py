"""The admin API resources, sync and async, against the recorded answers of a real server (admin-api set)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fts3sdk import (
    ActivityShareConfig,
    AuthorizationByDn,
    CancelAllResult,
    CloudStorage,
    ForceStartRefusal,
    GlobalConfig,
    HostActivity,
    LinkConfig,
    ShareConfig,
    StorageSettings,
    TpcSupport,
    errors,
)
from fts3sdk.resources.dm import gfal_errno
from tests.conftest import AnyClient, Replay, call, recorded_response
from tests.recordings import SetName, load

pytestmark = pytest.mark.anyio
MakeClient = Callable[..., AnyClient]
ADMIN: SetName = "admin-api"
ALICE_DLG = "b039e71fde61be6f"
BOB = "/DC=org/DC=example/O=Test/CN=Bob"


async def replayed(
    make_client: MakeClient, names: list[str], action: Callable[[AnyClient], Any], **options: Any
) -> Any:
    replay = Replay(*names, set=ADMIN)
    result = await call(action(make_client(replay, **options)))
    replay.done()
    return result


def answering(*names: str, sent: list[httpx.Request] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """A handler answering the recordings in order without comparing request bodies (for bodies the SDK builds)."""
    queue = [load(name, ADMIN) for name in names]

    def handler(request: httpx.Request) -> httpx.Response:
        rec = queue.pop(0)
        assert (request.method, request.url.path) == (rec.method, rec.path)
        if sent is not None:
            sent.append(request)
        return recorded_response(rec)

    return handler


# --- hosts, drain, audit ------------------------------------------------------------------------------------


async def test_hosts_and_drain(make_client: MakeClient) -> None:
    hosts = await replayed(make_client, ["config_index"], lambda c: c.config.hosts())
    assert {h.service_name for h in hosts} == {"fts_rest", "fts_token_refresh_daemon"}
    assert not any(h.drain for h in hosts)
    drained = await replayed(
        make_client, ["config_drain", "config_index_after_drain"], lambda c: c.config.drain("localhost")
    )
    assert len(drained) == 2
    assert all(h.drain for h in drained)
    back = await replayed(make_client, ["config_undrain", "config_index"], lambda c: c.config.undrain("localhost"))
    assert not any(h.drain for h in back)


async def test_drain_errors(make_client: MakeClient) -> None:
    with pytest.raises(errors.ClientError, match="Host not found"):
        await replayed(make_client, ["config_drain_400_host_not_found"], lambda c: c.config.drain("no.such.host"))
    with pytest.raises(errors.Unauthorized):
        await replayed(make_client, ["config_drain_forbidden_403"], lambda c: c.config.drain("localhost"))
    with pytest.raises(ValueError, match="hostname"):
        await call(make_client(Replay()).config.drain(""))


async def test_config_gets_ask_for_json(make_client: MakeClient) -> None:
    accepted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        accepted.append(request.headers["accept"])
        return recorded_response(load("config_index", ADMIN))

    await call(make_client(handler).config.hosts())
    assert accepted == ["application/json"], "Accept: */* would get the HTML page"


async def test_audit(make_client: MakeClient) -> None:
    entries = await replayed(make_client, ["config_audit"], lambda c: c.config.audit())
    assert entries[0].action == "set-globals"
    assert entries[0].datetime >= entries[-1].datetime
    with pytest.raises(errors.Unauthorized):
        await replayed(make_client, ["config_audit_forbidden_403"], lambda c: c.config.audit())


# --- global settings ----------------------------------------------------------------------------------------


async def test_globals_read(make_client: MakeClient) -> None:
    every = await replayed(make_client, ["config_global_get_after_set"], lambda c: c.config.globals.list())
    assert set(every) == {"*", "dteam"}
    fresh = await replayed(make_client, ["config_global_get"], lambda c: c.config.globals.get())
    assert fresh == GlobalConfig()
    assert await replayed(make_client, ["config_global_get"], lambda c: c.config.globals.get("atlas")) is None


async def test_globals_set_reads_back_what_the_broken_answer_hides(make_client: MakeClient) -> None:
    sent: list[httpx.Request] = []
    handler = answering("config_global_set", "config_global_get_after_set", sent=sent)
    stored = await call(
        make_client(handler).config.globals.set(
            retry=3, max_time_queue=48, global_timeout=600, sec_per_mb=2, show_user_dn=True
        )
    )
    assert stored.retry == 3
    assert stored.show_user_dn is True
    assert json.loads(sent[0].content) == {"vo_name": "*", **load("config_global_set", ADMIN).request_body}
    assert sent[0].headers["content-type"] == "application/json"


async def test_globals_set_for_a_vo(make_client: MakeClient) -> None:
    stored = await replayed(
        make_client,
        ["config_global_set_vo", "config_global_get_after_set"],
        lambda c: c.config.globals.set("dteam", retry=5, no_streaming=False),
    )
    assert (stored.vo_name, stored.retry, stored.no_streaming) == ("dteam", 5, False)


async def test_globals_set_raises_when_the_change_is_not_stored(make_client: MakeClient) -> None:
    handler = answering("config_global_set", "config_global_get")
    with pytest.raises(errors.FTS3ClientException, match="peer closed connection") as caught:
        await call(make_client(handler).config.globals.set(retry=3))
    assert caught.value.status_code is None


async def test_globals_set_and_delete_are_checked_locally(make_client: MakeClient) -> None:
    client = make_client(Replay())
    with pytest.raises(ValueError, match="retry"):
        await call(client.config.globals.set(retry=-1))
    with pytest.raises(ValueError, match="at least one"):
        await call(client.config.globals.set("dteam"))
    with pytest.raises(ValueError, match="defaults"):
        await call(client.config.globals.delete("*"))
    assert await replayed(make_client, ["config_global_delete"], lambda c: c.config.globals.delete("dteam")) is None


# --- links and shares ---------------------------------------------------------------------------------------


async def test_links(make_client: MakeClient) -> None:
    created = await replayed(
        make_client,
        ["config_links_set"],
        lambda c: c.config.links.set(
            "harness-link",
            source="gsiftp://source.example.org",
            destination="gsiftp://dest.example.org",
            min_active=2,
            max_active=10,
            optimizer_mode=1,
            tcp_buffer_size=0,
            nostreams=4,
            no_delegation=False,
        ),
    )
    assert isinstance(created, LinkConfig)
    assert created.max_active == 10
    star = await replayed(make_client, ["config_links_set_defaults"], lambda c: c.config.links.set("star-link"))
    assert (star.source, star.destination, star.nostreams) == ("*", "*", None)
    updated = await replayed(
        make_client, ["config_links_set_update"], lambda c: c.config.links.set("harness-link", max_active=20)
    )
    assert updated.nostreams == 4
    listed = await replayed(make_client, ["config_links_list"], lambda c: c.config.links.list())
    assert [link.symbolicname for link in listed] == ["star-link", "harness-link"]
    one = await replayed(make_client, ["config_links_get"], lambda c: c.config.links.get("harness-link"))
    assert one.max_active == 20
    with pytest.raises(errors.NotFound, match="does not exist"):
        await replayed(make_client, ["config_links_get_404"], lambda c: c.config.links.get("no-such-link"))
    assert await replayed(make_client, ["config_links_delete"], lambda c: c.config.links.delete("token-link")) is None


async def test_links_are_checked_locally(make_client: MakeClient) -> None:
    client = make_client(Replay())
    with pytest.raises(ValueError, match="min_active"):
        await call(client.config.links.set("bad-link", min_active=5, max_active=1))
    with pytest.raises(ValueError, match="min_active"):
        await call(client.config.links.set("bad-link", min_active=5))
    with pytest.raises(ValueError, match="no_delegation"):
        await call(client.config.links.set("bad-link", no_delegation=1))  # type: ignore[arg-type]


async def test_shares(make_client: MakeClient) -> None:
    share = await replayed(
        make_client,
        ["config_shares_set"],
        lambda c: c.config.shares.set(
            "gsiftp://source.example.org/path", "gsiftp://dest.example.org:2811/x", "dteam", share=10
        ),
    )
    assert share == ShareConfig(
        source="gsiftp://source.example.org", destination="gsiftp://dest.example.org", vo="dteam", share=10
    )
    listed = await replayed(make_client, ["config_shares_list"], lambda c: c.config.shares.list())
    assert share in listed
    deleted = await replayed(
        make_client,
        ["config_shares_delete"],
        lambda c: c.config.shares.delete("gsiftp://source.example.org", "gsiftp://dest.example.org", "dteam"),
    )
    assert deleted is None
    client = make_client(Replay())
    with pytest.raises(ValueError, match="source"):
        await call(client.config.shares.set("not-a-url", "gsiftp://b.example.org", "dteam", share=5))
    with pytest.raises(ValueError, match="share"):
        await call(client.config.shares.set("gsiftp://a.example.org", "gsiftp://b.example.org", "dteam", share=-1))


# --- storages -----------------------------------------------------------------------------------------------


async def test_storages(make_client: MakeClient) -> None:
    settings = StorageSettings(
        site="HARNESS-SITE",
        se_metadata="test storage",
        ipv6=True,
        udt=False,
        debug_level=1,
        eviction=False,
        skip_eviction=False,
        inbound_max_active=50,
        inbound_max_throughput=100.5,
        outbound_max_active=40,
        outbound_max_throughput=80,
        tpc_support="FULL",
        overwrite_disk_enabled=False,
    )
    operations = {"dteam": {"delete": 10, "staging": 20}}
    stored = await replayed(
        make_client,
        ["config_se_set"],
        lambda c: c.config.storages.set("gsiftp://se.example.org", settings=settings, operations=operations),
    )
    assert stored.se_info is not None
    assert stored.se_info.tpc_support is TpcSupport.FULL
    assert stored.operations == operations
    limits_only = await replayed(
        make_client,
        ["config_se_set_ops_only"],
        lambda c: c.config.storages.set("gsiftp://se2.example.org", operations={"atlas": {"delete": 5}}),
    )
    assert limits_only.se_info is None
    every = await replayed(make_client, ["config_se_get"], lambda c: c.config.storages.list())
    assert set(every) == {"*", "gsiftp://se.example.org", "gsiftp://se2.example.org"}
    one = await replayed(make_client, ["config_se_get_one"], lambda c: c.config.storages.get("gsiftp://se.example.org"))
    assert one is not None
    assert one.operations == operations
    none = await replayed(
        make_client, ["config_se_get_unknown"], lambda c: c.config.storages.get("gsiftp://nothing.example.org")
    )
    assert none is None
    assert (
        await replayed(
            make_client, ["config_se_delete"], lambda c: c.config.storages.delete("gsiftp://se2.example.org")
        )
        is None
    )


async def test_storage_settings_are_checked_locally(make_client: MakeClient) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="tpc_support"):
        StorageSettings(tpc_support="SOMETIMES")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="colour"):
        StorageSettings(colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="settings"):
        await call(make_client(Replay()).config.storages.set("gsiftp://se.example.org"))


# --- authorizations and activity shares ---------------------------------------------------------------------


async def test_authorizations(make_client: MakeClient) -> None:
    granted = await replayed(
        make_client, ["config_authorize_add"], lambda c: c.config.authorizations.grant(BOB, "config")
    )
    assert granted == AuthorizationByDn(dn=BOB, operation="config")
    again = await replayed(
        make_client, ["config_authorize_add_existing"], lambda c: c.config.authorizations.grant(BOB, "config")
    )
    assert again == granted
    assert await replayed(make_client, ["config_authorize_list"], lambda c: c.config.authorizations.list()) == [granted]
    filtered = await replayed(
        make_client,
        ["config_authorize_list_filtered"],
        lambda c: c.config.authorizations.list(dn=BOB, operation="config"),
    )
    assert filtered == [granted]
    assert (
        await replayed(
            make_client, ["config_authorize_remove"], lambda c: c.config.authorizations.revoke(BOB, "config")
        )
        is None
    )
    with pytest.raises(errors.Unauthorized, match="Certificate required"):
        await replayed(make_client, ["config_authorize_forbidden_token_403"], lambda c: c.config.authorizations.list())
    with pytest.raises(ValueError, match="admin"):
        await call(make_client(Replay()).config.authorizations.grant(BOB, "admin"))


async def test_activity_shares(make_client: MakeClient) -> None:
    stored = await replayed(
        make_client,
        ["config_activity_shares_set"],
        lambda c: c.config.activity_shares.set("dteam", {"express": 10, "default": 1.5}),
    )
    assert isinstance(stored, ActivityShareConfig)
    assert stored.shares == {"express": 10, "default": 1.5}
    every = await replayed(make_client, ["config_activity_shares_list"], lambda c: c.config.activity_shares.list())
    assert every["atlas"].share == {"Production": 5, "User": 1}
    one = await replayed(make_client, ["config_activity_shares_get"], lambda c: c.config.activity_shares.get("dteam"))
    assert one.active is True
    assert (
        await replayed(
            make_client, ["config_activity_shares_delete"], lambda c: c.config.activity_shares.delete("atlas")
        )
        is None
    )
    with pytest.raises(errors.NotFound):
        await replayed(
            make_client, ["config_activity_shares_delete_404"], lambda c: c.config.activity_shares.delete("atlas")
        )
    with pytest.raises(ValueError, match="weight"):
        await call(make_client(Replay()).config.activity_shares.set("dteam", {"a": "heavy"}))  # type: ignore[dict-item]


async def test_activity_shares_of_an_unknown_vo_is_not_found(make_client: MakeClient) -> None:
    with pytest.raises(errors.NotFound, match="nosuchvo") as caught:
        await replayed(
            make_client,
            ["config_activity_shares_get_unknown_500", "config_activity_shares_list"],
            lambda c: c.config.activity_shares.get("nosuchvo"),
        )
    assert caught.value.status_code == 500


# --- cloud storages -----------------------------------------------------------------------------------------


async def test_cloud_storage_register_reads_back_what_the_broken_answer_hides(make_client: MakeClient) -> None:
    stored = await replayed(
        make_client,
        ["config_cloud_storage_set", "config_cloud_storage_list"],
        lambda c: c.config.cloud_storages.register(
            "DROPBOX",
            app_key="harness-app-key",
            app_secret="harness-app-secret",
            service_api_url="https://api.dropbox.example.org",
        ),
    )
    assert isinstance(stored, CloudStorage)
    assert stored.users == []


async def test_cloud_storage_users(make_client: MakeClient) -> None:
    added = await replayed(
        make_client,
        ["config_cloud_storage_add_vo"],
        lambda c: c.config.cloud_storages.add_user(
            "DROPBOX", vo="dteam", access_token="vo-token", access_token_secret="vo-secret"
        ),
    )
    assert (added.vo_name, added.user_dn) == ("dteam", "")
    users = await replayed(
        make_client, ["config_cloud_storage_get_users"], lambda c: c.config.cloud_storages.users("DROPBOX")
    )
    assert {u.vo_name or u.user_dn for u in users} == {"dteam", "/DC=org/DC=example/O=Test/CN=Alice"}
    listed = await replayed(
        make_client, ["config_cloud_storage_list_with_users"], lambda c: c.config.cloud_storages.list()
    )
    assert len(listed[0].users) == 2
    removed = await replayed(
        make_client,
        ["config_cloud_storage_remove_user"],
        lambda c: c.config.cloud_storages.remove_user("DROPBOX", "dteam"),
    )
    assert removed is None
    assert (
        await replayed(
            make_client, ["config_cloud_storage_remove"], lambda c: c.config.cloud_storages.delete("DROPBOX")
        )
        is None
    )
    with pytest.raises(errors.NotFound, match="does not exist"):
        await replayed(make_client, ["config_cloud_storage_get_404"], lambda c: c.config.cloud_storages.users("NOSUCH"))
    with pytest.raises(ValueError, match="exactly one"):
        await call(make_client(Replay()).config.cloud_storages.add_user("DROPBOX", vo="dteam", user_dn=BOB))


# --- optimizer, status, autocomplete ------------------------------------------------------------------------


async def test_optimizer(make_client: MakeClient) -> None:
    assert await replayed(make_client, ["optimizer_enabled"], lambda c: c.optimizer.enabled()) is True
    current = await replayed(make_client, ["optimizer_current"], lambda c: c.optimizer.current())
    assert len(current) == 3
    one = await replayed(
        make_client,
        ["optimizer_current_filtered"],
        lambda c: c.optimizer.current(source_se="gsiftp://source.example.org", dest_se="gsiftp://dest.example.org"),
    )
    assert one[0].active == 8
    steps = await replayed(make_client, ["optimizer_evolution"], lambda c: c.optimizer.evolution())
    assert steps[0].rationale == "harness recording"
    assert await replayed(make_client, ["optimizer_evolution_empty"], lambda c: c.optimizer.evolution()) == []


async def test_optimizer_set(make_client: MakeClient) -> None:
    body = load("optimizer_current_set", ADMIN).request_body
    update = await replayed(make_client, ["optimizer_current_set"], lambda c: c.optimizer.set(**body))
    assert update.optimizer.nostreams == 2
    assert update.evolution.queue_size == 3
    defaults = await replayed(
        make_client,
        ["optimizer_current_set_anonymous"],
        lambda c: c.optimizer.set("gsiftp://a.example.org", "gsiftp://b.example.org"),
    )
    assert (defaults.optimizer.active, defaults.optimizer.nostreams) == (2, 1)
    with pytest.raises(ValueError, match="ema"):
        await call(make_client(Replay()).optimizer.set("gsiftp://a.example.org", "gsiftp://b.example.org", ema=-1))


async def test_status_hosts(make_client: MakeClient) -> None:
    activity = await replayed(make_client, ["sim_status_hosts"], lambda c: c.status.hosts())
    assert activity == {
        "fts-node2.example.org": HostActivity(staging=1),
        "fts-node1.example.org": HostActivity(active=1),
    }
    nameless = await replayed(make_client, ["sim_status_hosts_null_host"], lambda c: c.status.hosts())
    assert nameless["null"].active == 1
    with pytest.raises(errors.Unauthorized, match="Certificate required"):
        await replayed(make_client, ["status_hosts_token_403"], lambda c: c.status.hosts())


async def test_autocomplete(make_client: MakeClient) -> None:
    dns = await replayed(make_client, ["autocomplete_dn"], lambda c: c.autocomplete("dn", "/DC=org"))
    assert "/DC=org/DC=example/O=Test/CN=Alice" in dns
    assert await replayed(make_client, ["autocomplete_dn_default"], lambda c: c.autocomplete("dn")) == []
    storages = await replayed(make_client, ["autocomplete_storage"], lambda c: c.autocomplete("storage", ""))
    assert "*" in storages
    with pytest.raises(ValueError, match="kind"):
        await call(make_client(Replay()).autocomplete("se"))  # type: ignore[arg-type]


# --- data management ----------------------------------------------------------------------------------------

MOCK = "mock://storage.example.org/harness"


async def test_dm_list_and_stat(make_client: MakeClient) -> None:
    query = load("dm_list", ADMIN).query["surl"]
    listing = await replayed(make_client, ["dm_list"], lambda c: c.dm.list(query))
    assert listing["subdir/"].is_dir
    assert listing["file1"].size == 1024
    info = await replayed(make_client, ["dm_stat"], lambda c: c.dm.stat(f"{MOCK}/file?size=1048576"))
    assert (info.size, info.is_file) == (1048576, True)


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("dm_stat_404", errors.NotFound, 2),
        ("dm_stat_403", errors.Unauthorized, 13),
        ("dm_stat_503", errors.TryAgain, 16),
        ("dm_stat_500_other_errno", errors.ServerError, 5),
    ],
)
async def test_dm_errors_by_errno(make_client: MakeClient, name: str, kind: type[Exception], code: int) -> None:
    surl = load(name, ADMIN).query["surl"]
    with pytest.raises(kind) as caught:
        await replayed(make_client, [name], lambda c: c.dm.stat(surl), retries=0)
    assert isinstance(caught.value, errors.FTS3ClientException)
    assert gfal_errno(caught.value) == code


async def test_dm_writes(make_client: MakeClient) -> None:
    assert await replayed(make_client, ["dm_unlink"], lambda c: c.dm.unlink(f"{MOCK}/file")) is None
    with pytest.raises(errors.NotFound):
        await replayed(make_client, ["dm_unlink_404"], lambda c: c.dm.unlink(f"{MOCK}/file?errno=2"))
    for name, action in (
        ("dm_mkdir_mock_unsupported_400", lambda c: c.dm.mkdir(f"{MOCK}/newdir")),
        ("dm_rmdir_mock_unsupported_400", lambda c: c.dm.rmdir(f"{MOCK}/dir")),
        ("dm_rename_mock_unsupported_400", lambda c: c.dm.rename(f"{MOCK}/a", f"{MOCK}/b")),
    ):
        with pytest.raises(errors.ClientError) as caught:
            await replayed(make_client, [name], action)
        assert gfal_errno(caught.value) == 93
    with pytest.raises(errors.NeedDelegation):
        await replayed(make_client, ["dm_mkdir_no_delegation_419"], lambda c: c.dm.mkdir(f"{MOCK}/newdir"))
    with pytest.raises(errors.ClientError) as not_dir:
        await replayed(make_client, ["dm_list_not_dir_400"], lambda c: c.dm.list(f"{MOCK}/file"))
    assert gfal_errno(not_dir.value) == 20


async def test_dm_refusals_from_inside_gfal2_are_client_errors(make_client: MakeClient) -> None:
    handler = answering("dm_mkdir_empty_surl_500")
    with pytest.raises(errors.ClientError, match="No parameter") as caught:
        await call(make_client(handler).dm.mkdir(f"{MOCK}/newdir"))
    assert caught.value.status_code == 500, "the real status is kept"


async def test_dm_urls_are_checked_locally(make_client: MakeClient) -> None:
    client = make_client(Replay())
    for bad in ("", "file:///etc", "no-scheme"):
        with pytest.raises(ValueError, match="surl"):
            await call(client.dm.stat(bad))
    with pytest.raises(ValueError, match="new"):
        await call(client.dm.rename(f"{MOCK}/a", ""))


# --- admin job operations, certificate, VOMS ----------------------------------------------------------------


async def test_force_start(make_client: MakeClient) -> None:
    ids = load("force_start", ADMIN).request_body
    refused = await replayed(make_client, ["force_start"], lambda c: c.jobs.force_start(ids))
    assert refused == [
        ForceStartRefusal(file_id=8872390197, error="File is not in SUBMITTED state"),
        ForceStartRefusal(file_id=999999999, error="File does not exist"),
    ]
    assert await replayed(make_client, ["force_start_empty_list"], lambda c: c.jobs.force_start([])) == []
    with pytest.raises(errors.Unauthorized):
        await replayed(make_client, ["force_start_forbidden_403"], lambda c: c.jobs.force_start([8872390200]))
    with pytest.raises(ValueError, match="integers"):
        await call(make_client(Replay()).jobs.force_start(["8872390200"]))  # type: ignore[list-item]


async def test_cancel_all_of_a_vo(make_client: MakeClient) -> None:
    counters = await replayed(make_client, ["jobs_cancel_vo_root"], lambda c: c.jobs.cancel_all(ALICE_DLG))
    assert counters == CancelAllResult(affected_files=5, affected_dm=0, affected_jobs=3)
    with pytest.raises(errors.Unauthorized, match="root"):
        await replayed(make_client, ["jobs_cancel_vo_forbidden_403"], lambda c: c.jobs.cancel_all(ALICE_DLG))


async def test_whoami_certificate(make_client: MakeClient) -> None:
    pem = await replayed(make_client, ["whoami_certificate_root"], lambda c: c.whoami_certificate())
    assert pem.count("-----BEGIN CERTIFICATE-----") >= 2
    with pytest.raises(errors.Unauthorized, match="Certificate required"):
        await replayed(make_client, ["whoami_certificate_token_403"], lambda c: c.whoami_certificate())


async def test_voms_without_voms_clients_on_the_server(make_client: MakeClient) -> None:
    with pytest.raises(errors.ServerError):
        await replayed(
            make_client,
            ["delegation_voms_no_voms_500"],
            lambda c: c.delegation.voms(["dteam"], delegation_id=ALICE_DLG),
        )
    with pytest.raises(errors.Unauthorized, match="do not match"):
        await replayed(
            make_client,
            ["delegation_voms_403_other_id"],
            lambda c: c.delegation.voms(["dteam"], delegation_id="0000000000000000"),
        )


def test_sync_and_async_resources_offer_the_same_sub_resources() -> None:
    import inspect

    from fts3sdk import AsyncClient, Client
    from fts3sdk.resources import config

    for sync, async_ in ((Client, AsyncClient), (config.Config, config.AsyncConfig)):
        names = {n for n, m in inspect.getmembers(sync) if isinstance(m, property) and not n.startswith("_")}
        twins = {n for n, m in inspect.getmembers(async_) if isinstance(m, property) and not n.startswith("_")}
        assert names == twins
        for name in names:
            assert inspect.getdoc(getattr(sync, name)) == inspect.getdoc(getattr(async_, name)), name
