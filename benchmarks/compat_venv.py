"""A fresh virtualenv with fts3sdk and fts3sdk-compat installed from this checkout, built offline.

The packages are built with this interpreter's setuptools (``--no-index --no-build-isolation``); their
dependencies come from this interpreter's site-packages through a path file, so nothing is downloaded and an
editable install of the checkout is not what runs. Used by the commands benchmark and tests/test_compat_dist.py.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class CompatVenv:
    """A virtualenv holding fts3sdk and fts3sdk-compat, and nothing else of its own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "bin"
        self.python = self.bin / "python"

    @property
    def site_packages(self) -> Path:
        """Its site-packages directory."""
        return next((self.root / "lib").glob("python*/site-packages"))

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Its interpreter with ``args``, outside the checkout and without this process's PYTHON* variables."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        return subprocess.run(  # the virtualenv's own interpreter
            [str(self.python), *args],
            env={**clean, **(env or {})},
            cwd=self.root,  # not the checkout: "" on sys.path would import fts3sdk from it
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _source_copy(target: Path) -> Path:
    # Built from a copy, so that setuptools' build/ and egg-info never land in the checkout.
    target.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "build", "*.egg-info")
    shutil.copytree(REPO / "fts3sdk", target / "fts3sdk", ignore=skip)
    shutil.copytree(REPO / "compat", target / "compat", ignore=skip)
    for path in REPO.iterdir():
        if path.is_file():
            shutil.copy2(path, target / path.name)
    return target


def build_compat_venv(root: Path) -> CompatVenv:
    """Create ``root/venv`` and install fts3sdk and fts3sdk-compat from a copy of this checkout into it."""
    env = CompatVenv(root / "venv")
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
    if done.returncode != 0:
        raise RuntimeError(f"installing fts3sdk-compat failed: {done.stdout}{done.stderr}")
    return env
