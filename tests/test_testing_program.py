"""``python -m fts3sdk.testing``: started as a program, used with the command line and httpx, stopped by a signal."""

from __future__ import annotations

import json
import os
import queue
import shlex
import signal
import ssl
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fts3sdk import Client
from fts3sdk.cli import ExitCode
from fts3sdk.cli import main as cli
from fts3sdk.testing import FakeFTS, ThrowawayPKI
from fts3sdk.testing.__main__ import ENV_FILE, MARKER, claim
from fts3sdk.testing.__main__ import main as program

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


class Running:
    """The program as a child process, with the variables it printed."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fts3sdk.testing", *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._stopped: tuple[int, str] | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.exports = self._exports()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _exports(self) -> dict[str, str]:
        found: dict[str, str] = {}
        deadline = time.monotonic() + START_TIMEOUT
        while len(found) < 3:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            assert line is not None, self.stop()
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").partition("=")
                found[name] = shlex.split(value)[0]
        return found

    def stop(self, sign: signal.Signals = signal.SIGTERM) -> tuple[int, str]:
        if self._stopped is not None:
            return self._stopped
        if self.process.poll() is None:
            self.process.send_signal(sign)
        try:
            self.process.wait(STOP_TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._reader.join(STOP_TIMEOUT)
        err = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        self._stopped = (self.process.returncode, err)
        return self._stopped


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    server = Running("--dir", str(tmp_path / "fake"), "--auto-progress", "0.05", "--batch", "4")
    try:
        yield server
    finally:
        server.stop()


def test_the_program_serves_the_command_line_and_stops_on_sigterm(
    running: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exports = running.exports
    assert exports["FTS3_ENDPOINT"].startswith("https://127.0.0.1:")
    for name, value in exports.items():
        monkeypatch.setenv(name, value)
    for name in ("FTS3_TOKEN", "X509_USER_CERT", "X509_USER_KEY"):
        monkeypatch.delenv(name, raising=False)

    assert cli(["whoami", "--json"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["user_dn"] == "/DC=org/DC=example/O=Test/CN=Alice"
    code = cli(["submit", "https://a.example.org/f", "https://b.example.org/f", "--watch", "-i", "0.1", "--json"])
    assert code == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["job_state"] == "FINISHED"

    directory = tmp_path / "fake"
    host = ["--cert", str(directory / "host-localhost.cert.pem"), "--key", str(directory / "host-localhost.key.pem")]
    assert cli(["whoami", "--json", *host]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["is_root"] is True

    verify = ssl.create_default_context(capath=exports["X509_CERT_DIR"])
    with httpx.Client(verify=verify) as plain:
        assert plain.get(exports["FTS3_ENDPOINT"] + "/").json()["api"]["major"] == 3

    for key in ("Alice.key.pem", "host-localhost.key.pem", "x509up"):
        assert stat.S_IMODE((directory / key).stat().st_mode) == 0o600, key
    assert (directory / ENV_FILE).read_text().startswith(f"export FTS3_ENDPOINT={exports['FTS3_ENDPOINT']}\n")

    code, err = running.stop()
    assert code == 0, err
    assert err.rstrip().endswith("fake FTS server stopped")
    assert (directory / "ca.pem").is_file()  # a directory given with --dir is kept


def test_without_a_directory_everything_goes_at_exit() -> None:
    server = Running()
    try:
        directory = Path(server.exports["X509_USER_PROXY"]).parent
        assert (directory / "ca.pem").is_file()
    finally:
        code, err = server.stop(signal.SIGINT)
    assert code == 0, err
    assert not directory.exists()


def test_a_directory_with_foreign_files_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert program(["--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path} holds files this program did not write (notes.txt")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_directory_of_an_earlier_run_is_reused(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("old")
    (tmp_path / MARKER).write_text("ca.pem\n")
    claim(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        program(["--port", "70000"])
    assert exited.value.code == 2
    assert (
        capsys.readouterr().err
        == "error: --port 70000: must be from 0 to 65535 (see 'python -m fts3sdk.testing --help')\n"
    )


def test_a_host_certificate_authenticates_as_root(pki: ThrowawayPKI) -> None:
    host = pki.issue_host("localhost")
    fake = FakeFTS(pki=pki)
    with (
        fake.serve_https(pki, host_cert=host) as server,
        Client(server.url, cert=host.cert_path, key=host.key_path, ca_path=pki.ca_dir, retries=0) as client,
    ):
        who = client.whoami()
    assert who.user_dn == host.dn
    assert who.is_root
