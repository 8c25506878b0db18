"""fts3sdk.compat: unmodified scripts written for the official client run on fts3sdk."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import re
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import fts3sdk.easy
from fts3sdk import compat, errors
from fts3sdk.testing import FakeFTS
from fts3sdk.testing.pki import ThrowawayPKI
from tests.test_easy import DLG_ID, ENDPOINT, delegation_valid_for, replay

REPO = Path(__file__).resolve().parents[1]

UNMODIFIED_SCRIPT = """
import os

import fts3.rest.client.easy as fts3
from fts3.rest.client.exceptions import NotFound

context = fts3.Context(os.environ.get("FTS3_ENDPOINT", "https://fts.example.org:8446"))
print("dn", fts3.whoami(context)["user_dn"])

transfer = fts3.new_transfer(
    "gsiftp://source.example.org/harness/93a56c6e-job1/file1",
    "gsiftp://dest.example.org/harness/93a56c6e-job1/file1",
    checksum="ADLER32:1a2b3c4d", filesize=1048576, activity="harness-test", metadata={"file": 1},
)
second = fts3.new_transfer(
    "https://source.example.org/harness/93a56c6e-job1/file2",
    "https://dest.example.org/harness/93a56c6e-job1/file2",
)
job = fts3.new_job([transfer, second], verify_checksum=True, metadata={"test": "harness", "n": 1}, priority=3)
job_id = fts3.submit(context, job)
print("job", job_id, fts3.get_job_status(context, job_id)["job_state"])

try:
    fts3.get_job_status(context, "00000000-0000-0000-0000-000000000000")
except NotFound as error:
    print("missing", error)
"""


@pytest.fixture
def clean_modules() -> Iterator[None]:
    """Restore ``sys.modules`` entries of the official names after the test."""
    saved = {name: sys.modules[name] for name in compat.MODULES if name in sys.modules}
    yield
    compat.uninstall()
    for name in compat.MODULES:
        sys.modules.pop(name, None)
    sys.modules.update(saved)


@pytest.fixture
def no_official(monkeypatch: pytest.MonkeyPatch, clean_modules: None) -> None:
    """Pretend the official package is not installed, whatever this machine has."""
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name == "fts3" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    for name in compat.MODULES:
        sys.modules.pop(name, None)


@pytest.mark.usefixtures("no_official")
def test_install_registers_the_official_names() -> None:
    compat.install()
    compat.install()  # idempotent
    assert compat.installed()
    client = importlib.import_module("fts3.rest.client")
    assert importlib.import_module("fts3.rest.client.easy") is fts3sdk.easy
    assert importlib.import_module("fts3.rest.client.exceptions") is errors
    assert client.easy is fts3sdk.easy
    assert (client.Context, client.Submitter, client.ClientError) == (
        fts3sdk.easy.Context,
        fts3sdk.easy.Submitter,
        errors.ClientError,
    )
    assert sys.modules["fts3"].__version__ == "3.14.2"
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("fts3.rest.client.request")  # not provided


@pytest.mark.usefixtures("no_official")
def test_uninstall_removes_them() -> None:
    compat.install()
    compat.uninstall()
    assert not compat.installed()
    assert not set(compat.MODULES) & set(sys.modules)
    compat.uninstall()


@pytest.mark.usefixtures("clean_modules")
def test_install_refuses_when_the_official_package_is_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in compat.MODULES:
        sys.modules.pop(name, None)
    found = importlib.machinery.ModuleSpec("fts3", None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: found if name == "fts3" else None)
    with pytest.raises(compat.OfficialClientPresent, match="install\\(force=True\\)") as caught:
        compat.install()
    assert isinstance(caught.value, ImportError)
    assert "fts3" not in sys.modules
    compat.install(force=True)
    assert compat.installed()


@pytest.mark.usefixtures("no_official")
def test_install_refuses_when_another_fts3_is_imported() -> None:
    sys.modules["fts3"] = type(sys)("fts3")
    with pytest.raises(compat.OfficialClientPresent):
        compat.install()


@pytest.mark.usefixtures("no_official")
def test_an_unmodified_easy_script_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pki = ThrowawayPKI(tmp_path / "pki")
    alice = pki.issue_user("Alice")
    proxy = tmp_path / "x509up"
    proxy.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes())
    monkeypatch.setenv("X509_USER_PROXY", str(proxy))
    monkeypatch.delenv("FTS3_ENDPOINT", raising=False)
    steps = ("get_root", "whoami", "delegate_whoami", delegation_valid_for(5), "submit_job", "job_get", "job_get_404")
    handler = replay(*steps)
    transport = httpx.MockTransport(handler)

    class NetworkReplaced(fts3sdk.easy.Context):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, transport=transport, **kwargs)

    monkeypatch.setattr(fts3sdk.easy, "Context", NetworkReplaced)
    script = tmp_path / "official_example.py"
    script.write_text(UNMODIFIED_SCRIPT)
    compat.install()
    runpy.run_path(str(script), run_name="__main__")
    handler.done()
    assert capsys.readouterr().out.splitlines() == [
        "dn /DC=org/DC=example/O=Test/CN=Alice",
        "job eb7fa674-eaaa-11f1-b239-02fc00000001 SUBMITTED",
        "missing Not found: 00000000-0000-0000-0000-000000000000",
    ]
    assert handler.requests[0].url == httpx.URL(ENDPOINT + "/")
    assert handler.requests[3].url.path == f"/delegation/{DLG_ID}"


def test_an_unmodified_easy_script_runs_in_a_fresh_interpreter_over_tls(tmp_path: Path) -> None:
    pki = ThrowawayPKI(tmp_path / "pki")
    alice = pki.issue_user("Alice")
    proxy = tmp_path / "x509up"
    proxy.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes())
    script = tmp_path / "official_example.py"
    script.write_text(UNMODIFIED_SCRIPT)
    runner = "import runpy, sys, fts3sdk.compat; fts3sdk.compat.install(force=True); runpy.run_path(sys.argv[1])"
    with FakeFTS(pki=pki).serve_https(pki) as server:
        env = {
            **os.environ,
            "FTS3_ENDPOINT": server.url,
            "X509_USER_PROXY": str(proxy),
            "X509_CERT_DIR": str(pki.ca_dir),
            "PYTHONPATH": str(REPO),
        }
        done = subprocess.run(  # our own interpreter and script
            [sys.executable, "-c", runner, str(script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    dn, job, missing = done.stdout.splitlines()
    assert dn == f"dn {alice.dn}"
    assert re.fullmatch(r"job [0-9a-f-]{36} SUBMITTED", job)
    assert missing == "missing Not found: 00000000-0000-0000-0000-000000000000"
