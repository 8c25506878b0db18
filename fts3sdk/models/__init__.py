"""Typed models of everything the FTS server returns and of what the SDK submits."""

from fts3sdk.models._types import FTSModel, OpenEnum, SpecModel, UTCDateTime, Version, YNBool
from fts3sdk.models.admin import ForceStartRefusal, HostActivity
from fts3sdk.models.config import (
    ActivityShareConfig,
    ActivityShares,
    AuthorizationByDn,
    CloudStorage,
    CloudStorageUser,
    ConfigAudit,
    GlobalConfig,
    Host,
    LinkConfig,
    ShareConfig,
    StorageConfig,
    StorageInfo,
    StorageSettings,
    TpcSupport,
)
from fts3sdk.models.dm import DirectoryEntry, StatInfo
from fts3sdk.models.files import ArchivedFile, DataManagement, File, FileRetry, PartialFile
from fts3sdk.models.jobs import ArchivedJob, CancelAllResult, Job, JobStatusEntry, PartialJob
from fts3sdk.models.optimizer import Optimizer, OptimizerEvolution, OptimizerUpdate
from fts3sdk.models.server import AuthMethod, Delegation, EndpointInfo, StorageBan, UserBan, WhoAmI
from fts3sdk.models.states import BanStatus, ChecksumMode, FileState, JobState, JobType, OverwriteMode

__all__ = [
    "ActivityShareConfig",
    "ActivityShares",
    "ArchivedFile",
    "ArchivedJob",
    "AuthMethod",
    "AuthorizationByDn",
    "BanStatus",
    "CancelAllResult",
    "ChecksumMode",
    "CloudStorage",
    "CloudStorageUser",
    "ConfigAudit",
    "DataManagement",
    "Delegation",
    "DirectoryEntry",
    "EndpointInfo",
    "FTSModel",
    "File",
    "FileRetry",
    "FileState",
    "ForceStartRefusal",
    "GlobalConfig",
    "Host",
    "HostActivity",
    "Job",
    "JobState",
    "JobStatusEntry",
    "JobType",
    "LinkConfig",
    "OpenEnum",
    "Optimizer",
    "OptimizerEvolution",
    "OptimizerUpdate",
    "OverwriteMode",
    "PartialFile",
    "PartialJob",
    "ShareConfig",
    "SpecModel",
    "StatInfo",
    "StorageBan",
    "StorageConfig",
    "StorageInfo",
    "StorageSettings",
    "TpcSupport",
    "UTCDateTime",
    "UserBan",
    "Version",
    "WhoAmI",
    "YNBool",
]
