"""The watch display: live progress bars on a terminal, one plain line per change anywhere else."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.console import Console

from fts3sdk import Job
from fts3sdk.cli._commands.watch import LineDisplay, LiveDisplay, display_for, file_counts, poll_until_over

JOB_ID = "6f1c2a10-0000-1000-8000-02fc00000001"


def job(state: str, *file_states: str) -> Job:
    files = [
        {
            "file_id": number,
            "job_id": JOB_ID,
            "file_state": file_state,
            "source_surl": f"https://a.example.org/{number}",
            "dest_surl": f"https://b.example.org/{number}",
        }
        for number, file_state in enumerate(file_states, start=1)
    ]
    return Job.model_validate(
        {
            "job_id": JOB_ID,
            "job_state": state,
            "user_dn": "/CN=Alice",
            "vo_name": "dteam",
            "submit_time": "2026-01-01T00:00:00",
            "files": files,
        }
    )


def test_file_counts() -> None:
    assert file_counts(job("ACTIVE", "FINISHED", "ACTIVE", "ACTIVE")) == {"FINISHED": 1, "ACTIVE": 2}
    assert not file_counts(job("SUBMITTED"))


def test_plain_lines_only_when_something_changed() -> None:
    out = io.StringIO()
    display = LineDisplay(Console(file=out, width=200))
    display.update([job("SUBMITTED", "SUBMITTED", "SUBMITTED")])
    display.update([job("SUBMITTED", "SUBMITTED", "SUBMITTED")])
    display.update([job("ACTIVE", "FINISHED", "ACTIVE")])
    display.update([job("FINISHEDDIRTY", "FINISHED", "FAILED")])
    display.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith(f"{JOB_ID} SUBMITTED 0/2 done SUBMITTED=2")
    assert lines[1].endswith(f"{JOB_ID} ACTIVE 1/2 done FINISHED=1 ACTIVE=1")
    assert lines[2].endswith(f"{JOB_ID} FINISHEDDIRTY 2/2 done FINISHED=1 FAILED=1")
    assert "\x1b[" not in out.getvalue()


def test_a_terminal_gets_the_live_display_and_a_pipe_gets_lines() -> None:
    assert isinstance(display_for(Console(file=io.StringIO(), force_terminal=True)), LiveDisplay)
    assert isinstance(display_for(Console(file=io.StringIO())), LineDisplay)


def test_live_display_draws_bars_and_state_counts() -> None:
    out = io.StringIO()
    display = LiveDisplay(Console(file=out, force_terminal=True, width=120))
    display.update([job("ACTIVE", "FINISHED", "ACTIVE", "SUBMITTED")])
    display.update([job("FINISHED", "FINISHED", "FINISHED", "FINISHED")])
    display.close()
    text = out.getvalue()
    assert "3/3" in text
    assert "FINISHED 3" in text
    assert JOB_ID[:8] in text


class FakeJobs:
    """Answers ``get`` with the next of a list of job states."""

    def __init__(self, answers: list[Job]) -> None:
        self._answers: Iterator[Job] = iter(answers)
        self.calls = 0

    def get(self, job_id: str, *, files: bool = False) -> Job:
        assert files
        self.calls += 1
        return next(self._answers)


class FakeClient:
    def __init__(self, answers: list[Job]) -> None:
        self.jobs = FakeJobs(answers)


def test_poll_until_over_sleeps_between_polls() -> None:
    client = FakeClient([job("SUBMITTED", "SUBMITTED"), job("ACTIVE", "ACTIVE"), job("FINISHED", "FINISHED")])
    slept: list[float] = []
    display = LineDisplay(Console(file=io.StringIO()))
    final = poll_until_over(client, [JOB_ID], display, interval=0.5, max_wait=None, sleep=slept.append)  # type: ignore[arg-type]
    assert [j.job_state for j in final] == ["FINISHED"]
    assert slept == [0.5, 0.5]


def test_poll_until_over_gives_up_after_max_wait() -> None:
    client = FakeClient([job("ACTIVE", "ACTIVE")] * 3)
    with pytest.raises(TimeoutError, match=f"still running after 0 s: {JOB_ID} ACTIVE"):
        poll_until_over(client, [JOB_ID], LineDisplay(Console(file=io.StringIO())), interval=1, max_wait=0)  # type: ignore[arg-type]


def test_rate_comes_from_size_and_duration_of_finished_transfers() -> None:
    from fts3sdk import File
    from fts3sdk.cli._printing.output import rate

    base = {"file_id": 1, "job_id": JOB_ID, "source_surl": "https://a/1", "dest_surl": "https://b/1"}
    done = File.model_validate(
        {**base, "file_state": "FINISHED", "filesize": 2**20, "tx_duration": 12.5, "throughput": 83.9}
    )
    assert rate(done) == pytest.approx(0.08)
    assert rate(File.model_validate({**base, "file_state": "FAILED", "filesize": 2**20, "tx_duration": 3.0})) is None
    assert rate(File.model_validate({**base, "file_state": "FINISHED"})) is None
