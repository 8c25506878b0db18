"""Transfer start (``ST``) and the enums of transfer completion, both sent by ``fts_url_copy``."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, ValidationInfo, field_validator

from fts3sdk.events._fields import EMPTY_IS_NONE, NONE_IS_EMPTY, EpochMillis, EventKind, EventModel, Metadata
from fts3sdk.models import FileState, OpenEnum

__all__ = [
    "ErrorScope",
    "FailurePhase",
    "IPVersion",
    "TransferOutcome",
    "TransferStart",
    "id_from_transfer_id",
    "ids_from_transfer_id",
]


class TransferOutcome(OpenEnum):
    """How a transfer attempt ended (``t_final_transfer_state``)."""

    OK = "Ok"
    """No error."""
    ERROR = "Error"
    """Any error other than a cancellation."""
    ABORT = "Abort"
    """Cancelled (``ECANCELED``)."""


class ErrorScope(OpenEnum):
    """Where a failed transfer went wrong (``tr_error_scope``)."""

    SOURCE = "SOURCE"
    DESTINATION = "DESTINATION"
    TRANSFER = "TRANSFER"
    GENERAL_FAILURE = "GENERAL_FAILURE"


class FailurePhase(OpenEnum):
    """The step a failed transfer was in (``t_failure_phase``)."""

    TRANSFER_PREPARATION = "TRANSFER_PREPARATION"
    TRANSFER = "TRANSFER"
    TRANSFER_FINALIZATION = "TRANSFER_FINALIZATION"
    TRANSFER_SERVICE = "TRANSFER_SERVICE"


class IPVersion(OpenEnum):
    """The IP version gfal2 reported for the transfer (``ipver``)."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"
    UNKNOWN = "unknown"
    """No IP event was seen."""


OptionalScope = Annotated[ErrorScope | None, EMPTY_IS_NONE, NONE_IS_EMPTY]
OptionalPhase = Annotated[FailurePhase | None, EMPTY_IS_NONE, NONE_IS_EMPTY]


def ids_from_transfer_id(transfer_id: str) -> tuple[str | None, int | None]:
    """The job id and file id inside a transfer id (``<minute>__<src>__<dst>__<file_id>__<job_id>``)."""
    parts = transfer_id.split("__")
    if len(parts) < 5:
        return None, None
    return parts[-1] or None, int(parts[-2]) if parts[-2].isdigit() else None


def id_from_transfer_id(value: Any, info: ValidationInfo, id_field: str) -> Any:
    """Servers before 3.12 sent no ``job_id``/``file_id``: take them from the transfer id, as Rucio does.

    A field validator (``validate_default``) of ``job_id`` and ``file_id``, declared after ``id_field``: a
    model validator would make pydantic build the whole body as Python objects first, for every message.
    """
    if value is not None:
        return value
    job_id, file_id = ids_from_transfer_id(str(info.data.get(id_field, "")))
    found = job_id if info.field_name == "job_id" else file_id
    if found is None:
        raise ValueError(f"missing, and {id_field} holds none")
    return found


class TransferStart(EventModel):
    """A transfer attempt is starting (``ST``, destination ``transfer.fts_monitoring_start``).

    Sent by url-copy once it accepted the transfer, before the copy begins; also when preparing the transfer
    already failed (the error then shows in the completion). Transfers still queued in a cancelled multi-file
    url-copy get no start message: a `TransferComplete` may have none. Correlate with the completion on
    ``job_id`` + ``file_id``: ``transfer_id`` embeds the minute the message was built, so it differs from the
    completion's ``tr_id`` whenever the transfer crosses a minute.
    """

    kind: ClassVar[EventKind] = EventKind.START

    transfer_id: str = ""
    """``<YYYY-MM-DD-HHMM>__<src host>__<dst host>__<file_id>__<job_id>``, the minute being when it was built."""
    job_id: str = Field(default=None, validate_default=True)
    """Job id (sent since FTS 3.12; read from ``transfer_id`` for older servers)."""
    file_id: int = Field(default=None, validate_default=True)
    """File id (an unsigned 64-bit database id)."""
    endpnt: str = ""
    """The FTS endpoint (the message daemon's ``Alias``), e.g. ``https://fts3.example.org:8446``."""
    timestamp: EpochMillis = None
    """When the message was built."""
    vo: str = ""
    """VO name."""
    src_url: str = ""
    """Source URL, as given to url-copy."""
    dst_url: str = ""
    """Destination URL."""
    src_hostname: str = ""
    """Host of the source URL, without port."""
    dst_hostname: str = ""
    """Host of the destination URL, without port."""
    src_srm_v: str = ""
    """``"2.2.0"`` when the source is SRM, else ``""``."""
    dest_srm_v: str = ""
    """``"2.2.0"`` when the destination is SRM, else ``""``."""
    src_site_name: str = ""
    """Always ``""`` (nothing fills it)."""
    dst_site_name: str = ""
    """Always ``""`` (nothing fills it)."""
    t_channel: str = ""
    """``<src host>__<dst host>``."""
    srm_space_token_src: str = ""
    """The job's source space token, ``""`` if none."""
    srm_space_token_dst: str = ""
    """The job's destination space token, ``""`` if none."""
    user_dn: str = ""
    """Submitter DN; ``""`` unless the VO shows DNs (``show_user_dn``)."""
    is_archiving: bool = False
    """The job has an archive timeout (since FTS 3.14.2)."""
    file_metadata: Metadata = None
    """File metadata as submitted; None when there is none (a metadata of exactly ``x`` also reads as none)."""
    job_metadata: Metadata = None
    """Job metadata as submitted, with ``auth_method`` added by the REST server."""
    fqdn: str | None = None
    """Host of the message daemon; only with ``PUBLISH_FQDN=true``."""

    @field_validator("job_id", "file_id", mode="before")
    @classmethod
    def _ids_of_old_servers(cls, value: Any, info: ValidationInfo) -> Any:
        return id_from_transfer_id(value, info, "transfer_id")

    @property
    def file_state(self) -> FileState:
        """ACTIVE: a start is sent at the moment the file becomes ACTIVE."""
        return FileState.ACTIVE
