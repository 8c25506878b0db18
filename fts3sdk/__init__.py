"""fts3sdk: a typed Python SDK for CERN's FTS3 File Transfer Service."""

from fts3sdk import errors
from fts3sdk._client import AsyncClient, Client
from fts3sdk._config import InsecureRequestWarning
from fts3sdk._results import Batch
from fts3sdk._version import __version__
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

__all__ = [
    "AsyncClient",
    "Batch",
    "Client",
    "InsecureRequestWarning",
    "JobSpec",
    "Transfer",
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
    "__version__",
    "errors",
]
