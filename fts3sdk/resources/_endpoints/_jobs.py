"""Job, file and archive endpoints described as data, and the multi-request job operations as flows."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import httpx

from fts3sdk import models
from fts3sdk._base import Endpoint, Flow, Sleep, invalid_response, json_value, model, raw_json, segment
from fts3sdk._results import Batch, entry_error
from fts3sdk.models._limits import LIST_LIMIT, PRIORITY, strict_int_problem

if TYPE_CHECKING:
    from pydantic import JsonValue

    from fts3sdk.models import (
        ArchivedJob,
        CancelAllResult,
        DataManagement,
        File,
        FileRetry,
        FileState,
        Job,
        JobState,
        JobStatusEntry,
    )

    FILE_FIELDS: str
    """Every transfer field: asking for all of them gives complete files in a job answer."""

MAX_IDS_PER_REQUEST = 50
"""Ids sent in one multi-job request, to keep URLs short."""
MAX_LIST_LIMIT = LIST_LIMIT.high


@functools.cache
def _file_fields() -> str:
    return ",".join(models.PartialFile.model_fields)


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        # FILE_FIELDS comes from the PartialFile model: built when first asked for, not at import.
        if name == "FILE_FIELDS":
            return _file_fields()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _kind(value: Any) -> str:
    return "job" if isinstance(value, dict) and "job_state" in value else "entry"


def jobs_or_entries() -> Any:
    """The type of a multi-job answer: a list of jobs and per-id error entries, told apart by ``job_state``."""
    from pydantic import Discriminator, Tag

    either = Annotated[models.Job, Tag("job")] | Annotated[models.JobStatusEntry, Tag("entry")]
    return list[Annotated[either, Discriminator(_kind)]]


# Parsers resolve their model on the first answer: describing an endpoint imports neither pydantic nor models.
_JOB = model(lambda: models.Job)
_JOBS = model(lambda: list[models.Job])
_JOBS_OR_ENTRIES = model(jobs_or_entries)
_FILES = model(lambda: list[models.File])


def job_path(job_id: str) -> str:
    """``/jobs/{id}`` for one id; refuses ids the server would read as several or as another route."""
    if not isinstance(job_id, str):
        raise ValueError(f"not a job id: {job_id!r} is a {type(job_id).__name__}, not a string")
    if "," in job_id:
        raise ValueError(f"not a job id: {job_id!r} contains ',', which the server reads as several ids")
    return f"/jobs/{segment(job_id, 'job id')}"


def _states(states: Iterable[JobState | FileState | str] | str) -> str:
    return states if isinstance(states, str) else ",".join(str(state) for state in states)


def job_states(states: Iterable[JobState | str] | str | None) -> list[JobState] | None:
    """A job ``state_in`` filter, checked (`state_filter`): the typed client refuses a misspelt state."""
    from fts3sdk.models.states import state_filter

    return None if states is None else state_filter(models.JobState, states)


def file_states(states: Iterable[FileState | str] | str | None) -> list[FileState] | None:
    """A file ``state_in`` filter, checked (`state_filter`)."""
    from fts3sdk.models.states import state_filter

    return None if states is None else state_filter(models.FileState, states)


def _time_window(window: timedelta | float) -> str:
    hours = window.total_seconds() / 3600 if isinstance(window, timedelta) else float(window)
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    return f"{whole}:{minutes}" if minutes else str(whole)


def _params(**values: object) -> dict[str, str]:
    return {key: str(value) for key, value in values.items() if value is not None}


def list_jobs(
    *,
    user_dn: str | None,
    vo: str | None,
    source_se: str | None,
    dest_se: str | None,
    dlg_id: str | None,
    state_in: Iterable[JobState | str] | str | None,
    limit: int | None,
    time_window: timedelta | float | None,
) -> Endpoint[list[Job]]:
    """``GET /jobs``: jobs visible to the caller (unfinished ones unless states and a limit or window are given)."""
    if limit is not None and (strict_int_problem(limit) is not None or limit not in LIST_LIMIT):
        raise ValueError(
            f"limit must be an integer from {LIST_LIMIT.low} to {LIST_LIMIT.high} (the server's cap), not {limit!r}"
        )
    params = _params(
        user_dn=user_dn,
        vo_name=vo,
        source_se=source_se,
        dest_se=dest_se,
        dlg_id=dlg_id,
        state_in=None if state_in is None else _states(state_in),
        limit=limit,
        time_window=None if time_window is None else _time_window(time_window),
    )
    return Endpoint("GET", "/jobs", _JOBS, params)


def get_job(job_id: str, *, files: bool) -> Endpoint[Job]:
    """``GET /jobs/{id}``, with every transfer under ``files`` when asked."""
    return Endpoint("GET", job_path(job_id), _JOB, {"files": _file_fields()} if files else {})


def _id_list(job_ids: Sequence[str]) -> str:
    for job_id in job_ids:
        job_path(job_id)
    joined = ",".join(segment(job_id, "job id") for job_id in job_ids)
    return f"/jobs/{joined}," if len(job_ids) == 1 else f"/jobs/{joined}"


def _chunks(job_ids: Iterable[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(job_ids))
    return [unique[i : i + MAX_IDS_PER_REQUEST] for i in range(0, len(unique), MAX_IDS_PER_REQUEST)]


def _collect(items: list[Job | JobStatusEntry], batch: Batch[Job], endpoint: Endpoint[Any]) -> None:
    for item in items:
        if isinstance(item, models.Job):
            batch.results[item.job_id] = item
        else:
            batch.errors[item.job_id] = entry_error(item, method=endpoint.method, url=endpoint.path)


def multi_job_flow(method: str, job_ids: Iterable[str], params: dict[str, str]) -> Flow[Batch[Job]]:
    """Get or cancel several jobs, a bounded number of ids per request, merging 207 partial answers."""
    batch: Batch[Job] = Batch()
    for chunk in _chunks(job_ids):
        endpoint = Endpoint(method, _id_list(chunk), _JOBS_OR_ENTRIES, params, accept=frozenset({207}))  # type: ignore[arg-type]
        _collect((yield endpoint), batch, endpoint)
    return batch


def get_many(job_ids: Iterable[str], *, files: bool) -> Flow[Batch[Job]]:
    """``GET /jobs/{id1},{id2},...``: several jobs, each found or failed on its own."""
    return multi_job_flow("GET", job_ids, {"files": _file_fields()} if files else {})


def cancel_many(job_ids: Iterable[str]) -> Flow[Batch[Job]]:
    """``DELETE /jobs/{id1},{id2},...``: cancel several jobs, each canceled or failed on its own."""
    return multi_job_flow("DELETE", job_ids, {})


def job_files(job_id: str) -> Endpoint[list[File]]:
    """``GET /jobs/{id}/files``: the transfers of a job."""
    return Endpoint("GET", f"{job_path(job_id)}/files", _FILES)


def job_dm(job_id: str) -> Endpoint[list[DataManagement]]:
    """``GET /jobs/{id}/dm``: the data-management tasks of a job."""
    return Endpoint("GET", f"{job_path(job_id)}/dm", model(lambda: list[models.DataManagement]))


def file_retries(job_id: str, file_id: int) -> Endpoint[list[FileRetry]]:
    """``GET /jobs/{id}/files/{file_id}/retries``: failed attempts of one transfer."""
    return Endpoint("GET", f"{job_path(job_id)}/files/{int(file_id)}/retries", model(lambda: list[models.FileRetry]))


def job_field(job_id: str, name: str) -> Endpoint[JsonValue]:
    """``GET /jobs/{id}/{field}``: one attribute of a job, as JSON."""
    return Endpoint("GET", f"{job_path(job_id)}/{segment(name, 'field name')}", json_value)


def cancel_job(job_id: str) -> Endpoint[Job]:
    """``DELETE /jobs/{id}``: the job, canceled (or unchanged with ``http_status`` 304 when already over)."""
    return Endpoint("DELETE", job_path(job_id), _JOB)


def _file_outcomes(file_ids: Sequence[int]) -> Callable[[Any], dict[int, str]]:
    parse_one = model(str | list[str])

    def parse(response: Any) -> dict[int, str]:
        outcome = parse_one(response)
        states = [outcome] if isinstance(outcome, str) else outcome
        if len(states) != len(file_ids):
            raise ValueError(f"{len(states)} outcomes for {len(file_ids)} files")
        return dict(zip(file_ids, states, strict=True))

    return parse


def cancel_files(job_id: str, file_ids: Sequence[int]) -> Endpoint[dict[int, str]]:
    """``DELETE /jobs/{id}/files/{f1},{f2}``: per file ``"CANCELED"``, its terminal state, or why not."""
    ids = [int(file_id) for file_id in file_ids]
    if not ids:
        raise ValueError("give at least one file id")
    path = f"{job_path(job_id)}/files/{','.join(map(str, ids))}"
    return Endpoint("DELETE", path, _file_outcomes(ids))


def cancel_all(vo: str | None) -> Endpoint[CancelAllResult]:
    """``DELETE /jobs/all`` or ``/jobs/vo/{vo}`` (root only): cancel every job, or every job of a VO."""
    path = "/jobs/all" if vo is None else f"/jobs/vo/{segment(vo, 'VO name')}"
    return Endpoint("DELETE", path, model(lambda: models.CancelAllResult))


def modify_job(job_id: str, *, priority: int) -> Endpoint[Job]:
    """``POST /jobs/{id}``: change the priority of a job and its transfers."""
    problem = strict_int_problem(priority)
    if problem is None and priority not in PRIORITY:
        problem = f"{priority} is out of range: {PRIORITY}, as at submission (the server would store any value here)"
    if problem is not None:
        raise ValueError(f"priority: {problem}")
    return Endpoint("POST", job_path(job_id), _JOB, json={"params": {"priority": priority}})


def submit_job(body: bytes) -> Endpoint[str]:
    """``POST /jobs`` with a JSON body; never resent once it may have reached the server."""

    def job_id(response: httpx.Response) -> str:
        answer = raw_json(response)  # one field: no validator to build (a command submits once and exits)
        if not isinstance(answer, dict) or "job_id" not in answer:
            raise invalid_response(response, f"expected an object with job_id, got {answer!r}")
        return str(answer["job_id"])

    headers = {"Content-Type": "application/json"}
    return Endpoint("POST", "/jobs", job_id, content=body, headers=headers, may_resend=False)


def wait_flow(
    job_id: str,
    *,
    poll_interval: float,
    max_interval: float,
    timeout: float | None,
    on_update: Callable[[Job], None] | None,
    files: bool = False,
) -> Flow[Job]:
    """Poll a job until it is over; the interval grows by half each poll up to ``max_interval``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    interval = poll_interval
    while True:
        job: Job = yield get_job(job_id, files=files)
        if on_update is not None:
            on_update(job)
        if job.is_terminal:
            return job
        if deadline is not None and time.monotonic() + interval > deadline:
            raise TimeoutError(f"job {job_id} still {job.job_state} after {timeout} s")
        yield Sleep(interval)
        interval = min(max_interval, interval * 1.5)


