"""Every ``fts3sdk`` command against the fake FTS server: output, ``--json`` parsed back, exit codes, errors."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from fts3sdk import Client, EndpointInfo, Job, JobSpec, Transfer, WhoAmI
from fts3sdk.cli import ExitCode, main
from fts3sdk.credentials import load_credential
from fts3sdk.testing import FakeFTS, HTTPSServer, IssuedCertificate, KeyPool, ThrowawayPKI

ENDPOINT = "https://fts3.example.org:8446"
SRC = "https://a.example.org/data"
DST = "https://b.example.org/data"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def fake(fts_fake: FakeFTS) -> FakeFTS:
    """The plugin's in-memory server, trusting the session PKI."""
    return fts_fake


@pytest.fixture
def moving(pki: ThrowawayPKI, fts_key_pool: KeyPool) -> FakeFTS:
    """A fake whose transfers progress on their own, quickly."""
    return FakeFTS(pki=pki, key_pool=fts_key_pool, auto_progress=0.01, auto_batch=4)


Run = Callable[..., Result]


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, alice: IssuedCertificate
) -> Callable[..., Result]:
    for name in ("FTS3_ENDPOINT", "FTS3_TOKEN", "X509_USER_PROXY", "X509_USER_CERT", "X509_USER_KEY"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, fake: FakeFTS | None = None, transport: httpx.BaseTransport | None = None) -> Result:
        credentials = ["-s", ENDPOINT, "--cert", str(alice.cert_path), "--key", str(alice.key_path)]
        argv = [args[0], *credentials, *args[1:]]  # options given by the test come last and win
        code = main(argv, transport=transport or (fake.transport() if fake else None))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def one_error_line(result: Result, code: ExitCode, text: str) -> None:
    assert result.code == code, result
    lines = [line for line in result.err.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ")
    assert text in lines[0]
    assert "Traceback" not in result.err


def submit_job(run: Run, fake: FakeFTS, *extra: str) -> str:
    result = run("submit", f"{SRC}/f1", f"{DST}/f1", "--json", *extra, fake=fake)
    assert result.code == ExitCode.OK, result
    job_id = result.json()["job_id"]
    assert isinstance(job_id, str)
    return job_id


def queued(fake: FakeFTS, count: int) -> str:
    """A job of ``count`` transfers put straight into the fake (as Alice, no delegation needed)."""
    spec = JobSpec(transfers=[Transfer(sources=f"{SRC}/{n}", destinations=f"{DST}/{n}") for n in range(count)])
    return fake.submit(spec)


# --- whoami, server-info, delegate --------------------------------------------------------------------------------


def test_whoami(run: Run, fake: FakeFTS, alice: IssuedCertificate) -> None:
    human = run("whoami", fake=fake)
    assert human.code == ExitCode.OK
    assert alice.dn in human.out
    assert "Delegation id" in human.out
    data = run("whoami", "--json", fake=fake).json()
    assert WhoAmI.model_validate(data).user_dn == alice.dn


def test_server_info(run: Run, fake: FakeFTS) -> None:
    assert "REST API" in run("server-info", fake=fake).out
    info = EndpointInfo.model_validate(run("server-info", "-j", fake=fake).json())
    assert str(info.api) == "3.13.4"


def test_delegate_then_keep_until_forced(run: Run, fake: FakeFTS) -> None:
    first = run("delegate", "--json", "--hours", "5", fake=fake).json()
    assert isinstance(first, dict)
    assert first.pop("renewed") is True
    again = run("delegate", "--json", fake=fake).json()
    assert again.pop("renewed") is False
    assert again == first  # fresh enough: not renewed
    forced = run("delegate", "--json", "--force", "--hours", "10", fake=fake).json()
    assert isinstance(forced, dict)
    assert forced["renewed"] is True
    assert forced["delegation_id"] == first["delegation_id"]
    assert forced["termination_time"] > first["termination_time"]
    kept = run("delegate", fake=fake)
    assert "Expires" in kept.out
    assert kept.err.startswith("nothing delegated: the server's proxy is valid for more than 2 hour(s)")


def test_delegate_refuses_tokens(run: Run, fake: FakeFTS) -> None:
    fake.add_token("t0k3n", sub="alice-sub")
    one_error_line(run("delegate", "--token", "t0k3n", fake=fake), ExitCode.USAGE, "token clients do not delegate")


# --- submit ------------------------------------------------------------------------------------------------------


def test_submit_one_pair_with_options_delegates_first(run: Run, fake: FakeFTS) -> None:
    job_id = submit_job(run, fake, "--overwrite", "--priority", "4", "--retry", "2", "--checksum", "adler32:0a0b0c0d")
    job = fake.job(job_id)
    assert job.priority == 4
    assert job.retry == 2
    assert job.files is not None
    assert job.files[0].checksum == "adler32:0a0b0c0d"
    assert "job_state" not in run("submit", f"{SRC}/f2", f"{DST}/f2", fake=fake).out
    with Client(ENDPOINT, anonymous=True, transport=fake.transport()) as client:
        assert client.delegation.info() is not None  # submit delegated on its own


def test_submit_plain_output_is_the_job_id(run: Run, fake: FakeFTS) -> None:
    result = run("submit", f"{SRC}/f1", f"{DST}/f1", fake=fake)
    assert result.code == ExitCode.OK
    assert fake.job(result.out.strip()).job_id == result.out.strip()


def test_submit_bulk_file(run: Run, fake: FakeFTS, tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.json"
    files = [{"sources": [f"{SRC}/{n}"], "destinations": [f"{DST}/{n}"]} for n in range(3)]
    bulk.write_text(json.dumps({"files": files, "params": {"priority": 2, "job_metadata": {"run": 9}}}))
    job_id = submit_job_from(run, fake, "-f", str(bulk), "--priority", "5")
    job = fake.job(job_id)
    assert job.priority == 5
    assert len(job.files or []) == 3
    assert isinstance(job.job_metadata, dict)
    assert job.job_metadata["run"] == 9


def submit_job_from(run: Run, fake: FakeFTS, *args: str) -> str:
    result = run("submit", "--json", *args, fake=fake)
    assert result.code == ExitCode.OK, result
    return str(result.json()["job_id"])


def test_submit_without_delegation_is_refused(run: Run, fake: FakeFTS) -> None:
    result = run("submit", f"{SRC}/f1", f"{DST}/f1", "--no-delegate", fake=fake)
    assert result.code == ExitCode.AUTH
    assert "Need to delegate" in result.err or "delegat" in result.err.lower()


def test_submit_watch_succeeds(run: Run, moving: FakeFTS) -> None:
    result = run("submit", f"{SRC}/f1", f"{DST}/f1", "--watch", "-i", "0.05", fake=moving)
    assert result.code == ExitCode.OK, result
    assert "FINISHED" in result.out
    assert result.err.startswith("submitted ")


# --- status -----------------------------------------------------------------------------------------------------


def test_status_one_job(run: Run, fake: FakeFTS) -> None:
    job_id = submit_job(run, fake)
    job = Job.model_validate(run("status", job_id, "--json", fake=fake).json())
    assert job.job_id == job_id
    assert job.files is None
    with_files = Job.model_validate(run("status", job_id, "--json", "--files", fake=fake).json())
    assert [f.source_surl for f in with_files.files or []] == [f"{SRC}/f1"]
    human = run("status", job_id, "-F", fake=fake)
    assert human.code == ExitCode.OK
    assert "SUBMITTED" in human.out
    assert f"{DST}/f1" in human.out


def test_status_several_jobs_and_a_missing_one(run: Run, fake: FakeFTS) -> None:
    first, second = submit_job(run, fake), submit_job(run, fake)
    table = run("status", first, second, fake=fake)
    assert table.code == ExitCode.OK
    assert first in table.out
    assert second in table.out
    missing = "00000000-0000-0000-0000-000000000000"
    result = run("status", first, missing, "--json", fake=fake)
    assert [job["job_id"] for job in result.json()] == [first]
    one_error_line(result, ExitCode.NOT_FOUND, f"error: {missing}: ")


def test_status_unknown_job_is_one_line_and_exit_4(run: Run, fake: FakeFTS) -> None:
    result = run("status", "00000000-0000-0000-0000-000000000000", fake=fake)
    one_error_line(result, ExitCode.NOT_FOUND, "No job with the id")
    assert result.out == ""


def test_watch_in_a_pipe_prints_plain_lines_then_the_result(run: Run, moving: FakeFTS) -> None:
    moving.script_outcome(f"{DST}/2", reason="scripted: disk full")
    job_id = queued(moving, 4)
    result = run("status", job_id, "--watch", "--interval", "0.05", fake=moving)
    assert result.code == ExitCode.JOB_FAILED
    assert "\x1b[" not in result.out + result.err  # no colours or cursor moves outside a terminal
    progress = [line for line in result.out.splitlines() if job_id in line and " done " in line]
    assert progress
    assert progress[-1].split(" ", 1)[1] == f"{job_id} FINISHEDDIRTY 4/4 done FINISHED=3 FAILED=1"
    assert "scripted: disk full" in result.out
    one_error_line(result, ExitCode.JOB_FAILED, "not every job finished")


def test_watch_json_keeps_stdout_for_the_result(run: Run, moving: FakeFTS) -> None:
    job_id = queued(moving, 2)
    result = run("status", job_id, "--watch", "-i", "0.05", "--json", fake=moving)
    assert result.code == ExitCode.OK, result
    assert Job.model_validate(result.json()).job_state == "FINISHED"
    assert f"{job_id} FINISHED 2/2 done" in result.err


def test_watch_several_jobs(run: Run, moving: FakeFTS) -> None:
    first, second = queued(moving, 2), queued(moving, 3)
    result = run("status", first, second, "--watch", "-i", "0.05", "--json", fake=moving)
    assert result.code == ExitCode.OK, result
    assert [job["job_state"] for job in result.json()] == ["FINISHED", "FINISHED"]
    assert f"{first} FINISHED 2/2 done" in result.err
    assert f"{second} FINISHED 3/3 done" in result.err


def test_watch_gives_up_after_max_wait(run: Run, fake: FakeFTS) -> None:
    job_id = queued(fake, 1)
    result = run("status", job_id, "--watch", "-i", "0.05", "--max-wait", "0.1", fake=fake)
    one_error_line(result, ExitCode.WAIT_TIMEOUT, f"still running after 0.1 s: {job_id} SUBMITTED")


# --- list -------------------------------------------------------------------------------------------------------


def test_list_unfinished_and_by_state(run: Run, fake: FakeFTS) -> None:
    running, done = queued(fake, 1), queued(fake, 1)
    fake.run(done)
    listed = run("list", "--json", fake=fake).json()
    assert [job["job_id"] for job in listed] == [running]
    finished = run("list", "--state", "finished", "--json", fake=fake).json()
    assert [job["job_id"] for job in finished] == [done]
    table = run("list", "--state", "FINISHED,SUBMITTED", fake=fake)
    assert running in table.out
    assert done in table.out
    assert "no jobs" in run("list", "--dest-se", "https://nowhere.example.org", fake=fake).err


# --- cancel -----------------------------------------------------------------------------------------------------


def test_cancel_jobs(run: Run, fake: FakeFTS) -> None:
    first, second = queued(fake, 1), queued(fake, 1)
    single = run("cancel", first, "--json", fake=fake)
    assert Job.model_validate(single.json()).job_state == "CANCELED"
    again = run("cancel", first, fake=fake)
    assert again.out.strip() == f"{first} CANCELED (already over: unchanged)"
    both = run("cancel", first, second, fake=fake)
    assert f"{second} CANCELED" in both.out


def test_cancel_several_with_a_missing_one(run: Run, fake: FakeFTS) -> None:
    job_id, missing = queued(fake, 1), "00000000-0000-0000-0000-000000000000"
    result = run("cancel", job_id, missing, fake=fake)
    assert result.out.strip() == f"{job_id} CANCELED"
    one_error_line(result, ExitCode.NOT_FOUND, f"error: {missing}: Not found: No job with the id")


def test_cancel_some_files(run: Run, fake: FakeFTS) -> None:
    job_id = queued(fake, 3)
    file_ids = [item.file_id for item in fake.files(job_id)]
    result = run("cancel", job_id, "--files", f"{file_ids[0]},{file_ids[1]}", "--json", fake=fake)
    assert result.json() == {str(file_ids[0]): "CANCELED", str(file_ids[1]): "CANCELED"}
    assert fake.job(job_id).job_state != "CANCELED"


def test_cancel_all_needs_root(run: Run, fake: FakeFTS) -> None:
    queued(fake, 2)
    one_error_line(run("cancel", "--all", fake=fake), ExitCode.AUTH, "root")
    result = run("cancel", "--all", "--json", transport=fake.transport(fake.root_identity()))
    assert result.json() == {"affected_jobs": 1, "affected_files": 2, "affected_dm": 0}


# --- ban, unban -------------------------------------------------------------------------------------------------


def test_ban_and_unban_storage_and_user(run: Run, fake: FakeFTS, alice: IssuedCertificate) -> None:
    one_error_line(run("ban", "--storage", "https://a.example.org", fake=fake), ExitCode.AUTH, "Unauthorized")
    fake.grant(alice.dn, "config")
    job_id = queued(fake, 1)
    banned = run("ban", "--se", "https://a.example.org", "--json", fake=fake).json()
    assert banned == {"banned": "https://a.example.org", "kind": "storage", "affected_jobs": [job_id]}
    with Client(ENDPOINT, anonymous=True, transport=fake.transport()) as client:
        assert [ban.se for ban in client.storage.list_banned()] == ["https://a.example.org"]
    assert run("unban", "--storage", "https://a.example.org", fake=fake).out.strip().startswith("unbanned storage")
    user = run("ban", "--user", "/DC=org/CN=Mallory", "--message", "spam", fake=fake)
    assert user.code == ExitCode.OK
    assert "banned user /DC=org/CN=Mallory" in user.err
    unbanned = run("unban", "--dn", "/DC=org/CN=Mallory", "--json", fake=fake).json()
    assert unbanned == {"unbanned": "/DC=org/CN=Mallory", "kind": "user", "was_banned": True, "still_banned": False}


def test_ban_wait_options_apply_to_storage_only(run: Run, fake: FakeFTS) -> None:
    result = run("ban", "--user", "/CN=x", "--status", "wait", fake=fake)
    one_error_line(result, ExitCode.USAGE, "apply to storage bans only")


# --- credentials, TLS, tokens -----------------------------------------------------------------------------------


@pytest.fixture
def server(fake: FakeFTS, pki: ThrowawayPKI) -> Iterator[HTTPSServer]:
    with fake.serve_https(pki) as running:
        yield running


def test_over_real_tls_with_a_proxy_made_by_proxy_init(
    capsys: pytest.CaptureFixture[str], server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> None:
    proxy = tmp_path / "x509up"
    args = ["proxy-init", "--cert", str(alice.cert_path), "--key", str(alice.key_path), "--out", str(proxy), "-j"]
    assert main(args) == ExitCode.OK
    made = json.loads(capsys.readouterr().out)
    assert made["identity"] == alice.dn
    assert stat.S_IMODE(proxy.stat().st_mode) == 0o600
    assert load_credential(proxy).is_proxy
    code = main(["whoami", "-j", "-s", server.url, "--cert", str(proxy), "--capath", str(pki.ca_dir)])
    assert code == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["user_dn"] == alice.dn


def test_tls_failures_are_connection_errors(
    capsys: pytest.CaptureFixture[str], server: HTTPSServer, alice: IssuedCertificate, tmp_path: Path
) -> None:
    other = ThrowawayPKI(tmp_path / "other")  # a CA that did not sign the server's certificate
    credentials = ["--cert", str(alice.cert_path), "--key", str(alice.key_path)]
    code = main(["server-info", "-s", server.url, "--capath", str(other.ca_dir), "--retries", "0", *credentials])
    result = Result(code, *capsys.readouterr())
    one_error_line(result, ExitCode.CONNECTION, "cannot connect")
    assert main(["server-info", "-s", server.url, "--insecure", "-j", *credentials]) == ExitCode.OK


def test_connection_refused(run: Run) -> None:
    result = run("whoami", "-s", "https://127.0.0.1:9", "--retries", "0")
    one_error_line(result, ExitCode.CONNECTION, "cannot connect to https://127.0.0.1:9")


def test_endpoint_and_token_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fake: FakeFTS
) -> None:
    fake.add_token("s3cr3t", sub="alice-sub")
    monkeypatch.setenv("FTS3_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("FTS3_TOKEN", "s3cr3t")
    assert main(["whoami", "--json"], transport=fake.transport()) == ExitCode.OK
    who = WhoAmI.model_validate_json(capsys.readouterr().out)
    assert who.method == "oauth2"
    assert who.user_dn == "alice-sub"


def test_missing_and_encrypted_credentials(
    capsys: pytest.CaptureFixture[str], pki: ThrowawayPKI, tmp_path: Path
) -> None:
    code = main(["whoami", "-s", ENDPOINT, "--cert", str(tmp_path / "nope.pem")])
    one_error_line(Result(code, *capsys.readouterr()), ExitCode.AUTH, "nope.pem")
    bob = pki.issue_user("Bob", encrypted_passphrase="secret")
    code = main(["proxy-init", "--cert", str(bob.cert_path), "--key", str(bob.key_path), "--out", str(tmp_path / "p")])
    one_error_line(Result(code, *capsys.readouterr()), ExitCode.AUTH, "the private key is encrypted")


# --- server answers mapped to exit codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "code", "text"),
    [
        (500, '{"status": "500 Internal Server Error", "message": "database down"}', ExitCode.SERVER, "database down"),
        (503, '{"status": "503 Service Unavailable", "message": "busy"}', ExitCode.SERVER, "Try again"),
        (
            403,
            "<html>\n<title>403</title>\n<p>Forbidden: no certificate</p>\n</html>",
            ExitCode.AUTH,
            "Unauthorized: Forbidden",
        ),
        (
            404,
            '{"job_id": "x", "http_status": "404 Not Found", "http_message": "No job"}',
            ExitCode.NOT_FOUND,
            "Not found: No job",
        ),
        (400, '{"status": "400 Bad Request", "message": "nope"}', ExitCode.ERROR, "Bad request: nope"),
        (200, "not json", ExitCode.ERROR, "Invalid response"),
    ],
)
def test_server_errors_map_to_exit_codes(run: Run, status: int, body: str, code: ExitCode, text: str) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, text=body))
    one_error_line(run("server-info", "--retries", "0", transport=transport), code, text)


