"""What the command line says: parser errors and bad input as ``error:`` lines in the user's words, help text,
tables that keep URLs whole, times with their offset, and commands that say when they did nothing."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from fts3sdk import File, Job
from fts3sdk.cli import ExitCode, main
from fts3sdk.cli._app import app
from fts3sdk.cli._commands.submit import build_spec
from fts3sdk.cli._input.problems import InputError
from fts3sdk.cli._printing.output import file_table, jobs_table
from fts3sdk.cli._printing.urls import url_pieces
from fts3sdk.testing import FakeFTS, Identity, IssuedCertificate
from tests import test_cli
from tests.test_cli import DST, SRC, Result, Run, one_error_line, queued

fake = test_cli.fake
moving = test_cli.moving
run = test_cli.run

MISSING = "00000000-0000-0000-0000-000000000000"
PYDANTIC_WORDS = ("Value error", "Input should", "Field required", "Extra inputs", "validation error")


def error_lines(result: Result) -> list[str]:
    lines = [line for line in result.err.splitlines() if not line.startswith("warning: ")]
    assert all(line.startswith("error: ") for line in lines), result.err
    assert not any(word in result.err for word in PYDANTIC_WORDS), result.err
    return [line.removeprefix("error: ") for line in lines]


def offline(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return Result(code, out, err)


# --- the option parser: one line, exit 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["submit", SRC, DST, "--priority", "9"], "--priority 9: must be 5 or less (see 'fts3sdk submit --help')"),
        (["submit", SRC, DST, "--retry", "x"], "--retry x: must be a whole number (see 'fts3sdk submit --help')"),
        (["list", "--limit", "0"], "--limit 0: must be 1 or more (see 'fts3sdk list --help')"),
        (["submit", SRC, DST, "-C", "all"], "--checksum-mode: 'all' is not one of 'both', 'source', 'target', 'none'"),
        (["submit", "--no-such-option"], "No such option: --no-such-option"),
        (["status"], "Missing argument 'JOB_ID' (see 'fts3sdk status --help')"),
        (["cancel", "--files"], "Option '--files' requires an argument"),
        (["submit", SRC, DST, "extra"], "Got unexpected extra argument(s) (extra)"),
        (["no-such-command"], "No such command 'no-such-command' (see 'fts3sdk --help')"),
    ],
)
def test_parser_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], line: str) -> None:
    result = offline(capsys, *argv)
    assert result.code == ExitCode.USAGE
    assert result.out == ""
    [only] = error_lines(result)
    assert only.startswith(line), only
    assert "─" not in result.err  # no framed box


def test_no_arguments_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    result = offline(capsys)
    assert result.code == ExitCode.USAGE
    assert "Usage: fts3sdk" in result.out
    assert "error" not in result.err


@pytest.mark.parametrize(
    ("endpoint", "hint"),
    [("fts3.example.org:8446", "; did you mean https://fts3.example.org:8446?"), ("ftp://fts3.example.org", "")],
)
def test_a_malformed_endpoint_is_a_usage_error(run: Run, fake: FakeFTS, endpoint: str, hint: str) -> None:
    result = run("whoami", "-s", endpoint, fake=fake)
    expected = f"bad endpoint {endpoint!r} (from --endpoint): an https:// URL is expected{hint}"
    one_error_line(result, ExitCode.USAGE, expected)


def test_a_malformed_endpoint_from_the_environment_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FTS3_ENDPOINT", "not a url")
    result = offline(capsys, "status", "some-job")
    assert result.code == ExitCode.USAGE
    assert error_lines(result) == ["bad endpoint 'not a url' (from FTS3_ENDPOINT): an https:// URL is expected"]


# --- bad input, named the way the user wrote it -----------------------------------------------------------------


def test_bulk_json_problems_are_all_listed_with_the_files_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    files = [
        {"sources": [f"{SRC}/0"], "destinations": [f"{DST}/0"]},
        {"sources": [f"{SRC}/1"], "destinations": [f"{DST}/1"], "filesize": -3},
        {"sources": [f"{SRC}/2"]},
        {"sources": ["file:///etc/passwd"], "destinations": [f"{DST}/3"], "colour": "red"},
        {"sources": [f"{SRC}/4"], "destinations": [f"{DST}/4"], "metadata": [1]},
    ]
    bulk = tmp_path / "bulk.json"
    bulk.write_text(json.dumps({"files": files, "params": {"priority": 7, "retry": "x"}}))
    result = offline(capsys, "submit", "-f", str(bulk), "--dry-run")
    assert result.code == ExitCode.USAGE
    assert error_lines(result) == [
        "files[1].filesize: must be 0 or more (got -3)",
        "files[2].destinations: required",
        "files[3].sources: Can not transfer local files (file:///etc/passwd)",
        "files[3].colour: unknown field",
        "files[4].metadata: must be an object or a string",
        "params.retry: must be a whole number (got 'x')",
        "params.priority: must be 5 or less (got 7)",
    ]


def test_an_option_overriding_the_file_is_named_as_the_option(tmp_path: Path) -> None:
    body = {"files": [{"sources": [SRC], "destinations": [DST]}, {"sources": [SRC], "destinations": [DST]}]}
    bulk = tmp_path / "bulk.json"
    bulk.write_text(json.dumps({**body, "params": {"priority": 9}}))
    from fts3sdk.cli._input.bulk import read_bulk

    with pytest.raises(InputError) as caught:
        build_spec(None, None, read_bulk(bulk), {"job_metadata": "[1]"}, {"metadata": "[2]"})
    assert caught.value.problems == [
        "--file-metadata: must be an object or a string",  # once, though both transfers got it
        "--job-metadata: must be an object or a string",
        "params.priority: must be 5 or less (got 9)",
    ]


def test_csv_problems_name_lines_and_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bulk = tmp_path / "list.csv"
    bulk.write_text(f"source,destination,checksum,filesize\n{SRC},{DST}\n\nfile:///tmp/x,{DST}/2,,-1\n")
    result = offline(capsys, "submit", "-f", str(bulk), "--dry-run")
    assert error_lines(result) == [
        "line 4: source: Can not transfer local files (file:///tmp/x)",
        "line 4: filesize: must be 0 or more (got -1)",
    ]
    bulk.write_text(f"{SRC}\n{SRC},{DST},adler32:1,big\n{SRC},{DST}\n")
    result = offline(capsys, "submit", "-f", str(bulk), "--format", "csv", "--dry-run")
    assert error_lines(result) == [
        "line 1: expected source, destination[, checksum[, filesize]], got 1 field(s)",
        "line 2: filesize: must be a whole number of bytes (got 'big')",
    ]


def test_a_pair_is_named_by_its_arguments_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    result = offline(
        capsys, "submit", "file:///tmp/x", "https://b.example.org", "--max-time-in-queue", "3x", "--dry-run"
    )
    assert result.code == ExitCode.USAGE
    lines = error_lines(result)
    assert lines[:2] == [
        "SOURCE: Can not transfer local files (file:///tmp/x)",
        "DESTINATION: Missing path (https://b.example.org)",
    ]
    assert lines[2].startswith("--max-time-in-queue: expected int hours")


def test_problems_are_capped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.json"
    bulk.write_text(json.dumps({"files": [{"sources": [f"{SRC}/{n}"]} for n in range(30)]}))
    lines = error_lines(offline(capsys, "submit", "-f", str(bulk), "--dry-run"))
    assert lines[:2] == ["files[0].destinations: required", "files[1].destinations: required"]
    assert len(lines) == 21
    assert lines[-1] == "... and 10 more problem(s) not shown"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared, noisy machines
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["sources", "destinations", "filesize", "checksum", "scitag", "metadata", "oops"]),
            st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.text(max_size=8), max_size=2)),
        ),
        min_size=1,
        max_size=4,
    ),
    st.dictionaries(
        st.sampled_from(["priority", "retry", "overwrite", "verify_checksum", "nostreams", "job_metadata", "oops"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=8), st.booleans()),
    ),
)
def test_any_bad_body_is_told_without_pydantic_words(files: list[dict[str, Any]], params: dict[str, Any]) -> None:
    from fts3sdk.cli._input.bulk import Bulk

    bulk = Bulk(files, params, labels=tuple(f"files[{n}]" for n in range(len(files))))
    try:
        build_spec(None, None, bulk, {}, {})
    except InputError as exc:
        assert exc.problems
        for line in exc.problems:
            assert not any(word in line for word in PYDANTIC_WORDS), line
            assert line.startswith(("files[", "params.", "transfers")) or ":" not in line.split(" ")[0], line
    except ValueError as exc:
        assert not any(word in str(exc) for word in PYDANTIC_WORDS)


# --- help ------------------------------------------------------------------------------------------------------


def command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and group of the tree, as the words that call it."""
    yield path
    for name, entry in getattr(command, "entries", {}).items():
        yield from command_paths(entry.target, (*path, name))


