"""`Request` (official ``fts3.rest.client.request``): the official HTTP helper, on httpx and fts3sdk's TLS setup.

`Context` takes ``request_class=Request`` as "the default" and sends everything through the typed client; this
class is for code that calls ``Request(...).method(...)`` itself (e.g. to reach a token endpoint).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from fts3sdk import errors
from fts3sdk._base import Endpoint
from fts3sdk._config import GRID_CA_DIR, CertificateFiles, ssl_context

__all__ = ["Request"]


class Request:
    """Send one HTTP request and give its body text, raising the official exception for an error status.

    Same constructor and ``method`` as the official class. ``capath`` is recorded as the official computes it
    (argument, ``X509_CERT_DIR``, ``/etc/grid-security/certificates``); trust itself follows fts3sdk (the system
    store when none of them exists). ``body`` may be text, bytes or a mapping (sent form-encoded); ``user`` and
    ``passw`` add basic authentication; redirects are followed, as ``requests`` did. Connections are kept and
    reused between calls (the official opened one per call): `close` releases them. Keyword-only extension:
    ``transport`` (an httpx transport, e.g. ``httpx.MockTransport``) replaces the network.
    """

    def __init__(
        self,
        ucert: str | None,
        ukey: str | None,
        capath: str | None = None,
        passwd: str | bytes | None = None,
        verify: bool = True,
        fts_access_token: str | None = None,
        connectTimeout: float = 30,
        timeout: float = 30,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.ucert = ucert
        self.ukey = ukey
        self.passwd = passwd
        self.fts_access_token = fts_access_token
        self.verify = verify
        self.capath = capath or os.environ.get("X509_CERT_DIR") or str(GRID_CA_DIR)
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self._trust = capath
        self._transport = transport
        self._http: httpx.Client | None = None

    def _client(self) -> httpx.Client:
        if self._http is None:
            files = None
            if self.ucert:
                files = CertificateFiles(Path(self.ucert), Path(self.ukey or self.ucert), self.passwd)
            context = ssl_context(verify=self.verify, ca_path=self._trust, certificate=files)
            self._http = httpx.Client(
                verify=context,
                transport=self._transport,
                timeout=httpx.Timeout(self.timeout, connect=self.connectTimeout),
                follow_redirects=True,
            )
        return self._http

    def method(
        self,
        method: str,
        url: str,
        body: str | bytes | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        user: str | None = None,
        passw: str | None = None,
    ) -> str:
        """Send ``method url`` and give the body text; an error status raises as `fts3sdk.errors.from_status`."""
        sent = {"Accept": "application/json", **(headers or {})}
        if self.fts_access_token:
            sent["Authorization"] = "Bearer " + self.fts_access_token
        auth = httpx.BasicAuth(user, passw) if user and passw else None
        http = self._client()
        content, data = (None, dict(body)) if isinstance(body, Mapping) else (body, None)
        request = http.build_request(method, str(url), content=content, data=data, headers=sent)
        try:
            response = http.send(request, auth=auth, follow_redirects=True)
        except httpx.TransportError as exc:
            from fts3sdk._core import transport_error

            idempotent = request.method in ("GET", "PUT", "DELETE")
            endpoint: Endpoint[str] = Endpoint("GET", request.url.path, errors.response_text, may_resend=idempotent)
            raise transport_error(exc, request, endpoint) from exc
        answer = errors.response_text(response)
        error = errors.from_status(response.status_code, answer, method=request.method, url=str(request.url))
        if error is not None:
            raise error
        return answer

    def close(self) -> None:
        """Close the connections kept between calls (an fts3sdk addition)."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Request:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
