"""`Client`: the synchronous client. The shared core (`ClientCore`) decides everything; this only does the I/O.

`AsyncClient` (in `fts3sdk._async_client`) is its twin over asyncio or trio, method for method.
"""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from fts3sdk import errors
from fts3sdk._base import Endpoint, Flow, Sleep, read
from fts3sdk._config import (
    DEFAULT_TIMEOUT,
    Passphrase,
    Token,
)
from fts3sdk._core import ClientCore
from fts3sdk._http._pool import sharded_pool
from fts3sdk._http._transport import RetryTransport
from fts3sdk.resources._endpoints import _admin as admin_api
from fts3sdk.resources._endpoints import _server as api

if TYPE_CHECKING:
    from fts3sdk.models import EndpointInfo, WhoAmI
    from fts3sdk.resources._endpoints._admin import AutocompleteKind
    from fts3sdk.resources.bans import Storage, Users
    from fts3sdk.resources.config import Config
    from fts3sdk.resources.delegation import Delegations
    from fts3sdk.resources.dm import Namespace
    from fts3sdk.resources.jobs import Archive, Files, Jobs
    from fts3sdk.resources.optimizer import OptimizerControl
    from fts3sdk.resources.status import Status

__all__ = ["Client"]

R = TypeVar("R")


class Client(ClientCore):
    """Synchronous FTS3 client over one pooled HTTPS connection.

    Credentials: ``token`` (a bearer token, or a callable returning a fresh one), else ``cert``/``key`` (a proxy
    file may hold both), else discovery in the official order (``X509_USER_PROXY``, ``/tmp/x509up_u<uid>``,
    ``X509_USER_CERT``/``X509_USER_KEY``, the host certificate); ``anonymous=True`` sends none.
    TLS trust: ``ca_path``, ``X509_CERT_DIR``, ``/etc/grid-security/certificates``, else the system store.
    ``transport`` replaces the network (e.g. ``httpx.MockTransport`` or `fts3sdk.testing.FakeFTS`);
    ``http_client`` is used as given, with its own transport (no retries added).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        cert: str | os.PathLike[str] | None = None,
        key: str | os.PathLike[str] | None = None,
        passphrase: Passphrase | None = None,
        token: Token | None = None,
        anonymous: bool = False,
        verify: bool = True,
        ca_path: str | os.PathLike[str] | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        user_agent: str | None = None,
        http2: bool = False,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            endpoint,
            cert=cert,
            key=key,
            passphrase=passphrase,
            token=token,
            anonymous=anonymous,
            timeout=timeout,
            retries=retries,
            user_agent=user_agent,
        )
        self._network = http_client is None and transport is None
        if http_client is None:
            base = transport or sharded_pool(self._ssl(verify, ca_path), http2=http2, asynchronous=False)
            http_client = httpx.Client(transport=RetryTransport(base, self._policy()), follow_redirects=False)
        self._http = http_client

    def _send(self, endpoint: Endpoint[R]) -> R:
        request = self._build(self._http, endpoint)
        started = time.perf_counter()
        try:
            response = self._http.send(request, auth=self._auth or httpx.USE_CLIENT_DEFAULT)
        except (httpx.TransportError, ssl.SSLError) as exc:
            raise self._transport_error(exc, request, endpoint, speaks_tls=self._speaks_tls(exc, request)) from exc
        self._log(request, response, started)
        return read(endpoint, response)

    def _run(self, flow: Flow[R]) -> R:
        result: Any = None
        error: Exception | None = None
        while True:
            try:
                step = flow.throw(error) if error is not None else flow.send(result)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            result, error = None, None
            if isinstance(step, Sleep):
                time.sleep(step.seconds)
                continue
            try:
                result = self._send(step)
            except errors.FTS3ClientException as exc:
                error = exc

    def endpoint_info(self) -> EndpointInfo:
        """Versions and links of the endpoint (``GET /``), fetched once and cached."""
        if self._endpoint_info is None:
            self._endpoint_info = self._send(api.endpoint_info())
        return self._endpoint_info

    def whoami(self) -> WhoAmI:
        """The caller as the server sees it (``GET /whoami``): DN, VOs, delegation id, access levels."""
        return self._send(api.whoami())

    def whoami_certificate(self) -> str:
        """The certificate chain the server received from this client, as PEM (``GET /whoami/certificate``).

        Empty when the web server in front of FTS does not pass it on; token and anonymous clients get
        Unauthorized (the endpoint needs a certificate).
        """
        return self._send(admin_api.client_certificate())

    def autocomplete(self, kind: AutocompleteKind, term: str | None = None) -> list[str]:
        """Known values starting with ``term`` (``GET /autocomplete/{kind}``; ``config`` access level).

        ``kind``: ``dn`` (delegated users), ``source``/``destination``/``storage`` (storages of the link
        configurations), ``vo`` (VOs of the jobs). Without ``term`` the server uses ``/DC=cern.ch`` for DNs and
        ``srm://`` for the others (so ``vo`` finds nothing: give ``term=""`` for every VO).
        """
        return self._send(admin_api.autocomplete(kind, term))

    @property
    def jobs(self) -> Jobs:
        """Transfer jobs: list, get, submit, cancel, wait..."""
        from fts3sdk.resources.jobs import Jobs

        return Jobs(self)

    @property
    def files(self) -> Files:
        """Transfers across jobs."""
        from fts3sdk.resources.jobs import Files

        return Files(self)

    @property
    def archive(self) -> Archive:
        """Archived jobs."""
        from fts3sdk.resources.jobs import Archive

        return Archive(self)

    @property
    def storage(self) -> Storage:
        """Storage bans."""
        from fts3sdk.resources.bans import Storage

        return Storage(self)

    @property
    def users(self) -> Users:
        """User bans."""
        from fts3sdk.resources.bans import Users

        return Users(self)

    @property
    def delegation(self) -> Delegations:
        """Delegated X.509 credentials."""
        from fts3sdk.resources.delegation import Delegations

        return Delegations(self)

    @property
    def config(self) -> Config:
        """The server's configuration: hosts and drain, audit, global settings, links, shares, storages..."""
        from fts3sdk.resources.config import Config

        return Config(self)

    @property
    def optimizer(self) -> OptimizerControl:
        """The optimizer's decisions per link."""
        from fts3sdk.resources.optimizer import OptimizerControl

        return OptimizerControl(self)

    @property
    def status(self) -> Status:
        """What the FTS nodes are doing."""
        from fts3sdk.resources.status import Status

        return Status(self)

    @property
    def dm(self) -> Namespace:
        """Files and directories on storages, through the server (list, stat, mkdir, unlink, rmdir, rename)."""
        from fts3sdk.resources.dm import Namespace

        return Namespace(self)

    def get(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        """``GET`` any endpoint the SDK does not wrap; gives the JSON answer as sent."""
        return self._send(api.raw("GET", path, params=params or {}))

    def post(self, path: str, *, json: Any = None) -> Any:
        """``POST`` a JSON body to any endpoint; gives the JSON answer as sent (``None`` when empty)."""
        return self._send(api.raw("POST", path, json=json, may_resend=False))

    def put(self, path: str, *, content: bytes | None = None, json: Any = None) -> Any:
        """``PUT`` bytes or a JSON body to any endpoint; gives the JSON answer as sent."""
        return self._send(api.raw("PUT", path, content=content, json=json))

    def delete(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        """``DELETE`` any endpoint; gives the JSON answer as sent (``None`` when empty)."""
        return self._send(api.raw("DELETE", path, params=params or {}))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
