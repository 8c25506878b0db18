"""fts3sdk: a typed Python SDK for CERN's FTS3 File Transfer Service.

Names are loaded on first use, so ``import fts3sdk`` stays cheap for scripts that need only part of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fts3sdk._httpx_cli import defer_httpx_cli
from fts3sdk._version import __version__

defer_httpx_cli()

if TYPE_CHECKING:
    from fts3sdk import errors
    from fts3sdk._client import AsyncClient, Client
    from fts3sdk._config import InsecureRequestWarning
    from fts3sdk._results import Batch
    from fts3sdk.models import (
        ArchivedFile,
        ArchivedJob,
        AuthMethod,
        BanStatus,
        CancelAllResult,
        ChecksumMode,
        DataManagement,
        Delegation,
        EndpointInfo,
        File,
        FileRetry,
        FileState,
        Job,
        JobState,
        JobStatusEntry,
        JobType,
        OverwriteMode,
        PartialFile,
        PartialJob,
        StorageBan,
        UserBan,
        Version,
        WhoAmI,
    )
    from fts3sdk.models.submit import JobSpec, Transfer

_MODELS = [
    "ArchivedFile",
    "ArchivedJob",
    "AuthMethod",
    "BanStatus",
    "CancelAllResult",
    "ChecksumMode",
    "DataManagement",
    "Delegation",
    "EndpointInfo",
    "File",
    "FileRetry",
    "FileState",
    "Job",
    "JobState",
    "JobStatusEntry",
    "JobType",
    "OverwriteMode",
    "PartialFile",
    "PartialJob",
    "StorageBan",
    "UserBan",
    "Version",
    "WhoAmI",
]
_WHERE: dict[str, str] = {
    "AsyncClient": "fts3sdk._client",
    "Client": "fts3sdk._client",
    "InsecureRequestWarning": "fts3sdk._config",
    "Batch": "fts3sdk._results",
    "JobSpec": "fts3sdk.models.submit",
    "Transfer": "fts3sdk.models.submit",
    **dict.fromkeys(_MODELS, "fts3sdk.models"),
}

__all__ = [
    "ArchivedFile",
    "ArchivedJob",
    "AsyncClient",
    "AuthMethod",
    "BanStatus",
    "Batch",
    "CancelAllResult",
    "ChecksumMode",
    "Client",
    "DataManagement",
    "Delegation",
    "EndpointInfo",
    "File",
    "FileRetry",
    "FileState",
    "InsecureRequestWarning",
    "Job",
    "JobSpec",
    "JobState",
    "JobStatusEntry",
    "JobType",
    "OverwriteMode",
    "PartialFile",
    "PartialJob",
    "StorageBan",
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
