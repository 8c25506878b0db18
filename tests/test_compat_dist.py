"""The fts3sdk-compat distribution (compat/): zero changed lines, in a fresh virtualenv built offline.

See `benchmarks.compat_venv`: fts3sdk and fts3sdk-compat built from this checkout, dependencies from this
interpreter's site-packages, nothing downloaded.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.compat_venv import CompatVenv, build_compat_venv
from fts3sdk.testing import HTTPSServer, IssuedCertificate, ThrowawayPKI
from tests.test_compat import DIRAC_LIKE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> CompatVenv:
    return build_compat_venv(tmp_path_factory.mktemp("compat-venv"))


def test_installed_from_the_checkout_into_the_fresh_venv(fresh: CompatVenv) -> None:
    done = fresh.run("-c", "import fts3sdk, fts3; print(fts3sdk.__file__); print(fts3.__version__)")
    assert done.returncode == 0, done.stderr
    where, version = done.stdout.splitlines()
    assert Path(where).is_relative_to(fresh.site_packages)
    assert version == "3.14.2"
    assert (fresh.site_packages / "fts3sdk_compat.pth").exists()
    assert not (fresh.site_packages / "fts3").exists(), "no file of the official package's name is installed"


def test_a_fresh_interpreter_starts_without_importing_fts3sdk(fresh: CompatVenv) -> None:
    done = fresh.run("-c", "import sys; print(sorted(m for m in sys.modules if 'fts3' in m))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['_fts3sdk_compat']"


def test_unmodified_code_runs(
    fresh: CompatVenv, fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> None:
    proxy = tmp_path / "x509up"
    proxy.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes())
    script = tmp_path / "agent.py"
    script.write_text(DIRAC_LIKE)
    env = {"FTS3_ENDPOINT": fts_server.url, "X509_USER_PROXY": str(proxy), "X509_CERT_DIR": str(pki.ca_dir)}
    done = fresh.run(str(script), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["destination_spacetoken SUBMITTED 1", "missing True", "CANCELED"]


def test_the_commands_are_installed_and_run(
    fresh: CompatVenv, fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate
) -> None:
    names = ["ban", "delegate", "delete-submit", "server-status", "transfer-cancel", "transfer-list"]
    names += ["transfer-status", "transfer-submit", "whoami"]
    assert sorted(path.name for path in fresh.bin.glob("fts-rest-*")) == [f"fts-rest-{name}" for name in names]
    credential = ["--cert", str(alice.cert_path), "--key", str(alice.key_path), "--capath", str(pki.ca_dir)]
    done = subprocess.run(  # the script the distribution installed
        [str(fresh.bin / "fts-rest-whoami"), "-s", fts_server.url, *credential],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=fresh.root,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == f"User DN: {alice.dn}"


def test_refuses_loudly_when_the_official_package_is_installed_too(fresh: CompatVenv) -> None:
    official = fresh.site_packages / "fts3"
    official.mkdir()
    (official / "__init__.py").write_text('__version__ = "3.14.2"\n')
    try:
        done = fresh.run("-c", "import fts3.rest.client.easy")
        assert done.returncode == 1
        assert "OfficialClientPresent" in done.stderr
        assert str(official) in done.stderr
        assert "pip uninstall fts3" in done.stderr
        assert fresh.run("-c", "import fts3sdk.easy").returncode == 0, "fts3sdk itself keeps working"
        command = subprocess.run(  # the script the distribution installed
            [str(fresh.bin / "fts-rest-whoami"), "-s", "https://127.0.0.1:9"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert command.returncode == 1
        assert "the official fts3 client is installed too" in command.stderr
    finally:
        shutil.rmtree(official)