def test_help_shows_no_python_types(capsys: pytest.CaptureFixture[str]) -> None:
    paths = list(command_paths(app))
    assert ("config", "links", "set") in paths
    for argv in paths:
        assert main([*argv, "--help"]) == ExitCode.OK
        out = capsys.readouterr().out
        assert "bool>" not in out, argv
        assert "list[" not in out, argv
    assert main(["list", "--help"]) == ExitCode.OK
    assert "STATE[,...]" in capsys.readouterr().out


# --- tables ----------------------------------------------------------------------------------------------------

LONG_SOURCE = "https://storage-a.example.org:8443/atlas/rucio/data23_13p6TeV/AOD.36271234._000123.root.1?xrd=1&ok"
LONG_DESTINATION = "davs://dcache-door.storage-b.example.org:2880/pnfs/example.org/data/atlas/AOD.36271234._000123.pool"


def rendered(table: Any, width: int) -> str:
    out = Console(file=io.StringIO(), width=width, color_system=None)
    out.print(table)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text


def test_url_pieces_join_back_and_end_at_a_separator() -> None:
    assert url_pieces("https://a.org/b/c.root?x=1&y") == ["https://", "a.org/", "b/", "c.root?", "x=1&", "y"]


@given(st.text(alphabet="ab.:/?&#=-_", max_size=40))
def test_url_pieces_are_a_partition(url: str) -> None:
    pieces = url_pieces(url)
    assert "".join(pieces) == url
    assert all(piece[-1] in "/?&#" for piece in pieces[:-1])


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 250])
def test_tables_never_break_a_url_inside_a_name(width: int) -> None:
    files = [
        File.model_validate(
            {
                "job_id": "j",
                "file_id": 8800000001 + n,
                "file_state": state,
                "source_surl": LONG_SOURCE,
                "dest_surl": LONG_DESTINATION,
                "filesize": 1 << 30,
                "reason": "TRANSFER [28] No space left on device",
            }
        )
        for n, state in enumerate(["FAILED", "FINISHED"])
    ]
    text = rendered(file_table(files), width)
    for piece in url_pieces(LONG_SOURCE) + url_pieces(LONG_DESTINATION):
        assert piece in text, (width, piece, text)
    job = {
        "job_id": "j",
        "job_state": "ACTIVE",
        "user_dn": "/CN=a",
        "vo_name": "atlas",
        "submit_time": "2026-01-02T03:04:05",
    }
    jobs = [Job.model_validate({**job, "source_se": LONG_SOURCE, "dest_se": "https://b"})]
    text = rendered(jobs_table(jobs), width)
    for piece in url_pieces(LONG_SOURCE):
        assert piece in text, (width, piece, text)


