"""Typed models of everything the FTS server returns and of what the SDK submits.

Each module is imported when one of its names is first used: building pydantic models is most of the cost of
importing fts3sdk, and code reading raw JSON (the Easy facade, the ``fts-rest-*`` commands) never needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_CONFIG = ["ActivityShareConfig", "ActivityShares", "AuthorizationByDn", "CloudStorage", "CloudStorageUser"]
_CONFIG += ["ConfigAudit", "GlobalConfig", "Host", "LinkConfig", "ShareConfig", "StorageConfig", "StorageInfo"]
_CONFIG += ["StorageSettings", "TpcSupport"]
_WHERE: dict[str, str] = {
    **dict.fromkeys(["FTSModel", "OpenEnum", "SpecModel", "UTCDateTime", "Version", "YNBool"], "_types"),
    **dict.fromkeys(["ForceStartRefusal", "HostActivity"], "admin"),
    **dict.fromkeys(_CONFIG, "config"),
    **dict.fromkeys(["DirectoryEntry", "StatInfo"], "dm"),
    **dict.fromkeys(["ArchivedFile", "DataManagement", "File", "FileRetry", "PartialFile"], "files"),
    **dict.fromkeys(["ArchivedJob", "CancelAllResult", "Job", "JobStatusEntry", "PartialJob"], "jobs"),
    **dict.fromkeys(["Optimizer", "OptimizerEvolution", "OptimizerUpdate"], "optimizer"),
    **dict.fromkeys(["AuthMethod", "Delegation", "EndpointInfo", "StorageBan", "UserBan", "WhoAmI"], "server"),
    **dict.fromkeys(["BanStatus", "ChecksumMode", "FileState", "JobState", "JobType", "OverwriteMode"], "states"),
}

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
