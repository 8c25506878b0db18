"""States and one-letter codes of jobs and files, as open enums that keep values they do not know."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, TypeVar

from pydantic import BeforeValidator

from fts3sdk.models._types import OpenEnum

__all__ = [
    "BanStatus",
    "ChecksumMode",
    "ChecksumModeField",
    "FileState",
    "JobState",
    "JobType",
    "OverwriteMode",
    "OverwriteModeField",
    "state_filter",
]


class JobState(OpenEnum):
    """State of a job. Unknown future states are kept as ``UNKNOWN_<value>`` pseudo-members."""

    SUBMITTED = "SUBMITTED"
    READY = "READY"
    ACTIVE = "ACTIVE"
    STAGING = "STAGING"
    ARCHIVING = "ARCHIVING"
    QOS_TRANSITION = "QOS_TRANSITION"
    QOS_REQUEST_SUBMITTED = "QOS_REQUEST_SUBMITTED"
    DELETE = "DELETE"
    FINISHED = "FINISHED"
    FINISHEDDIRTY = "FINISHEDDIRTY"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def is_terminal(self) -> bool:
        """Whether the job is over (FINISHED, FINISHEDDIRTY, FAILED or CANCELED); unknown states are not."""
        return self.value in _TERMINAL_JOB_STATES


_TERMINAL_JOB_STATES = frozenset({"FINISHED", "FINISHEDDIRTY", "FAILED", "CANCELED"})


class FileState(OpenEnum):
    """State of one transfer (file) of a job, or of a data-management task."""

    TOKEN_PREP = "TOKEN_PREP"  # noqa: S105 - a state name, not a secret
    STAGING = "STAGING"
    STARTED = "STARTED"
    ON_HOLD = "ON_HOLD"
    ON_HOLD_STAGING = "ON_HOLD_STAGING"
    NOT_USED = "NOT_USED"
    SUBMITTED = "SUBMITTED"
    FORCE_START = "FORCE_START"
    READY = "READY"
    ACTIVE = "ACTIVE"
    ARCHIVING = "ARCHIVING"
    QOS_TRANSITION = "QOS_TRANSITION"
    QOS_REQUEST_SUBMITTED = "QOS_REQUEST_SUBMITTED"
    DELETE = "DELETE"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def is_terminal(self) -> bool:
        """Whether the file is over (FINISHED, FAILED or CANCELED): the server never changes it again."""
        return self.value in _TERMINAL_FILE_STATES

    @property
    def is_active(self) -> bool:
        """Whether the file is queued or in progress (the server's "active" class; cancel acts on these)."""
        return self.value in _ACTIVE_FILE_STATES


_TERMINAL_FILE_STATES = frozenset({"FINISHED", "FAILED", "CANCELED"})
_ACTIVE_FILE_STATES = frozenset(
    {
        "STAGING",
        "STARTED",
        "SUBMITTED",
        "FORCE_START",
        "READY",
        "ACTIVE",
        "ARCHIVING",
        "QOS_TRANSITION",
        "QOS_REQUEST_SUBMITTED",
        "DELETE",
    }
)


class JobType(OpenEnum):
    """Kind of job (``t_job.job_type``)."""

    REGULAR = "N"
    MULTIPLE_REPLICA = "R"
    MULTIHOP = "H"
    SESSION_REUSE = "Y"


class OverwriteMode(OpenEnum):
    """When the destination may be overwritten (``t_job.overwrite_flag``); ``None`` means never."""

    OVERWRITE = "Y"
    ON_RETRY = "R"
    HOP = "M"
    WHEN_ONLY_ON_DISK = "D"
    HOP_AND_WHEN_ONLY_ON_DISK = "Q"


def _overwrite_from_wire(value: object) -> object:
    # Servers before fts-rest-flask sent this column through a ternary flag: true/false.
    if value is True:
        return "Y"
    if value is False or value == "":
        return None
    return value


OverwriteModeField = Annotated[OverwriteMode | None, BeforeValidator(_overwrite_from_wire)]
"""An overwrite mode read from a letter, or from the booleans of older servers (``false`` means never)."""


class ChecksumMode(OpenEnum):
    """Which checksums the transfer verifies (``verify_checksum``, the ``checksum_method`` column)."""

    BOTH = "b"
    TARGET = "t"
    SOURCE = "s"
    NONE = "n"
    DESTINATION = "d"
    """Stored when a client sends "destination"; the transfer daemon treats it as no verification."""


_CHECKSUM_WORDS = {"both": "b", "target": "t", "source": "s", "none": "n", "destination": "d"}


def _checksum_from_wire(value: object) -> object:
    # Older servers sent a boolean: true meant "verify" (both ends).
    if value is True:
        return "b"
    if value is False:
        return "n"
    if isinstance(value, str) and value.lower() in _CHECKSUM_WORDS:
        return _CHECKSUM_WORDS[value.lower()]
    return value


ChecksumModeField = Annotated[ChecksumMode | None, BeforeValidator(_checksum_from_wire)]
"""A checksum mode read from its letter, a word (``"both"``) or an old server's boolean."""


class BanStatus(OpenEnum):
    """What a storage ban does to queued transfers."""

    CANCEL = "CANCEL"
    WAIT = "WAIT"
    WAIT_AS = "WAIT_AS"
    """Queued transfers wait, and new submissions are still accepted (they start on hold)."""


_S = TypeVar("_S", bound=OpenEnum)


def state_filter(kind: type[_S], states: Iterable[_S | str] | str, *, for_code: bool = True) -> list[_S]:
    """The states of a ``state_in`` filter, checked: misspelt ones are a ValueError naming the known states.

    ``states`` is an iterable, or one comma-separated string. Members are taken as they are, and so is a state
    a newer server has that this SDK does not know, when made on purpose: ``JobState("NEWSTATE")``. A plain
    string must name a known state (any case; the canonical form is sent). Every unknown one is named; with
    ``for_code=False`` (a command line) the message leaves out how a program sends an unknown state.
    """
    items = states.split(",") if isinstance(states, str) else list(states)
    members: list[_S] = []
    unknown: list[str] = []
    for item in items:
        try:
            members.append(kind.checked(item))
        except ValueError:
            unknown.append(item)
    if unknown:
        raise ValueError(kind.unknown_message(unknown, for_code=for_code))
    return members
