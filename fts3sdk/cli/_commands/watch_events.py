"""``status --watch --events``: follow the watched jobs from the brokers' monitoring messages, not by polling.

The jobs are read once at the start (after subscribing, so that nothing is missed in between) and once
more when the messages say every job is over, so the final table is the server's truth; in between the
display moves with each start, completion and state change of the watched jobs. A slow poll stays as a
safety net for messages that never come (a plain topic subscription loses what is sent while it is
reconnecting, and FTS may publish to queues only). Without a broker, or when none can be reached, it polls
as ``--watch`` alone does, after one line saying so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fts3sdk import Job
from fts3sdk.cli._commands.events import broker_names, make_consumer
from fts3sdk.cli._commands.watch import Display, poll_until_over, read_jobs

if TYPE_CHECKING:
    from rich.console import Console

    from fts3sdk import Client
    from fts3sdk.events import Event, EventConsumer

__all__ = ["SAFETY_POLL", "JobsFromEvents", "watch_with_events"]

SAFETY_POLL = 30.0
"""With events, the jobs are still read at least this often (or every ``--interval`` if longer)."""
_KINDS = ["start", "complete", "state"]


class JobsFromEvents:
    """The watched jobs as last read from the server, with the file and job states messages reported since."""

    def __init__(self, jobs: Sequence[Job], display: Display) -> None:
        self.jobs = {job.job_id: job for job in jobs}
        self.display = display

    def handle(self, event: Event) -> None:
        """Apply ``event`` and show the jobs when it moved one of them."""
        if self.apply(event):
            self.display.update(list(self.jobs.values()))

    def apply(self, event: Event) -> bool:
        """Move a file (and its job) to the state ``event`` reports; whether it was one of the watched."""
        job = self.jobs.get(str(getattr(event, "job_id", "")))
        file_id, state = getattr(event, "file_id", None), getattr(event, "file_state", None)
        if job is None or state is None:
            return False
        files = [
            item.model_copy(update={"file_state": state}) if item.file_id == file_id else item
            for item in job.files or []
        ]
        update: dict[str, Any] = {"files": files}
        job_state = getattr(event, "job_state", None) if event.kind.value == "state" else None
        if job_state is not None and str(job_state):
            update["job_state"] = job_state
        self.jobs[job.job_id] = job.model_copy(update=update)
        return True

    @property
    def over(self) -> bool:
        """Whether the messages say every job is over (its state, or all its files)."""
        return all(
            job.is_terminal or (job.files and all(item.file_state.is_terminal for item in job.files))
            for job in self.jobs.values()
        )


def watch_with_events(
    client: Client,
    job_ids: Sequence[str],
    display: Display,
    broker: Mapping[str, Any],
    *,
    interval: float,
    max_wait: float | None,
    out: Console,
) -> list[Job]:
    """Watch the jobs through the brokers the ``broker`` options name until all are over; give them as read last.

    Falls back to `poll_until_over` (saying so on ``out``) without a broker or when none can be reached.
    Raises TimeoutError when ``max_wait`` seconds pass first.
    """
    from fts3sdk.events import BrokerUnavailable

    if not broker_names(broker):
        out.print(f"no broker configured (--broker or FTS3_BROKERS): polling every {interval:g} s", highlight=False)
        return poll_until_over(client, job_ids, display, interval=interval, max_wait=max_wait)
    consumer = make_consumer(broker, kinds=_KINDS, job_ids=list(job_ids), idle=1.0)
    try:
        consumer.start()
    except BrokerUnavailable as exc:
        out.print(f"{exc.describe()}: polling every {interval:g} s instead", markup=False, highlight=False)
        return poll_until_over(client, job_ids, display, interval=interval, max_wait=max_wait)
    try:
        return _follow(client, job_ids, display, consumer, safety=max(interval, SAFETY_POLL), max_wait=max_wait)
    finally:
        consumer.close()
        display.close()


def _follow(
    client: Client,
    job_ids: Sequence[str],
    display: Display,
    consumer: EventConsumer,
    *,
    safety: float,
    max_wait: float | None,
) -> list[Job]:
    deadline = None if max_wait is None else time.monotonic() + max_wait
    while True:
        jobs = read_jobs(client, job_ids)
        display.update(jobs)
        if all(job.is_terminal for job in jobs):
            return jobs
        progress = JobsFromEvents(jobs, display)
        next_read = time.monotonic() + safety
        while not progress.over and time.monotonic() < next_read:
            if deadline is not None and time.monotonic() > deadline:
                running = ", ".join(f"{job.job_id} {job.job_state}" for job in jobs if not job.is_terminal)
                raise TimeoutError(f"still running after {max_wait:g} s: {running}")
            consumer.run(progress.handle, limit=1)  # one message, acknowledged once shown; or a second idle
