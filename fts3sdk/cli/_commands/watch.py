"""Watching jobs until they end: a live rich progress display on a terminal, plain lines anywhere else."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, Task, TaskID
    from rich.text import Text

    from fts3sdk import Client, Job

__all__ = ["Display", "LineDisplay", "LiveDisplay", "display_for", "file_counts", "poll_until_over", "read_jobs"]

_STATE_ORDER = ("FINISHED", "FAILED", "CANCELED", "ACTIVE", "STARTED", "STAGING", "READY", "SUBMITTED")


def file_counts(job: Job) -> Counter[str]:
    """How many transfers of ``job`` are in each state (empty when the job came without its files)."""
    return Counter(str(item.file_state) for item in job.files or [])


def _done(job: Job) -> int:
    return sum(1 for item in job.files or [] if item.file_state.is_terminal)


def _ordered(counts: Counter[str]) -> list[tuple[str, int]]:
    known = [(state, counts[state]) for state in _STATE_ORDER if counts[state]]
    others = sorted((state, n) for state, n in counts.items() if state not in _STATE_ORDER)
    return known + others


def counts_text(counts: Counter[str]) -> Text:
    """``FINISHED 5  FAILED 1  ACTIVE 2``, each state in its colour."""
    from rich.text import Text

    from fts3sdk.cli._printing.output import state_style

    parts = [Text(f"{state} {number}", style=state_style(state)) for state, number in _ordered(counts)]
    return Text("  ").join(parts) if parts else Text("-")


class Display(Protocol):
    """Shows the jobs each time they are polled."""

    def update(self, jobs: Sequence[Job]) -> None:
        """Show the latest state of the jobs."""

    def close(self) -> None:
        """Stop showing (the last state stays visible)."""


def _states_column() -> ProgressColumn:
    from rich.progress import ProgressColumn

    class StatesColumn(ProgressColumn):
        """The per-state file counts of a job, in colour."""

        def render(self, task: Task) -> Text:
            """The counts stored in the task's ``states`` field."""
            states: Text = task.fields["states"]
            return states

    return StatesColumn()


class LiveDisplay:
    """One progress bar per job with its per-state file counts, redrawn in place (terminals only)."""

    def __init__(self, out: Console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress: Progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(complete_style="cyan", finished_style="green"),
            MofNCompleteColumn(),
            _states_column(),
            TimeElapsedColumn(),
            console=out,
        )
        self._tasks: dict[str, TaskID] = {}
        self._progress.start()

    def update(self, jobs: Sequence[Job]) -> None:
        """Move each job's bar to its number of finished transfers."""
        for job in jobs:
            total = len(job.files or []) or None
            description = f"{job.job_id[:8]} {job.job_state}"
            states = counts_text(file_counts(job))
            if job.job_id not in self._tasks:
                self._tasks[job.job_id] = self._progress.add_task(description, total=total, states=states)
            self._progress.update(
                self._tasks[job.job_id], description=description, total=total, completed=_done(job), states=states
            )

    def close(self) -> None:
        """Draw the final state and leave it on screen."""
        self._progress.stop()


class LineDisplay:
    """A plain line per job whenever its state or file counts change: readable in logs and pipes."""

    def __init__(self, out: Console) -> None:
        self._out = out
        self._last: dict[str, str] = {}

    def update(self, jobs: Sequence[Job]) -> None:
        """Print the jobs that changed since the last poll."""
        for job in jobs:
            counts = file_counts(job)
            total = sum(counts.values())
            states = " ".join(f"{state}={number}" for state, number in _ordered(counts))
            line = f"{job.job_id} {job.job_state} {_done(job)}/{total} done {states}".rstrip()
            if self._last.get(job.job_id) != line:
                self._last[job.job_id] = line
                self._out.print(f"{time.strftime('%H:%M:%S')} {line}", markup=False, highlight=False)

    def close(self) -> None:
        """Nothing to tidy: every line is already printed."""


def display_for(out: Console) -> Display:
    """A live display on a terminal, plain lines otherwise."""
    return LiveDisplay(out) if out.is_terminal else LineDisplay(out)


def read_jobs(client: Client, job_ids: Sequence[str]) -> list[Job]:
    """The jobs, with their files, as the server has them now."""
    if len(job_ids) == 1:
        return [client.jobs.get(job_ids[0], files=True)]
    batch = client.jobs.get_many(job_ids, files=True)
    batch.raise_for_errors()
    return [batch[job_id] for job_id in job_ids]


def poll_until_over(
    client: Client,
    job_ids: Sequence[str],
    display: Display,
    *,
    interval: float,
    max_wait: float | None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Job]:
    """Poll the jobs (with their files) every ``interval`` seconds until all are over; give them.

    Raises TimeoutError when ``max_wait`` seconds pass first, and the SDK's errors (NotFound...) as they come.
    """
    deadline = None if max_wait is None else time.monotonic() + max_wait
    try:
        while True:
            jobs = read_jobs(client, job_ids)
            display.update(jobs)
            if all(job.is_terminal for job in jobs):
                return jobs
            if deadline is not None and time.monotonic() + interval > deadline:
                running = ", ".join(f"{job.job_id} {job.job_state}" for job in jobs if not job.is_terminal)
                raise TimeoutError(f"still running after {max_wait:g} s: {running}")
            sleep(interval)
    finally:
        display.close()
