"""What both clients share: configuration, credentials, request building and transport error mapping."""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import socket
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
    load_chain,
    origin_of,
    ssl_context,
    trust_location,
)
from fts3sdk._http._faults import Kind, as_transport_error, classify, transport_error
from fts3sdk._http._transport import RESEND_EXTENSION, RetryPolicy
from fts3sdk._quick_check import vouch
from fts3sdk._version import __version__

if TYPE_CHECKING:
    from fts3sdk.credentials import Credential
    from fts3sdk.models import EndpointInfo

__all__ = ["ClientCore", "probe_tls", "transport_error"]

logger = logging.getLogger("fts3sdk")
_PROBE_TIMEOUT = 2.0  # a TLS server answers a ClientHello within a round trip; a plain one may never answer
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
        if self.certificate is not None:
            _check(self.certificate)
        self._trust: str | None = None
        self._network = False
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
        location, origin = trust_location(ca_path)
        if verify:
            self._trust = _trust_text(location, origin)
            if location is not None and not location.exists():
                raise errors.BadCALocation(f"CA location not found: {location} ({origin})")
        try:
            context = ssl_context(verify=verify, ca_path=ca_path)
        except ssl.SSLError as exc:
            raise errors.BadCALocation(f"CA location unusable: {self._trust}: {_openssl_words(exc)}") from exc
        if self.certificate is not None:
            try:
                load_chain(context, self.certificate)
            except ssl.SSLError as exc:
                cert = self.certificate.cert
                raise errors.CredentialMalformed(f"OpenSSL cannot use {cert}: {_openssl_words(exc)}") from exc
        return context

    def _transport_error(
        self,
        exc: httpx.TransportError | ssl.SSLError,
        request: httpx.Request,
        endpoint: Endpoint[Any],
        *,
        speaks_tls: bool = False,
    ) -> errors.FTS3ClientException:
        """The error to raise for a failure below HTTP (``speaks_tls``: what `probe_tls` found, if asked)."""
        if isinstance(exc, ssl.SSLError):
            exc = as_transport_error(exc, request)
        credential = None
        if self.certificate is not None:
            origin = self.certificate.cert_origin
            credential = f"{self.certificate.cert} ({origin})" if origin else str(self.certificate.cert)
        return transport_error(
            exc,
            request,
            endpoint,
            credential=credential,
            trust=self._trust,
            timeout=self._timeout,
            speaks_tls=speaks_tls,
        )

    def _probe_target(
        self, exc: httpx.TransportError | ssl.SSLError, request: httpx.Request
    ) -> tuple[str, int, float] | None:
        """Where to ask whether TLS is spoken, when a plain-HTTP request lost its connection (else ``None``)."""
        if not self._network or request.url.scheme != "http" or isinstance(exc, ssl.SSLError):
            return None
        if classify(exc).kind not in (Kind.RESET, Kind.DISCONNECTED):
            return None
        return request.url.host, request.url.port or 80, min(self._timeout.connect or _PROBE_TIMEOUT, _PROBE_TIMEOUT)

    def _speaks_tls(self, exc: httpx.TransportError | ssl.SSLError, request: httpx.Request) -> bool:
        target = self._probe_target(exc, request)
        return target is not None and probe_tls(*target)

    def _build(self, http: httpx.Client | httpx.AsyncClient, endpoint: Endpoint[Any]) -> httpx.Request:
        return http.build_request(
            endpoint.method,
            self.endpoint + endpoint.path,
            params=dict(endpoint.params) or None,
            json=endpoint.json,
            content=endpoint.content,
            headers={**self._headers, **endpoint.headers},
            timeout=self._timeout,
            extensions={RETRIES_EXTENSION: self._retries, RESEND_EXTENSION: endpoint.may_resend},
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
        files = (Path(cert).expanduser(), Path(key or cert).expanduser())
        return CertificateFiles(*files, _once(passphrase), origin_of(cert), origin_of(key or cert))
    found = discover_certificate()
    if found is None:
        globus = Path.home() / ".globus" / "usercert.pem"
        hint = f" ({globus} exists: make a proxy with fts3sdk proxy-init or voms-proxy-init)" if globus.exists() else ""
        logger.warning("no user certificate found: requests are anonymous%s", hint)
        return None
    return CertificateFiles(found.cert, found.key, _once(passphrase), found.cert_origin, found.key_origin)


def _once(passphrase: Passphrase | None) -> Passphrase | None:
    """A passphrase callback asked at most once: the check, the TLS context and delegation share the answer."""
    if not callable(passphrase):
        return passphrase
    answers: list[str | bytes] = []

    def ask() -> str | bytes:
        if not answers:
            answers.append(passphrase())
        return answers[0]

    return ask


def _check(files: CertificateFiles) -> None:
    key = None if files.key == files.cert else files.key
    if vouch(files.cert, key) is not None:  # a plainly good credential, read without cryptography
        return
    from fts3sdk.credentials import check_credential

    check_credential(
        files.cert,
        key,
        passphrase=files.passphrase,
        cert_origin=files.cert_origin,
        key_origin=files.key_origin,
    )


def _trust_text(location: Path | None, origin: str) -> str:
    if location is None:
        return origin
    kind = "CA directory" if location.is_dir() else "CA bundle"
    return f"the {kind} {location} ({origin})"


def _openssl_words(exc: ssl.SSLError) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason).replace("_", " ").lower() if reason else str(exc)


def probe_tls(host: str, port: int, timeout: float) -> bool:
    """Whether ``host:port`` answers a TLS handshake (asked only after a plain-HTTP request lost its connection)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            contextlib.closing(context.wrap_socket(sock, server_hostname=host)),
        ):
            return True
    except ssl.SSLError as exc:
        return str(getattr(exc, "reason", "")).upper() in _TLS_REFUSALS
    except OSError:
        return False


# A server that answers the handshake with one of these speaks TLS, and merely refuses this client.
_TLS_REFUSALS = frozenset(
    {"SSLV3_ALERT_HANDSHAKE_FAILURE", "TLSV13_ALERT_CERTIFICATE_REQUIRED", "TLSV1_ALERT_ACCESS_DENIED"}
)
