"""`FakeFTS`: the public face of the fake server (configuration, transports, HTTPS, lifecycle controls).

Each control is one line over `fts3sdk.testing._controls`, which does the work on the server's state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from fts3sdk.testing import _controls
from fts3sdk.testing._server._differences import KNOWN_DIFFERENCES, KnownDifference
from fts3sdk.testing._server._routes import handle
from fts3sdk.testing._server._transport import FakeTransport
from fts3sdk.testing._server._wire import WireRequest, WireResponse
from fts3sdk.testing._state import _lifecycle
from fts3sdk.testing._state._clock import FakeClock
from fts3sdk.testing._state._identity import (
    DEFAULT_HOST_DN,
    DEFAULT_ROLES,
    AuthConfig,
    Identity,
    Token,
    certificate_caller,
)
from fts3sdk.testing._state._store import (
    CredentialRecord,
    JobRecord,
    KeyPool,
    Outcome,
    Settings,
    State,
    metadata_limits,
)

if TYPE_CHECKING:
    from cryptography import x509

    from fts3sdk.events import EventPublisher
    from fts3sdk.models import ArchivedJob, File, Job
    from fts3sdk.models.submit import JobSpec
    from fts3sdk.testing._monitoring._events import EventLog
    from fts3sdk.testing._server._https import HTTPSServer
    from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI

__all__ = ["FakeFTS"]

DEFAULT_FIRST_FILE_ID = 8_800_000_001
DEFAULT_REASON = "TRANSFER [5] fts3sdk.testing: scripted failure"


class FakeFTS:
    """An in-memory FTS3 REST server (fts-rest-flask 3.13.4) for tests, usable in-process or over HTTPS.

    ``transport()`` gives an httpx transport for `fts3sdk.Client`/`AsyncClient` (no sockets); ``serve_https``
    runs a real TLS server on 127.0.0.1. Jobs only move when the test says so (`start`, `finish`, `fail`,
    `step`, `run`), or by themselves with ``auto_progress`` (then the clock follows real time unless one is
    given).

    Options: ``pki`` (or ``trusted_cas``) are the CAs delegated proxies must lead to under
    ``strict_delegation``; ``default_identity`` is who transports speak for (Alice by default); ``host_dn``
    is root's DN (``serve_https`` sets it from its host certificate); ``roles``, ``gridmap`` and
    ``authorized_vos`` are the server's authorization configuration; ``seed`` and ``first_file_id`` make ids
    and hashes reproducible; ``key_pool`` shares delegation keys between fakes. ``events`` is where the FTS
    monitoring messages of the moving files go: kept in memory (`events`, the default), also published by an
    `fts3sdk.events.EventPublisher` given here, or not made at all (False). ``voms_clients=False`` is a
    server without the VOMS client tools (``POST /delegation/<id>/voms`` then fails with 500).
    ``metadata_size_limit`` is the server's ``JobMetadataSizeLimit`` and its file, staging and archive siblings
    (one number for all, or a mapping such as ``{"job": 2048}``; the server's default is 1024 each);
    ``database_name`` is the name the server's SQL error messages show.

    ``known_differences`` lists where the fake answers differently from the real server on purpose.
    """

    known_differences: ClassVar[tuple[KnownDifference, ...]] = KNOWN_DIFFERENCES
    """Where the fake deliberately differs from fts-rest-flask 3.13.4 behind Apache, and how each was checked."""

    def __init__(
        self,
        *,
        clock: FakeClock | None = None,
        auto_progress: timedelta | float | None = None,
        auto_batch: int = 2,
        default_identity: Identity | None = None,
        host_dn: str = DEFAULT_HOST_DN,
        pki: ThrowawayPKI | None = None,
        trusted_cas: Sequence[x509.Certificate] = (),
        strict_delegation: bool = True,
        roles: Mapping[str, Mapping[str, str]] | None = None,
        gridmap: Mapping[str, str] | None = None,
        authorized_vos: Iterable[str] = ("*",),
        submit_host: str = "localhost",
        seed: int | None = None,
        first_file_id: int = DEFAULT_FIRST_FILE_ID,
        key_pool: KeyPool | None = None,
        events: EventPublisher | EventLog | bool = True,
        voms_clients: bool = True,
        metadata_size_limit: int | Mapping[str, int] = 1024,
        database_name: str = "fts3",
    ) -> None:
        step = timedelta(seconds=auto_progress) if isinstance(auto_progress, int | float) else auto_progress
        auth = AuthConfig(host_dn, dict(roles if roles is not None else DEFAULT_ROLES), {}, dict(gridmap or {}))
        cas = [*trusted_cas, *([pki.ca_cert] if pki is not None else [])]
        settings = Settings(
            auth=auth, submit_host=submit_host, strict_delegation=strict_delegation, trusted_cas=cas,
            authorized_vos=frozenset(authorized_vos), auto_progress=step, auto_batch=auto_batch,
            voms_clients=voms_clients,
            metadata_size_limits=metadata_limits(metadata_size_limit), database_name=database_name,
        )  # fmt: skip
        chosen_clock = clock if clock is not None else FakeClock(real=step is not None)
        self._state = State(settings, chosen_clock, seed=seed, first_file_id=first_file_id, keys=key_pool or KeyPool())
        self._state.events = _event_log(events, submit_host)
        self.default_identity = default_identity or Identity.certificate()
        """Who transports created without an identity speak for."""
        self.pki = pki
        """The PKI given at construction, if any (``serve_https`` uses it by default)."""

    # --- wiring ----------------------------------------------------------------------------------------------

    @property
    def events(self) -> EventLog | None:
        """The monitoring messages sent so far (``events.events``), or None when the fake makes none."""
        log: EventLog | None = self._state.events
        return log

    @property
    def clock(self) -> FakeClock:
        """The server's clock: `FakeClock.advance` moves it (manual clocks only move that way)."""
        return self._state.clock

    @property
    def host_dn(self) -> str:
        """The DN of the server's host certificate: a client presenting it is root."""
        return self._state.settings.auth.host_dn

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one request (what transports and the HTTPS server call)."""
        return handle(self._state, request)

    def transport(self, identity: Identity | None = None) -> FakeTransport:
        """An httpx transport answering as this server to ``identity`` (default: `default_identity`)."""
        return FakeTransport(self.handle, identity or self.default_identity)

    def serve_https(
        self,
        pki: ThrowawayPKI | None = None,
        *,
        host_cert: IssuedCertificate | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        workers: int = 8,
    ) -> HTTPSServer:
        """Start a TLS server on ``host`` (an ephemeral port by default); use it as a context manager.

        The host certificate is ``host_cert`` or a new ``localhost`` one from ``pki``; its DN becomes the root
        DN. Client certificates and RFC 3820 proxies issued by ``pki`` are accepted, none is required.
        """
        from fts3sdk.testing._server._https import HTTPSServer

        chosen = pki or self.pki
        if chosen is None:
            raise ValueError("serve_https needs a ThrowawayPKI (pki=...) for its certificates")
        certificate = host_cert or chosen.issue_host("localhost")
        settings = self._state.settings
        with self._state.lock:
            settings.auth = dataclasses.replace(settings.auth, host_dn=certificate.dn)
            if chosen.ca_cert not in settings.trusted_cas:
                settings.trusted_cas = [*settings.trusted_cas, chosen.ca_cert]
        return HTTPSServer(self.handle, chosen, certificate, host=host, port=port, workers=workers)

    # --- identities and credentials --------------------------------------------------------------------------

    def root_identity(self) -> Identity:
        """An identity with the host DN: the server treats it as root."""
        return Identity.certificate(self.host_dn)

    def add_token(
        self,
        token: str,
        *,
        sub: str,
        iss: str = "https://localhost:8450/",
        groups: Sequence[str] = (),
        scope: str | None = "openid offline_access",
        wlcg_ver: str | None = "1.0",
        expired: bool = False,
    ) -> Token:
        """Accept ``Authorization: Bearer <token>`` for the user ``sub`` (an expired token makes it anonymous)."""
        registered = Token(token, sub, iss, tuple(groups), scope, wlcg_ver, expired)
        with self._state.lock:
            self._state.tokens[token] = registered
        return registered

    def grant(self, dn: str, *operations: str) -> None:
        """Give ``dn`` the level ``all`` for ``operations`` (the server's ``t_authz_dn`` table)."""
        with self._state.lock:
            auth = self._state.settings.auth
            grants = dict(auth.grants)
            grants[dn] = grants.get(dn, frozenset()) | frozenset(operations)
            self._state.settings.auth = dataclasses.replace(auth, grants=grants)

    def add_delegation(
        self, identity: Identity | None = None, *, lifetime: timedelta = timedelta(hours=12), voms_attrs: str = ""
    ) -> str:
        """Store a delegated credential for ``identity`` without the delegation protocol; gives its id."""
        caller = certificate_caller(identity or self.default_identity, self._state.settings.auth)
        assert caller.delegation_id is not None
        with self._state.lock:
            expiry = self._state.now() + lifetime
            self._state.credentials[(caller.delegation_id, caller.user_dn)] = CredentialRecord(expiry, voms_attrs)
        return caller.delegation_id

    # --- jobs ------------------------------------------------------------------------------------------------

    def submit(self, job: JobSpec | Mapping[str, Any], *, identity: Identity | None = None) -> str:
        """Add a job as ``identity`` would submit it, skipping the delegation check; gives its id.

        Raises `FakeRequestError` when the server would refuse the body.
        """
        return _controls.submit(self._state, identity or self.default_identity, job)

    def job(self, job_id: str) -> Job:
        """The job as stored now, with its files. Raises KeyError for an unknown (or archived) id."""
        return _controls.get_job(self._state, job_id)

    def files(self, job_id: str) -> list[File]:
        """The files of a job, in file-id order."""
        return _controls.job_files(self._state, job_id)

    def jobs(self) -> list[Job]:
        """Every live job, in submission order."""
        return _controls.live_jobs(self._state)

    def start(self, job_id: str, file_id: int | None = None) -> Job:
        """Start the job's files (or one): STAGING → STARTED, SUBMITTED → ACTIVE, TOKEN_PREP → queued."""
        return _controls.each_file(
            self._state, job_id, file_id, lambda record, p: _lifecycle.start_file(self._state, record, p)
        )

    def finish(
        self, job_id: str, file_id: int | None = None, *, filesize: int | None = None, duration: float | None = None
    ) -> Job:
        """Let the job's runnable files (or one) succeed, through any step they still had; gives the job."""

        def action(record: JobRecord, position: int) -> None:
            _lifecycle.finish_file(self._state, record, position, filesize=filesize, duration=duration)

        return _controls.each_file(self._state, job_id, file_id, action)

    def fail(
        self, job_id: str, file_id: int | None = None, *, reason: str = DEFAULT_REASON, recoverable: bool = True
    ) -> Job:
        """Fail an attempt of the job's runnable files (or one): retried while the job has retries left."""

        def action(record: JobRecord, position: int) -> None:
            _lifecycle.fail_file(self._state, record, position, reason=reason, recoverable=recoverable)

        return _controls.each_file(self._state, job_id, file_id, action)

    def step(self, job_id: str | None = None) -> int:
        """One daemon step for every file of a job (or of every job); gives how many files moved."""
        return _controls.step(self._state, job_id)

    def run(self, job_id: str, *, max_steps: int = 1000) -> Job:
        """Drive a job to its end with the scripted outcomes (default: success); gives the final job."""
        return _controls.run(self._state, job_id, max_steps)

    def script_outcome(
        self,
        match: str | Callable[[File], bool],
        *,
        state: Literal["FINISHED", "FAILED", "CANCELED"] = "FAILED",
        reason: str = DEFAULT_REASON,
        recoverable: bool = False,
    ) -> None:
        """Script how the transfers matching ``match`` end in `step`, `run` and automatic mode.

        ``match`` is a source or destination SURL, or a predicate on the `File`. The first matching script
        wins; a recoverable failure is retried while the job has retries left.
        """
        with self._state.lock:
            self._state.outcomes.append(Outcome(match, state, reason, recoverable))

    def archive(self, job_id: str) -> ArchivedJob:
        """Move a terminal job to the archive: ``/jobs/<id>`` is then 404 and ``/archive/<id>`` answers.

        Raises ValueError for a job that is not over.
        """
        return _controls.archive(self._state, job_id)

    def update_file(self, job_id: str, file_id: int, **columns: Any) -> File:
        """Change columns of a file directly, as the daemon's own SQL would (no state-machine checks).

        For states no call of the fake produces, e.g. ``update_file(job, fid, file_state="STARTED",
        staging_host="node2")``. The job's state is derived again afterwards; gives the file as stored.
        """
        return _controls.update_file(self._state, job_id, file_id, columns)

    # --- configuration and storages --------------------------------------------------------------------------

    def add_host(self, hostname: str, service_name: str = "fts_server") -> None:
        """Add the heartbeat row of another FTS node's service (``GET /config`` lists it; it can be drained)."""
        _controls.add_host(self._state, hostname, service_name)

    def add_directory(self, url: str) -> None:
        """Create a directory (and its parents) in the fake's storage namespace, as seen by ``/dm/*``.

        URLs of the usual protocols (davs, https, root, gsiftp, srm, s3...) are kept in memory by URL;
        ``mock://`` URLs follow gfal2's mock plugin and need no setup. Raises ValueError where a file is in
        the way or for a protocol the namespace does not keep.
        """
        _controls.add_directory(self._state, url)

    def add_file(self, url: str, *, size: int = 0, mode: int = 0o644) -> None:
        """Create (or replace) a file of ``size`` bytes in the storage namespace, creating its parents."""
        _controls.add_file(self._state, url, size, mode)

    def __repr__(self) -> str:
        return f"<FakeFTS jobs={len(self._state.jobs)} clock={self._state.clock!r}>"


def _event_log(events: EventPublisher | EventLog | bool, submit_host: str) -> EventLog | None:
    from fts3sdk.testing._monitoring._events import EventLog

    if events is False:
        return None
    if isinstance(events, EventLog):
        return events
    return EventLog(None if events is True else events, endpoint=f"https://{submit_host}:8446")
