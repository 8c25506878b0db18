"""Transfer completion (``CO``): the 83-field message url-copy sends after every attempt."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, PlainSerializer, ValidationInfo, field_validator

from fts3sdk.events._fields import (
    EMPTY_IS_NONE,
    NONE_IS_EMPTY,
    EpochMillis,
    EventKind,
    EventModel,
    Metadata,
    OptionalText,
    shared_unknown_members,
)
from fts3sdk.events._transfer import (
    IPVersion,
    OptionalPhase,
    OptionalScope,
    TransferOutcome,
    id_from_transfer_id,
)
from fts3sdk.models import FileState, JobState

__all__ = ["TransferComplete"]

OptionalIPVersion = Annotated[IPVersion | None, EMPTY_IS_NONE, NONE_IS_EMPTY]
NullText = Annotated[
    str | None, EMPTY_IS_NONE, PlainSerializer(lambda value: value or "null", return_type=str, when_used="json")
]
"""A string FTS writes as the literal ``"null"`` when it is missing: read (and ``""``) as None, written back so."""
_FILE_STATES = {"Ok": FileState.FINISHED, "Error": FileState.FAILED, "Abort": FileState.CANCELED}


class TransferComplete(EventModel):
    """A transfer attempt ended (``CO``, destination ``transfer.fts_monitoring_complete``).

    Sent after every attempt (success, failure, cancel), for transfers still queued in a cancelled multi-file
    url-copy (``Abort``, no start message, timings None), and for every pending transfer when url-copy is
    killed. Each retry is a new attempt with its own start and completion: several per (``job_id``,
    ``file_id``) are normal; ``retry`` and ``tr_timestamp_start`` tell them apart.

    Traps kept as sent: ``retry``, ``retry_max`` and ``is_recoverable`` are only set on errors (0/False on
    success); the derived durations are differences of unsigned timestamps and can be hugely negative when a
    phase had no end event, and ``srm_overhead_time`` close to 2**64 (plain unbounded ints here);
    ``throughput`` is in bytes/s (``-1.0`` when the copy time was 0), not the REST API's MiB/s; ``job_state``
    is url-copy's own view (``UNKNOWN`` for regular jobs), not the job's state in the database.
    """

    kind: ClassVar[EventKind] = EventKind.COMPLETE

    # identity
    tr_id: str = ""
    """Transfer id, as ``TransferStart.transfer_id`` but computed again now (the minute may differ)."""
    job_id: str = Field(default=None, validate_default=True)
    """Job id (since FTS 3.12; read from ``tr_id`` for older servers)."""
    file_id: int = Field(default=None, validate_default=True)
    """File id (unsigned 64-bit)."""
    endpnt: str = ""
    """The FTS endpoint (the message daemon's ``Alias``)."""
    vo: str = ""
    """VO name."""
    user_dn: str = ""
    """Submitter DN, or ``""``."""
    channel_type: str = ""
    """Always ``"urlcopy"``."""
    t_channel: str = ""
    """``<src host>__<dst host>``."""
    activity: str = ""
    """The file's activity (since 3.13); ``""`` for session-reuse jobs."""
    # endpoints and protocols
    src_url: str = ""
    """Source URL."""
    dst_url: str = ""
    """Destination URL."""
    src_hostname: str = ""
    """Source host."""
    dst_hostname: str = ""
    """Destination host."""
    src_se: str = ""
    """Source storage, ``scheme://host`` (since 3.12.4)."""
    dst_se: str = ""
    """Destination storage, ``scheme://host`` (since 3.12.4)."""
    src_site_name: str = ""
    """Always ``""``."""
    dst_site_name: str = ""
    """Always ``""``."""
    src_srm_v: str = ""
    """``"2.2.0"`` for SRM, else ``""``."""
    dest_srm_v: str = ""
    """``"2.2.0"`` for SRM, else ``""``."""
    srm_space_token_src: str = ""
    """Source space token, ``""`` if none."""
    srm_space_token_dst: str = ""
    """Destination space token, ``""`` if none."""
    protocol: str = ""
    """The destination URL scheme, or the source's if the destination has none (since 3.12.4)."""
    src_protocol: str = ""
    """Source URL scheme, e.g. ``davs``, ``root`` (since 3.14.1)."""
    dst_protocol: str = ""
    """Destination URL scheme (since 3.14.1)."""
    src_transfer_protocol: str = ""
    """Protocol actually used at the source: the TURL scheme for SRM; ``http``/``https`` for the HTTP family."""
    dst_transfer_protocol: str = ""
    """Protocol actually used at the destination."""
    protocol_translation: bool = False
    """The two transfer protocols differ (``http`` and ``https`` count as the same) (since 3.14.1)."""
    ipver: OptionalIPVersion = None
    """IP version of the transfer (since 3.12.4)."""
    final_destination: str = ""
    """gfal2's GridFTP PASV event text, ``""`` otherwise."""
    transfer_type: str = ""
    """``"3rd pull"``, ``"3rd push"``, ``"streamed"``, ...; ``""`` if gfal2 reported none."""
    # outcome
    t_final_transfer_state: TransferOutcome = TransferOutcome.ERROR
    """``Ok``, ``Error`` or ``Abort`` (cancelled)."""
    t_final_transfer_state_flag: int | None = None
    """1 = Ok, 0 = Error, -1 = Abort (since 3.12.4)."""
    t_error_code: int = 0
    """errno-style code, 0 on success (110: the FTS timeout fired, 125: cancelled)."""
    tr_error_scope: OptionalScope = None
    """Where the error was; None on success."""
    t_failure_phase: OptionalPhase = None
    """The step that failed; None on success."""
    tr_error_category: OptionalText = None
    """``strerror`` of the code, upper case with ``_``, e.g. ``FILE_EXISTS``; None on success."""
    t__error_message: str = ""
    """The error text (query strings redacted, at most 1024 characters); ``""`` on success."""
    is_recoverable: bool = False
    """FTS thinks a retry could help. Only computed on errors: always False on success."""
    retry: int = 0
    """Retries this file already had when this attempt ran. Only set on errors: 0 on success."""
    retry_max: int = 0
    """The job's effective maximum of retries. Only set on errors: 0 on success."""
    job_state: Annotated[JobState | None, shared_unknown_members(JobState)] = None
    """url-copy's own view, not the database's: ``UNKNOWN`` for regular jobs; for multi-replica and multihop
    jobs ``FINISHED``, ``FAILED`` or ``ACTIVE`` (more replicas or hops to come)."""
    # timestamps
    tr_timestamp_start: EpochMillis = None
    """url-copy began this transfer (None for cancelled queued transfers)."""
    tr_timestamp_complete: EpochMillis = None
    """url-copy finished it (the time the message was built, if unset)."""
    timestamp_tr_st: EpochMillis = None
    """gfal2 copy began."""
    timestamp_tr_comp: EpochMillis = None
    """gfal2 copy ended."""
    timestamp_chk_src_st: EpochMillis = None
    """Source checksum began."""
    timestamp_chk_src_ended: EpochMillis = None
    """Source checksum ended."""
    timestamp_checksum_dest_st: EpochMillis = None
    """Destination checksum began."""
    timestamp_checksum_dest_ended: EpochMillis = None
    """Destination checksum ended."""
    time_srm_prep_st: EpochMillis = None
    """SRM prepare began."""
    time_srm_prep_end: EpochMillis = None
    """SRM prepare ended."""
    time_srm_fin_st: EpochMillis = None
    """SRM close began."""
    time_srm_fin_end: EpochMillis = None
    """SRM close ended."""
    # derived durations (ms) and rates
    transfer_time: int = 0
    """Copy time in ms (``timestamp_tr_comp - timestamp_tr_st``); hugely negative when the copy had no end."""
    operation_time: int = 0
    """Whole attempt in ms (``tr_timestamp_complete - tr_timestamp_start``); may be negative, see above."""
    throughput: float = 0.0
    """``file_size`` per second of ``transfer_time``, in **bytes/s**; ``-1.0`` when the copy time was <= 0."""
    srm_preparation_time: int = 0
    """SRM prepare duration, ms."""
    srm_finalization_time: int = 0
    """SRM close duration, ms."""
    srm_overhead_time: int = 0
    """Sum of the two SRM durations, ms (unsigned in FTS: may be close to 2**64 when one wrapped)."""
    srm_overhead_percentage: float = 0.0
    """``srm_overhead_time`` as a percentage of ``operation_time``; ``-1.0`` when that is <= 0."""
    timestamp_checksum_src_diff: int = 0
    """Source checksum duration, ms."""
    timestamp_checksum_dst_diff: int = 0
    """Destination checksum duration, ms."""
    # sizes and parameters
    file_size: int = 0
    """Source file size in bytes, from a stat of the source (since 3.12.4)."""
    f_size: int = 0
    """The same value as ``file_size`` (the older name)."""
    tr_bt_transfered: int = 0
    """Bytes reported by gfal2's last performance marker; can be 0 on success (short transfers)."""
    nstreams: int = 0
    """Number of streams used."""
    buf_size: int = 0
    """TCP buffer size in bytes, 0 = default."""
    tcp_buf_size: int = 0
    """The same value as ``buf_size``."""
    block_size: int = 0
    """Always 0."""
    t_timeout: int = 0
    """Transfer timeout given to gfal2, in **seconds**."""
    chk_timeout: int = 0
    """Always 0."""
    scitag: int = 0
    """SciTag flow label, 0 if none (since 3.12.11)."""
    # job flags
    job_m_replica: bool = False
    """Multiple-replica job."""
    job_multihop: bool = False
    """Multihop job (since 3.12)."""
    transfer_lasthop: bool = False
    """This is the last hop (since 3.12)."""
    is_archiving: bool = False
    """Archiving job: success means the file is now ARCHIVING, not final (since 3.12.5)."""
    auth_method: NullText = None
    """``certificate`` or ``oauth2`` from the job metadata; None when missing (FTS sends the string ``"null"``)."""
    overwrite_on_disk_flag: bool = False
    """The overwrite-when-only-on-disk feature was on (since 3.13.1)."""
    overwrite_on_disk_deletion_code: int = -1
    """-1 not attempted, 0 ok, >0 errno of the failed deletion (since 3.13.1)."""
    eviction_code: int = -1
    """Release of the source pin: -1 not attempted, 0 ok, >0 errno (since 3.12)."""
    cleanup_code: int = -1
    """Cleanup of the destination after a failure: -1 not attempted, 0 ok, >0 errno (since 3.12.9)."""
    # metadata
    file_metadata: Metadata = None
    """File metadata as submitted (may have gained a ``dst_file`` member); None when there is none."""
    job_metadata: Metadata = None
    """Job metadata as submitted, with ``auth_method``."""
    fqdn: str | None = None
    """Host of the message daemon; only with ``PUBLISH_FQDN=true``."""

    @field_validator("job_id", "file_id", mode="before")
    @classmethod
    def _ids_of_old_servers(cls, value: Any, info: ValidationInfo) -> Any:
        return id_from_transfer_id(value, info, "tr_id")

    @property
    def succeeded(self) -> bool:
        """Whether the attempt succeeded (``Ok``). For an archiving job the file is then ARCHIVING, not done."""
        return self.t_final_transfer_state == TransferOutcome.OK

    @property
    def file_state(self) -> FileState:
        """The file state this attempt ends in: FINISHED (or ARCHIVING), FAILED or CANCELED.

        A failed attempt that will be retried also reads FAILED: only `FileStateChange` knows about retries.
        """
        if self.succeeded and self.is_archiving:
            return FileState.ARCHIVING
        return _FILE_STATES.get(self.t_final_transfer_state.value, FileState.FAILED)
