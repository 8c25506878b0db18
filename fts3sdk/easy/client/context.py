"""`Context` (official ``fts3.rest.client.context``): the official constructor and attributes over a typed client."""

from __future__ import annotations

import getpass
import json
import logging
import os
import ssl
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from types import TracebackType
from typing import Any

import httpx
from cryptography import x509

from fts3sdk import errors
from fts3sdk._base import Endpoint, Method, raw_json, text
from fts3sdk._client import Client
from fts3sdk._config import discover_certificate
from fts3sdk._version import OFFICIAL_CLIENT_VERSION
from fts3sdk.easy.client.request import Request
from fts3sdk.resources._endpoints import _server as api

__all__ = ["CLIENT_VERSION", "DEFAULT_USER_AGENT", "Context", "Request"]

logger = logging.getLogger("fts3sdk")

CLIENT_VERSION = OFFICIAL_CLIENT_VERSION
"""Version of the official client this facade stands in for (``fts3.__version__`` under `fts3sdk.compat`)."""
DEFAULT_USER_AGENT = f"fts-python-bindings/{CLIENT_VERSION}"
"""The official client's User-Agent: servers answer it as they answer the official client (e.g. ``[]``)."""

_NOT_FTS = (errors.RequestTimeout, errors.InvalidResponse)


class Context:
    """Connection to one FTS3 endpoint, as the official ``fts3.rest.client.Context``.

    Same parameters and attributes. Credentials: ``no_creds=True`` sends none; ``fts_access_token`` sends a
    bearer token (``access_method = "oauth2"``); otherwise the X.509 pair ``ucert``/``ukey`` or the first one
    found in the official order (``X509_USER_PROXY``, ``/tmp/x509up_u<uid>``, ``X509_USER_CERT``/``X509_USER_KEY``,
    the host certificate), ``access_method = "X509"``. An encrypted key is asked for once on the terminal
    (``passwd`` caches it). The constructor checks the endpoint with ``GET /`` (``endpoint_info``).

    Differences: TLS trust is ``capath``, ``X509_CERT_DIR``, ``/etc/grid-security/certificates`` and, when none
    exists, the system store (the official client then failed every call); ``x509``/``x509_list`` are
    ``cryptography`` certificates; redirects are not followed; ``request_class`` takes only the default,
    `Request` (any other class raises NotImplementedError: pass ``transport=``, e.g. ``httpx.MockTransport`` or
    ``fts3sdk.testing.FakeFTS().transport()``, to replace the network). Keyword-only extensions:
    ``transport``, ``retries`` (default 0: each call makes exactly the official requests). ``client`` is the
    typed `fts3sdk.Client` underneath, for moving code over call by call.
    """

    def __init__(
        self,
        endpoint: str,
        ucert: str | None = None,
        ukey: str | None = None,
        verify: bool = True,
        fts_access_token: str | None = None,
        no_creds: bool = False,
        capath: str | None = None,
        request_class: object = Request,
        connectTimeout: float = 30,
        timeout: float = 30,
        user_agent: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retries: int = 0,
    ) -> None:
        _check_request_class(request_class)
        self.passwd: bytes | None = None
        self.access_method: str | None = None
        self.user_agent = DEFAULT_USER_AGENT if user_agent is None else user_agent
        self.endpoint = endpoint[:-1] if endpoint.endswith("/") else endpoint
        self._set_credentials(ucert, ukey, None if no_creds else fts_access_token, no_creds)
        self.client = self._connect(verify, capath, httpx.Timeout(timeout, connect=connectTimeout), transport, retries)
        """The typed client every call goes through (one connection pool)."""
        try:
            self.endpoint_info = self._validate_endpoint()
        except BaseException:
            self.client.close()
            raise

    def _set_credentials(self, ucert: str | None, ukey: str | None, token: str | None, no_creds: bool) -> None:
        self.fts_access_token = token
        self.ucert: str | None = None
        self.ukey: str | None = None
        self.x509: x509.Certificate | None = None
        self.x509_list: list[x509.Certificate] = []
        if token:
            self.access_method = "oauth2"
        elif not no_creds:
            self._set_x509(ucert, ukey)
            self.access_method = "X509"

    def _read_passwd(self) -> bytes:
        if self.passwd is None:
            self.passwd = getpass.getpass("Private key password: ").encode()
        return self.passwd

    def _set_x509(self, ucert: str | None, ukey: str | None) -> None:
        if ucert and not ukey:
            ukey = ucert
        elif not ucert:
            found = discover_certificate()
            ucert, ukey = (str(found.cert), str(found.key)) if found else (None, None)
        if not (ucert and ukey):
            logger.warning("No user certificate given!")
            return
        for path, name in ((ucert, "Certificate"), (ukey, "Private key")):
            if not os.path.exists(path):
                raise FileNotFoundError(f"{name} not found!")
        self.x509_list = _certificates(ucert)
        self.x509 = self.x509_list[0]
        if self.x509.not_valid_after_utc < datetime.now(timezone.utc):
            raise Exception("Proxy expired!")  # the official client raises a plain Exception
        _check_key(ucert, ukey, self._read_passwd)
        self.ucert, self.ukey = ucert, ukey

    def _connect(
        self,
        verify: bool,
        capath: str | None,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None,
        retries: int,
    ) -> Client:
        try:
            return Client(
                self.endpoint,
                cert=self.ucert,
                key=self.ukey,
                passphrase=self._read_passwd,
                token=self.fts_access_token or None,
                anonymous=self.ucert is None,
                verify=verify,
                ca_path=capath,
                timeout=timeout,
                retries=retries,
                user_agent=self.user_agent,
                transport=transport,
            )
        except errors.FTS3ClientException:
            raise
        except Exception as exc:  # a missing CA location, a key OpenSSL refuses...: the official BadEndpoint
            raise errors.BadEndpoint(f"{self.endpoint} ({exc})") from exc

    def _validate_endpoint(self) -> dict[str, Any]:
        try:
            info = self.client._send(api.endpoint_info().with_parse(raw_json))
        except errors.ConnectionFailed as exc:
            raise errors.ConnectionFailed(f"{self.endpoint} ({exc.reason})", **_context_of(exc)) from exc
        except _NOT_FTS as exc:
            raise errors.BadEndpoint(f"{self.endpoint} ({exc.reason})", **_context_of(exc)) from exc
        if not isinstance(info, dict):
            raise errors.BadEndpoint(f"{self.endpoint} (GET / did not answer a JSON object)")
        info["url"] = self.endpoint
        logger.debug("Using endpoint %s, REST API version %s", self.endpoint, info.get("api"))
        return info

    def get_endpoint_info(self) -> dict[str, Any]:
        """The answer of ``GET /`` read in the constructor, plus ``url`` (the endpoint)."""
        return self.endpoint_info

    def has_certificate(self) -> str | None:
        """Truthy when an X.509 certificate and key are in use (the key path, as the official returns)."""
        return self.ucert and self.ukey

    def get(self, path: str, args: Mapping[str, str] | None = None) -> str:
        """``GET`` ``path`` with the query ``args``; gives the body text (errors raised per the status table)."""
        return self._raw("GET", path, params=dict(args or {}))

    def put(self, path: str, body: str | bytes) -> str:
        """``PUT`` ``body`` as given, without a Content-Type; gives the body text."""
        return self._raw("PUT", path, content=body.encode() if isinstance(body, str) else body)

    def delete(self, path: str) -> str:
        """``DELETE`` ``path``; gives the body text."""
        return self._raw("DELETE", path)

    def post_json(self, path: str, body: Any) -> str:
        """``POST`` ``body`` (a str sent as is, anything else JSON-encoded) as ``application/json``; gives the body."""
        data = body if isinstance(body, str) else json.dumps(body)
        headers = {"Content-Type": "application/json"}
        return self._raw("POST", path, content=data.encode(), headers=headers, may_resend=False)

    def _raw(self, method: Method, path: str, **options: Any) -> str:
        return self.client._send(Endpoint(method, "/" + path.lstrip("/"), text, **options))

    def close(self) -> None:
        """Close the connection pool (an fts3sdk addition; the official context had none to close)."""
        self.client.close()

    def __enter__(self) -> Context:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Context({self.endpoint!r}, access_method={self.access_method!r})"


