"""What `FakeFTS`'s direct controls do to the server's state: jobs moved as the daemon would, storage set up.

`FakeFTS` holds the signatures and documentation, one line each over these functions; the requests a client
sends go through the routes instead. Each function takes the state's lock itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._state import _lifecycle
from fts3sdk.testing._state._identity import certificate_caller, token_caller

if TYPE_CHECKING:
    from fts3sdk.models import ArchivedJob, File, Job
    from fts3sdk.models.submit import JobSpec
    from fts3sdk.testing._state._identity import Identity
    from fts3sdk.testing._state._store import JobRecord, State

__all__ = [
    "FakeRequestError",
    "add_directory",
    "add_file",
    "add_host",
    "archive",
    "each_file",
    "get_job",
    "job_files",
    "live_jobs",
    "run",
    "step",
    "submit",
    "update_file",
]


class FakeRequestError(Exception):
    """The fake server refused a direct call (`FakeFTS.submit`) as it would have refused the request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        """The HTTP status the server would have answered."""
        self.message = message
        """The server's message."""


def submit(state: State, who: Identity, job: JobSpec | Mapping[str, Any]) -> str:
    """Insert a job as ``who`` would submit it, without the delegation check."""
    from fts3sdk.testing._api._jobs_write import insert_job
    from fts3sdk.testing._server._wire import HTTPError

    body = job if isinstance(job, Mapping) else json.loads(job.to_json())
    auth = state.settings.auth
    token = state.tokens.get(who.token or "")
    caller = token_caller(token, auth) if token is not None else certificate_caller(who, auth)
    with state.lock:
        try:
            return insert_job(state, caller, dict(body))
        except HTTPError as exc:
            raise FakeRequestError(exc.status, exc.message) from None


def _record(state: State, job_id: str) -> JobRecord:
    record = state.jobs.get(job_id)
    if record is None:
        raise KeyError(f"no live job {job_id!r} (archived jobs are in the archive)")
    return record


def get_job(state: State, job_id: str) -> Job:
    """A live job as stored now, with its files."""
    with state.lock:
        record = _record(state, job_id)
        return record.job.model_copy(update={"files": list(record.files)})


def job_files(state: State, job_id: str) -> list[File]:
    """The files of a live job, in file-id order."""
    with state.lock:
        return list(_record(state, job_id).files)


def live_jobs(state: State) -> list[Job]:
    """Every live job, in submission order."""
    with state.lock:
        return [record.job for record in state.records()]


def each_file(state: State, job_id: str, file_id: int | None, action: Callable[[JobRecord, int], object]) -> Job:
    """Apply ``action`` to every file of a job (or to one) by position; gives the job."""
    with state.lock:
        record = _record(state, job_id)
        positions = range(len(record.files)) if file_id is None else [record.index_of(file_id)]
        for position in positions:
            if position is None:
                raise KeyError(f"file {file_id} is not in job {job_id}")
            action(record, position)
        return record.job


def step(state: State, job_id: str | None) -> int:
    """One daemon step for every file of a job (or of every job); gives how many files moved."""
    with state.lock:
        records = [_record(state, job_id)] if job_id is not None else list(state.records())
        return sum(_lifecycle.step_job(state, r, len(r.files)) for r in records)


def run(state: State, job_id: str, max_steps: int) -> Job:
    """Drive a job to its end with the scripted outcomes; gives the final job."""
    with state.lock:
        record = _record(state, job_id)
        _lifecycle.run_job(state, record, max_steps)
        return record.job


def archive(state: State, job_id: str) -> ArchivedJob:
    """Move a terminal job to the archive; ValueError for a job that is not over."""
    with state.lock:
        record = _record(state, job_id)
        if not record.job.job_state.is_terminal:
            raise ValueError(f"job {job_id} is {record.job.job_state}: only terminal jobs are archived")
        archived = _archived(record)
        del state.jobs[job_id]
        state.archive[job_id] = archived
        return archived


def update_file(state: State, job_id: str, file_id: int, columns: Mapping[str, Any]) -> File:
    """Change columns of a file without state-machine checks, then derive the job's state again."""
    from fts3sdk.models import File

    unknown = sorted(set(columns) - set(File.model_fields))
    if unknown:
        raise ValueError(f"not columns of a file: {', '.join(unknown)}")
    with state.lock:
        record = _record(state, job_id)
        position = record.index_of(file_id)
        if position is None:
            raise KeyError(f"file {file_id} is not in job {job_id}")
        changed = record.update_file(position, **columns)
        _lifecycle.derive(state, record)
        return changed


def add_host(state: State, hostname: str, service_name: str) -> None:
    """Add (or refresh) the heartbeat row of a node's service."""
    from fts3sdk.models import Host

    with state.lock:
        hosts = state.config.hosts
        hosts[:] = [h for h in hosts if (h.hostname, h.service_name) != (hostname, service_name)]
        hosts.append(Host(hostname=hostname, service_name=service_name, beat=state.now()))


def add_directory(state: State, url: str) -> None:
    """Create a directory and its parents in the storage namespace (ValueError where refused)."""
    from fts3sdk.testing._state._namespace import refused_as_value_error

    with state.lock, refused_as_value_error(url):
        state.namespace.add_directory(url, mtime=_mtime(state))


def add_file(state: State, url: str, size: int, mode: int) -> None:
    """Create (or replace) a file in the storage namespace, creating its parents (ValueError where refused)."""
    from fts3sdk.testing._state._namespace import refused_as_value_error

    with state.lock, refused_as_value_error(url):
        state.namespace.add_file(url, size=size, mode=mode, mtime=_mtime(state))


def _mtime(state: State) -> int:
    return int(state.now().timestamp())


def _archived(record: JobRecord) -> ArchivedJob:
    from fts3sdk.models import ArchivedFile, ArchivedJob

    fields = ArchivedFile.model_fields
    files = []
    for item in record.files:
        data = item.model_dump(mode="json")
        row = {key: value for key, value in data.items() if key in fields}
        row["current_failures"] = None if item.recoverable is None else int(item.recoverable)
        files.append(row)
    job = record.job.model_dump(mode="json", exclude={"retry_delay", "os_project_id", "http_status", "http_message"})
    return ArchivedJob.model_validate(job | {"files": files})