def test_a_bug_is_one_line_unless_debug(run: Run) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise ZeroDivisionError("boom")

    transport = httpx.MockTransport(broken)
    one_error_line(run("whoami", transport=transport), ExitCode.ERROR, "unexpected ZeroDivisionError: boom")
    debug = run("whoami", "--debug", transport=transport)
    assert debug.code == ExitCode.ERROR
    assert "Traceback" in debug.err


def test_debug_logs_the_http_exchanges(run: Run, fake: FakeFTS) -> None:
    result = run("status", "00000000-0000-0000-0000-000000000000", "--debug", fake=fake)
    assert result.code == ExitCode.NOT_FOUND
    assert "debug: GET https://fts3.example.org:8446/jobs/00000000-0000-0000-0000-000000000000 -> 404" in result.err
    assert "Traceback" in result.err


# --- demo -------------------------------------------------------------------------------------------------------


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--files", "3"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "FINISHEDDIRTY" in out
    assert "The demo worked." in out
    assert "(scripted by the demo)" in out


def test_demo_with_one_failing_transfer_and_kept_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--files", "1", "--keep"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "FAILED" in out
    kept = Path(out.rsplit("kept in ", 1)[1].strip().rstrip("."))
    assert (kept / "pki" / "ca.pem").exists()
    shutil.rmtree(kept)


def test_demo_json_without_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--files", "2", "--no-failure", "--json"]) == ExitCode.OK
    captured = capsys.readouterr()
    job = Job.model_validate_json(captured.out)
    assert job.job_state == "FINISHED"
    assert len(job.files or []) == 2
    assert "delegation" in captured.err