def _check_request_class(request_class: object) -> None:
    # The official default (fts3.rest.client.request.Request, here fts3sdk.easy.client.request.Request) means
    # "the standard HTTP layer": the typed client. Another class would be silently bypassed, so it is refused.
    if request_class is None or request_class is Request:
        return
    raise NotImplementedError(
        f"Context(request_class={request_class!r}) is not supported: fts3sdk sends every request through its typed "
        "client, and only the default request_class=Request (fts3.rest.client.request.Request) is accepted. To "
        "replace the network, pass transport= (an httpx transport such as httpx.MockTransport or "
        "fts3sdk.testing.FakeFTS().transport())"
    )


def _check_key(ucert: str, ukey: str, passphrase: Callable[[], bytes]) -> None:
    # OpenSSL checks the pair in about a millisecond; cryptography's full RSA validation takes 0.1 s, paid only
    # by a delegation (which signs with the key), or here to explain a refusal in a person's words.
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_cert_chain(ucert, ukey, password=passphrase)
    except (ssl.SSLError, OSError, ValueError) as refused:
        from fts3sdk.credentials import CredentialError, load_credential

        try:
            load_credential(ucert, ukey, passphrase=passphrase)
        except CredentialError as exc:
            raise Exception(f"Could not load {ukey}: {exc}") from exc  # the official client's exception
        raise Exception(f"Could not load {ukey}: {refused}") from refused


def _certificates(path: str) -> list[x509.Certificate]:
    # Every CERTIFICATE block in file order; other blocks (a proxy's private key) are skipped.
    try:
        with open(path, "rb") as file:
            return x509.load_pem_x509_certificates(file.read())
    except (OSError, ValueError) as exc:
        raise Exception(f"Could not load {path}: {exc}") from exc  # as the official client


def _context_of(exc: errors.FTS3ClientException) -> dict[str, Any]:
    return {
        "message": exc.message,
        "status_code": exc.status_code,
        "method": exc.method,
        "url": exc.url,
        "body": exc.body,
    }
