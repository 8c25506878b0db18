"""The ``fts-rest-*`` commands on their own, in-process (side by side with the official: test_rest_cli_official)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from fts3sdk import rest_cli
from fts3sdk.easy.client.context import Context
from fts3sdk.rest_cli import _main
from fts3sdk.rest_cli.base import Base
from fts3sdk.testing import FakeFTS

ENDPOINT = "https://fts3.example.org:8446"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Any]]:
    """Run a command's entry point with ``argv`` against ``transport``; gives (exit status, stdout, stderr)."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)

    def command(entry: Callable[[], Any], argv: list[str], transport: httpx.BaseTransport) -> tuple[int, str, str]:
        def context(self: Base) -> Context:
            return Context(self.options.endpoint, no_creds=True, transport=transport, user_agent="fts-rest-cli/x")

        monkeypatch.setattr(Base, "_create_context", context)
        monkeypatch.setattr("sys.argv", ["fts-rest-test", "-s", ENDPOINT, *argv])
        with pytest.raises(SystemExit) as exited:
            entry()
        for handler in root.handlers[len(saved[0]) :]:
            root.removeHandler(handler)
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err

    yield command
    root.handlers[:], root.level = saved


def hosts(answer: dict[str, dict[str, int]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/":
            return httpx.Response(200, json={"api": {"major": 3, "minor": 13, "patch": 4}})
        assert request.url.path == "/status/hosts", request.url
        return httpx.Response(200, json=answer)

    return httpx.MockTransport(handler)


def test_server_status_exit_status_says_what_is_running(run: Run) -> None:
    activity = {"fts-a.example.org": {"active": 2, "staging": 0}, "fts-b.example.org": {"active": 0, "staging": 1}}
    code, out, _ = run(rest_cli.server_status_main, ["--is-active"], hosts(activity))
    assert code == 3
    assert out.splitlines() == [
        "fts-a.example.org",
        "\tactive: 2",
        "\tstaging: 0",
        "fts-b.example.org",
        "\tactive: 0",
        "\tstaging: 1",
    ]
    assert run(rest_cli.server_status_main, ["-H", "fts-b.example.org", "--is-active"], hosts(activity))[0] == 2
    assert run(rest_cli.server_status_main, [], hosts(activity))[0] == 0
    assert run(rest_cli.server_status_main, ["--is-active"], hosts({}))[0] == 0


def test_blocking_submission_waits_for_the_end(run: Run) -> None:
    fake = FakeFTS(auto_progress=timedelta(milliseconds=5))
    fake.add_delegation()
    argv = ["-b", "-i", "0", "gsiftp://a.example.org/f", "gsiftp://b.example.org/f"]
    code, out, _ = run(rest_cli.transfer_submit_main, argv, fake.transport())
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Job successfully submitted."
    assert lines[1].startswith("Job id: ")
    assert lines[-1] == "Job finished with state FINISHED"
    assert all(line.startswith("Job in state ") for line in lines[2:-1])


def test_deletion_file_lines_are_read_without_their_newlines(run: Run, tmp_path: Path) -> None:
    listing = tmp_path / "surls.txt"
    listing.write_text("gsiftp://a.example.org/f1\n\ngsiftp://a.example.org/f2\n")
    code, out, _ = run(rest_cli.delete_submit_main, ["--dry-run", "-f", str(listing)], FakeFTS().transport())
    assert code == 0
    assert json.loads(out)["delete"] == ["gsiftp://a.example.org/f1", "gsiftp://a.example.org/f2"]


def test_errors_are_one_line_on_stdout_and_exit_1(run: Run) -> None:
    code, out, err = run(rest_cli.transfer_status_main, ["00000000-0000-0000-0000-000000000000"], FakeFTS().transport())
    assert (code, out, err) == (1, "Not found: 00000000-0000-0000-0000-000000000000\n", "")


def test_verbose_shows_debug_lines_on_stderr(run: Run) -> None:
    fake = FakeFTS()
    code, out, err = run(rest_cli.whoami_main, ["-v"], fake.transport())
    assert code == 0
    assert out.startswith("User DN: ")
    assert "GET https://fts3.example.org:8446/whoami -> 200" in err


def test_the_configuration_file_gives_defaults(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "fts3client.cfg"
    config.write_text("[Main]\njson = true\n")
    monkeypatch.setattr("fts3sdk.rest_cli.base.CONFIG_FILENAME", str(config))
    code, out, _ = run(rest_cli.whoami_main, [], FakeFTS().transport())
    assert code == 0
    assert json.loads(out)["method"] == "certificate"


def test_refuses_next_to_the_official_client(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("fts3sdk.compat._finder.foreign_fts3", lambda: "/site-packages/fts3/__init__.py")
    with pytest.raises(SystemExit) as exited:
        _main.whoami_main()
    assert exited.value.code == 1
    assert "the official fts3 client is installed too (/site-packages/fts3/__init__.py)" in capsys.readouterr().err


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(  # our own interpreter
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


def test_the_easy_path_imports_neither_pydantic_nor_the_models_nor_httpx_cli() -> None:
    loaded = _modules_after("import fts3sdk.easy, fts3sdk.rest_cli, fts3sdk.resources.delegation")
    assert "httpx" in loaded
    assert not {"pydantic", "fts3sdk.models.jobs", "anyio", "rich", "click", "typer"} & loaded


def test_help_imports_no_http_stack() -> None:
    loaded = _modules_after(
        "import contextlib, io, sys\n"
        "from fts3sdk.rest_cli import WhoAmI\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    WhoAmI()(['--help'])"
    )
    assert not {"httpx", "ssl", "cryptography", "pydantic"} & loaded


def test_httpx_command_line_still_works_when_deferred() -> None:
    loaded = _modules_after("import fts3sdk, httpx\nassert callable(httpx.main)")
    assert "rich" not in loaded
    assert "rich" in _modules_after("import fts3sdk, httpx\nimport httpx._main as real\nassert real.print_help")
