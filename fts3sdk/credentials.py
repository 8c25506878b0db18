"""Loading X.509 credentials (certificate chain + private key) and writing private PEM files safely.

A credential is what the official client calls ``ucert``/``ukey``: a proxy file holding the proxy certificate,
its key and the rest of the chain, or a separate certificate and key file. Key material and passphrases never
appear in ``repr()``, ``str()``, exception messages or logs.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Final, NoReturn, SupportsIndex

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

from fts3sdk.errors import (
    CredentialError,
    CredentialExpired,
    CredentialMalformed,
    CredentialNotFound,
    CredentialNotYetValid,
    CredentialUnreadable,
    PassphraseRequired,
    PrivateKeyMismatch,
    PrivateKeyMissing,
    WrongPassphrase,
)

__all__ = [
    "PROXY_CERT_INFO_OID",
    "Credential",
    "CredentialError",
    "Passphrase",
    "PrivateKey",
    "check_credential",
    "is_proxy_certificate",
    "load_credential",
    "slash_dn",
    "write_pem_private",
]

PROXY_CERT_INFO_OID: Final = ObjectIdentifier("1.3.6.1.5.5.7.1.14")
"""id-pe-proxyCertInfo (RFC 3820): its presence makes a certificate an RFC proxy."""

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
"""The private key types a credential may hold."""

Passphrase = str | bytes | Callable[[], str | bytes] | None
"""A key passphrase, or a zero-argument callback returning it (called only when the key is encrypted)."""

_NO_PICKLE: Final = "credentials holding private keys cannot be pickled"
_CERT_BEGIN: Final = b"-----BEGIN CERTIFICATE-----"
_PEM_BEGIN: Final = b"-----BEGIN "
_PROXY_ORIGINS: Final = frozenset({"from X509_USER_PROXY", "the default proxy location"})
_NEW_PROXY: Final = "make a new proxy (voms-proxy-init, or fts3sdk proxy-init)"
_KEY_BLOCK: Final = re.compile(
    rb"-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----.*?-----END \1-----", re.DOTALL
)
_LEGACY_PROXY_CNS: Final = frozenset({"proxy", "limited proxy"})
# OpenSSL short names where they differ from the RFC 4514 names cryptography knows.
_OPENSSL_NAMES: Final = {
    NameOID.EMAIL_ADDRESS: "emailAddress",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.GIVEN_NAME: "GN",
    NameOID.SURNAME: "SN",
    NameOID.TITLE: "title",
    NameOID.INITIALS: "initials",
    NameOID.PSEUDONYM: "pseudonym",
    NameOID.GENERATION_QUALIFIER: "generationQualifier",
    NameOID.DN_QUALIFIER: "dnQualifier",
    NameOID.POSTAL_CODE: "postalCode",
    NameOID.BUSINESS_CATEGORY: "businessCategory",
}


@dataclass(frozen=True, repr=False, eq=False)
class Credential:
    """An X.509 certificate chain with the private key of its first certificate.

    ``repr()`` shows only the subject and the expiry. Pickling raises TypeError so the key cannot leak into a
    cache, a file or another process by accident; ``copy``/``deepcopy`` return the same object.
    """

    chain: list[x509.Certificate]
    """Certificates in file order: the user certificate (or the current proxy) first."""
    private_key: PrivateKey
    """Private key of ``chain[0]``."""
    cert_path: Path
    """File the certificates were read from."""
    key_path: Path
    """File the private key was read from (the same as ``cert_path`` for a proxy file)."""

    @property
    def not_after(self) -> datetime:
        """Earliest expiry (aware UTC) over the whole chain: the credential is useless after it."""
        return min(cert.not_valid_after_utc for cert in self.chain)

    @property
    def subject_dn(self) -> str:
        """Subject of ``chain[0]`` in the slash form FTS uses (``/DC=org/DC=example/O=Test/CN=Alice``)."""
        return slash_dn(self.chain[0].subject)

    @property
    def user_dn(self) -> str:
        """Subject of the first non-proxy certificate: the identity FTS sees behind any proxy."""
        user = next((cert for cert in self.chain if not is_proxy_certificate(cert)), self.chain[-1])
        return slash_dn(user.subject)

    @property
    def is_proxy(self) -> bool:
        """Whether ``chain[0]`` is a proxy certificate (RFC 3820 or legacy Globus)."""
        return is_proxy_certificate(self.chain[0])

    def __repr__(self) -> str:
        return f"<Credential subject={self.subject_dn!r} not_after={self.not_after.isoformat()}>"

    def __reduce_ex__(self, protocol: SupportsIndex, /) -> NoReturn:
        raise TypeError(_NO_PICKLE)

    def __reduce__(self) -> NoReturn:
        raise TypeError(_NO_PICKLE)

    def __getstate__(self) -> NoReturn:
        raise TypeError(_NO_PICKLE)

    def __copy__(self) -> Credential:
        return self

    def __deepcopy__(self, memo: object) -> Credential:
        return self


def load_credential(
    cert_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str] | None = None,
    *,
    passphrase: Passphrase = None,
) -> Credential:
    """Load a certificate chain and its private key (``key_path`` defaults to ``cert_path``, a proxy file).

    Every ``CERTIFICATE`` block of the certificate file is kept, in order; the first private key block of the key
    file is used. Raises a CredentialError subclass for a missing or unreadable file, no certificate, no key, an
    encrypted key without (or with a wrong) passphrase, a key that does not match the first certificate, a key
    that is not RSA or EC, and an expired first certificate.
    """
    cert_file = Path(cert_path)
    key_file = cert_file if key_path is None else Path(key_path)
    cert_data = _read(cert_file, None)
    chain = _parse_chain(cert_data, cert_file)
    expiry = chain[0].not_valid_after_utc
    if expiry <= datetime.now(timezone.utc):
        raise CredentialExpired(_expired(str(cert_file), expiry), not_after=expiry)
    key_data = cert_data if key_file == cert_file else _read(key_file, None)
    key = _parse_key(key_data, key_file, passphrase, alone=key_path is None)
    _check_pair(key, chain[0], key_file, cert_file)
    return Credential(chain=chain, private_key=key, cert_path=cert_file, key_path=key_file)


def check_credential(
    cert_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str] | None = None,
    *,
    passphrase: Passphrase = None,
    cert_origin: str | None = None,
    key_origin: str | None = None,
    now: datetime | None = None,
) -> datetime:
    """Check without the network that a credential can be used to connect; return when it expires.

    Each file is read and parsed once. Every certificate of the chain must be valid at ``now`` (default: the
    current time); the key must be the first certificate's. ``cert_origin``/``key_origin`` say where the names
    came from (``"from X509_USER_PROXY"``...) and appear in the messages. Raises a CredentialError subclass:
    CredentialNotFound, CredentialUnreadable, CredentialMalformed, PrivateKeyMissing, PassphraseRequired,
    WrongPassphrase, PrivateKeyMismatch, CredentialExpired (naming the certificate that expires first) or
    CredentialNotYetValid. The passphrase callback is called only for an encrypted key.
    """
    cert_file = Path(cert_path)
    key_file = cert_file if key_path is None else Path(key_path)
    cert_data = _read(cert_file, cert_origin)
    chain = _parse_chain(cert_data, cert_file)
    moment = now or datetime.now(timezone.utc)
    _check_validity(chain, cert_file, cert_origin, moment)
    key_data = cert_data if key_file == cert_file else _read(key_file, key_origin or cert_origin)
    key = _parse_key(key_data, key_file, passphrase, alone=key_path is None, validate=False)
    _check_pair(key, chain[0], key_file, cert_file)
    return min(cert.not_valid_after_utc for cert in chain)


def write_pem_private(path: str | os.PathLike[str], data: bytes) -> Path:
    """Atomically write ``data`` to ``path`` as a file created with mode 0600; return the path.

    The data goes to a new temporary file in the same directory (``O_CREAT | O_EXCL``, mode 0600) which then
    replaces ``path``, so the key is never readable by others, not even briefly. Raises OSError.
    """
    target = Path(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def slash_dn(name: x509.Name) -> str:
    """Format a distinguished name the way FTS and OpenSSL's one-line form do: ``/DC=org/O=Test/CN=Alice``.

    RDNs keep their order in the certificate (the reverse of RFC 4514); a multi-valued RDN is joined with ``+``.
    Values are not escaped.
    """
    return "".join("/" + "+".join(_attribute_text(attr) for attr in rdn) for rdn in name.rdns)


def is_proxy_certificate(cert: x509.Certificate) -> bool:
    """Whether ``cert`` is a proxy: RFC 3820 (proxyCertInfo present) or legacy Globus (``CN=proxy``).

    A legacy proxy's subject is its issuer plus one single-valued ``CN=proxy`` or ``CN=limited proxy`` RDN.
    """
    if any(ext.oid == PROXY_CERT_INFO_OID for ext in cert.extensions):
        return True
    rdns = cert.subject.rdns
    if len(rdns) < 2 or x509.Name(rdns[:-1]) != cert.issuer:
        return False
    last = list(rdns[-1])
    return len(last) == 1 and last[0].oid == NameOID.COMMON_NAME and last[0].value in _LEGACY_PROXY_CNS


def _attribute_text(attr: x509.NameAttribute[str | bytes]) -> str:
    name = _OPENSSL_NAMES.get(attr.oid) or attr.rfc4514_attribute_name
    value = attr.value if isinstance(attr.value, str) else attr.value.hex()
    return f"{name}={value}"


def _named(path: Path, origin: str | None) -> str:
    return f"{path} ({origin})" if origin else str(path)


def _read(path: Path, origin: str | None) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        hint = f": {_NEW_PROXY}" if origin in _PROXY_ORIGINS else ""
        message = f"credential file not found: {_named(path, origin)}{hint}"
        raise CredentialNotFound(message, path=str(path), origin=origin) from exc
    except OSError as exc:
        raise CredentialUnreadable(f"cannot read {_named(path, origin)}: {exc.strerror or exc}") from exc


def _parse_chain(data: bytes, path: Path) -> list[x509.Certificate]:
    if _CERT_BEGIN not in data:
        what = "it holds PEM blocks, none a CERTIFICATE" if _PEM_BEGIN in data else "it is not a PEM file"
        raise CredentialMalformed(f"no certificate in {path}: {what}")
    try:
        chain = x509.load_pem_x509_certificates(data)
        for cert in chain:
            cert.extensions  # noqa: B018 - parsed lazily: fail here rather than in later uses
    except (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType) as exc:
        raise CredentialMalformed(f"unreadable certificate in {path}: a CERTIFICATE block is damaged") from exc
    return chain


def _expired(path: str, expiry: datetime) -> str:
    return f"expired credential: {path} expired at {expiry.isoformat()}"


def _check_validity(chain: list[x509.Certificate], path: Path, origin: str | None, now: datetime) -> None:
    first = min(chain, key=lambda cert: cert.not_valid_after_utc)
    expiry = first.not_valid_after_utc
    if expiry <= now:
        which = "" if first is chain[0] else f" (its certificate {slash_dn(first.subject)} is the first to expire)"
        advice = _NEW_PROXY if is_proxy_certificate(chain[0]) or origin in _PROXY_ORIGINS else "renew it"
        raise CredentialExpired(f"{_expired(_named(path, origin), expiry)}{which}: {advice}", not_after=expiry)
    late = max(chain, key=lambda cert: cert.not_valid_before_utc)
    start = late.not_valid_before_utc
    if start > now:
        which = "" if late is chain[0] else f" (its certificate {slash_dn(late.subject)})"
        raise CredentialNotYetValid(
            f"credential not yet valid: {_named(path, origin)}{which} is valid from {start.isoformat()}: "
            "is this computer's clock right?",
            not_before=start,
        )


def _parse_key(data: bytes, path: Path, passphrase: Passphrase, *, alone: bool, validate: bool = True) -> PrivateKey:
    block = _KEY_BLOCK.search(data)
    if block is None:
        raise _no_key(data, path, alone)
    encrypted = block.group(1) == b"ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in block.group(0)
    password = _password(passphrase, path) if encrypted else None
    try:
        key = serialization.load_pem_private_key(block.group(0), password, unsafe_skip_rsa_key_validation=not validate)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        if encrypted:
            raise WrongPassphrase(f"cannot load the private key in {path}: wrong passphrase or damaged key") from exc
        raise CredentialMalformed(f"cannot load the private key in {path}: unreadable key") from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise CredentialMalformed(f"unsupported private key type in {path}: RSA or EC required")
    return key


def _no_key(data: bytes, path: Path, alone: bool) -> CredentialError:
    if _PEM_BEGIN not in data:
        return CredentialMalformed(f"no private key in {path}: it is not a PEM file")
    if alone:
        return PrivateKeyMissing(
            f"no private key in {path}: it holds a certificate only; give its key file too "
            "(key=, --key or X509_USER_KEY; e.g. ~/.globus/userkey.pem), or use a proxy"
        )
    return PrivateKeyMissing(f"no private key in {path}")


def _check_pair(key: PrivateKey, cert: x509.Certificate, key_file: Path, cert_file: Path) -> None:
    if _spki(key) != _spki(cert):
        raise PrivateKeyMismatch(f"the private key in {key_file} does not match the certificate in {cert_file}")


def _password(passphrase: Passphrase, path: Path) -> bytes:
    value = passphrase() if callable(passphrase) else passphrase
    if value is None:
        raise PassphraseRequired(f"the private key in {path} is encrypted: give a passphrase")
    return value.encode() if isinstance(value, str) else value


def _spki(item: PrivateKey | x509.Certificate) -> bytes:
    public = item.public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
