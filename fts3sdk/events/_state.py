"""File state change (``SS``, two producers) and optimizer decision (``OP``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from fts3sdk.events._fields import EpochMillis, EventKind, EventModel, Metadata
from fts3sdk.models import FileState, JobState

__all__ = ["FileStateChange", "OptimizerDecision"]


class FileStateChange(EventModel):
    """A file changed state (``SS``, destination ``transfer.fts_monitoring_state``; STOMP header ``vo``).

    Two producers send it with different shapes. The transfer server sends it after each update it makes
    (states from url-copy, staging, archiving, tokens, reaping), re-reading the rows afterwards, so the
    message shows the state just written; a failure that will be retried sends none (the file silently goes
    back to SUBMITTED), nor do files cancelled while still queued. The REST server (when its own
    ``MonitoringMessaging`` is on; off by default) sends one per file at submission: without ``submit_time``,
    ``user_filesize``, the staging and archiving fields and ``reason``, with ``staging_metadata`` and
    ``archive_metadata``, a fractional ``timestamp``, and the first file's state repeated for every file.
    `producer` tells them apart. There is no ordering between kinds: order by ``timestamp`` and treat
    terminal states as final.
    """

    kind: ClassVar[EventKind] = EventKind.STATE

    job_id: str
    """Job id."""
    file_id: int
    """File id."""
    file_state: FileState
    """The file's state as just written (unknown future states are kept)."""
    job_state: JobState | None = None
    """The job's state after the update."""
    endpnt: str = ""
    """The FTS endpoint (the message daemon's ``Alias``)."""
    vo_name: str = ""
    """VO name (also sent as the STOMP header ``vo``)."""
    user_dn: str = ""
    """Submitter DN, or ``""`` unless the VO shows DNs."""
    src_url: str = ""
    """Source SURL."""
    dst_url: str = ""
    """Destination SURL."""
    source_se: str = ""
    """Source storage, ``scheme://host``."""
    dest_se: str = ""
    """Destination storage, ``scheme://host``."""
    retry_counter: int = 0
    """Retries done so far (always 0 from the REST server)."""
    retry_max: int = 0
    """The job's raw retry setting: 0 means the server or VO default, negative means none (not the resolved
    value a `TransferComplete` carries)."""
    timestamp: EpochMillis = None
    """When the message was built (fractional milliseconds from the REST server)."""
    user_filesize: int | None = None
    """Size declared at submission in bytes, 0 if none (server only)."""
    submit_time: EpochMillis = None
    """Job submission time, to the second (server only)."""
    staging_start: EpochMillis = None
    """Staging began (server only; None if not staged)."""
    staging_finished: EpochMillis = None
    """Staging ended (server only)."""
    staging: bool | None = None
    """The file was staged (server only)."""
    archiving_start: EpochMillis = None
    """Archiving began (server only, since 3.12.5)."""
    archiving_finished: EpochMillis = None
    """Archiving ended (server only, since 3.12.5)."""
    archiving: bool | None = None
    """The file was archived (server only, since 3.12.5)."""
    reason: str | None = None
    """The error text of a failure (``<SCOPE> [<errno>] <message>`` from url-copy), ``""`` otherwise (server only)."""
    job_metadata: Metadata = None
    """Job metadata as stored."""
    file_metadata: Metadata = None
    """File metadata as stored."""
    staging_metadata: Metadata = None
    """Staging metadata (REST server only)."""
    archive_metadata: Metadata = None
    """Archive metadata (REST server only)."""
    fqdn: str | None = None
    """Host of the message daemon; only with ``PUBLISH_FQDN=true``."""

    @property
    def producer(self) -> Literal["server", "rest"]:
        """Who sent it: the transfer server, or the REST server at submission (it sends no ``submit_time``)."""
        return "server" if "submit_time" in self.model_fields_set else "rest"


class OptimizerDecision(EventModel):
    """The optimizer set a link's connections (``OP``, destination ``transfer.fts_monitoring_queue_state``).

    Non-persistent; no VO. A link whose success rate and throughput did not change gets no message.
    """

    kind: ClassVar[EventKind] = EventKind.OPTIMIZER

    source_se: str
    """Source storage of the link, ``scheme://host``."""
    dest_se: str
    """Destination storage of the link."""
    endpnt: str = ""
    """The FTS endpoint (the message daemon's ``Alias``)."""
    timestamp: EpochMillis = None
    """Decision time."""
    connections: int = 0
    """The decision: the maximum number of active transfers on the link."""
    diff: int = 0
    """Change from the previous decision (the first one equals ``connections``; 0 for a fixed range)."""
    rationale: str = ""
    """Why, in words, e.g. ``"Good link efficiency. Increment"`` (an open set, with suffixes)."""
    throughput: float = 0.0
    """Link throughput over the window, **bytes/s**."""
    throughput_ema: float = 0.0
    """Exponential moving average of the throughput (alpha 0.1), bytes/s."""
    duration_avg: int = 0
    """Average transfer duration over the last 30 minutes, in **seconds** (truncated)."""
    filesize_avg: float = 0.0
    """Average file size over the window, bytes."""
    filesize_stddev: float = 0.0
    """Standard deviation of the file size, bytes."""
    success_rate: float = 0.0
    """Success rate in percent, 0-100 (100 when no transfer ended)."""
    retry_count: int = 0
    """Retries seen in the window."""
    active_count: int = 0
    """Files ACTIVE on the link now."""
    submitted_count: int = 0
    """Files queued (SUBMITTED) on the link now."""
    fqdn: str | None = None
    """Host of the message daemon; only with ``PUBLISH_FQDN=true``."""
