"""`AsyncClient`: the asynchronous client (asyncio or trio through anyio), method for method `Client`'s twin.

The shared core (`ClientCore`) decides everything; this only does the I/O, awaiting where `Client` blocks.
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
from fts3sdk._core import ClientCore, probe_tls
from fts3sdk._http._pool import sharded_pool
from fts3sdk._http._transport import RetryTransport
from fts3sdk.resources._endpoints import _admin as admin_api
from fts3sdk.resources._endpoints import _server as api

if TYPE_CHECKING:
    from fts3sdk.models import EndpointInfo, WhoAmI
    from fts3sdk.resources._endpoints._admin import AutocompleteKind
    from fts3sdk.resources.bans import AsyncStorage, AsyncUsers
    from fts3sdk.resources.config import AsyncConfig
    from fts3sdk.resources.delegation import AsyncDelegations
    from fts3sdk.resources.dm import AsyncNamespace
    from fts3sdk.resources.jobs import AsyncArchive, AsyncFiles, AsyncJobs
    from fts3sdk.resources.optimizer import AsyncOptimizerControl
    from fts3sdk.resources.status import AsyncStatus

__all__ = ["AsyncClient"]

R = TypeVar("R")


class AsyncClient(ClientCore):
    """Asynchronous FTS3 client (asyncio or trio through anyio); same options and methods as `Client`."""

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
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
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
            base = transport or sharded_pool(self._ssl(verify, ca_path), http2=http2, asynchronous=True)
            http_client = httpx.AsyncClient(transport=RetryTransport(base, self._policy()), follow_redirects=False)
        self._http = http_client

    async def _send(self, endpoint: Endpoint[R]) -> R:
        request = self._build(self._http, endpoint)
        started = time.perf_counter()
        try:
            response = await self._http.send(request, auth=self._auth or httpx.USE_CLIENT_DEFAULT)
        except (httpx.TransportError, ssl.SSLError) as exc:
            import anyio  # only async clients need it

            target = self._probe_target(exc, request)
            tls = target is not None and await anyio.to_thread.run_sync(probe_tls, *target)
            raise self._transport_error(exc, request, endpoint, speaks_tls=tls) from exc
        self._log(request, response, started)
        return read(endpoint, response)

    async def _run(self, flow: Flow[R]) -> R:
        result: Any = None
        error: Exception | None = None
        while True:
            try:
                step = flow.throw(error) if error is not None else flow.send(result)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            result, error = None, None
            if isinstance(step, Sleep):
                import anyio

                await anyio.sleep(step.seconds)
                continue
            try:
                result = await self._send(step)
            except errors.FTS3ClientException as exc:
                error = exc

    async def endpoint_info(self) -> EndpointInfo:
        """Versions and links of the endpoint (``GET /``), fetched once and cached."""
        if self._endpoint_info is None:
            self._endpoint_info = await self._send(api.endpoint_info())
        return self._endpoint_info

    async def whoami(self) -> WhoAmI:
        """The caller as the server sees it (``GET /whoami``): DN, VOs, delegation id, access levels."""
        return await self._send(api.whoami())

    async def whoami_certificate(self) -> str:
        """The certificate chain the server received from this client, as PEM (``GET /whoami/certificate``).

        Empty when the web server in front of FTS does not pass it on; token and anonymous clients get
        Unauthorized (the endpoint needs a certificate).
        """
        return await self._send(admin_api.client_certificate())

    async def autocomplete(self, kind: AutocompleteKind, term: str | None = None) -> list[str]:
        """Known values starting with ``term`` (``GET /autocomplete/{kind}``; ``config`` access level).

        ``kind``: ``dn`` (delegated users), ``source``/``destination``/``storage`` (storages of the link
        configurations), ``vo`` (VOs of the jobs). Without ``term`` the server uses ``/DC=cern.ch`` for DNs and
        ``srm://`` for the others (so ``vo`` finds nothing: give ``term=""`` for every VO).
        """
        return await self._send(admin_api.autocomplete(kind, term))

    @property
    def jobs(self) -> AsyncJobs:
        """Transfer jobs: list, get, submit, cancel, wait..."""
        from fts3sdk.resources.jobs import AsyncJobs

        return AsyncJobs(self)

    @property
    def files(self) -> AsyncFiles:
        """Transfers across jobs."""
        from fts3sdk.resources.jobs import AsyncFiles

        return AsyncFiles(self)

    @property
    def archive(self) -> AsyncArchive:
        """Archived jobs."""
        from fts3sdk.resources.jobs import AsyncArchive

        return AsyncArchive(self)

    @property
    def storage(self) -> AsyncStorage:
        """Storage bans."""
        from fts3sdk.resources.bans import AsyncStorage

        return AsyncStorage(self)

    @property
    def users(self) -> AsyncUsers:
        """User bans."""
        from fts3sdk.resources.bans import AsyncUsers

        return AsyncUsers(self)

    @property
    def delegation(self) -> AsyncDelegations:
        """Delegated X.509 credentials."""
        from fts3sdk.resources.delegation import AsyncDelegations

        return AsyncDelegations(self)

    @property
    def config(self) -> AsyncConfig:
        """The server's configuration: hosts and drain, audit, global settings, links, shares, storages..."""
        from fts3sdk.resources.config import AsyncConfig

        return AsyncConfig(self)

    @property
    def optimizer(self) -> AsyncOptimizerControl:
        """The optimizer's decisions per link."""
        from fts3sdk.resources.optimizer import AsyncOptimizerControl

        return AsyncOptimizerControl(self)

    @property
    def status(self) -> AsyncStatus:
        """What the FTS nodes are doing."""
        from fts3sdk.resources.status import AsyncStatus

        return AsyncStatus(self)

    @property
    def dm(self) -> AsyncNamespace:
        """Files and directories on storages, through the server (list, stat, mkdir, unlink, rmdir, rename)."""
        from fts3sdk.resources.dm import AsyncNamespace

        return AsyncNamespace(self)

    async def get(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        """``GET`` any endpoint the SDK does not wrap; gives the JSON answer as sent."""
        return await self._send(api.raw("GET", path, params=params or {}))

    async def post(self, path: str, *, json: Any = None) -> Any:
        """``POST`` a JSON body to any endpoint; gives the JSON answer as sent (``None`` when empty)."""
        return await self._send(api.raw("POST", path, json=json, may_resend=False))

    async def put(self, path: str, *, content: bytes | None = None, json: Any = None) -> Any:
        """``PUT`` bytes or a JSON body to any endpoint; gives the JSON answer as sent."""
        return await self._send(api.raw("PUT", path, content=content, json=json))

    async def delete(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        """``DELETE`` any endpoint; gives the JSON answer as sent (``None`` when empty)."""
        return await self._send(api.raw("DELETE", path, params=params or {}))

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
