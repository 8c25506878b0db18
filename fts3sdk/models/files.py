"""Transfers of a job (``t_file``), their archived copies, retries and data-management tasks."""

from __future__ import annotations

from pydantic import JsonValue

from fts3sdk.models._types import FTSModel, UTCDateTime
from fts3sdk.models.states import FileState

__all__ = ["ArchivedFile", "DataManagement", "File", "FileRetry", "PartialFile"]


class _TransferColumns(FTSModel):
    """Columns shared by live and archived transfers; every one may be absent from a partial answer."""

    file_id: int | None = None
    """Server-side id of this transfer (one row per source/destination pair)."""
    file_index: int | None = None
    """Logical file index within the job; alternative replicas share it."""
    job_id: str | None = None
    """Id of the job the transfer belongs to."""
    file_state: FileState | None = None
    """Current state; unknown future states are kept."""
    source_surl: str | None = None
    """Source URL."""
    dest_surl: str | None = None
    """Destination URL."""
    source_se: str | None = None
    """Source storage, ``scheme://host``."""
    dest_se: str | None = None
    """Destination storage, ``scheme://host``."""
    checksum: str | None = None
    """``ALGORITHM:value``, or only the algorithm (``ADLER32``) when no value was given."""
    user_filesize: int | None = None
    """Size given at submission (0 when none was given)."""
    filesize: int | None = None
    """Size observed by the transfer."""
    file_metadata: JsonValue = None
    """User metadata: normally an object, but the server passes through any JSON (or text it cannot parse)."""
    staging_metadata: JsonValue = None
    """Metadata for the bring-online request."""
    archive_metadata: JsonValue = None
    """Metadata for the archive (tape) request."""
    scitag: int | None = None
    """SciTag flow label (65..65535)."""
    transfer_host: str | None = None
    """FTS node that ran the transfer."""
    staging_host: str | None = None
    """FTS node that ran the bring-online."""
    reason: str | None = None
    """Error message of the last failure ("" or null when fine)."""
    retry: int | None = None
    """Retries done so far."""
    start_time: UTCDateTime | None = None
    """When the transfer started."""
    finish_time: UTCDateTime | None = None
    """When the transfer ended."""
    staging_start: UTCDateTime | None = None
    """When the bring-online started."""
    staging_finished: UTCDateTime | None = None
    """When the bring-online ended."""
    archive_start_time: UTCDateTime | None = None
    """When archiving (tape) monitoring started."""
    archive_finish_time: UTCDateTime | None = None
    """When archiving ended."""
    tx_duration: float | None = None
    """Transfer duration in seconds."""
    throughput: float | None = None
    """Throughput as the transfer agent reported it (documented as MiB/s; compute ``filesize / tx_duration``
    when the unit matters)."""
    pid: int | None = None
    """Process id of the transfer agent."""
    internal_file_params: str | None = None
    """Transfer parameters set by the server."""
    bringonline_token: str | None = None
    """SRM or tape request token of the bring-online."""
    selection_strategy: str | None = None
    """Replica selection strategy of a multiple-replica job."""


class PartialFile(_TransferColumns):
    """A transfer as returned when only some fields were asked for (``?files=a,b``): every field may be absent.

    `File` is the same with the identifying fields guaranteed.
    """

    file_state_initial: str | None = None
    """The state the transfer enters once its tokens are ready (set while ``TOKEN_PREP``), else ``""``."""
    vo_name: str | None = None
    """VO of the job."""
    priority: int | None = None
    """Priority (the job's)."""
    activity: str | None = None
    """Activity label for fair share (``default`` when none was given)."""
    recoverable: bool | None = None
    """Whether the last failure was judged recoverable (retriable)."""
    dest_surl_uuid: str | None = None
    """UUID of the destination used for duplicate detection, when the server checks duplicates."""
    hashed_id: int | None = None
    """Scheduling hash 0..65535, shared by the files of one session."""
    log_file: str | None = None
    """Path of the transfer log on the FTS node."""
    log_debug: int | None = None
    """Whether the log is a debug log."""
    src_token_id: str | None = None
    """Id of the source access token (token submissions)."""
    dst_token_id: str | None = None
    """Id of the destination access token (token submissions)."""

    @property
    def initial_state(self) -> FileState | None:
        """`file_state_initial` as a state, or ``None`` when the server sent ``""`` or nothing."""
        return FileState(self.file_state_initial) if self.file_state_initial else None


class File(PartialFile):
    """One transfer of a job (``GET /jobs/{id}/files``)."""

    file_id: int
    """Server-side id of this transfer (one row per source/destination pair)."""
    job_id: str
    """Id of the job the transfer belongs to."""
    file_state: FileState
    """Current state; unknown future states are kept."""
    source_surl: str
    """Source URL."""
    dest_surl: str
    """Destination URL."""


class ArchivedFile(_TransferColumns):
    """A transfer of an archived job (``GET /archive/{id}``)."""

    file_id: int
    """Server-side id of this transfer."""
    job_id: str
    """Id of the archived job."""
    file_state: FileState
    """Final state."""
    source_surl: str
    """Source URL."""
    dest_surl: str
    """Destination URL."""
    current_failures: int | None = None
    """Failure count of the last attempt (an integer here, where live files have the boolean `recoverable`)."""


class FileRetry(FTSModel):
    """One failed attempt of a transfer (``GET /jobs/{id}/files/{file_id}/retries``)."""

    file_id: int
    """The transfer that failed."""
    attempt: int
    """Attempt number."""
    datetime: UTCDateTime | None = None
    """When the attempt failed."""
    reason: str | None = None
    """Error message of the attempt."""
    transfer_host: str | None = None
    """FTS node that ran the attempt."""
    log_file: str | None = None
    """Log of the attempt on the FTS node."""
    file: File | None = None
    """The whole transfer, as the server embeds it in each retry."""


class DataManagement(FTSModel):
    """A data-management task of a job (``GET /jobs/{id}/dm``); only old deletion jobs have them."""

    file_id: int
    """Id of the task."""
    job_id: str
    """Id of the job."""
    file_state: FileState
    """``DELETE`` while active, then FINISHED, FAILED or CANCELED."""
    dmhost: str | None = None
    """FTS node that ran the task."""
    source_surl: str | None = None
    """The URL acted upon."""
    dest_surl: str | None = None
    """Second URL, for operations that have one."""
    source_se: str | None = None
    """Storage of ``source_surl``."""
    dest_se: str | None = None
    """Storage of ``dest_surl``."""
    reason: str | None = None
    """Error message."""
    checksum: str | None = None
    """Checksum, when relevant."""
    start_time: UTCDateTime | None = None
    """When the task started."""
    finish_time: UTCDateTime | None = None
    """When the task ended."""
    job_finished: UTCDateTime | None = None
    """When the job ended."""
    tx_duration: float | None = None
    """Duration in seconds."""
    retry: int | None = None
    """Retries done."""
    user_filesize: float | None = None
    """Size given at submission (a floating-point column here)."""
    file_metadata: JsonValue = None
    """User metadata."""
    activity: str | None = None
    """Activity label."""
    dm_token: str | None = None
    """Token of the storage request."""
    retry_timestamp: UTCDateTime | None = None
    """When the next retry is due."""
    wait_timestamp: UTCDateTime | None = None
    """When waiting started."""
    wait_timeout: int | None = None
    """How long to wait, in seconds."""
    hashed_id: int | None = None
    """Scheduling hash."""
    vo_name: str | None = None
    """VO of the job."""
