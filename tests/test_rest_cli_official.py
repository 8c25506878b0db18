"""The ``fts-rest-*`` commands side by side with the official 3.14.2 ones, against fts3sdk.testing over HTTPS.

Each scenario runs the official command (from its own virtualenv, see `benchmarks.official`) and ours on the same
server; their exit status, stdout and stderr must be equal, once job and file ids are replaced by placeholders
where each command made its own. Skipped, with one reason, where the official client is not installed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.official import find_official
from fts3sdk import JobSpec, Transfer
from fts3sdk.testing import FakeFTS, HTTPSServer, Identity, IssuedCertificate, ThrowawayPKI

OFFICIAL, WHY = find_official()
if OFFICIAL is None:
    pytest.skip(f"side-by-side tests skipped: {WHY}", allow_module_level=True)
OFFICIAL_BIN = OFFICIAL.parent
pytestmark = pytest.mark.slow

COMMANDS = [
    "ban",
    "delegate",
    "delete-submit",
    "server-status",
    "transfer-cancel",
    "transfer-list",
    "transfer-status",
    "transfer-submit",
    "whoami",
]
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_official(command: str, args: list[str], cwd: Path) -> Outcome:
    done = subprocess.run(  # the official client's own script
        [str(OFFICIAL_BIN / f"fts-rest-{command}"), *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def run_ours(command: str, args: list[str], cwd: Path) -> Outcome:
    entry = command.replace("-", "_") + "_main"
    # argv[0] as the official's, so that help examples and usage lines name the same program.
    code = f"import sys; sys.argv[0] = {str(OFFICIAL_BIN / f'fts-rest-{command}')!r}; "
    code += f"from fts3sdk.rest_cli import {entry}; {entry}()"
    done = subprocess.run(  # our own interpreter and entry point
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def ids_replaced(text: str) -> str:
    return _UUID.sub("<id>", text)


@dataclass
class Site:
    """A server, its PKI, and the options both commands get to reach it as a user."""

    fake: FakeFTS
    server: HTTPSServer
    pki: ThrowawayPKI
    user: IssuedCertificate
    workdir: Path

    def options(self, user: IssuedCertificate | None = None) -> list[str]:
        who = user or self.user
        credential = ["--cert", str(who.cert_path), "--key", str(who.key_path)]
        return ["-s", self.server.url, *credential, "--capath", str(self.pki.ca_dir)]

    def job(self, *surls: str, identity: IssuedCertificate | None = None) -> str:
        transfers = [Transfer(sources=s, destinations=s.replace("source", "dest")) for s in surls]
        who = Identity.certificate((identity or self.user).dn)
        return self.fake.submit(JobSpec(transfers=transfers or [_transfer("f")]), identity=who)

    def both(self, command: str, args: list[str]) -> tuple[Outcome, Outcome]:
        official = run_official(command, args, self.workdir)
        ours = run_ours(command, args, self.workdir)
        return official, ours


def _transfer(name: str) -> Transfer:
    return Transfer(sources=f"gsiftp://source.example.org/{name}", destinations=f"gsiftp://dest.example.org/{name}")


@pytest.fixture
def site(
    fts_fake: FakeFTS, fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> Site:
    return Site(fts_fake, fts_server, pki, alice, tmp_path)


def assert_same(official: Outcome, ours: Outcome, *, normalize: Callable[[str], str] = lambda text: text) -> None:
    assert (ours.code, normalize(ours.out), normalize(ours.err)) == (
        official.code,
        normalize(official.out),
        normalize(official.err),
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_help(site: Site, command: str) -> None:
    assert_same(*site.both(command, ["--help"]))


def test_whoami(site: Site) -> None:
    assert_same(*site.both("whoami", site.options()))
    assert_same(*site.both("whoami", [*site.options(), "-j"]))


def test_delegate(site: Site) -> None:
    official, ours = site.both("delegate", site.options())
    assert_same(official, ours)
    assert official.out.startswith("Delegation id: ")
    assert_same(*site.both("delegate", [*site.options(), "--force", "-H", "1"]))


def test_transfer_status(site: Site) -> None:
    job_id = site.job("gsiftp://source.example.org/a", "gsiftp://source.example.org/b")
    assert_same(*site.both("transfer-status", [*site.options(), job_id]))
    assert_same(*site.both("transfer-status", [*site.options(), "-j", job_id]))
    assert_same(*site.both("transfer-status", [*site.options(), "00000000-0000-0000-0000-000000000000"]))
    assert_same(*site.both("transfer-status", site.options()))


def test_transfer_list(site: Site) -> None:
    assert_same(*site.both("transfer-list", site.options()))  # nothing yet: one empty line
    for name in ("a", "b"):
        site.job(f"gsiftp://source.example.org/{name}")
    assert_same(*site.both("transfer-list", site.options()))
    assert_same(*site.both("transfer-list", [*site.options(), "-j"]))
    assert_same(*site.both("transfer-list", [*site.options(), "--source", "gsiftp://source.example.org"]))


def test_transfer_cancel(site: Site) -> None:
    first, second = site.job(), site.job()
    official = run_official("transfer-cancel", [*site.options(), first], site.workdir)
    ours = run_ours("transfer-cancel", [*site.options(), second], site.workdir)
    assert_same(official, ours)
    assert official.out == "CANCELED\n"
    assert_same(*site.both("transfer-cancel", [*site.options(), first]))  # already over: its final state
    one, two = (site.job("gsiftp://source.example.org/x", "gsiftp://source.example.org/y") for _ in range(2))
    files = [[str(f.file_id) for f in site.fake.files(job)] for job in (one, two)]
    official = run_official("transfer-cancel", [*site.options(), f"{one}:{','.join(files[0])}"], site.workdir)
    ours = run_ours("transfer-cancel", [*site.options(), f"{two}:{','.join(files[1])}"], site.workdir)
    assert_same(official, ours)
    assert official.out == "CANCELED\nCANCELED\n"
    assert_same(*site.both("transfer-cancel", []))


def test_transfer_submit(site: Site) -> None:
    source, destination = "gsiftp://source.example.org/s", "gsiftp://dest.example.org/s"
    assert_same(*site.both("transfer-submit", [*site.options(), source, destination]), normalize=ids_replaced)
    options = [*site.options(), "-j", "--job-metadata", '{"n": 1}', "--file-size", "10", "-C", "target"]
    assert_same(
        *site.both("transfer-submit", [*options, source, destination, "ADLER32:1a2b3c4d"]), normalize=ids_replaced
    )
    bulk = site.workdir / "bulk.json"
    files = [{"sources": [source], "destinations": [destination], "metadata": "m", "filesize": 1024}]
    bulk.write_text(json.dumps({"files": files, "params": {"priority": 4, "retry": 2}}))
    assert_same(*site.both("transfer-submit", [*site.options(), "-f", str(bulk)]), normalize=ids_replaced)
    assert_same(*site.both("transfer-submit", [*site.options(), "-f", str(bulk), "--dry-run", "-o"]))
    jobs = [job for job in site.fake.jobs() if job.user_dn == site.user.dn]
    assert len(jobs) == 6, "each command submitted its three jobs"


def test_transfer_submit_errors(site: Site) -> None:
    source, destination = "gsiftp://source.example.org/s", "gsiftp://dest.example.org/s"
    for args in (
        [source],
        [source, destination, "ADLER32:1", "extra"],
        ["--ipv4", "--ipv6", source, destination],
        ["-o", "--overwrite-on-retry", source, destination],
        ["--overwrite-when-only-on-disk", source, destination],
        ["-p", "7", source, destination],
        ["--scitag", "3", source, destination],
        ["--src-access-token", "t", source, destination],
        ["not-a-url", destination],  # refused by the server, with its message
    ):
        assert_same(*site.both("transfer-submit", [*site.options(), *args]))


def test_ban(site: Site) -> None:
    root = site.pki.issue_user("localhost")  # the host certificate's DN: the server's root
    for storage in ("gsiftp://first.example.org", "gsiftp://second.example.org"):
        site.job(f"{storage}/a".replace("first", "source").replace("second", "source"))
    official = run_official("ban", [*site.options(root), "--storage", "gsiftp://banned-one.example.org"], site.workdir)
    ours = run_ours("ban", [*site.options(root), "--storage", "gsiftp://banned-two.example.org"], site.workdir)
    assert_same(official, ours)
    assert official.out == "No jobs affected\n"
    assert_same(*site.both("ban", [*site.options(root), "--storage", "gsiftp://banned-one.example.org", "--unban"]))
    first, second = site.job(identity=site.pki.issue_user("Carol")), site.job(identity=site.pki.issue_user("Dave"))
    del first, second
    official = run_official("ban", [*site.options(root), "--user", "/DC=org/DC=example/O=Test/CN=Carol"], site.workdir)
    ours = run_ours("ban", [*site.options(root), "--user", "/DC=org/DC=example/O=Test/CN=Dave"], site.workdir)
    assert_same(official, ours, normalize=ids_replaced)
    assert official.out.startswith("Affected jobs:\n")
    for args in (["--storage", "x", "--status", "later"], ["--storage", "x", "--allow-submit"], []):
        assert_same(*site.both("ban", [*site.options(root), *args]))
    assert_same(*site.both("ban", [*site.options(), "--storage", "gsiftp://banned.example.org"]))  # not root


def test_server_status(site: Site) -> None:
    assert_same(*site.both("server-status", site.options()))  # not allowed to Alice
    root = site.options(site.pki.issue_user("localhost"))
    site.job("gsiftp://source.example.org/a")
    for args in ([], ["--is-active"], ["-H", "localhost", "--is-active"], ["-H", "elsewhere.example.org"]):
        assert_same(*site.both("server-status", [*root, *args]))


def test_delete_submit(site: Site) -> None:
    surls = ["gsiftp://dest.example.org/old1", "gsiftp://dest.example.org/old2"]
    assert_same(*site.both("delete-submit", [*site.options(), *surls]))  # the server refuses: 405
    assert_same(*site.both("delete-submit", [*site.options(), "--dry-run", "--job-metadata", '{"a": 1}', *surls]))
    assert_same(*site.both("delete-submit", site.options()))


def test_connection_refused(site: Site) -> None:
    official, ours = site.both("whoami", ["-s", "https://127.0.0.1:9"])
    assert (ours.code, ours.err) == (official.code, official.err) == (1, "No user certificate given!\n")
    assert official.out.startswith("Bad endpoint: https://127.0.0.1:9 (")
    assert ours.out.startswith("Bad endpoint: https://127.0.0.1:9 (")  # the parenthesis says why, in its own words