def test_the_operators_tables_keep_urls_whole_too(capsys: pytest.CaptureFixture[str]) -> None:
    from fts3sdk.cli._printing.tables import print_table

    print_table(["Source", "Destination", "Active"], [[LONG_SOURCE, LONG_DESTINATION, 3], [None, "https://b", 1]])
    out = capsys.readouterr().out
    assert len(out.splitlines()[2]) <= 160  # the width of a pipe: the URLs had to wrap
    for piece in url_pieces(LONG_SOURCE) + url_pieces(LONG_DESTINATION):
        assert piece in out, piece


def test_a_wide_terminal_keeps_each_url_on_one_line() -> None:
    files = [File.model_validate({"job_id": "j", "file_id": 1, "file_state": "ACTIVE", "source_surl": LONG_SOURCE,
                                  "dest_surl": LONG_DESTINATION})]  # fmt: skip
    text = rendered(file_table(files), 300)
    assert LONG_SOURCE in text
    assert LONG_DESTINATION in text


# --- cancel --files, status --watch with an unknown id ----------------------------------------------------------


def test_cancel_a_file_that_is_not_in_the_job(run: Run, fake: FakeFTS) -> None:
    job_id = queued(fake, 2)
    file_id = fake.files(job_id)[0].file_id
    result = run("cancel", job_id, "--files", f"{file_id},123", fake=fake)
    assert result.code == ExitCode.NOT_FOUND
    assert result.out.strip() == f"{file_id} CANCELED"
    assert error_lines(result) == [f"file 123 of job {job_id}: File does not belong to the job"]
    done = fake.files(job_id)[1].file_id
    fake.finish(job_id, done)
    again = run("cancel", job_id, "--files", f"{file_id},{done}", fake=fake)
    assert again.code == ExitCode.OK
    assert again.out.splitlines() == [f"{file_id} CANCELED", f"{done} FINISHED (already over: unchanged)"]


