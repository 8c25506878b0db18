"""``status``, ``list`` and ``cancel``, and the report printed when watched jobs end."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from fts3sdk.cli._commands.events import BROKER
from fts3sdk.cli._commands.watch import counts_text, display_for, file_counts, poll_until_over
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._parsing.errors import classify
from fts3sdk.cli._parsing.options import CONNECTION, Connection, Interval, MaxWait, inject, with_options
from fts3sdk.cli._parsing.parser import Exit
from fts3sdk.cli._parsing.preload import JOB_MODELS
from fts3sdk.cli._parsing.spec import Arg, Opt
from fts3sdk.cli._printing.output import (
    console,
    file_table,
    job_summary,
    jobs_table,
    print_json,
    print_pairs,
    rate,
    size,
)
from fts3sdk.errors import FTS3ClientException
from fts3sdk.models._limits import LIST_LIMIT

if TYPE_CHECKING:
    from fts3sdk import Client, Job, JobState

__all__ = ["cancel", "exit_code_for", "exit_for", "list_jobs", "print_errors", "report", "status", "watch"]

_LIST_DEFAULT_LIMIT = 100


JobIds = Annotated[list[str], Arg(help="Job id(s).", metavar="JOB_ID")]


def _transfer_line(job: Job) -> str | None:
    files = job.files or []
    done = [item for item in files if item.file_state == "FINISHED"]
    if not done:
        return None
    moved = sum(item.filesize or item.user_filesize or 0 for item in done)
    rates = [speed for item in done if (speed := rate(item)) is not None]
    mean = f", mean {sum(rates) / len(rates):.1f} MiB/s per transfer" if rates else ""
    return f"{len(done)}/{len(files)} transfers finished, {size(moved)} moved{mean}"


def show_job(job: Job) -> None:
    """Print one job for people: its summary, then its transfers when it came with them."""
    pairs = job_summary(job)
    if job.files:
        pairs += [("Files", counts_text(file_counts(job))), ("Transfers", _transfer_line(job))]
    print_pairs(pairs)
    if job.files:
        out = console()
        out.print()
        out.print(file_table(job.files))


def report(jobs: Sequence[Job], conn: Connection) -> ExitCode:
    """Print jobs that are over (JSON or for people); `ExitCode.JOB_FAILED` unless every one FINISHED."""
    if conn.json:
        print_json(jobs[0] if len(jobs) == 1 else list(jobs))
    else:
        for number, job in enumerate(jobs):
            if number:
                console().print()
            show_job(job)
    finished = all(job.job_state == "FINISHED" for job in jobs)
    return ExitCode.OK if finished else ExitCode.JOB_FAILED


def watch(
    client: Client,
    job_ids: Sequence[str],
    conn: Connection,
    interval: float,
    max_wait: float | None,
    *,
    broker: Mapping[str, Any] | None = None,
) -> None:
    """Show the jobs' progress until they end, report them, and exit 7 if one did not fully succeed.

    Ids the server does not know (several ids) are reported at once; the others are still watched, and the
    command then exits with the code of the first unknown id. With ``broker`` options (``--events``) the
    progress comes from the brokers' messages, not polling.
    """
    missing: Mapping[str, FTS3ClientException] = {}
    if len(job_ids) > 1:
        found = client.jobs.get_many(job_ids)
        missing = found.errors
        print_errors(missing)
        job_ids = [job_id for job_id in job_ids if job_id in found.results]
        if not job_ids:
            raise Exit(int(exit_code_for(missing)))
    out = console(stderr=conn.json)
    display = display_for(out)
    if broker is None:
        jobs = poll_until_over(client, job_ids, display, interval=interval, max_wait=max_wait)
    else:
        from fts3sdk.cli._commands.watch_events import watch_with_events

        jobs = watch_with_events(client, job_ids, display, broker, interval=interval, max_wait=max_wait, out=out)
    code = report(jobs, conn)
    if code is not ExitCode.OK:
        states = ", ".join(f"{job.job_id} {job.job_state}" for job in jobs if job.job_state != "FINISHED")
        print(f"error: not every job finished: {states}", file=sys.stderr)
    if missing:
        raise Exit(int(exit_code_for(missing)))
    if code is not ExitCode.OK:
        raise Exit(int(code))


@with_options(CONNECTION)
@inject(BROKER, "broker")
def status(
    job_ids: JobIds,
    files: Annotated[bool, Opt("--files", "-F", help="Include the transfers of each job.")] = False,
    watch_: Annotated[
        bool, Opt("--watch", "-w", help="Show live progress until the jobs end; exit 7 if one fails.")
    ] = False,
    interval: Interval = 2.0,
    max_wait: MaxWait = None,
    events_: Annotated[
        bool, Opt("--events", help="With --watch: follow the brokers' messages (--broker) instead of polling.")
    ] = False,
    *,
    conn: Connection,
    broker: dict[str, Any],
) -> None:
    """Show one or more jobs; with --watch, follow them until they end."""
    with conn.client(preload=JOB_MODELS) as client:
        if watch_:
            watch(client, job_ids, conn, interval, max_wait, broker=broker if events_ else None)
            return
        if len(job_ids) == 1:
            report_found([client.jobs.get(job_ids[0], files=files)], conn, several=False)
            return
        batch = client.jobs.get_many(job_ids, files=files)
        report_found([batch.results[i] for i in job_ids if i in batch.results], conn, several=True)
        exit_for(batch.errors)


def report_found(jobs: Sequence[Job], conn: Connection, *, several: bool) -> None:
    """Print jobs as they are now: JSON (an object, or a list when ``several`` were asked), summaries or a table."""
    if conn.json:
        print_json(list(jobs) if several else jobs[0])
    elif len(jobs) == 1 or any(job.files for job in jobs):
        for number, job in enumerate(jobs):
            if number:
                console().print()
            show_job(job)
    elif jobs:
        console().print(jobs_table(jobs))


def _states(values: Sequence[str]) -> list[JobState]:
    from fts3sdk.models.states import JobState, state_filter

    parts = [part for value in values for part in value.split(",") if part.strip()]
    return state_filter(JobState, parts, for_code=False)


@with_options(CONNECTION)
def list_jobs(
    vo: Annotated[str | None, Opt("--vo", help="Only jobs of this VO.")] = None,
    state: Annotated[
        list[str] | None,
        Opt("--state", metavar="STATE[,...]", help="Only jobs in these states (repeat, or comma-separated)."),
    ] = None,
    source_se: Annotated[str | None, Opt("--source-se", help="Only jobs from this storage.")] = None,
    dest_se: Annotated[str | None, Opt("--dest-se", help="Only jobs to this storage.")] = None,
    limit: Annotated[
        int | None, Opt("--limit", "-n", min=1, max=LIST_LIMIT.high, help="At most this many, newest first.")
    ] = None,
    time_window: Annotated[
        float | None, Opt("--time-window", min=0, help="Only jobs finished in the last HOURS (with --state).")
    ] = None,
    *,
    conn: Connection,
) -> None:
    """List jobs: unfinished ones by default; with --state, the newest jobs in those states.

    The server shows finished jobs only when states come with a limit or a time window, so --state alone
    implies --limit 100.
    """
    states = _states(state or [])
    if states and limit is None and time_window is None:
        limit = _LIST_DEFAULT_LIMIT
    with conn.client(preload=JOB_MODELS) as client:
        jobs = client.jobs.list(
            vo=vo,
            state_in=states or None,
            source_se=source_se,
            dest_se=dest_se,
            limit=limit,
            time_window=time_window,
        )
    if conn.json:
        print_json(jobs)
    elif jobs:
        console().print(jobs_table(jobs))
    else:
        print("no jobs", file=sys.stderr)


def _file_ids(values: Sequence[str]) -> list[int]:
    try:
        return [int(part) for value in values for part in value.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"--files takes file ids (integers), got {' '.join(values)!r}") from None


def _cancel_jobs(client: Client, job_ids: Sequence[str], conn: Connection) -> None:
    if len(job_ids) == 1:
        jobs = [client.jobs.cancel(job_ids[0])]
        errors: Mapping[str, FTS3ClientException] = {}
    else:
        batch = client.jobs.cancel(list(job_ids))
        jobs, errors = list(batch.results.values()), batch.errors
    if conn.json:
        print_json(jobs[0] if len(job_ids) == 1 else jobs)
    for job in jobs if not conn.json else []:
        note = " (already over: unchanged)" if job.http_status_code == 304 else ""
        print(f"{job.job_id} {job.job_state}{note}")
    exit_for(errors)


def print_errors(errors: Mapping[str, FTS3ClientException]) -> None:
    """Print one ``error:`` line per job id that failed in a multi-job answer."""
    for job_id, error in errors.items():
        print(f"error: {job_id}: {error.describe()}", file=sys.stderr)


def exit_code_for(errors: Mapping[str, FTS3ClientException]) -> ExitCode:
    """The exit code of the first failure of a multi-job answer (`ExitCode.OK` when there is none)."""
    for error in errors.values():
        known = classify(error)
        return known[0] if known else ExitCode.ERROR
    return ExitCode.OK


def exit_for(errors: Mapping[str, FTS3ClientException]) -> None:
    """Print one line per job id that failed in a multi-job answer; exit with the first failure's code."""
    print_errors(errors)
    if errors:
        raise Exit(int(exit_code_for(errors)))


