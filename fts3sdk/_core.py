"""What both clients share: configuration, credentials, request building and transport error mapping."""

from __future__ import annotations

import copy
import logging
import os
import ssl
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from fts3sdk import errors
from fts3sdk._base import RETRIES_EXTENSION, DelegationCache, Endpoint
from fts3sdk._config import (
    BearerAuth,
    CertificateFiles,
    Passphrase,
    Token,
    discover_certificate,
    ssl_context,
)
from fts3sdk._transport import RetryPolicy
from fts3sdk._version import __version__
from fts3sdk.models import EndpointInfo

if TYPE_CHECKING:
    from fts3sdk.credentials import Credential

__all__ = ["ClientCore", "transport_error"]

logger = logging.getLogger("fts3sdk")
Self = TypeVar("Self", bound="ClientCore")


class ClientCore:
    """Configuration, credentials, request building and error mapping shared by both clients."""

    def __init__(
        self,
        endpoint: str,
        *,
        cert: str | os.PathLike[str] | None,
        key: str | os.PathLike[str] | None,
        passphrase: Passphrase | None,
        token: Token | None,
        anonymous: bool,
        timeout: float | httpx.Timeout,
        retries: int,
        user_agent: str | None,
    ) -> None:
        url = httpx.URL(endpoint)
        if url.scheme not in ("https", "http") or not url.host:
            raise errors.BadEndpoint(f"{endpoint} (an https:// URL is expected)")
        self.endpoint = endpoint.rstrip("/")
        self.certificate = _certificate(cert, key, passphrase, token=token, anonymous=anonymous)
        self._auth = BearerAuth(token) if token is not None else None
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._retries = retries
        self._headers = {"Accept": "application/json", "User-Agent": user_agent or f"fts3sdk/{__version__}"}
        self._endpoint_info: EndpointInfo | None = None
        self._credential: Credential | None = None
        self.delegation_cache = DelegationCache()
        """What the client last learnt of its delegated credential (see `DelegationCache`)."""

    @property
    def uses_token(self) -> bool:
        """Whether requests carry a bearer token (then there is no X.509 delegation)."""
        return self._auth is not None

    def with_options(self: Self, *, timeout: float | httpx.Timeout | None = None, retries: int | None = None) -> Self:
        """A copy with another timeout or number of retries, sharing this client's connection pool."""
        clone = copy.copy(self)
        if timeout is not None:
            clone._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        if retries is not None:
            clone._retries = retries
        return clone

    def _policy(self) -> RetryPolicy:
        return RetryPolicy(retries=self._retries)

    def _ssl(self, verify: bool, ca_path: str | os.PathLike[str] | None) -> ssl.SSLContext:
        return ssl_context(verify=verify, ca_path=ca_path, certificate=self.certificate)

    def _build(self, http: httpx.Client | httpx.AsyncClient, endpoint: Endpoint[Any]) -> httpx.Request:
        return http.build_request(
            endpoint.method,
            self.endpoint + endpoint.path,
            params=dict(endpoint.params) or None,
            json=endpoint.json,
            content=endpoint.content,
            headers={**self._headers, **endpoint.headers},
            timeout=self._timeout,
            extensions={RETRIES_EXTENSION: self._retries},
        )

    def load_credential(self) -> Credential:
        """The X.509 credential of this client, loaded once (needed to sign delegated proxies)."""
        if self._credential is None:
            if self.certificate is None:
                raise errors.ClientError("no X.509 credential: give cert= (and key=) or set X509_USER_PROXY")
            from fts3sdk.credentials import load_credential

            files = self.certificate
            self._credential = load_credential(files.cert, files.key, passphrase=files.passphrase)
        return self._credential

    def _log(self, request: httpx.Request, response: httpx.Response, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("%s %s -> %d (%.1f ms)", request.method, request.url, response.status_code, elapsed)

    def __repr__(self) -> str:
        credential = "token" if self.uses_token else (str(self.certificate.cert) if self.certificate else "anonymous")
        return f"{type(self).__name__}({self.endpoint!r}, credential={credential!r})"


def _certificate(
    cert: str | os.PathLike[str] | None,
    key: str | os.PathLike[str] | None,
    passphrase: Passphrase | None,
    *,
    token: Token | None,
    anonymous: bool,
) -> CertificateFiles | None:
    if token is not None or anonymous:
        return None
    if cert is not None:
        return CertificateFiles(Path(cert), Path(key or cert), passphrase)
    found = discover_certificate()
    if found is None:
        logger.warning("no user certificate found: requests are anonymous")
        return None
    return CertificateFiles(found.cert, found.key, passphrase)


def transport_error(
    exc: httpx.TransportError, request: httpx.Request, endpoint: Endpoint[Any]
) -> errors.FTS3ClientException:
    """The fts3sdk error for a failure below HTTP, saying whether the request may have taken effect."""
    url = str(request.url)
    context: dict[str, Any] = {"method": request.method, "url": url}
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)):
        return errors.ConnectionFailed(f"cannot connect to {url}: {str(exc) or type(exc).__name__}", **context)
    what = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed ({str(exc) or type(exc).__name__})"
    if not endpoint.may_resend:
        return errors.RequestTimeout(
            f"{request.method} {url} {what} after the request was sent: it may have been applied "
            "(the job may exist); check before submitting again",
            **context,
        )
    return errors.RequestTimeout(f"{request.method} {url} {what}", **context)
