"""Client configuration: where credentials come from, TLS trust, bearer tokens, defaults."""

from __future__ import annotations

import logging
import os
import ssl
import warnings
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = [
    "DEFAULT_TIMEOUT",
    "BearerAuth",
    "CertificateFiles",
    "InsecureRequestWarning",
    "NamedPath",
    "Passphrase",
    "Token",
    "discover_certificate",
    "load_chain",
    "origin_of",
    "ssl_context",
    "trust_location",
]

logger = logging.getLogger("fts3sdk")

DEFAULT_TIMEOUT = httpx.Timeout(30.0)
GRID_CA_DIR = Path("/etc/grid-security/certificates")
HOST_CERT = Path("/etc/grid-security/hostcert.pem")
HOST_KEY = Path("/etc/grid-security/hostkey.pem")

Passphrase = str | bytes | Callable[[], str | bytes]
"""A private key's passphrase, or a callback returning it (called only when the key is encrypted)."""
Token = str | Callable[[], str]
"""A bearer token, or a callback returning a fresh one for each request."""


class InsecureRequestWarning(UserWarning):
    """TLS verification of the server was turned off."""


@dataclass(frozen=True)
class NamedPath(os.PathLike[str]):
    """A path that says where its name came from, for messages: ``NamedPath("p.pem", "from --cert")``.

    Given as ``cert``, ``key`` or ``ca_path``, the errors about the file name ``origin`` as they do for a
    discovered file (``"from X509_USER_PROXY"``).
    """

    path: str
    origin: str

    def __fspath__(self) -> str:
        return self.path


def origin_of(path: object) -> str | None:
    """The ``origin`` of a `NamedPath`; ``None`` for any other path."""
    return path.origin if isinstance(path, NamedPath) else None


@dataclass(frozen=True, slots=True)
class CertificateFiles:
    """Where an X.509 credential is: the certificate chain file and the private key file (maybe the same)."""

    cert: Path
    key: Path
    passphrase: Passphrase | None = field(default=None, repr=False, compare=False)
    cert_origin: str | None = field(default=None, compare=False)
    """Where a discovered certificate's name came from, for messages (``"from X509_USER_PROXY"``...)."""
    key_origin: str | None = field(default=None, compare=False)
    """Where a discovered key's name came from."""

    def __repr__(self) -> str:
        return f"CertificateFiles(cert={str(self.cert)!r}, key={str(self.key)!r})"


def discover_certificate(environ: Mapping[str, str] | None = None, uid: int | None = None) -> CertificateFiles | None:
    """Find the caller's X.509 credential in the official client's order.

    ``X509_USER_PROXY``; ``/tmp/x509up_u<uid>`` if it exists; ``X509_USER_CERT`` with ``X509_USER_KEY`` (or
    the same file); the host certificate and key if both exist. ``None`` when nothing is found.
    """
    env = os.environ if environ is None else environ
    if env.get("X509_USER_PROXY"):
        proxy = Path(env["X509_USER_PROXY"])
        return CertificateFiles(proxy, proxy, cert_origin="from X509_USER_PROXY", key_origin="from X509_USER_PROXY")
    default_proxy = Path(f"/tmp/x509up_u{os.geteuid() if uid is None else uid}")  # noqa: S108 - the grid convention
    if default_proxy.exists():
        where = "the default proxy location"
        return CertificateFiles(default_proxy, default_proxy, cert_origin=where, key_origin=where)
    if env.get("X509_USER_CERT"):
        cert = Path(env["X509_USER_CERT"])
        key_origin = "from X509_USER_KEY" if env.get("X509_USER_KEY") else "from X509_USER_CERT"
        return CertificateFiles(
            cert, Path(env.get("X509_USER_KEY") or cert), cert_origin="from X509_USER_CERT", key_origin=key_origin
        )
    if HOST_CERT.exists() and HOST_KEY.exists():
        where = "the host certificate"
        return CertificateFiles(HOST_CERT, HOST_KEY, cert_origin=where, key_origin=where)
    return None


def trust_location(
    ca_path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Path | None, str]:
    """Where the server's certificate is checked: the CA directory or bundle (``None``: the system store), and why.

    ``ca_path``, else ``X509_CERT_DIR``, else ``/etc/grid-security/certificates`` when it exists.
    """
    env = os.environ if environ is None else environ
    if ca_path:
        return Path(ca_path), origin_of(ca_path) or "given"
    if env.get("X509_CERT_DIR"):
        return Path(env["X509_CERT_DIR"]), "from X509_CERT_DIR"
    if GRID_CA_DIR.is_dir():
        return GRID_CA_DIR, "the default"
    return None, "the system CA store"


def _load_trust(context: ssl.SSLContext, ca_path: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> None:
    location, _ = trust_location(ca_path, environ)
    if location is None:
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)
        return
    if location.is_dir():
        context.load_verify_locations(capath=str(location))
    elif location.is_file():
        context.load_verify_locations(cafile=str(location))
    else:
        raise FileNotFoundError(f"CA location not found: {location}")


def ssl_context(
    *,
    verify: bool = True,
    ca_path: str | os.PathLike[str] | None = None,
    certificate: CertificateFiles | None = None,
    environ: Mapping[str, str] | None = None,
) -> ssl.SSLContext:
    """Build the TLS context of a client.

    Trust: ``ca_path`` (a hashed directory or a bundle file), else ``X509_CERT_DIR``, else
    ``/etc/grid-security/certificates`` when it exists, else the system store. ``verify=False`` turns
    verification off and warns with `InsecureRequestWarning`. The client chain and key come from
    ``certificate`` (a proxy file may hold both).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if verify:
        _load_trust(context, ca_path, os.environ if environ is None else environ)
    else:
        warnings.warn(
            "TLS verification is off: the server's identity is not checked", InsecureRequestWarning, stacklevel=3
        )
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if certificate is not None:
        load_chain(context, certificate)
    return context


def load_chain(context: ssl.SSLContext, certificate: CertificateFiles) -> None:
    """Give ``context`` the client chain and key of ``certificate``; raises ssl.SSLError as OpenSSL does."""
    context.load_cert_chain(str(certificate.cert), str(certificate.key), password=certificate.passphrase)


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <token>``; a callable token is asked for a fresh value on every request."""

    def __init__(self, token: Token) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the token to ``request``."""
        token = self._token() if callable(self._token) else self._token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token=[hidden])"
