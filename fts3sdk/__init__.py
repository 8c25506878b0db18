"""fts3sdk: a typed Python SDK for CERN's FTS3 File Transfer Service.

Names are loaded on first use, so ``import fts3sdk`` stays cheap for scripts that need only part of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fts3sdk._http._httpx_cli import defer_httpx_cli
from fts3sdk._version import __version__

defer_httpx_cli()

if TYPE_CHECKING:
    from fts3sdk import errors
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client
    from fts3sdk._config import InsecureRequestWarning
    from fts3sdk._results import Batch
    from fts3sdk.models import (
        ActivityShareConfig,
        ActivityShares,
        ArchivedFile,
        ArchivedJob,
        AuthMethod,
        AuthorizationByDn,
        BanStatus,
        CancelAllResult,
        ChecksumMode,
        CloudStorage,
        CloudStorageUser,
        ConfigAudit,
        DataManagement,
        Delegation,
        DirectoryEntry,
        EndpointInfo,
        File,
        FileRetry,
        FileState,
        ForceStartRefusal,
        GlobalConfig,
        Host,
        HostActivity,
        Job,
        JobState,
        JobStatusEntry,
        JobType,
        LinkConfig,
        Optimizer,
        OptimizerEvolution,
        OptimizerUpdate,
        OverwriteMode,
        PartialFile,
        PartialJob,
        ShareConfig,
        StatInfo,
        StorageBan,
        StorageConfig,
        StorageInfo,
        StorageSettings,
        TpcSupport,
        UserBan,
        Version,
        WhoAmI,
    )
    from fts3sdk.models.submit import JobSpec, Transfer

_MODELS = [
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
    "Optimizer",
    "OptimizerEvolution",
    "OptimizerUpdate",
    "OverwriteMode",
    "PartialFile",
    "PartialJob",
    "ShareConfig",
    "StatInfo",
    "StorageBan",
    "StorageConfig",
    "StorageInfo",
    "StorageSettings",
    "TpcSupport",
    "UserBan",
    "Version",
    "WhoAmI",
]
_WHERE: dict[str, str] = {
    "AsyncClient": "fts3sdk._async_client",
    "Client": "fts3sdk._client",
    "InsecureRequestWarning": "fts3sdk._config",
    "Batch": "fts3sdk._results",
    "JobSpec": "fts3sdk.models.submit",
    "Transfer": "fts3sdk.models.submit",
    **dict.fromkeys(_MODELS, "fts3sdk.models"),
}

__all__ = [
    "ActivityShareConfig",
    "ActivityShares",
    "ArchivedFile",
    "ArchivedJob",
    "AsyncClient",
    "AuthMethod",
    "AuthorizationByDn",
    "BanStatus",
    "Batch",
    "CancelAllResult",
    "ChecksumMode",
    "Client",
    "CloudStorage",
    "CloudStorageUser",
    "ConfigAudit",
    "DataManagement",
    "Delegation",
    "DirectoryEntry",
    "EndpointInfo",
    "File",
    "FileRetry",
    "FileState",
    "ForceStartRefusal",
    "GlobalConfig",
    "Host",
    "HostActivity",
    "InsecureRequestWarning",
    "Job",
    "JobSpec",
    "JobState",
    "JobStatusEntry",
    "JobType",
    "LinkConfig",
    "Optimizer",
    "OptimizerEvolution",
    "OptimizerUpdate",
    "OverwriteMode",
    "PartialFile",
    "PartialJob",
    "ShareConfig",
    "StatInfo",
    "StorageBan",
    "StorageConfig",
    "StorageInfo",
    "StorageSettings",
    "TpcSupport",
    "Transfer",
    "UserBan",
    "Version",
    "WhoAmI",
    "__version__",
    "errors",
]


# Defined for the interpreter only, so type checkers still report a misspelt name.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name == "errors":
            return importlib.import_module("fts3sdk.errors")
        if name in _WHERE:
            value = getattr(importlib.import_module(_WHERE[name]), name)
            globals()[name] = value
            return value
        raise AttributeError(f"module 'fts3sdk' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(__all__)
