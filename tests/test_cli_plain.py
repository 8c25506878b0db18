"""Piped output is made without rich where it can be, and is then exactly what rich prints."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fts3sdk import JobSpec, Transfer
from fts3sdk.cli._printing.output import Styled, plain_pairs, print_pairs, rich_pairs, styled_state
from fts3sdk.testing import FakeFTS, Identity, IssuedCertificate, ThrowawayPKI

PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=90)
ANY_TEXT = st.text(min_size=1, max_size=40)


def by_rich(capsys: pytest.CaptureFixture[str], rows: list[tuple[str, object]], title: str | None) -> str:
    rich_pairs(rows, title)
    return capsys.readouterr().out


@pytest.fixture(autouse=True)
def no_colour_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(PRINTABLE, PRINTABLE | ANY_TEXT), min_size=1, max_size=6),
    title=st.none() | PRINTABLE,
)
def test_plain_pairs_are_what_rich_prints(
    capsys: pytest.CaptureFixture[str], rows: list[tuple[str, object]], title: str | None
) -> None:
    plain = plain_pairs(rows, title)
    if plain is not None:
        assert plain == by_rich(capsys, rows, title)


def test_the_common_rows_are_made_plain_and_long_or_unusual_ones_by_rich(capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[tuple[str, object]] = [("Job", "a-job-id"), ("State", Styled("FINISHED", "green")), ("Priority", 3)]
    assert plain_pairs(rows) == by_rich(capsys, rows, None)
    assert plain_pairs(rows) == "Job       a-job-id\nState     FINISHED\nPriority  3       \n"
    assert plain_pairs([("URL", "gsiftp://" + "x" * 160)]) is None  # rich wraps it
    assert plain_pairs([("DN", "/CN=José")]) is None
    assert plain_pairs([]) is None


def test_print_pairs_uses_rich_for_a_terminal_or_forced_colours(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    print_pairs([("State", Styled("FAILED", "red")), ("Table state", styled_state("FAILED"))])
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.delenv("FORCE_COLOR")
    print_pairs([("State", Styled("FAILED", "red")), ("Table state", styled_state("FAILED"))])
    assert capsys.readouterr().out == "State        FAILED\nTable state  FAILED\n"


# --- what a command imports -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(pki: ThrowawayPKI, alice: IssuedCertificate) -> Iterator[tuple[str, list[str], str]]:
    fake = FakeFTS(pki=pki)
    job_id = fake.submit(
        JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")]),
        identity=Identity.certificate(alice.dn),
    )
    with fake.serve_https(pki) as server:
        options = ["-s", server.url, "--cert", str(alice.cert_path), "--key", str(alice.key_path)]
        yield job_id, [*options, "--capath", str(pki.ca_dir)], server.url


def imported(*argv: str) -> set[str]:
    """The top-level packages a fresh ``python -m fts3sdk.cli ARGV`` imports (its output piped)."""
    code = "import runpy, sys; sys.argv[1:] = sys.argv[2:]\n"
    code += "try:\n    runpy.run_module('fts3sdk.cli', run_name='__main__')\n"
    code += "finally:\n    print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FTS3_", "X509_", "FORCE_COLOR"))}
    done = subprocess.run(
        [sys.executable, "-c", code, "fts3sdk", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.splitlines()[-1].split())


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_whoami_and_status_import_neither_rich_nor_cryptography(
    served: tuple[str, list[str], str], output: list[str]
) -> None:
    job_id, options, _ = served
    for argv in (["whoami", *options, *output], ["status", job_id, *options, *output]):
        modules = imported(*argv)
        assert {"argparse", "httpx", "pydantic"} <= modules  # the imports are really listed
        assert not modules & {"rich", "cryptography", "typer", "click"}, argv
