"""The fake's monitoring messages: what FTS's url-copy and server would send as the fake's files move.

Built with the `fts3sdk.events` models (one source of truth for the wire format), field for field as
FTS 3.14 fills them: a start (``ST``) when a file becomes ACTIVE; a completion (``CO``) when an ACTIVE
attempt ends (``Ok`` on success or into ARCHIVING, ``Error`` on a failure, also one that will be retried,
``Abort`` on a cancellation); a state change (``SS``) for every state the server writes, except a failure
that is retried (the file goes back to SUBMITTED silently), sent once the job state is derived, as the
server re-reads the rows. No optimizer decisions, and nothing at submission (the REST server's own
``MonitoringMessaging`` is off by default). Messages go to an `EventPublisher` when one is given, and are
always kept in memory too.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fts3sdk.events._complete import TransferComplete
from fts3sdk.events._parse import Event
from fts3sdk.events._state import FileStateChange
from fts3sdk.events._transfer import TransferStart

if TYPE_CHECKING:
    from fts3sdk.events._publish import EventPublisher
    from fts3sdk.models import File, Job
    from fts3sdk.testing._state._store import JobRecord, State

__all__ = ["EventLog", "file_moved", "job_derived"]

_ERRNO = {"SOURCE": 2, "DESTINATION": 17, "TRANSFER": 5, "GENERAL_FAILURE": 4}
_CATEGORY = {2: "NO_SUCH_FILE_OR_DIRECTORY", 17: "FILE_EXISTS", 5: "INPUT/OUTPUT_ERROR", 4: "INTERRUPTED_SYSTEM_CALL"}
_HTTP = {"http": "http", "dav": "http", "s3": "http", "gcloud": "http"}
_HTTPS = {"https": "https", "davs": "https", "s3s": "https", "gclouds": "https"}


class EventLog:
    """The messages a `FakeFTS` sent, in order; also published to ``publisher`` when one is given."""

    def __init__(self, publisher: EventPublisher | None = None, *, endpoint: str = "https://fts3.example.org:8446"):
        self.publisher = publisher
        """Where messages are published (None: only kept here)."""
        self.endpoint = endpoint
        """The ``endpnt`` of every message (the message daemon's ``Alias``)."""
        self._events: list[Event] = []
        self._pending: dict[str, list[File]] = {}
        self._lock = threading.Lock()

    @property
    def events(self) -> list[Event]:
        """Every message sent so far, oldest first."""
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        """Forget the messages kept so far."""
        with self._lock:
            self._events.clear()

    def defer(self, job_id: str, item: File) -> None:
        """Keep a file's new row until its job state is derived."""
        with self._lock:
            self._pending.setdefault(job_id, []).append(item)

    def take_deferred(self, job_id: str) -> list[File]:
        """The rows waiting for the job state of ``job_id``."""
        with self._lock:
            return self._pending.pop(job_id, [])

    def emit(self, event: Event) -> None:
        """Keep ``event`` and publish it."""
        with self._lock:
            self._events.append(event)
        if self.publisher is not None:
            self.publisher.publish(event)


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _scheme(url: str) -> str:
    return urlsplit(url).scheme


def _millis(moment: datetime | None) -> int:
    return int(moment.timestamp() * 1000) if moment is not None else 0


def _metadata(value: object, *, x_rule: bool) -> object:
    # url-copy turns "no metadata" (and the bulk placeholder x) into null; a JSON text is embedded parsed.
    return None if value in ("", None) or (x_rule and value == "x") else value


def _common(log: EventLog, job: Job, item: File) -> dict[str, Any]:
    src, dst = item.source_surl or "", item.dest_surl or ""
    return {
        "job_id": item.job_id, "file_id": item.file_id, "endpnt": log.endpoint, "vo": job.vo_name or "",
        "src_url": src, "dst_url": dst, "src_hostname": _host(src), "dst_hostname": _host(dst),
        "src_srm_v": "2.2.0" if _scheme(src) == "srm" else "", "dest_srm_v": "2.2.0" if _scheme(dst) == "srm" else "",
        "src_site_name": "", "dst_site_name": "", "t_channel": f"{_host(src)}__{_host(dst)}",
        "srm_space_token_src": job.source_spacetoken or "", "srm_space_token_dst": job.destination_spacetoken or "",
        "user_dn": "", "is_archiving": (job.archive_timeout or -1) > 0,
        "file_metadata": _metadata(item.file_metadata, x_rule=True), "job_metadata": job.job_metadata,
    }  # fmt: skip


def _transfer_id(now: datetime, item: File) -> str:
    hosts = f"{_host(item.source_surl or '')}__{_host(item.dest_surl or '')}"
    return f"{now:%Y-%m-%d-%H%M}__{hosts}__{item.file_id}__{item.job_id}"


def start_message(log: EventLog, state: State, job: Job, item: File) -> TransferStart:
    """The start url-copy sends for ``item``, now ACTIVE."""
    now = state.clock.now()
    fields = _common(log, job, item) | {"transfer_id": _transfer_id(now, item), "timestamp": _millis(now)}
    return TransferStart.model_validate(fields)


def _outcome_fields(before: File, after: File, outcome: str, job: Job) -> dict[str, Any]:
    if outcome == "Ok":
        return {
            "t_final_transfer_state_flag": 1, "t_error_code": 0, "tr_error_scope": "", "t_failure_phase": "",
            "tr_error_category": "", "t__error_message": "", "is_recoverable": False, "retry": 0, "retry_max": 0,
        }  # fmt: skip
    reason = after.reason or ""
    scope = reason.split(" ", 1)[0] if reason.split(" ", 1)[0] in _ERRNO else "TRANSFER"
    code = 125 if outcome == "Abort" else _ERRNO[scope]
    return {
        "t_final_transfer_state_flag": -1 if outcome == "Abort" else 0, "t_error_code": code,
        "tr_error_scope": scope, "t_failure_phase": "TRANSFER",
        "tr_error_category": "OPERATION_CANCELED" if code == 125 else _CATEGORY.get(code, f"UNKNOWN_ERROR_{code}"),
        "t__error_message": reason[:1024], "is_recoverable": bool(after.recoverable) and outcome == "Error",
        "retry": before.retry or 0,
        "retry_max": max(job.retry or 0, 0),
    }  # fmt: skip


def completion_message(
    log: EventLog, state: State, job: Job, before: File, after: File, outcome: str
) -> TransferComplete:
    """The completion url-copy sends when ``before`` (ACTIVE) ended as ``after`` with ``outcome``."""
    now = state.clock.now()
    started = before.start_time or now
    size = after.filesize or after.user_filesize or 0
    millis = round((after.tx_duration or 0) * 1000) if outcome == "Ok" else 0
    copy_start = _millis(started)
    src, dst = after.source_surl or "", after.dest_surl or ""
    src_scheme, dst_scheme = _scheme(src), _scheme(dst)
    src_used = _HTTP.get(src_scheme, _HTTPS.get(src_scheme, src_scheme))
    dst_used = _HTTP.get(dst_scheme, _HTTPS.get(dst_scheme, dst_scheme))
    fields = _common(log, job, after) | _outcome_fields(before, after, outcome, job) | {
        "tr_id": _transfer_id(now, after), "channel_type": "urlcopy", "activity": after.activity or "",
        "src_se": after.source_se or "", "dst_se": after.dest_se or "", "protocol": dst_scheme or src_scheme,
        "src_protocol": src_scheme, "dst_protocol": dst_scheme, "src_transfer_protocol": src_used,
        "dst_transfer_protocol": dst_used, "protocol_translation": src_used.rstrip("s") != dst_used.rstrip("s"),
        "ipver": "ipv4", "final_destination": "", "transfer_type": "3rd pull" if outcome == "Ok" else "",
        "t_final_transfer_state": outcome, "job_state": _url_copy_job_state(job, after, outcome),
        "tr_timestamp_start": copy_start, "tr_timestamp_complete": _millis(now),
        "timestamp_tr_st": copy_start if outcome == "Ok" else 0,
        "timestamp_tr_comp": copy_start + millis if outcome == "Ok" else 0,
        "transfer_time": millis, "operation_time": _millis(now) - copy_start,
        "throughput": size / (millis / 1000) if millis > 0 else -1.0,
        "file_size": size, "f_size": size, "tr_bt_transfered": size if outcome == "Ok" else 0,
        "nstreams": 1, "buf_size": 0, "tcp_buf_size": 0, "block_size": 0, "chk_timeout": 0,
        "t_timeout": 600 + 2 * (size // 1_048_576), "scitag": after.scitag or 0,
        "job_m_replica": job.job_type == "R", "job_multihop": job.job_type == "H",
        "transfer_lasthop": job.job_type == "H" and after.file_index == max_index(state, job),
        "auth_method": _auth_method(job),
        "overwrite_on_disk_flag": str(job.overwrite_flag or "") in ("D", "Q"), "overwrite_on_disk_deletion_code": -1,
        "eviction_code": -1, "cleanup_code": -1 if outcome == "Ok" else 0,
        "srm_preparation_time": 0, "srm_finalization_time": 0, "srm_overhead_time": 0,
        "srm_overhead_percentage": 0.0 if _millis(now) > copy_start else -1.0,
        "time_srm_prep_st": 0, "time_srm_prep_end": 0, "time_srm_fin_st": 0, "time_srm_fin_end": 0,
        "timestamp_chk_src_st": 0, "timestamp_chk_src_ended": 0, "timestamp_checksum_dest_st": 0,
        "timestamp_checksum_dest_ended": 0, "timestamp_checksum_src_diff": 0, "timestamp_checksum_dst_diff": 0,
    }  # fmt: skip
    del fields["vo"], fields["is_archiving"]
    fields |= {"vo": job.vo_name or "", "is_archiving": (job.archive_timeout or -1) > 0}
    return TransferComplete.model_validate(fields)


def _auth_method(job: Job) -> str:
    metadata = job.job_metadata
    return str(metadata.get("auth_method") or "null") if isinstance(metadata, dict) else "null"


def max_index(state: State, job: Job) -> int:
    """The last hop's file index of a multihop job."""
    record = state.jobs.get(job.job_id or "")
    return max((item.file_index or 0) for item in record.files) if record is not None else 0


def _url_copy_job_state(job: Job, after: File, outcome: str) -> str:
    if job.job_type == "R":
        return "FINISHED" if outcome == "Ok" else "ACTIVE"
    if job.job_type == "H":
        return "FAILED" if outcome != "Ok" else "ACTIVE"
    return "UNKNOWN"


def state_message(log: EventLog, state: State, job: Job, item: File) -> FileStateChange:
    """The state change the server sends after writing ``item`` (and deriving ``job``)."""
    return FileStateChange.model_validate({
        "endpnt": log.endpoint, "job_id": item.job_id, "file_id": item.file_id, "file_state": item.file_state,
        "job_state": job.job_state, "vo_name": job.vo_name or "", "user_dn": "", "src_url": item.source_surl or "",
        "dst_url": item.dest_surl or "", "source_se": item.source_se or "", "dest_se": item.dest_se or "",
        "retry_counter": item.retry or 0, "retry_max": job.retry or 0, "user_filesize": item.user_filesize or 0,
        "timestamp": _millis(state.clock.now()), "submit_time": _millis(job.submit_time),
        "staging_start": _millis(item.staging_start), "staging_finished": _millis(item.staging_finished),
        "staging": item.staging_start is not None, "archiving_start": _millis(item.archive_start_time),
        "archiving_finished": _millis(item.archive_finish_time), "archiving": item.archive_start_time is not None,
        "reason": item.reason or "", "job_metadata": job.job_metadata,
        "file_metadata": _metadata(item.file_metadata, x_rule=False),
    })  # fmt: skip


def _outcome(before: File, after: File) -> str | None:
    if str(before.file_state) != "ACTIVE" or str(after.file_state) == "ACTIVE":
        return None
    if str(after.file_state) in ("FINISHED", "ARCHIVING"):
        return "Ok"
    return "Abort" if str(after.file_state) == "CANCELED" else "Error"


def file_moved(state: State, record: JobRecord, before: File, after: File) -> None:
    """Hook: a file of ``record`` changed; send the start or completion now, the state change after `derive`."""
    log: EventLog | None = getattr(state, "events", None)
    if log is None or before.file_state == after.file_state:
        return
    if str(after.file_state) == "ACTIVE":
        log.emit(start_message(log, state, record.job, after))
    outcome = _outcome(before, after)
    if outcome is not None:
        log.emit(completion_message(log, state, record.job, before, after, outcome))
    retried = outcome == "Error" and str(after.file_state) in ("SUBMITTED", "STAGING")
    if not retried:
        log.defer(record.job.job_id or "", after)


def job_derived(state: State, record: JobRecord) -> None:
    """Hook: the job state of ``record`` was derived; send the state changes waiting for it."""
    log: EventLog | None = getattr(state, "events", None)
    if log is None:
        return
    for item in log.take_deferred(record.job.job_id or ""):
        log.emit(state_message(log, state, record.job, item))