def _cancel_files(client: Client, job_id: str, file_ids: list[int], conn: Connection) -> None:
    from fts3sdk import FileState

    outcome = client.jobs.cancel_files(job_id, file_ids)
    if conn.json:
        print_json(outcome)
    refused = {file_id: why for file_id, why in outcome.items() if not FileState(why).is_known}
    for file_id, state in outcome.items() if not conn.json else ():
        if file_id not in refused:
            note = "" if state == "CANCELED" else " (already over: unchanged)"
            print(f"{file_id} {state}{note}")
    for file_id, why in refused.items():
        print(f"error: file {file_id} of job {job_id}: {why}", file=sys.stderr)
    if refused:
        raise Exit(int(ExitCode.NOT_FOUND))


@with_options(CONNECTION)
def cancel(
    job_ids: Annotated[list[str] | None, Arg(help="Job id(s) to cancel.", metavar="JOB_ID")] = None,
    files: Annotated[
        list[str] | None,
        Opt("--files", metavar="FILE_ID[,...]", help="Cancel only these file ids of the one job."),
    ] = None,
    all_: Annotated[bool, Opt("--all", help="Cancel every job (of --vo); needs root.")] = False,
    vo: Annotated[str | None, Opt("--vo", help="With --all: only this VO's jobs.")] = None,
    *,
    conn: Connection,
) -> None:
    """Cancel jobs, some transfers of one job (--files), or every job (--all)."""
    ids = job_ids or []
    if all_ == bool(ids) or (files and len(ids) != 1) or (vo and not all_):
        raise ValueError("give job id(s), one job id with --files, or --all [--vo VO]")
    with conn.client(preload=JOB_MODELS) as client:
        if all_:
            result = client.jobs.cancel_all(vo)
            if conn.json:
                print_json(result)
            else:
                print(f"canceled {result.affected_jobs} job(s), {result.affected_files} transfer(s)")
        elif files:
            _cancel_files(client, ids[0], _file_ids(files), conn)
        else:
            _cancel_jobs(client, ids, conn)
