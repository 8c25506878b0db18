"""What the FTS transfer daemon would do to jobs: file transitions and the job state derived from them.

Job states follow the core's rules (REFERENCE §6.1): a logical file (``file_index``) is CANCELED only when all
its replicas are, FAILED when all failed or were canceled, FINISHED when any replica finished; the job ends
when every logical file is terminal, or (multihop) as soon as one hop failed or was canceled. Files only move
when the test says so (`start`, `finish`, `fail`, `step`) or, in automatic mode, as the fake clock advances.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._monitoring import _events
from fts3sdk.testing._state._store import JobRecord, Outcome, RetryRecord

if TYPE_CHECKING:
    from fts3sdk.models import File
    from fts3sdk.testing._state._store import State

__all__ = ["derive", "fail_file", "finish_file", "run_job", "start_file", "step_file", "tick"]

TERMINAL = frozenset({"FINISHED", "FAILED", "CANCELED"})
FAILED_REASON = "One or more files failed. Please have a look at the details for more information"
DEFAULT_FILESIZE = 1_048_576
PID = 4242
_STARTABLE = ("SUBMITTED", "READY", "FORCE_START")
_MAX_TICKS = 10_000


def _state(item: File) -> str:
    return str(item.file_state.value)


def _update(state: State, record: JobRecord, position: int, **changes: Any) -> File:
    before = record.files[position]
    after = record.update_file(position, **changes)
    _events.file_moved(state, record, before, after)
    return after


def _is_staging(record: JobRecord) -> bool:
    return (record.job.bring_online or -1) > 0 or (record.job.copy_pin_lifetime or -1) > 0


def _elapsed(since: datetime | None, now: datetime) -> float:
    if since is None:
        return 1.0
    return max((now - since).total_seconds(), 1.0)


def start_file(state: State, record: JobRecord, position: int) -> bool:
    """One step towards running: TOKEN_PREP → its initial state, STAGING → STARTED, SUBMITTED → ACTIVE."""
    item, now = record.files[position], state.now()
    current = _state(item)
    if current == "TOKEN_PREP":
        _update(state, record, position, file_state=item.file_state_initial or "SUBMITTED")
    elif current == "STAGING":
        host = state.settings.transfer_host
        _update(state, record, position, file_state="STARTED", staging_start=now, staging_host=host)
    elif current in _STARTABLE:
        host = state.settings.transfer_host
        _update(state, record, position, file_state="ACTIVE", start_time=now, transfer_host=host)
    else:
        return False
    derive(state, record)
    return True


def _end_staging(state: State, record: JobRecord, position: int) -> None:
    item, now = record.files[position], state.now()
    if item.source_surl == item.dest_surl:
        _update(state, record, position, file_state="FINISHED", staging_finished=now, finish_time=now, reason="")
    else:
        _update(state, record, position, file_state="SUBMITTED", staging_finished=now)


def _finished(state: State, record: JobRecord, position: int, filesize: int | None, duration: float | None) -> None:
    item, now = record.files[position], state.now()
    size = filesize if filesize is not None else (item.user_filesize or DEFAULT_FILESIZE)
    seconds = duration if duration is not None else _elapsed(item.start_time, now)
    src, dst = (item.source_se or "").split("://")[-1], (item.dest_se or "").split("://")[-1]
    _update(
        state, record, position, file_state="FINISHED", finish_time=now, reason="", filesize=size,
        tx_duration=float(seconds), throughput=round(size / seconds / 1000, 3), pid=PID,
        transfer_host=state.settings.transfer_host, start_time=item.start_time or now,
        log_file=f"/var/log/fts3/transfers/{now:%Y-%m-%d}/{src}__{dst}/log",
    )  # fmt: skip


def finish_file(
    state: State, record: JobRecord, position: int, *, filesize: int | None = None, duration: float | None = None
) -> bool:
    """Drive one file to FINISHED, through whatever steps it still had (staging, start)."""
    for _ in range(6):
        current = _state(record.files[position])
        if current in TERMINAL or current in ("NOT_USED", "ON_HOLD", "ON_HOLD_STAGING"):
            break
        if current == "STARTED":
            _end_staging(state, record, position)
        elif current in ("ACTIVE", "ARCHIVING", "QOS_TRANSITION", "QOS_REQUEST_SUBMITTED"):
            _finished(state, record, position, filesize, duration)
        else:
            start_file(state, record, position)
    return _after_change(state, record, position)


def fail_file(state: State, record: JobRecord, position: int, *, reason: str, recoverable: bool = True) -> bool:
    """A failed attempt: back in the queue with a retry entry while retries are left, else FAILED."""
    item, now = record.files[position], state.now()
    current = _state(item)
    if current in TERMINAL or current in ("NOT_USED", "ON_HOLD", "ON_HOLD_STAGING"):
        return False
    host = state.settings.transfer_host
    attempts = item.retry or 0
    if recoverable and (record.job.retry or 0) > attempts:
        log = f"/var/log/fts3/transfers/attempt{attempts + 1}.log"
        record.retries.setdefault(item.file_id, []).append(RetryRecord(attempts + 1, now, reason, host, log))
        back = "STAGING" if current in ("STAGING", "STARTED") else "SUBMITTED"
        _update(state, record, position, file_state=back, retry=attempts + 1, reason=reason, recoverable=True)
    else:
        seconds = round(_elapsed(item.start_time, now), 3) if item.start_time else 0.0
        _update(
            state, record, position, file_state="FAILED", reason=reason, finish_time=now,
            start_time=item.start_time or now, tx_duration=seconds, throughput=0.0, transfer_host=host,
            recoverable=recoverable,
        )  # fmt: skip
    return _after_change(state, record, position)


def _cancel(state: State, record: JobRecord, position: int, reason: str) -> bool:
    _update(state, record, position, file_state="CANCELED", reason=reason, finish_time=state.now())
    return _after_change(state, record, position)


def _apply_outcome(state: State, record: JobRecord, position: int, outcome: Outcome | None) -> bool:
    if outcome is None or outcome.state == "FINISHED":
        if (record.job.archive_timeout or -1) > 0 and _state(record.files[position]) == "ACTIVE":
            _update(state, record, position, file_state="ARCHIVING", archive_start_time=state.now())
            derive(state, record)
            return True
        return finish_file(state, record, position)
    if outcome.state == "CANCELED":
        return _cancel(state, record, position, outcome.reason)
    return fail_file(state, record, position, reason=outcome.reason, recoverable=outcome.recoverable)


def step_file(state: State, record: JobRecord, position: int) -> bool:
    """One daemon step for one file, using the scripted outcome of the file when it ends. False: no move."""
    item = record.files[position]
    current = _state(item)
    if current == "STARTED":
        outcome = state.outcome_for(item)
        if item.source_surl == item.dest_surl and outcome is not None and outcome.state != "FINISHED":
            return _apply_outcome(state, record, position, outcome)
        _end_staging(state, record, position)
        return _after_change(state, record, position)
    if current == "ACTIVE":
        return _apply_outcome(state, record, position, state.outcome_for(item))
    if current == "ARCHIVING":
        _update(state, record, position, file_state="FINISHED", archive_finish_time=state.now())
        return _after_change(state, record, position)
    if current == "QOS_TRANSITION":
        _update(state, record, position, file_state="QOS_REQUEST_SUBMITTED")
        return _after_change(state, record, position)
    if current == "QOS_REQUEST_SUBMITTED":
        _update(state, record, position, file_state="FINISHED", finish_time=state.now(), reason="")
        return _after_change(state, record, position)
    return start_file(state, record, position)


def step_job(state: State, record: JobRecord, batch: int) -> int:
    """Move up to ``batch`` files of a job one step each; gives how many moved."""
    moved = 0
    for position in range(len(record.files)):
        if moved >= batch or record.job.job_state.is_terminal:
            break
        if step_file(state, record, position):
            moved += 1
    return moved


def run_job(state: State, record: JobRecord, max_steps: int) -> None:
    """Step every file of the job until the job is over (or nothing moves, or ``max_steps`` rounds passed)."""
    for _ in range(max_steps):
        if record.job.job_state.is_terminal or step_job(state, record, len(record.files)) == 0:
            return


def tick(state: State) -> None:
    """Automatic mode: one round of `step_job` (``auto_batch`` files per job) per elapsed ``auto_progress``."""
    interval = state.settings.auto_progress
    if interval is None:
        return
    now = state.clock.now()
    if state.last_tick is None:
        state.last_tick = now
    rounds = min(int((now - state.last_tick) / interval), _MAX_TICKS)
    state.last_tick += interval * rounds
    for _ in range(rounds):
        active = [record for record in state.records() if not record.job.job_state.is_terminal]
        if not active:
            return
        for record in active:
            step_job(state, record, state.settings.auto_batch)


def _after_change(state: State, record: JobRecord, position: int) -> bool:
    item = record.files[position]
    current = _state(item)
    if record.job.job_type == "H":
        if current == "FINISHED":
            _activate(
                state, record, (p for p, f in enumerate(record.files) if f.file_index == (item.file_index or 0) + 1)
            )
    elif current in ("FAILED", "CANCELED"):
        _activate(state, record, (p for p, f in enumerate(record.files) if f.file_index == item.file_index))
    derive(state, record)
    return True


def _activate(state: State, record: JobRecord, positions: Iterable[int]) -> None:
    entry = "STAGING" if _is_staging(record) and record.job.job_type != "H" else "SUBMITTED"
    for position in positions:
        if _state(record.files[position]) == "NOT_USED":
            _update(state, record, position, file_state=entry)
            return


def derive(state: State, record: JobRecord) -> None:
    """Recompute the job state from its files, as the core does after each file update."""
    _derive(state, record)
    _events.job_derived(state, record)


def _derive(state: State, record: JobRecord) -> None:
    if record.job.job_state.is_terminal:
        return
    final = _final_state(record)
    if final is None:
        _derive_running(record)
        return
    changes: dict[str, Any] = {"job_state": final, "job_finished": state.now()}
    if final == "FINISHED":
        changes["reason"] = None
    elif final in ("FAILED", "FINISHEDDIRTY"):
        changes["reason"] = FAILED_REASON
    if record.job.job_type == "H":
        for position, item in enumerate(record.files):
            if _state(item) == "NOT_USED":
                _update(state, record, position, file_state="CANCELED")
    record.update_job(**changes)


def _final_state(record: JobRecord) -> str | None:
    states = [_state(item) for item in record.files]
    if record.job.job_type == "H":
        if "FAILED" in states:
            return "FAILED"
        if "CANCELED" in states:
            return "CANCELED"
        return "FINISHED" if all(s == "FINISHED" for s in states) else None
    groups: dict[int, list[str]] = {}
    for item in record.files:
        groups.setdefault(item.file_index or 0, []).append(_state(item))
    outcomes = [_group_outcome(members) for members in groups.values()]
    if None in outcomes:
        return None
    finished, failed = outcomes.count("FINISHED"), outcomes.count("FAILED")
    if finished and failed:
        return "FINISHEDDIRTY"
    if finished == len(outcomes):
        return "FINISHED"
    return "FAILED" if failed else "CANCELED"


def _group_outcome(states: list[str]) -> str | None:
    if "FINISHED" in states:
        return "FINISHED"
    if all(s == "CANCELED" for s in states):
        return "CANCELED"
    if all(s in ("FAILED", "CANCELED") for s in states):
        return "FAILED"
    return None


def _derive_running(record: JobRecord) -> None:
    states = {_state(item) for item in record.files}
    waiting = states - TERMINAL - {"NOT_USED"}
    current = str(record.job.job_state.value)
    if waiting and waiting <= {"ARCHIVING"}:
        new = "ARCHIVING"
    elif waiting & {"ACTIVE", "READY"}:
        new = "ACTIVE"
    elif current == "STAGING" and not waiting & {"STAGING", "STARTED", "ON_HOLD_STAGING"}:
        new = "SUBMITTED"
    else:
        new = current
    if new != current:
        record.update_job(job_state=new)
