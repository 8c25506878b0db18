"""Typed models of everything the FTS server returns and of what the SDK submits.

Each module is imported when one of its names is first used: building pydantic models is most of the cost of
importing fts3sdk, and code reading raw JSON (the Easy facade, the ``fts-rest-*`` commands) never needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fts3sdk.models._types import FTSModel, OpenEnum, SpecModel, UTCDateTime, Version, YNBool
    from fts3sdk.models.files import ArchivedFile, DataManagement, File, FileRetry, PartialFile
    from fts3sdk.models.jobs import ArchivedJob, CancelAllResult, Job, JobStatusEntry, PartialJob
    from fts3sdk.models.server import AuthMethod, Delegation, EndpointInfo, StorageBan, UserBan, WhoAmI
    from fts3sdk.models.states import BanStatus, ChecksumMode, FileState, JobState, JobType, OverwriteMode

_WHERE: dict[str, str] = {
    **dict.fromkeys(["FTSModel", "OpenEnum", "SpecModel", "UTCDateTime", "Version", "YNBool"], "_types"),
    **dict.fromkeys(["ArchivedFile", "DataManagement", "File", "FileRetry", "PartialFile"], "files"),
    **dict.fromkeys(["ArchivedJob", "CancelAllResult", "Job", "JobStatusEntry", "PartialJob"], "jobs"),
    **dict.fromkeys(["AuthMethod", "Delegation", "EndpointInfo", "StorageBan", "UserBan", "WhoAmI"], "server"),
    **dict.fromkeys(["BanStatus", "ChecksumMode", "FileState", "JobState", "JobType", "OverwriteMode"], "states"),
}

__all__ = [
    "ArchivedFile",
    "ArchivedJob",
    "AuthMethod",
    "BanStatus",
    "CancelAllResult",
    "ChecksumMode",
    "DataManagement",
    "Delegation",
    "EndpointInfo",
    "FTSModel",
    "File",
    "FileRetry",
    "FileState",
    "Job",
    "JobState",
    "JobStatusEntry",
    "JobType",
    "OpenEnum",
    "OverwriteMode",
    "PartialFile",
    "PartialJob",
    "SpecModel",
    "StorageBan",
    "UTCDateTime",
    "UserBan",
    "Version",
    "WhoAmI",
    "YNBool",
]

# Defined for the interpreter only, so type checkers still report a misspelt name.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name in _WHERE:
            value = getattr(importlib.import_module(f"fts3sdk.models.{_WHERE[name]}"), name)
            globals()[name] = value
            return value
        raise AttributeError(f"module 'fts3sdk.models' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(__all__)
