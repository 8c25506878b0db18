"""The fts3sdk-compat distribution (compat/): zero changed lines, in a fresh virtualenv, offline.

The virtualenv gets fts3sdk and fts3sdk-compat built from this checkout (``--no-index --no-build-isolation``,
with this interpreter's setuptools); their dependencies come from this interpreter's site-packages through a
path file, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import venv
from pathlib import Path

import pytest

from fts3sdk.testing import HTTPSServer, IssuedCertificate, ThrowawayPKI
from tests.test_compat import DIRAC_LIKE

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


class FreshVenv:
    """A virtualenv with fts3sdk and fts3sdk-compat installed, and nothing else of its own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.python = root / "bin" / "python"
        self.bin = root / "bin"

    @property
    def site_packages(self) -> Path:
        return next((self.root / "lib").glob("python*/site-packages"))

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        return subprocess.run(  # the test's own virtualenv and arguments
            [str(self.python), *args],
            env={**clean, **(env or {})},
            cwd=self.root,  # not the checkout: "" on sys.path would import fts3sdk from it
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _source_copy(target: Path) -> Path:
    # Build from a copy, so that setuptools' build/ and egg-info never land in the checkout.
    shutil.copytree(REPO / "fts3sdk", target / "fts3sdk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "compat", target / "compat", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    return target


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    root = tmp_path_factory.mktemp("compat-venv")
    env = FreshVenv(root / "venv")
    venv.EnvBuilder(with_pip=False).create(env.root)
    dependencies = [path for path in site.getsitepackages() if Path(path).is_dir()]
    (env.site_packages / "_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    source = _source_copy(root / "src")
    done = env.run(
        *["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-index"],
        "--no-build-isolation",
        str(source),
        str(source / "compat"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def test_installed_from_the_checkout_into_the_fresh_venv(fresh: FreshVenv) -> None:
    done = fresh.run("-c", "import fts3sdk, fts3; print(fts3sdk.__file__); print(fts3.__version__)")
    assert done.returncode == 0, done.stderr
    where, version = done.stdout.splitlines()
    assert Path(where).is_relative_to(fresh.site_packages)
    assert version == "3.14.2"
    assert (fresh.site_packages / "fts3sdk_compat.pth").exists()
    assert not (fresh.site_packages / "fts3").exists(), "no file of the official package's name is installed"


def test_a_fresh_interpreter_starts_without_importing_fts3sdk(fresh: FreshVenv) -> None:
    done = fresh.run("-c", "import sys; print(sorted(m for m in sys.modules if 'fts3' in m))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['_fts3sdk_compat']"


def test_unmodified_code_runs(
    fresh: FreshVenv, fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
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
    fresh: FreshVenv, fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate
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


def test_refuses_loudly_when_the_official_package_is_installed_too(fresh: FreshVenv) -> None:
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
