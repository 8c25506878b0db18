"""The admin API resources, sync and async, against FakeFTS: state that holds together from call to call."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import httpx
import pytest

from fts3sdk import Client, StorageSettings, errors
from fts3sdk.resources.dm import gfal_errno
from fts3sdk.testing import FakeFTS, HTTPSServer, Identity, IssuedCertificate, KeyPool, ThrowawayPKI
from tests.conftest import AnyClient, call

pytestmark = pytest.mark.anyio
ALICE = "/DC=org/DC=example/O=Test/CN=Alice"
BOB = "/DC=org/DC=example/O=Test/CN=Bob"
SRC = "gsiftp://source.example.org"
DST = "gsiftp://dest.example.org"
DAVS = "davs://storage.example.org:443/data"
Connect = Callable[..., AnyClient]


@pytest.fixture
def fake(fts_key_pool: KeyPool) -> FakeFTS:
    return FakeFTS(key_pool=fts_key_pool)


@pytest.fixture
def connect(make_client: Callable[..., AnyClient], fake: FakeFTS) -> Connect:
    """A client of either kind speaking to ``fake`` as an identity (default: root)."""

    def make(identity: Identity | None = None) -> AnyClient:
        return make_client(fake.transport(identity or fake.root_identity()))

    return make


async def test_a_link_is_created_listed_audited_and_deleted(connect: Connect, fake: FakeFTS) -> None:
    root = connect()
    created = await call(root.config.links.set("cern-bnl", source=SRC, destination=DST, max_active=10))
    assert (created.min_active, created.max_active, created.nostreams) == (2, 10, None)
    listed = await call(root.config.links.list())
    assert [link.symbolicname for link in listed] == ["cern-bnl"]
    assert listed[0].nostreams == 0, "the stored link has the server's defaults"
    assert (await call(root.config.links.get("cern-bnl"))).max_active == 10
    fake.clock.advance(1)  # the audit is newest first; changes of one second stay in their order
    await call(root.config.links.delete("cern-bnl"))
    with pytest.raises(errors.NotFound):
        await call(root.config.links.get("cern-bnl"))
    actions = [(entry.action, entry.dn) for entry in await call(root.config.audit())]
    assert actions[:2] == [("link-delete", "/DC=org/DC=example/O=Test/CN=localhost"), ("link", actions[1][1])]
    assert (await call(root.config.audit()))[1].config_json == {
        "symbolicname": "cern-bnl",
        "source": SRC,
        "destination": DST,
        "max_active": 10,
    }


async def test_a_drained_host_shows_drained(connect: Connect, fake: FakeFTS) -> None:
    fake.add_host("fts-node1.example.org")
    root = connect()
    drained = await call(root.config.drain("fts-node1.example.org"))
    assert [(h.hostname, h.drain) for h in drained] == [("fts-node1.example.org", True)]
    fake.clock.advance(1)
    states = {h.hostname: h.drain for h in await call(root.config.hosts())}
    assert states == {"fts-node1.example.org": True, "localhost": False}
    assert not any(h.drain for h in await call(root.config.undrain("fts-node1.example.org")))
    with pytest.raises(errors.ClientError, match="Host not found"):
        await call(root.config.drain("nowhere.example.org"))
    assert (await call(root.config.audit()))[0].config == "Turning drain False the drain mode for fts-node1.example.org"


async def test_global_settings_survive_the_broken_answer(connect: Connect) -> None:
    root = connect()
    assert await call(root.config.globals.get()) == await call(root.config.globals.get("*"))
    stored = await call(root.config.globals.set(retry=3, max_time_queue=48, show_user_dn=True))
    assert (stored.retry, stored.max_time_queue, stored.show_user_dn, stored.global_timeout) == (3, 48, True, 0)
    vo = await call(root.config.globals.set("atlas", retry=5))
    assert vo.vo_name == "atlas"
    assert set(await call(root.config.globals.list())) == {"*", "atlas"}
    await call(root.config.globals.delete("atlas"))
    assert await call(root.config.globals.get("atlas")) is None


async def test_shares_storages_and_limits(connect: Connect) -> None:
    root = connect()
    share = await call(root.config.shares.set(f"{SRC}/path", f"{DST}:2811/x", "dteam", share=30))
    assert (share.source, share.destination) == (SRC, DST)
    assert await call(root.config.shares.list()) == [share]
    await call(root.config.shares.delete(SRC, DST, "dteam"))
    assert await call(root.config.shares.list()) == []

    settings = StorageSettings(inbound_max_active=50, ipv6=True, tpc_support="PULL")
    stored = await call(root.config.storages.set(SRC, settings=settings, operations={"dteam": {"delete": 10}}))
    assert stored.se_info is not None
    assert stored.se_info.inbound_max_active == 50
    again = await call(root.config.storages.get(SRC))
    assert again is not None
    assert again.se_info is not None
    assert (again.se_info.ipv6, again.se_info.tpc_support, again.operations) == (
        True,
        "PULL",
        {"dteam": {"delete": 10}},
    )
    await call(root.config.storages.set(SRC, operations={"dteam": {"delete": 0}}))
    cleared = await call(root.config.storages.get(SRC))
    assert cleared is not None
    assert cleared.operations is None, "a limit of 0 removes it"
    assert set(await call(root.config.storages.list())) == {"*", SRC}
    await call(root.config.storages.delete(SRC))
    assert await call(root.config.storages.get(SRC)) is None


async def test_a_grant_opens_the_configuration_to_a_user(connect: Connect) -> None:
    root, bob = connect(), connect(Identity.certificate(BOB))
    with pytest.raises(errors.Unauthorized):
        await call(bob.config.hosts())
    await call(root.config.authorizations.grant(BOB, "config"))
    assert [grant.operation for grant in await call(root.config.authorizations.list(dn=BOB))] == ["config"]
    assert await call(bob.config.hosts())
    assert (await call(bob.whoami())).level["config"] == "all"
    await call(root.config.authorizations.revoke(BOB))
    with pytest.raises(errors.Unauthorized):
        await call(bob.config.hosts())


async def test_activity_shares(connect: Connect) -> None:
    root = connect()
    stored = await call(root.config.activity_shares.set("atlas", {"Production": 5, "User": 1}, active=False))
    assert stored.shares == {"Production": 5, "User": 1}
    shares = await call(root.config.activity_shares.get("atlas"))
    assert (shares.share, shares.active) == ({"Production": 5, "User": 1}, False)
    assert set(await call(root.config.activity_shares.list())) == {"atlas"}
    await call(root.config.activity_shares.delete("atlas"))
    with pytest.raises(errors.NotFound, match="atlas"):
        await call(root.config.activity_shares.get("atlas"))
    with pytest.raises(errors.NotFound):
        await call(root.config.activity_shares.delete("atlas"))


async def test_cloud_storages_survive_the_broken_answer(connect: Connect) -> None:
    root = connect()
    storage = await call(
        root.config.cloud_storages.register(
            "S3-CERN", app_key="key", app_secret="secret", service_api_url="https://s3.example.org"
        )
    )
    assert (storage.storage_name, storage.users) == ("S3-CERN", [])
    user = await call(
        root.config.cloud_storages.add_user("S3-CERN", user_dn=ALICE, access_token="a", access_token_secret="b")
    )
    assert user.user_dn == ALICE
    await call(root.config.cloud_storages.add_user("S3-CERN", vo="dteam", access_token="c"))
    users = await call(root.config.cloud_storages.users("S3-CERN"))
    assert [(u.user_dn, u.vo_name) for u in users] == [("", "dteam"), (ALICE, "")]
    assert users[1].access_token_secret == "b"
    await call(root.config.cloud_storages.remove_user("S3-CERN", "dteam"))
    assert len((await call(root.config.cloud_storages.list()))[0].users) == 1
    await call(root.config.cloud_storages.delete("S3-CERN"))
    assert await call(root.config.cloud_storages.list()) == []
    with pytest.raises(errors.NotFound):
        await call(root.config.cloud_storages.users("S3-CERN"))
    with pytest.raises(errors.Unauthorized, match="Certificate required"):
        await call(connect(Identity.anonymous()).config.cloud_storages.list())


async def test_optimizer(connect: Connect, fake: FakeFTS) -> None:
    alice = connect(Identity.certificate(ALICE))
    assert await call(alice.optimizer.enabled()) is True
    update = await call(alice.optimizer.set(SRC, DST, active=8, nostreams=2, ema=12.5, rationale="test"))
    assert (update.optimizer.active, update.optimizer.nostreams, update.evolution.rationale) == (8, 2, "test")
    fake.clock.advance(1)
    await call(alice.optimizer.set(SRC, DST, active=9))
    assert [row.active for row in await call(alice.optimizer.current(source_se=SRC))] == [9]
    assert [step.active for step in await call(alice.optimizer.evolution(dest_se=DST))] == [9, 8]
    assert await call(alice.optimizer.current(source_se="gsiftp://elsewhere.example.org")) == []


async def test_status_hosts_autocomplete_and_force_start(connect: Connect, fake: FakeFTS) -> None:
    fake.add_delegation()
    body = {"files": [{"sources": [f"{SRC}/f{n}"], "destinations": [f"{DST}/f{n}"]} for n in range(2)]}
    job_id = fake.submit(body)
    first, second = (item.file_id for item in fake.files(job_id))
    root = connect()
    refused = await call(root.jobs.force_start([first, 42]))
    assert [(r.file_id, r.error) for r in refused] == [(42, "File does not exist")]
    assert fake.files(job_id)[0].file_state == "FORCE_START"
    fake.start(job_id, second)
    activity = await call(root.status.hosts())
    assert {host: entry.active for host, entry in activity.items()} == {"fts-node.example.org": 1}
    await call(root.config.links.set("l", source=SRC, destination=DST))
    assert await call(root.autocomplete("source", "gsiftp://")) == [SRC]
    assert await call(root.autocomplete("vo", "")) == [fake.job(job_id).vo_name]
    assert await call(root.autocomplete("dn", "/DC=org")) == [ALICE]
    with pytest.raises(errors.Unauthorized, match="Certificate required"):
        await call(connect(Identity.anonymous()).status.hosts())


async def test_the_storage_namespace(connect: Connect, fake: FakeFTS) -> None:
    fake.add_delegation()
    fake.add_file(f"{DAVS}/run1/raw.dat", size=2048)
    alice = connect(Identity.certificate(ALICE))
    listing = await call(alice.dm.list(f"{DAVS}/run1"))
    assert list(listing) == ["raw.dat"]
    assert listing["raw.dat"].size == 2048
    await call(alice.dm.mkdir(f"{DAVS}/run1/out"))
    assert (await call(alice.dm.stat(f"{DAVS}/run1/out"))).is_dir
    await call(alice.dm.rename(f"{DAVS}/run1/raw.dat", f"{DAVS}/run1/out/raw.dat"))
    assert list(await call(alice.dm.list(f"{DAVS}/run1"))) == ["out/"]
    assert (await call(alice.dm.stat(f"{DAVS}/run1/out/raw.dat"))).permissions == "-rw-r--r--"
    with pytest.raises(errors.ServerError) as not_empty:
        await call(alice.dm.rmdir(f"{DAVS}/run1/out"))
    assert gfal_errno(not_empty.value) == 39
    await call(alice.dm.unlink(f"{DAVS}/run1/out/raw.dat"))
    await call(alice.dm.rmdir(f"{DAVS}/run1/out"))
    with pytest.raises(errors.NotFound) as missing:
        await call(alice.dm.stat(f"{DAVS}/run1/out"))
    assert gfal_errno(missing.value) == 2


async def test_namespace_errors_are_those_of_a_file_system(connect: Connect, fake: FakeFTS) -> None:
    fake.add_delegation()
    fake.add_file(f"{DAVS}/file", size=1)
    alice = connect(Identity.certificate(ALICE))
    cases: list[tuple[Callable[[], object], type[errors.FTS3ClientException], int]] = [
        (lambda: alice.dm.mkdir(f"{DAVS}/missing/dir"), errors.NotFound, 2),
        (lambda: alice.dm.mkdir(f"{DAVS}/file"), errors.ServerError, 17),
        (lambda: alice.dm.list(f"{DAVS}/file"), errors.ClientError, 20),
        (lambda: alice.dm.rmdir(f"{DAVS}/file"), errors.ClientError, 20),
        (lambda: alice.dm.unlink(f"{DAVS}"), errors.ServerError, 21),
        (lambda: alice.dm.rename(f"{DAVS}/file", "davs://other.example.org/file"), errors.ServerError, 18),
        (lambda: alice.dm.stat("mock://storage.example.org/f?errno=13"), errors.Unauthorized, 13),
        (lambda: alice.dm.stat("nosuch://storage.example.org/f"), errors.ClientError, 93),
    ]
    for action, kind, code in cases:
        with pytest.raises(kind) as caught:
            await call(action())
        assert gfal_errno(caught.value) == code


async def test_data_management_needs_a_delegated_proxy(connect: Connect) -> None:
    with pytest.raises(errors.NeedDelegation) as caught:
        await call(connect(Identity.certificate(ALICE)).dm.stat(f"{DAVS}/file"))
    assert caught.value.message == "No delegated proxy available"


def test_fake_namespace_setup_refuses_what_gfal2_would(fake: FakeFTS) -> None:
    fake.add_file(f"{DAVS}/a", size=1)
    with pytest.raises(ValueError, match="Not a directory"):
        fake.add_file(f"{DAVS}/a/b")
    with pytest.raises(ValueError, match="Protocol not supported"):
        fake.add_directory("nosuch://host/dir")


def test_update_file_checks_the_columns(fake: FakeFTS) -> None:
    fake.add_delegation()
    job_id = fake.submit({"files": [{"sources": [f"{SRC}/a"], "destinations": [f"{DST}/a"]}]})
    file_id = fake.files(job_id)[0].file_id
    assert fake.update_file(job_id, file_id, file_state="ACTIVE", transfer_host="node1").transfer_host == "node1"
    assert fake.job(job_id).job_state == "ACTIVE"
    with pytest.raises(ValueError, match="colour"):
        fake.update_file(job_id, file_id, colour="red")


def test_broken_answers_over_https(
    fts_pki: ThrowawayPKI, fts_key_pool: KeyPool, fts_user_cert: IssuedCertificate
) -> None:
    """Over real TLS the server announces a length, sends ``[`` and closes: the client reads the change back."""
    fake = FakeFTS(pki=fts_pki, key_pool=fts_key_pool)
    fake.grant(ALICE, "config")
    server: HTTPSServer
    with (
        fake.serve_https(fts_pki) as server,
        Client(
            server.url, cert=fts_user_cert.cert_path, key=fts_user_cert.key_path, ca_path=fts_pki.ca_dir, retries=0
        ) as client,
    ):
        assert client.config.globals.set("dteam", retry=4).retry == 4
        registered = client.config.cloud_storages.register(
            "DROPBOX", app_key="k", app_secret="s", service_api_url="https://api.example.org"
        )
        assert registered.service_api_url == "https://api.example.org"
        assert client.config.hosts(), "the connection broken by the server is not reused"


def test_a_204_over_https_has_no_content_type(
    fts_pki: ThrowawayPKI, fts_key_pool: KeyPool, fts_user_cert: IssuedCertificate
) -> None:
    """As behind Apache (the admin-api recordings): a 204 carries neither Content-Type nor a body length."""
    fake = FakeFTS(pki=fts_pki, key_pool=fts_key_pool)
    fake.grant(ALICE, "config")
    context = ssl.create_default_context(cafile=str(fts_pki.ca_path))
    context.load_cert_chain(str(fts_user_cert.cert_path), str(fts_user_cert.key_path))
    with fake.serve_https(fts_pki) as server, httpx.Client(verify=context) as http:
        answer = http.delete(f"{server.url}/config/global", params={"vo_name": "dteam"})
    assert answer.status_code == 204
    assert "content-type" not in answer.headers
    assert "content-length" not in answer.headers
    assert answer.content == b""
