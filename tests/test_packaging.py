"""What a user installing fts3sdk from PyPI sees: the license, the metadata, a description whose links work there."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from importlib.metadata import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/fts3sdk/fts3sdk"
DOCUMENTATION = "https://fts3sdk.readthedocs.io"
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)|<a\s+href=\"(?P<href>[^\"]+)\"|<(?P<auto>[a-z]+://[^>]+)>")
_TIMEOUT = 300


def check_metadata(meta: Message) -> None:
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Author"] == "fts3sdk developers"
    assert meta["Requires-Python"] == ">=3.10"
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or [])
    assert urls == {
        "Homepage": REPOSITORY,
        "Documentation": DOCUMENTATION,
        "Repository": REPOSITORY,
        "Issues": f"{REPOSITORY}/issues",
    }
    classifiers = meta.get_all("Classifier") or []
    assert any(item.startswith("Development Status :: ") for item in classifiers)
    versions = [item.rsplit(" :: ", 1)[1] for item in classifiers if re.fullmatch(r".*Python :: 3\.\d+", item)]
    assert versions[0] == "3.10"  # the first listed is the oldest allowed by Requires-Python
    assert not [item for item in classifiers if item.startswith("License ::")]  # PEP 639: the expression says it
    assert meta["Description-Content-Type"] == "text/markdown"


def test_the_installed_package_declares_its_license_urls_and_classifiers() -> None:
    check_metadata(metadata("fts3sdk"))  # type: ignore[arg-type]


def test_the_readme_links_work_on_pypi() -> None:
    """PyPI shows the README without the repository around it: every link must be absolute (or an anchor)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [next(group for group in match.groups() if group) for match in _LINK.finditer(text)]
    assert targets
    relative = [target for target in targets if not target.startswith(("https://", "http://", "#"))]
    assert relative == []
    for target in targets:
        if target.startswith(REPOSITORY + "/blob/main/"):
            assert (ROOT / target.removeprefix(REPOSITORY + "/blob/main/").split("#")[0]).is_file(), target
        if target.startswith(REPOSITORY + "/tree/main/"):
            assert (ROOT / target.removeprefix(REPOSITORY + "/tree/main/")).is_dir(), target


def test_the_docs_header_links_to_the_repository_named_in_the_metadata() -> None:
    config = dict(re.findall(r"^(\w+): (\S+)$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M))
    urls = dict(entry.split(", ", 1) for entry in metadata("fts3sdk").get_all("Project-URL") or [])
    assert config["repo_url"] == urls["Repository"]
    assert config["site_url"].rstrip("/") == urls["Documentation"]


@pytest.mark.slow
def test_the_sdist_and_wheel_build_without_warnings_and_carry_the_license(tmp_path: Path) -> None:
    """``python -m build`` of a copy of the sources (nothing is written into the checkout), offline."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "fts3sdk", source / "fts3sdk", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "deprecat" not in output.lower(), output[-4000:]

    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(archive.read(info).decode())
        license_text = archive.read(info.replace("METADATA", "licenses/LICENSE")).decode()
        assert {"fts3sdk/py.typed", "fts3sdk/models/_field_docs.json"} <= set(archive.namelist())
    check_metadata(meta)
    assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.lstrip().startswith("Apache License\n")
    assert meta.get_payload() == (ROOT / "README.md").read_text(encoding="utf-8")

    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "PKG-INFO", "README.md", "pyproject.toml", "fts3sdk/py.typed"} <= names
    assert "fts3sdk/models/_field_docs.json" in names
