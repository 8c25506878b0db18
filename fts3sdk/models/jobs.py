"""Jobs (``t_job``), archived jobs, per-job status entries of multi-job answers, cancel-all counters."""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import JsonValue

from fts3sdk.models._types import FTSModel, UTCDateTime, YNBool
from fts3sdk.models.files import ArchivedFile, File, PartialFile
from fts3sdk.models.states import ChecksumModeField, JobState, JobType, OverwriteModeField

__all__ = ["ArchivedJob", "CancelAllResult", "Job", "JobStatusEntry", "PartialJob"]


def _status_code(http_status: str | None) -> int | None:
    if not http_status:
        return None
    head = http_status.split(" ", 1)[0]
    return int(head) if head.isdigit() else None


class _JobColumns(FTSModel):
    """Columns shared by live and archived jobs; every one may be absent from a partial answer."""

    job_id: str | None = None
    """Job id (a UUID)."""
    job_state: JobState | None = None
    """Current state; unknown future states are kept."""
    job_type: JobType | None = None
    """Kind of job (regular, multiple replica, multihop, session reuse); null for old deletion jobs."""
    cancel_job: YNBool = False
    """Whether a cancellation was requested."""
    source_se: str | None = None
    """Source storage ``scheme://host`` when all transfers share it, else null."""
    dest_se: str | None = None
    """Destination storage ``scheme://host`` when all transfers share it, else null."""
    user_dn: str | None = None
    """Submitter: certificate DN, or the token's ``sub``."""
    cred_id: str | None = None
    """Delegation id of the submitter (16 hex digits)."""
    vo_name: str | None = None
    """VO the job was submitted for (a delegation id for users without VOMS attributes)."""
    submit_host: str | None = None
    """FTS REST host that accepted the job."""
    submit_time: UTCDateTime | None = None
    """When the job was submitted."""
    job_finished: UTCDateTime | None = None
    """When the job reached a terminal state."""
    reason: str | None = None
    """Why the job ended the way it did ("" or null when fine)."""
    priority: int | None = None
    """Priority, 1 (lowest) to 5 (highest) at submission."""
    max_time_in_queue: int | None = None
    """Absolute expiry as UNIX seconds (not a duration); see `expires_at`."""
    destination_spacetoken: str | None = None
    """Destination space token (not stored by 3.13 servers)."""
    source_spacetoken: str | None = None
    """Source space token (not stored by 3.13 servers)."""
    internal_job_params: str | None = None
    """Transfer parameters, e.g. ``nostreams:1,timeout:300,strict``."""
    dst_file_report: YNBool = False
    """Whether an existing destination is reported instead of failing."""
    overwrite_flag: OverwriteModeField = None
    """When the destination may be overwritten; ``None`` means never."""
    copy_pin_lifetime: int | None = None
    """Pin lifetime in seconds for bring-online (-1: none)."""
    verify_checksum: ChecksumModeField = None
    """Which checksums are verified."""
    bring_online: int | None = None
    """Bring-online timeout in seconds (-1: none)."""
    archive_timeout: int | None = None
    """Archive monitoring timeout in seconds (-1: none)."""
    target_qos: str | None = None
    """Target QoS class of a QoS job."""
    job_metadata: JsonValue = None
    """User metadata, normally an object to which the server adds ``auth_method``."""
    retry: int | None = None
    """Retries per transfer (negative: none; 0: server default)."""

    @property
    def expires_at(self) -> datetime | None:
        """`max_time_in_queue` as an aware datetime: when the job expires if still queued."""
        if self.max_time_in_queue is None:
            return None
        return datetime.fromtimestamp(self.max_time_in_queue, tz=timezone.utc)


class _LiveJobColumns(_JobColumns):
    """Columns of live jobs that archived jobs do not have, and the per-job outcome of get, cancel and modify."""

    retry_delay: int | None = None
    """Seconds between retries."""
    os_project_id: str | None = None
    """OpenStack project id (not set by the REST server)."""
    http_status: str | None = None
    """Per-job outcome in get, cancel and modify answers: ``"200 Ok"`` or ``"304 Not Modified"``."""
    http_message: str | None = None
    """Why nothing changed (``The job is in a terminal state``), in cancel and modify answers."""

    @property
    def http_status_code(self) -> int | None:
        """The numeric part of `http_status` (200 or 304), if any."""
        return _status_code(self.http_status)


class PartialJob(_LiveJobColumns):
    """A job as returned when only some fields were asked for (``GET /jobs?fields=a,b``): all may be absent."""

    files: list[PartialFile] | None = None
    """Transfers, when they were asked for; only the requested fields."""


class Job(_LiveJobColumns):
    """A transfer job (``GET /jobs/{id}``)."""

    job_id: str
    """Job id (a UUID)."""
    job_state: JobState
    """Current state; unknown future states are kept."""
    user_dn: str
    """Submitter: certificate DN, or the token's ``sub``."""
    vo_name: str
    """VO the job was submitted for (a delegation id for users without VOMS attributes)."""
    submit_time: UTCDateTime
    """When the job was submitted."""
    files: list[File] | None = None
    """Transfers of the job, when they were asked for."""

    @property
    def is_terminal(self) -> bool:
        """Whether the job is over."""
        return self.job_state.is_terminal


class ArchivedJob(_JobColumns):
    """A job moved to the archive (``GET /archive/{id}``), always with its transfers."""

    job_id: str
    """Job id (a UUID)."""
    job_state: JobState
    """Final state."""
    user_dn: str
    """Submitter."""
    vo_name: str
    """VO the job was submitted for."""
    submit_time: UTCDateTime
    """When the job was submitted."""
    files: list[ArchivedFile]
    """Transfers of the job."""


class JobStatusEntry(FTSModel):
    """The outcome for one id that failed in a multi-job answer (and the body of a single-job 404/403)."""

    job_id: str
    """The id that was asked for."""
    http_status: str
    """Status line, e.g. ``"404 Not Found"``."""
    http_message: str | None = None
    """The server's explanation."""

    @property
    def status_code(self) -> int | None:
        """The numeric part of `http_status`."""
        return _status_code(self.http_status)


class CancelAllResult(FTSModel):
    """Counters of a cancel-all (``DELETE /jobs/all`` or ``/jobs/vo/{vo}``)."""

    affected_jobs: int
    """Jobs canceled."""
    affected_files: int
    """Transfers canceled."""
    affected_dm: int
    """Data-management tasks canceled."""
