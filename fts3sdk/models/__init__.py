"""Typed models of everything the FTS server returns and of what the SDK submits."""

from fts3sdk.models._types import FTSModel, OpenEnum, SpecModel, UTCDateTime, Version, YNBool
from fts3sdk.models.files import ArchivedFile, DataManagement, File, FileRetry, PartialFile
from fts3sdk.models.jobs import ArchivedJob, CancelAllResult, Job, JobStatusEntry, PartialJob
from fts3sdk.models.server import AuthMethod, Delegation, EndpointInfo, StorageBan, UserBan, WhoAmI
from fts3sdk.models.states import BanStatus, ChecksumMode, FileState, JobState, JobType, OverwriteMode

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