def test_watch_follows_the_jobs_that_exist_and_reports_the_missing(run: Run, moving: FakeFTS) -> None:
    first, second = queued(moving, 2), queued(moving, 1)
    result = run("status", first, second, MISSING, "--watch", "-i", "0.05", "--json", fake=moving)
    assert result.code == ExitCode.NOT_FOUND
    assert [(job["job_id"], job["job_state"]) for job in result.json()] == [(first, "FINISHED"), (second, "FINISHED")]
    assert f"{first} FINISHED 2/2 done" in result.err
    [missing] = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert missing.startswith(f"error: {MISSING}: Not found")


def test_watch_of_only_missing_jobs_stops_at_once(run: Run, fake: FakeFTS) -> None:
    result = run("status", MISSING, MISSING.replace("0", "1"), "--watch", fake=fake)
    assert result.code == ExitCode.NOT_FOUND
    assert len(error_lines(result)) == 2


# --- JSON times carry their offset ------------------------------------------------------------------------------

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def times_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [time for item in value.values() for time in times_in(item)]
    if isinstance(value, list):
        return [time for item in value for time in times_in(item)]
    return [value] if isinstance(value, str) and _TIME.match(value) else []


def test_json_times_end_with_z_everywhere(
    run: Run, fake: FakeFTS, tmp_path: Path, alice: IssuedCertificate, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = queued(fake, 2)
    fake.run(job_id)
    outputs = [
        run("status", job_id, "--files", "--json", fake=fake),
        run("list", "--state", "FINISHED", "--json", fake=fake),
        run("delegate", "--json", fake=fake),
        offline(capsys, "proxy-init", "--cert", str(alice.cert_path), "--key", str(alice.key_path),
                "--out", str(tmp_path / "proxy.pem"), "--json"),
    ]  # fmt: skip
    times = [time for result in outputs for time in times_in(result.json())]
    assert len(times) >= 10
    assert all(time.endswith("Z") for time in times), times


# --- commands that did nothing say so ---------------------------------------------------------------------------


def test_unban_of_something_not_banned_says_so(run: Run, fake: FakeFTS, alice: IssuedCertificate) -> None:
    fake.grant(alice.dn, "config")
    result = run("unban", "--storage", "https://never.example.org", fake=fake)
    assert result.code == ExitCode.OK
    assert result.out == ""
    assert result.err.strip() == "storage https://never.example.org was not banned: nothing to lift"
    user = run("unban", "--user", "/DC=org/CN=Nobody", "--json", fake=fake)
    assert user.json()["was_banned"] is False


def test_unban_that_leaves_another_vos_ban_fails(run: Run, fake: FakeFTS, alice: IssuedCertificate) -> None:
    fake.grant(alice.dn, "config")
    root = fake.transport(fake.root_identity())
    assert run("ban", "--storage", "https://shared.example.org", transport=root).code == ExitCode.OK
    other = fake.transport(Identity.certificate(alice.dn, fqans=["/dteam/Role=NULL/Capability=NULL"]))
    result = run("unban", "--storage", "https://shared.example.org", transport=other)
    assert result.code == ExitCode.ERROR
    [line] = error_lines(result)
    assert line.startswith("storage https://shared.example.org is still banned (VO ")
    assert line.endswith("): the server lifts your VO's ban only")