def list_files(
    *,
    vo: str | None,
    state_in: Iterable[FileState | str] | str | None,
    source_se: str | None,
    dest_se: str | None,
    dest_surl: str | None,
) -> Endpoint[list[File]]:
    """``GET /files``: unfinished transfers of the caller's VO (the server returns at most 1000)."""
    params = _params(
        vo_name=vo,
        state_in=None if state_in is None else _states(state_in),
        source_se=source_se,
        dest_se=dest_se,
        dest_surl=dest_surl,
    )
    return Endpoint("GET", "/files", _FILES, params)


def archived_job(job_id: str) -> Endpoint[ArchivedJob]:
    """``GET /archive/{id}``: an archived job with its transfers."""
    return Endpoint("GET", _archive_path(job_id), model(lambda: models.ArchivedJob))


def archived_field(job_id: str, name: str) -> Endpoint[JsonValue]:
    """``GET /archive/{id}/{field}``: one attribute of an archived job."""
    return Endpoint("GET", f"{_archive_path(job_id)}/{segment(name, 'field name')}", json_value)


def _archive_path(job_id: str) -> str:
    if "," in job_id:
        raise ValueError(f"not a job id: {job_id!r} contains ',' (the archive takes one id)")
    return f"/archive/{segment(job_id, 'job id')}"
