"""Find, or install, the official ``fts3`` client (M2Crypto + requests) in its own virtualenv.

The virtualenv is ``$FTS3SDK_OFFICIAL_VENV`` (``.ci/run`` installs it and exports the variable), else
``~/.cache/fts3sdk/official-venv``: outside the repository, so a copied checkout finds it and never ships it.
The benchmarks and the side-by-side tests of the ``fts-rest-*`` commands use the same lookup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

OFFICIAL_REQUIREMENT = "fts3==3.14.2"
ENVIRONMENT_VARIABLE = "FTS3SDK_OFFICIAL_VENV"
DEFAULT_VENV = Path("~/.cache/fts3sdk/official-venv").expanduser()


def official_venv() -> Path:
    """Where the official client's virtualenv is, or would be installed."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    return Path(configured).expanduser() if configured else DEFAULT_VENV


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


def find_official() -> tuple[Path | None, str]:
    """The official client's interpreter if it is installed and importable, else ``None`` and why not."""
    python = official_venv() / "bin" / "python"
    if not python.exists():
        return None, f"no official client at {official_venv()} (set {ENVIRONMENT_VARIABLE}, or run .ci/run)"
    result = _run([str(python), "-c", "import fts3.rest.client.easy, fts3.cli"])
    if result.returncode != 0:
        return None, f"the official client at {official_venv()} does not import: {result.stderr.strip()[-300:]}"
    return python, f"{OFFICIAL_REQUIREMENT} from {official_venv()}"


def _install_build_tools() -> str | None:
    if shutil.which("swig"):
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "M2Crypto needs swig, libssl-dev and a compiler; install them (apt-get install swig libssl-dev gcc)"
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "swig", "libssl-dev", "gcc"]):
        result = _run(command)
        if result.returncode != 0:
            return f"{' '.join(command)} failed: {result.stderr.strip()[-300:]}"
    return None


def ensure_official() -> tuple[Path | None, str]:
    """The official client's interpreter, installing it first if needed; or ``None`` and the reason."""
    python, how = find_official()
    if python is not None:
        return python, how
    problem = _install_build_tools()
    if problem:
        return None, problem
    venv = official_venv()
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", OFFICIAL_REQUIREMENT],
    ]
    for command in steps:
        result = _run(command)
        if result.returncode != 0:
            return None, f"{' '.join(command)} failed: {result.stderr.strip()[-300:]}"
    python, how = find_official()
    return python, f"installed {OFFICIAL_REQUIREMENT} in {venv} (M2Crypto built locally)" if python else how
