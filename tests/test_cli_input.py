"""The command line's input handling, without a server: bulk files, job options, usage errors, exit codes."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from fts3sdk import JobSpec, errors
from fts3sdk.cli import ExitCode, main
from fts3sdk.cli._commands.submit import build_spec
from fts3sdk.cli._input.bulk import Bulk, read_bulk
from fts3sdk.cli._parsing.errors import classify
from fts3sdk.credentials import CredentialError

SRC = "https://a.example.org/data/f1"
DST = "https://b.example.org/data/f1"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_bulk_json_official_format(tmp_path: Path) -> None:
    body = {"Files": [{"sources": [SRC], "destinations": [DST]}], "params": {"overwrite": True}}
    bulk = read_bulk(write(tmp_path, "bulk.json", json.dumps(body)))
    assert bulk.body() == {"files": [{"sources": [SRC], "destinations": [DST]}], "params": {"overwrite": True}}
    assert bulk.labels == ("Files[0]",)  # named as the file names them
    assert bulk.where(0, ("sources", 0)) == "Files[0].sources[0]"


def test_bulk_csv_with_header_checksum_and_size(tmp_path: Path) -> None:
    text = f"source,destination,checksum,filesize\n{SRC},{DST},adler32:01020304,42\n\n# done\n{SRC}2,{DST}2\n"
    bulk = read_bulk(write(tmp_path, "t.csv", text))
    assert bulk.files == [
        {"sources": [SRC], "destinations": [DST], "checksum": "adler32:01020304", "filesize": 42},
        {"sources": [SRC + "2"], "destinations": [DST + "2"]},
    ]
    assert bulk.labels == ("line 2", "line 5")
    assert bulk.where(1, ("destinations",)) == "line 5: destination"


def test_bulk_lines_guessed_from_content(tmp_path: Path) -> None:
    files = read_bulk(write(tmp_path, "list.txt", f"# pairs\n{SRC}  {DST}\n{SRC}2\t{DST}2 md5:ab\n")).files
    assert [f["sources"][0] for f in files] == [SRC, SRC + "2"]
    assert files[1]["checksum"] == "md5:ab"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.txt", f"{SRC}\n", "line 1: expected source, destination"),
        ("bad.csv", f"{SRC},{DST},adler32:1,big\n", "line 1: filesize: must be a whole number of bytes"),
        ("typo.json", '{"files": [{}], "parms": {}}', 'unknown key[(]s[)] parms: a bulk JSON file holds "files"'),
        ("bad.json", "{not json", "not valid JSON"),
        ("empty.json", '{"files": []}', 'needs a non-empty "files" list'),
        ("empty.txt", "# nothing\n", "no transfers found"),
    ],
)
def test_bulk_errors_name_the_problem(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_bulk(write(tmp_path, name, text))


def test_options_override_file_params_and_fill_transfer_defaults() -> None:
    bulk = Bulk(
        [{"sources": [SRC], "destinations": [DST], "activity": "mine"}, {"sources": SRC, "destinations": DST}],
        {"priority": 2, "retry": 1},
    )
    spec = build_spec(None, None, bulk, {"priority": 5, "overwrite": False}, {"activity": "express", "filesize": None})
    assert spec.priority == 5
    assert spec.retry == 1
    assert spec.overwrite is None  # a flag left off is not sent
    assert [t.activity for t in spec.transfers] == ["mine", "express"]


def test_metadata_is_json_when_it_parses_else_a_label() -> None:
    spec = build_spec(SRC, DST, None, {"job_metadata": '{"run": 7}'}, {"metadata": "plain text"})
    assert spec.job_metadata == {"run": 7}
    assert spec.transfers[0].metadata == "plain text"


@pytest.mark.parametrize(("source", "bulk"), [(None, None), (SRC, Bulk([]))])
def test_pair_or_file_but_not_both(source: str | None, bulk: Bulk | None) -> None:
    with pytest.raises(ValueError, match="give SOURCE DESTINATION, or --file"):
        build_spec(source, DST if source else None, bulk, {}, {})


def test_dry_run_prints_the_body_and_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["submit", SRC, DST, "--dry-run", "-o", "--retry", "3", "-C", "both", "--max-time-in-queue", "2h"])
    assert code == ExitCode.OK
    body = json.loads(capsys.readouterr().out)
    assert body == {
        "files": [{"sources": [SRC], "destinations": [DST]}],
        "params": {"overwrite": True, "retry": 3, "verify_checksum": "both", "max_time_in_queue": "7200s"},
    }
    assert JobSpec.from_body(body).retry == 3


def test_dry_run_of_a_bulk_file_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{SRC} {DST}\n{SRC}2 {DST}2\n"))
    assert main(["submit", "-f", "-", "--dry-run", "--priority", "4"]) == ExitCode.OK
    body = json.loads(capsys.readouterr().out)
    assert len(body["files"]) == 2
    assert body["params"] == {"priority": 4}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["submit", SRC, DST, "--dry-run", "--overwrite", "--overwrite-on-retry"], "incompatible overwrite flags"),
        (["submit", "--dry-run"], "give SOURCE DESTINATION, or --file"),
        (["submit", "file:///etc/passwd", DST, "--dry-run"], "Can not transfer local files"),
        (["submit", "-f", "/nonexistent/bulk.json", "--dry-run"], "No such file or directory: /nonexistent/bulk.json"),
        (["status", "some-job"], "no endpoint: give --endpoint"),
        (["cancel", "--all", "job"], "give job id(s), one job id with --files, or --all"),
        (["ban", "--storage", "gsiftp://se", "--user", "/CN=x", "-s", "https://fts:8446"], "exactly one of"),
        (["list", "--state", "DONE", "-s", "https://fts:8446"], "unknown job state 'DONE'; known: SUBMITTED, READY"),
    ],
)
def test_usage_errors_print_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    monkeypatch.delenv("FTS3_ENDPOINT", raising=False)
    assert main(argv) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in err


def test_click_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == ExitCode.USAGE
    assert main(["submit", "--priority", "9", "--dry-run", SRC, DST]) == ExitCode.USAGE
    assert main(["no-such-command"]) == ExitCode.USAGE
    assert "Traceback" not in capsys.readouterr().err


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    for command in ("submit", "status", "list", "cancel", "whoami", "server-info", "delegate", "proxy-init", "ban"):
        assert command in out
    assert "schemas" not in out  # hidden
    assert main(["--version"]) == ExitCode.OK
    assert capsys.readouterr().out.startswith("fts3sdk ")


def test_schemas_check_wraps_the_schema_module(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schemas", "--check"]) == ExitCode.OK
    assert main(["schemas", "--check", "--dir", str(tmp_path)]) == ExitCode.ERROR
    assert "stale: Job.json" in capsys.readouterr().err
    assert main(["schemas", "--write", "--dir", str(tmp_path)]) == ExitCode.OK
    assert main(["schemas", "--check", "--dir", str(tmp_path)]) == ExitCode.OK
    assert main(["schemas"]) == ExitCode.USAGE


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.Unauthorized("no"), ExitCode.AUTH),
        (errors.NeedDelegation("Need delegation"), ExitCode.AUTH),
        (errors.NotFound("/jobs/x", "No job"), ExitCode.NOT_FOUND),
        (errors.ServerError("500"), ExitCode.SERVER),
        (errors.TryAgain("503"), ExitCode.SERVER),
        (errors.ConnectionFailed("refused"), ExitCode.CONNECTION),
        (errors.RequestTimeout("slow"), ExitCode.CONNECTION),
        (errors.ClientError("Bad request: no"), ExitCode.ERROR),
        (errors.InvalidResponse("garbage"), ExitCode.ERROR),
        (CredentialError("expired"), ExitCode.AUTH),
        (ssl.SSLError(1, "bad decrypt"), ExitCode.AUTH),
        (TimeoutError("still ACTIVE"), ExitCode.WAIT_TIMEOUT),
        (ValueError("bad"), ExitCode.USAGE),
    ],
)
def test_every_expected_error_has_a_code(error: Exception, code: ExitCode) -> None:
    classified = classify(error)
    assert classified is not None
    assert classified[0] is code
    assert "\n" not in classified[1]


def test_validation_errors_become_one_line_each_in_plain_words() -> None:
    with pytest.raises(ValidationError) as caught:
        JobSpec(transfers=[], priority=9)
    classified = classify(caught.value)
    assert classified is not None
    assert classified[0] is ExitCode.USAGE
    assert classified[1].splitlines() == [
        "transfers: a job needs at least one transfer",
        "priority: must be 5 or less (got 9)",
    ]


def test_a_bug_is_not_classified() -> None:
    assert classify(ZeroDivisionError("boom")) is None


def _python(code: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_importing_the_sdk_or_the_cli_package_loads_no_parser_nor_rich() -> None:
    done = _python("import sys, fts3sdk, fts3sdk.cli; print(sorted({'argparse', 'rich'} & set(sys.modules)))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_the_cli_extra_the_command_says_what_to_install() -> None:
    without_rich = "import sys; sys.modules['rich'] = None; from fts3sdk.cli import main; "
    done = _python(without_rich + "raise SystemExit(main([]))")
    assert done.returncode == ExitCode.USAGE, done.stderr  # the help needs no rich
    assert "Usage: fts3sdk" in done.stdout
    done = _python(without_rich + "raise SystemExit(main(['demo']))")
    assert done.returncode == ExitCode.ERROR
    assert done.stderr.strip() == "error: this output needs rich: pip install 'fts3sdk[cli]'"


def test_the_state_filter_is_the_clients(capsys: pytest.CaptureFixture[str]) -> None:
    """The one check of `JobState.checked`: a hint for a misspelling, every unknown state named, no API advice."""
    assert main(["list", "--state", "FINSHED", "--state", "running,Finished", "-s", "https://fts:8446"]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith(
        "error: unknown job states 'FINSHED' (did you mean FINISHED?), 'running'; known: SUBMITTED, READY, ACTIVE"
    )
    assert "JobState(" not in line, "the command line cannot make a state on purpose"


def test_the_priority_bounds_are_the_limits_module() -> None:
    """The command line's bounds come from `fts3sdk.models._limits`: narrowed there, --priority follows."""
    done = _python(
        "import fts3sdk.models._limits as limits; limits.PRIORITY = limits.Range(1, 3); "
        "from fts3sdk.cli import main; "
        f"raise SystemExit(main(['submit', '--priority', '4', '--dry-run', {SRC!r}, {DST!r}]))"
    )
    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert done.stderr.strip() == "error: --priority 4: must be 3 or less (see 'fts3sdk submit --help')"
