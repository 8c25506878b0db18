"""Install the official ``fts3`` client (M2Crypto + requests) in its own virtualenv, when this machine can."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-official"
PYTHON = VENV / "bin" / "python"


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


def _importable() -> bool:
    return PYTHON.exists() and _run([str(PYTHON), "-c", "import fts3.rest.client.easy"]).returncode == 0


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
    """The official client's interpreter, or ``None`` and the reason it could not be installed."""
    if _importable():
        return PYTHON, "already installed"
    problem = _install_build_tools()
    if problem:
        return None, problem
    steps = [[sys.executable, "-m", "venv", str(VENV)], [str(PYTHON), "-m", "pip", "install", "-q", "fts3"]]
    for command in steps:
        result = _run(command)
        if result.returncode != 0:
            return None, f"{' '.join(command)} failed: {result.stderr.strip()[-300:]}"
    if not _importable():
        return None, "fts3 installed but `import fts3.rest.client.easy` fails"
    return PYTHON, "installed fts3 from PyPI with M2Crypto built locally"
