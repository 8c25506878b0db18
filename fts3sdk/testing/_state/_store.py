"""Everything the fake server remembers, in memory: jobs and files as fts3sdk models, credentials, bans.

Jobs and files are kept as `Job` and `File` instances (immutable: a change replaces the instance); the
server's tables that the SDK has no model for (credential cache, retries before serialization) are small
private records here. One re-entrant lock guards the whole state.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._state._clock import FakeClock
from fts3sdk.testing._state._config_state import ConfigState, OptimizerState
from fts3sdk.testing._state._identity import AuthConfig, Token
from fts3sdk.testing._state._namespace import Namespace

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    from fts3sdk.models import ArchivedJob, Delegation, File, FileRetry, Job, StorageBan, UserBan

__all__ = [
    "DEFAULT_METADATA_SIZE_LIMITS",
    "CacheRecord",
    "CredentialRecord",
    "JobRecord",
    "KeyPool",
    "Outcome",
    "Settings",
    "State",
    "metadata_limits",
]

DEFAULT_METADATA_SIZE_LIMITS: Mapping[str, int] = {"job": 1024, "file": 1024, "staging": 1024, "archive": 1024}
"""The server's defaults for ``JobMetadataSizeLimit``, ``FileMetadataSizeLimit``, ``StagingMetadataSizeLimit``
and ``ArchiveMetadataSizeLimit`` (characters of the JSON encoding)."""


def metadata_limits(limit: int | Mapping[str, int]) -> dict[str, int]:
    """The limit of each metadata kind: one number for all, or some kinds given (the others keep 1024)."""
    if isinstance(limit, int):
        return dict.fromkeys(DEFAULT_METADATA_SIZE_LIMITS, limit)
    unknown = sorted(set(limit) - set(DEFAULT_METADATA_SIZE_LIMITS))
    if unknown:
        raise ValueError(f"unknown metadata kind(s) {unknown}: give job, file, staging or archive")
    return {**DEFAULT_METADATA_SIZE_LIMITS, **limit}


_UUID_EPOCH = 0x01B21DD213814000  # 1582-10-15 in 100 ns units before the UNIX epoch
_NODE = 0x02FC00000001
FileMatch = str | Callable[["File"], bool]


@dataclass
class RetryRecord:
    """One failed attempt of a transfer (``t_file_retry_errors``)."""

    attempt: int
    when: datetime
    reason: str
    transfer_host: str | None
    log_file: str | None


@dataclass
class JobRecord:
    """A live job: the `Job`, its `File` rows in file-id order, and their failed attempts."""

    job: Job
    files: list[File]
    seq: int
    retries: dict[int, list[RetryRecord]] = field(default_factory=dict)

    def index_of(self, file_id: int) -> int | None:
        """Position of a file in `files`, or None."""
        return next((i for i, item in enumerate(self.files) if item.file_id == file_id), None)

    def update_file(self, position: int, **changes: Any) -> File:
        """Replace the file at ``position`` by a copy with ``changes`` (states given as strings are fine)."""
        from fts3sdk.models import FileState

        if "file_state" in changes:
            changes["file_state"] = FileState(changes["file_state"])
        self.files[position] = self.files[position].model_copy(update=changes)
        return self.files[position]

    def update_job(self, **changes: Any) -> Job:
        """Replace the job by a copy with ``changes`` (states given as strings are fine)."""
        from fts3sdk.models import JobState

        if "job_state" in changes:
            changes["job_state"] = JobState(changes["job_state"])
        self.job = self.job.model_copy(update=changes)
        return self.job

    def retry_models(self, file_id: int) -> list[FileRetry]:
        """The failed attempts of one file as `FileRetry` models, each embedding the file as it is now."""
        from fts3sdk.models import FileRetry

        position = self.index_of(file_id)
        current = self.files[position] if position is not None else None
        return [
            FileRetry(
                file_id=file_id, attempt=r.attempt, datetime=r.when, reason=r.reason,
                transfer_host=r.transfer_host, log_file=r.log_file, file=current,
            )
            for r in self.retries.get(file_id, [])
        ]  # fmt: skip


@dataclass
class CacheRecord:
    """The server's key pair and certificate request for one (delegation id, DN) (``t_credential_cache``)."""

    key: rsa.RSAPrivateKey
    request_pem: str
    voms_attrs: str


@dataclass
class CredentialRecord:
    """A delegated credential (``t_credential``)."""

    termination_time: datetime
    voms_attrs: str
    chain_pem: bytes = b""
    voms: tuple[str, ...] = ()

    def info(self) -> Delegation:
        """What ``GET /delegation/<id>`` shows."""
        from fts3sdk.models import Delegation

        return Delegation(termination_time=self.termination_time, voms_attrs=self.voms_attrs.split("\n"))


