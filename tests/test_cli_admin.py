"""``fts3sdk config``, ``optimizer`` and ``dm`` against the fake server: tables, ``--json``, one-line errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fts3sdk import Host, LinkConfig, StorageConfig
from fts3sdk.cli import ExitCode, main
from fts3sdk.cli._commands.config_access import parse_limits, parse_weights
from fts3sdk.testing import FakeFTS, Identity, IssuedCertificate, KeyPool
from tests.test_cli import Result, one_error_line

ENDPOINT = "https://fts3.example.org:8446"
SRC = "gsiftp://source.example.org"
DST = "gsiftp://dest.example.org"
DAVS = "davs://storage.example.org/data"
BOB = "/DC=org/DC=example/O=Test/CN=Bob"


Run = Callable[..., Result]


@pytest.fixture
def fake(fts_key_pool: KeyPool) -> FakeFTS:
    return FakeFTS(key_pool=fts_key_pool)


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fake: FakeFTS, alice: IssuedCertificate
) -> Run:
    for name in ("FTS3_ENDPOINT", "FTS3_TOKEN", "X509_USER_PROXY", "X509_USER_CERT", "X509_USER_KEY"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, identity: Identity | None = None) -> Result:
        credentials = ["-s", ENDPOINT, "--cert", str(alice.cert_path), "--key", str(alice.key_path)]
        code = main([*args, *credentials], transport=fake.transport(identity or fake.root_identity()))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def test_hosts_and_drain(run: Run, fake: FakeFTS) -> None:
    fake.add_host("fts-node1.example.org")
    table = run("config", "hosts")
    assert table.code == ExitCode.OK, table
    assert "fts-node1.example.org" in table.out
    assert "fts_token_refresh_daemon" in table.out
    drained = run("config", "drain", "fts-node1.example.org", "--json")
    assert [Host.model_validate(row).drain for row in drained.json()] == [True]
    assert "yes" in run("config", "hosts").out
    back = run("config", "drain", "fts-node1.example.org", "--undo", "--json")
    assert [Host.model_validate(row).drain for row in back.json()] == [False]
    one_error_line(run("config", "drain", "nowhere.example.org"), ExitCode.ERROR, "Host not found")


def test_the_configuration_needs_its_access_level(run: Run) -> None:
    one_error_line(run("config", "hosts", identity=Identity.certificate()), ExitCode.AUTH, "Not enough permissions")


def test_global_settings(run: Run) -> None:
    stored = run("config", "global", "set", "--retry", "3", "--hide-user-dn", "--json")
    assert stored.code == ExitCode.OK, stored
    assert (stored.json()["retry"], stored.json()["show_user_dn"]) == (3, False)
    assert run("config", "global", "set", "--vo", "atlas", "--max-time-queue", "12").code == ExitCode.OK
    shown = run("config", "global", "show")
    assert "atlas" in shown.out
    assert "12" in shown.out
    assert set(run("config", "global", "show", "--json").json()) == {"*", "atlas"}
    assert run("config", "global", "delete", "atlas").out.strip() == "deleted the settings of atlas"
    one_error_line(run("config", "global", "delete", "*"), ExitCode.USAGE, "defaults")
    one_error_line(run("config", "global", "set"), ExitCode.USAGE, "at least one setting")


def test_links_and_the_audit(run: Run, fake: FakeFTS) -> None:
    made = run("config", "links", "set", "cern-bnl", "--source", SRC, "--destination", DST, "--max-active", "10")
    assert made.code == ExitCode.OK, made
    assert "cern-bnl" in made.out
    listed = run("config", "links", "list", "--json").json()
    assert [LinkConfig.model_validate(link).max_active for link in listed] == [10]
    assert SRC in run("config", "links", "show", "cern-bnl").out
    fake.clock.advance(1)
    assert run("config", "links", "delete", "cern-bnl").code == ExitCode.OK
    one_error_line(run("config", "links", "show", "cern-bnl"), ExitCode.NOT_FOUND, "Link cern-bnl does not exist")
    one_error_line(run("config", "links", "set", "x", "--min-active", "5"), ExitCode.USAGE, "min_active")
    audit = run("config", "audit", "--limit", "1")
    assert "link-delete" in audit.out
    assert [entry["action"] for entry in run("config", "audit", "--action", "link", "--json").json()] == ["link"]


def test_shares(run: Run) -> None:
    stored = run("config", "shares", "set", f"{SRC}/path", DST, "dteam", "30")
    assert stored.out.strip() == f"dteam has share 30 on {SRC} -> {DST}"
    assert run("config", "shares", "list", "--json").json() == [
        {"source": SRC, "destination": DST, "vo": "dteam", "share": 30}
    ]
    assert run("config", "shares", "delete", SRC, DST, "dteam").code == ExitCode.OK
    assert run("config", "shares", "list", "--json").json() == []
    one_error_line(run("config", "shares", "set", "nowhere", DST, "dteam", "3"), ExitCode.USAGE, "source")


def test_storages(run: Run) -> None:
    stored = run(
        "config", "se", "set", SRC, "--inbound-max-active", "50", "--tpc-support", "PULL", "--ipv6",
        "--limit", "dteam:delete=10", "--limit", "dteam:staging=20",
    )  # fmt: skip
    assert stored.code == ExitCode.OK, stored
    assert "dteam:delete=10 dteam:staging=20" in stored.out
    shown = StorageConfig.model_validate(run("config", "se", "show", SRC, "--json").json())
    assert shown.se_info is not None
    assert (shown.se_info.inbound_max_active, shown.se_info.ipv6) == (50, True)
    assert "*" in run("config", "se", "list").out
    assert run("config", "se", "delete", SRC).code == ExitCode.OK
    one_error_line(run("config", "se", "show", SRC), ExitCode.USAGE, "no settings")
    one_error_line(run("config", "se", "set", SRC, "--limit", "dteam=1"), ExitCode.USAGE, "VO:OPERATION=LIMIT")
    one_error_line(run("config", "se", "set", SRC), ExitCode.USAGE, "settings")


def test_authorizations(run: Run) -> None:
    assert run("config", "authorize", "grant", BOB, "config").out.strip() == f"granted config to {BOB}"
    assert run("config", "hosts", identity=Identity.certificate(BOB)).code == ExitCode.OK
    assert run("config", "authorize", "list", "--json").json() == [{"dn": BOB, "operation": "config"}]
    assert run("config", "authorize", "revoke", BOB).code == ExitCode.OK
    assert run("config", "hosts", identity=Identity.certificate(BOB)).code == ExitCode.AUTH
    one_error_line(run("config", "authorize", "grant", BOB, "admin"), ExitCode.USAGE, "database")


def test_activity_shares(run: Run) -> None:
    stored = run("config", "activity-shares", "set", "dteam", "express=10", "default=1.5", "--json")
    assert stored.json()["activity_share"] == [{"express": 10}, {"default": 1.5}]
    assert "express=10 default=1.5" in run("config", "activity-shares", "show", "dteam").out
    assert set(run("config", "activity-shares", "list", "--json").json()) == {"dteam"}
    assert run("config", "activity-shares", "delete", "dteam").code == ExitCode.OK
    one_error_line(run("config", "activity-shares", "show", "dteam"), ExitCode.NOT_FOUND, "dteam")
    one_error_line(run("config", "activity-shares", "set", "dteam", "express"), ExitCode.USAGE, "ACTIVITY=WEIGHT")


def test_parsers_of_the_command_line() -> None:
    assert parse_limits(["dteam:delete=10", "atlas:staging=0"]) == {"dteam": {"delete": 10}, "atlas": {"staging": 0}}
    assert parse_weights(["a=1", "b=0.5"]) == {"a": 1, "b": 0.5}
    for bad in ("dteam:delete", ":delete=1", "dteam:delete=x"):
        with pytest.raises(ValueError, match="VO:OPERATION"):
            parse_limits([bad])


def test_optimizer(run: Run) -> None:
    assert run("optimizer", "enabled").out.strip() == "the optimizer is on"
    stored = run("optimizer", "set", SRC, DST, "--active", "8", "--rationale", "test", "--json")
    assert stored.json()["optimizer"]["active"] == 8
    assert "8" in run("optimizer", "current").out
    history = run("optimizer", "evolution", "--source", SRC, "--json").json()
    assert [step["rationale"] for step in history] == ["test"]
    assert "test" in run("optimizer", "evolution").out
    assert run("optimizer", "current", "--destination", "gsiftp://elsewhere.example.org", "--json").json() == []


def test_dm_ls_looks_like_ls_l(run: Run, fake: FakeFTS) -> None:
    fake.add_delegation(fake.root_identity())
    fake.add_file(f"{DAVS}/b.dat", size=2048)
    fake.add_directory(f"{DAVS}/a")
    listing = run("dm", "ls", DAVS)
    assert listing.code == ExitCode.OK, listing
    lines = listing.out.splitlines()
    assert [line.split()[0] for line in lines] == ["drwxrwxr-x", "-rw-r--r--"]
    assert [line.split()[-1] for line in lines] == ["a/", "b.dat"]
    assert lines[1].split()[1] == "2048"
    assert run("dm", "ls", DAVS, "--json").json()["b.dat"]["size"] == 2048


def test_dm_operations(run: Run, fake: FakeFTS) -> None:
    fake.add_delegation(fake.root_identity())
    fake.add_file(f"{DAVS}/f", size=5)
    assert run("dm", "mkdir", f"{DAVS}/out").code == ExitCode.OK
    assert run("dm", "mv", f"{DAVS}/f", f"{DAVS}/out/f", "--json").json() == {
        "done": "rename",
        "old": f"{DAVS}/f",
        "new": f"{DAVS}/out/f",
    }
    stat = run("dm", "stat", f"{DAVS}/out/f")
    assert "5 bytes" in stat.out
    assert "-rw-r--r-- (0644)" in stat.out
    assert run("dm", "stat", f"{DAVS}/out/f", "--json").json()["size"] == 5
    one_error_line(run("dm", "rmdir", f"{DAVS}/out"), ExitCode.SERVER, "Directory not empty")
    assert run("dm", "rm", f"{DAVS}/out/f").code == ExitCode.OK
    assert run("dm", "rmdir", f"{DAVS}/out").code == ExitCode.OK
    one_error_line(run("dm", "stat", f"{DAVS}/out"), ExitCode.NOT_FOUND, "No such file or directory")
    one_error_line(run("dm", "ls", "file:///etc"), ExitCode.USAGE, "file://")


def test_dm_without_a_delegated_proxy(run: Run) -> None:
    one_error_line(run("dm", "ls", DAVS), ExitCode.AUTH, "No delegated proxy available")
