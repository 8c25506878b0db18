"""X.509 proxy certificates (RFC 3820 and legacy Globus): signing a delegation request, creating a local proxy.

Pure CPU work with ``cryptography``: no network I/O. The profile is the official FTS client's (see the
delegation notes): v3, issuer = signer subject, subject = signer subject + one CN, critical basicConstraints
CA:FALSE and keyUsage digitalSignature+keyEncipherment, authorityKeyIdentifier when the signer has an SKI, and
a critical proxyCertInfo "inherit all" in RFC mode. Two deliberate departures from the official client: the
serial is random instead of the signer's (RFC 3820 wants it unique per issuer), and ``notAfter`` is capped by
every certificate of the local chain (the official client gets that cap wrong).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Final, Literal

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import NameOID

from fts3sdk.credentials import (
    PROXY_CERT_INFO_OID,
    Credential,
    PrivateKey,
    is_proxy_certificate,
    write_pem_private,
)

__all__ = [
    "PROXY_CERT_INFO_INHERIT_ALL",
    "ProxyError",
    "create_proxy",
    "is_proxy_certificate",
    "sign_proxy_request",
]

PROXY_CERT_INFO_INHERIT_ALL: Final = bytes.fromhex("300C300A06082B06010505071501")
"""DER value of proxyCertInfo with policy language id-ppl-inheritAll and no path length constraint."""

_CLOCK_SKEW: Final = timedelta(minutes=5)
_MIN_RSA_BITS: Final = 2048
_PEM: Final = serialization.Encoding.PEM


class ProxyError(ValueError):
    """A proxy cannot be signed: invalid certificate request, expired credential or bad parameters."""


def sign_proxy_request(
    csr_pem: bytes | str,
    credential: Credential,
    *,
    lifetime: timedelta = timedelta(hours=12),
    legacy: bool = False,
    now: datetime | None = None,
) -> bytes:
    """Sign the server's certificate request as a proxy of ``credential``; return the delegation PUT body.

    The body is the PEM of the new proxy followed by the PEM of every certificate of the local chain, in order;
    it holds no private key. The proxy expires at ``now + lifetime`` or with the first certificate of the chain
    to expire, whichever comes first. ``legacy=True`` asks for a Globus legacy proxy (``CN=proxy``, no
    proxyCertInfo), honoured only when no certificate of the chain is an RFC proxy. ``now`` (default: the
    current time; naive means UTC) fixes the validity start and the RFC proxy's CN.

    Raises ProxyError when the request is not a PEM certificate request with a valid self-signature, when the
    credential has expired, or when ``lifetime`` is not positive.
    """
    public_key = _request_public_key(csr_pem)
    proxy = _build_proxy(credential, public_key, lifetime=lifetime, legacy=legacy, now=now)
    return proxy.public_bytes(_PEM) + _chain_pem(credential)


def create_proxy(
    credential: Credential,
    path: str | os.PathLike[str],
    *,
    lifetime: timedelta = timedelta(hours=12),
    key_type: Literal["rsa", "ec"] = "rsa",
    bits: int = 2048,
    legacy: bool = False,
) -> Path:
    """Write a new proxy of ``credential`` to ``path`` (mode 0600), like ``grid-proxy-init`` without VOMS.

    The file holds the proxy certificate, its new unencrypted private key (RSA of ``bits`` bits in the
    traditional ``RSA PRIVATE KEY`` form grid tools expect, or EC P-256 in PKCS#8), then the credential's chain;
    ``load_credential(path)`` and ``ssl.SSLContext.load_cert_chain(path)`` read it. Raises ProxyError for an
    expired credential, a non-positive lifetime, an unknown key type or fewer than 2048 RSA bits; OSError when
    the file cannot be written.
    """
    key = _new_key(key_type, bits)
    proxy = _build_proxy(credential, key.public_key(), lifetime=lifetime, legacy=legacy, now=None)
    key_format = (
        serialization.PrivateFormat.TraditionalOpenSSL
        if isinstance(key, rsa.RSAPrivateKey)
        else serialization.PrivateFormat.PKCS8
    )
    key_pem = key.private_bytes(_PEM, key_format, serialization.NoEncryption())
    return write_pem_private(path, proxy.public_bytes(_PEM) + key_pem + _chain_pem(credential))


def _request_public_key(csr_pem: bytes | str) -> CertificatePublicKeyTypes:
    try:
        data = csr_pem.encode("ascii") if isinstance(csr_pem, str) else csr_pem
        csr = x509.load_pem_x509_csr(data)
        valid = csr.is_signature_valid
        public_key = csr.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm, x509.InvalidVersion) as exc:
        raise ProxyError("the certificate request's signature is invalid: not a readable PEM request") from exc
    if not valid:
        raise ProxyError("the certificate request's signature is invalid")
    return public_key


def _build_proxy(
    credential: Credential,
    public_key: CertificatePublicKeyTypes,
    *,
    lifetime: timedelta,
    legacy: bool,
    now: datetime | None,
) -> x509.Certificate:
    if lifetime <= timedelta(0):
        raise ProxyError(f"the proxy lifetime must be positive, not {lifetime}")
    start = _utc_seconds(now)
    signer = credential.chain[0]
    rfc = not legacy or any(_has_proxy_cert_info(cert) for cert in credential.chain)
    builder = (
        x509.CertificateBuilder()
        .issuer_name(signer.subject)
        .subject_name(_proxy_subject(signer.subject, str(int(start.timestamp())) if rfc else "proxy"))
        .public_key(public_key)
        # Random rather than the signer's serial as the official client does: RFC 3820 wants it unique.
        .serial_number(secrets.randbelow(2**63 - 1) + 1)
        .not_valid_before(start - _CLOCK_SKEW)
        .not_valid_after(_not_after(credential, start + lifetime, start))
    )
    for extension, critical in _extensions(signer, rfc):
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(credential.private_key, hashes.SHA256())


def _utc_seconds(now: datetime | None) -> datetime:
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc).replace(microsecond=0)


def _proxy_subject(signer: x509.Name, common_name: str) -> x509.Name:
    extra = x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    return x509.Name([*signer.rdns, extra])


def _not_after(credential: Credential, wanted: datetime, now: datetime) -> datetime:
    chain_expiry = credential.not_after
    if chain_expiry <= now:
        raise ProxyError(f"cannot sign a proxy: {credential.cert_path} expired at {chain_expiry.isoformat()}")
    return min(wanted, chain_expiry)


def _extensions(signer: x509.Certificate, rfc: bool) -> list[tuple[x509.ExtensionType, bool]]:
    key_usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    extensions: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (key_usage, True),
    ]
    try:
        ski = signer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        pass
    else:
        extensions.append((x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False))
    if rfc:
        extensions.append((x509.UnrecognizedExtension(PROXY_CERT_INFO_OID, PROXY_CERT_INFO_INHERIT_ALL), True))
    return extensions


def _has_proxy_cert_info(cert: x509.Certificate) -> bool:
    return any(ext.oid == PROXY_CERT_INFO_OID for ext in cert.extensions)


def _new_key(key_type: str, bits: int) -> PrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type != "rsa":
        raise ProxyError(f"unknown proxy key type {key_type!r}: use 'rsa' or 'ec'")
    if bits < _MIN_RSA_BITS:
        raise ProxyError(f"RSA proxy keys need at least {_MIN_RSA_BITS} bits, not {bits}")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _chain_pem(credential: Credential) -> bytes:
    return b"".join(cert.public_bytes(_PEM) for cert in credential.chain)