@dataclass(frozen=True)
class Outcome:
    """A scripted end of the transfers matching ``match`` (a SURL, or a predicate on the `File`)."""

    match: FileMatch
    state: str
    reason: str
    recoverable: bool

    def applies(self, item: File) -> bool:
        """Whether this outcome is for ``item``."""
        if callable(self.match):
            return bool(self.match(item))
        return self.match in (item.dest_surl, item.source_surl)


class KeyPool:
    """RSA keys by size, generated once and handed out again: key generation is the slow part of delegation.

    Share one pool between several `FakeFTS` instances to pay for each size only once per test session.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[int, rsa.RSAPrivateKey] = {}

    def get(self, bits: int) -> rsa.RSAPrivateKey:
        """A ``bits``-bit RSA key, the same one every time for a given size."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        with self._lock:
            if bits not in self._keys:
                self._keys[bits] = rsa.generate_private_key(public_exponent=65537, key_size=bits)
            return self._keys[bits]


@dataclass
class Settings:
    """Server configuration that tests may want to change."""

    auth: AuthConfig = field(default_factory=AuthConfig)
    submit_host: str = "localhost"
    transfer_host: str = "fts-node.example.org"
    strict_delegation: bool = True
    trusted_cas: Sequence[x509.Certificate] = ()
    authorized_vos: frozenset[str] = frozenset({"*"})
    metadata_size_limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_METADATA_SIZE_LIMITS))
    """Per kind (``job``, ``file``, ``staging``, ``archive``): the server's ``<Kind>MetadataSizeLimit``."""
    database_name: str = "fts3"
    """The database's name, which the server's SQL error messages show."""
    auto_progress: timedelta | None = None
    auto_batch: int = 2
    voms_clients: bool = True
    """Whether the server has voms-proxy-init/voms-proxy-info (without them ``POST /voms`` is a 500)."""


class State:
    """The whole in-memory database of the fake server, plus its clock and id generators."""

    def __init__(
        self, settings: Settings, clock: FakeClock, *, seed: int | None, first_file_id: int, keys: KeyPool
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.keys = keys
        self.lock = threading.RLock()
        self.rng = random.Random(seed)  # noqa: S311 - ids and hashes for tests, not secrets
        self.jobs: dict[str, JobRecord] = {}
        self.archive: dict[str, ArchivedJob] = {}
        self.caches: dict[tuple[str, str], CacheRecord] = {}
        self.credentials: dict[tuple[str, str], CredentialRecord] = {}
        self.se_bans: dict[tuple[str, str], StorageBan] = {}
        self.dn_bans: dict[str, UserBan] = {}
        self.tokens: dict[str, Token] = {}
        self.stored_token_ids: set[str] = set()
        """``t_token``: ids of the transfer tokens token submissions stored (certificate users store none)."""
        self.outcomes: list[Outcome] = []
        self.last_tick: datetime | None = None
        self.events: Any = None  # a _monitoring._events.EventLog when the fake sends monitoring messages
        self._next_file_id = first_file_id
        self._seq = 0
        self.config = ConfigState.initial(self)
        self.optimizer = OptimizerState()
        self.namespace = Namespace()

    def now(self) -> datetime:
        """The fake time, to the second (the server's columns have no fraction)."""
        return self.clock.now().replace(microsecond=0)

    def new_job_id(self) -> str:
        """A version-1 UUID from the fake clock: ids sort by submission time, as the real ones do."""
        self._seq += 1
        ticks = int(self.clock.now().timestamp() * 10_000_000) + _UUID_EPOCH + self._seq
        clock_seq = self.rng.getrandbits(14)
        fields = (ticks & 0xFFFFFFFF, (ticks >> 32) & 0xFFFF, (ticks >> 48) & 0x0FFF, clock_seq >> 8, clock_seq & 0xFF)
        return str(uuid.UUID(fields=(*fields, _NODE), version=1))

    def new_file_id(self) -> int:
        """The next file id (an auto-increment column)."""
        self._next_file_id += 1
        return self._next_file_id - 1

    def next_seq(self) -> int:
        """A submission sequence number."""
        self._seq += 1
        return self._seq

    def hashed_id(self) -> int:
        """A random scheduling hash 0..65535."""
        return self.rng.randint(0, 2**16 - 1)

    def records(self) -> Iterator[JobRecord]:
        """Live jobs in submission order."""
        return iter(sorted(self.jobs.values(), key=lambda record: record.seq))

    def outcome_for(self, item: File) -> Outcome | None:
        """The first scripted outcome for ``item``, if any."""
        return next((outcome for outcome in self.outcomes if outcome.applies(item)), None)
