"""The documentation site: it builds with ``mkdocs build --strict``, and its Python examples really run.

Every fenced ``python`` block of a guide page runs, in page order and in one namespace per page, in a fresh
interpreter against the fake FTS server over HTTPS. The only change made to an example is its endpoint:
``https://fts3.example.org:8446`` becomes the fake's URL. Credentials come the way users provide them: a
proxy in ``X509_USER_PROXY`` and the CA directory in ``X509_CERT_DIR``. A block whose first line is
``# not run: <reason>`` is skipped (it needs something the fake cannot give, such as a VOMS server).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from fts3sdk.credentials import load_credential
from fts3sdk.proxy import create_proxy
from fts3sdk.testing import FakeFTS, HTTPSServer, ThrowawayPKI

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PLACEHOLDER = "https://fts3.example.org:8446"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
_NOT_RUN = re.compile(r"#\s*not run\b:?\s*(?P<reason>.*)")
_RUNNER = """
import json, sys
namespace = {"__name__": "__main__"}
for where, source in json.load(open(sys.argv[1])):
    exec(compile(source, where, "exec"), namespace)
"""
_TIMEOUT = 120


@dataclass(frozen=True)
class Example:
    """One fenced Python block of a page."""

    page: str
    line: int
    source: str

    @property
    def skip_reason(self) -> str | None:
        """Why the block is not run (its ``# not run: ...`` first line), or ``None`` when it runs."""
        first = self.source.lstrip().split("\n", 1)[0]
        match = _NOT_RUN.fullmatch(first.strip())
        return match["reason"] if match else None


def examples(page: Path) -> list[Example]:
    """The ``python`` blocks of a page, dedented, with the line where each starts."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        if match["lang"] in ("python", "py"):
            line = text.count("\n", 0, match.start("body")) + 1
            found.append(Example(str(page.relative_to(ROOT)), line, textwrap.dedent(match["body"])))
    return found


def pages() -> list[Path]:
    """Every Markdown page of the site."""
    return sorted(DOCS.rglob("*.md"))


def pages_with_examples() -> list[Path]:
    """The pages (and the README) with at least one block to run."""
    candidates = [*pages(), ROOT / "README.md"]
    return [page for page in candidates if any(e.skip_reason is None for e in examples(page))]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once with ``mkdocs build --strict``: broken links, pages and docstring references fail it."""
    built = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(built)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    return built


def test_the_site_builds_strictly(site: Path) -> None:
    assert (site / "reference" / "client" / "index.html").exists()


def _letters(text: str) -> str:
    return "".join(text.split())


def _text(html_fragment: str) -> str:
    """The visible text, without any whitespace (tags such as ``<code>`` move spaces around)."""
    return _letters(html.unescape(re.sub(r"<[^>]+>", "", html_fragment)))


@pytest.mark.parametrize("page", ["models", "submit"])
def test_the_reference_shows_every_field_with_its_docstring(site: Path, page: str) -> None:
    """Every field of every model on the page, inherited ones included, has its entry and its docstring."""
    import fts3sdk

    built = (site / "reference" / page / "index.html").read_text(encoding="utf-8")
    names = re.findall(r"^::: fts3sdk\.(\w+)$", (DOCS / "reference" / f"{page}.md").read_text(), re.M)
    models = [
        model for name in names if isinstance(model := getattr(fts3sdk, name), type) and issubclass(model, BaseModel)
    ]
    assert models
    for model in models:
        for name, info in model.model_fields.items():
            anchor = f'id="fts3sdk.{model.__name__}.{name}"'
            assert anchor in built, f"{model.__name__}.{name} is not on the {page} page"
            entry = _text(built[built.index(anchor) :][:4000])
            summary = _letters((info.description or "").replace("`", ""))[:40]
            assert summary, f"{model.__name__}.{name} has no docstring"
            assert summary in entry, f"{model.__name__}.{name}: {summary!r} not shown"


def test_every_skipped_example_says_why() -> None:
    for page in pages():
        for example in examples(page):
            assert example.skip_reason != "", f"{example.page}:{example.line}: write '# not run: <why>'"


def test_the_guides_have_runnable_examples() -> None:
    names = {page.name for page in pages_with_examples()}
    assert {"index.md", "quickstart.md", "client.md", "async.md", "auth.md", "operators.md"} <= names


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HTTPSServer, dict[str, str]]]:
    """The fake over HTTPS, jobs finishing at once, and the environment of a user holding a 24 h proxy."""
    directory = tmp_path_factory.mktemp("docs-examples")
    pki = ThrowawayPKI(directory / "pki")
    alice = pki.issue_user("Alice")
    proxy = create_proxy(
        load_credential(alice.cert_path, alice.key_path), directory / "x509up", lifetime=timedelta(hours=24)
    )
    fake = FakeFTS(pki=pki, auto_progress=timedelta(milliseconds=1), auto_batch=100)
    fake.grant(alice.dn, "config", "admin")  # the operator's guide runs as an operator
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("X509_", "FTS3_", "BEARER_TOKEN"))},
        "X509_USER_PROXY": str(proxy),
        "X509_CERT_DIR": str(pki.ca_dir),
        "HOME": str(directory),
        "PYTHONPATH": str(ROOT),
    }
    with fake.serve_https(pki) as running:
        yield running, env


@pytest.mark.parametrize("page", pages_with_examples(), ids=lambda page: str(page.relative_to(ROOT)))
def test_examples_run(page: Path, server: tuple[HTTPSServer, dict[str, str]], tmp_path: Path) -> None:
    running, env = server
    blocks = [
        (f"{example.page}:{example.line}", example.source.replace(PLACEHOLDER, running.url))
        for example in examples(page)
        if example.skip_reason is None
    ]
    script = tmp_path / "examples.json"
    script.write_text(json.dumps(blocks))
    command = [sys.executable, "-c", _RUNNER, str(script)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
    assert done.returncode == 0, f"{page.name}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
