"""A throwaway PKI for tests: a CA, user and localhost server certificates, a hashed CA directory.

Everything is written into one directory the PKI owns; private key files are created with mode 0600. The CA
uses an EC P-256 key (fast to generate); user keys are RSA 2048 or EC P-256 on request. Nothing here is fit for
real use: keys are unencrypted unless asked, and the CA key lives in memory only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from ipaddress import IPv4Address
from pathlib import Path
from typing import Final, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fts3sdk.credentials import PrivateKey, slash_dn, write_pem_private

__all__ = ["IssuedCertificate", "ThrowawayPKI", "openssl_subject_hash"]

_BASE_ATTRIBUTES: Final = (
    x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "org"),
    x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "example"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test"),
)
_SKEW: Final = timedelta(hours=1)
_PEM: Final = serialization.Encoding.PEM
_SPACES: Final = re.compile(rb"[ \t\n\v\f\r]+")
_PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


@dataclass(frozen=True)
class IssuedCertificate:
    """Files of a certificate issued by a ThrowawayPKI."""

    cert_path: Path
    """PEM certificate (mode 0644)."""
    key_path: Path
    """PEM private key (mode 0600), encrypted when a passphrase was given."""
    dn: str
    """Subject in the slash form FTS uses, e.g. ``/DC=org/DC=example/O=Test/CN=Alice``."""


class ThrowawayPKI:
    """A test certificate authority ``/DC=org/DC=example/O=Test/CN=FTS Test CA`` writing into ``directory``.

    On construction it writes ``ca_path`` (the CA certificate) and ``ca_dir`` (a hashed directory with
    ``<subject hash>.0``, usable as ``capath`` or ``X509_CERT_DIR``).
    """

    def __init__(self, directory: Path, *, ca_lifetime: timedelta = timedelta(days=3650)) -> None:
        self.directory: Final = Path(directory)
        """Directory holding every file of this PKI."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca_cert: Final = self._sign(_ca_builder(ca_lifetime), self._ca_key.public_key())
        """The CA certificate (self-signed, with a subject key identifier)."""
        self.ca_path: Final = self.directory / "ca.pem"
        """PEM file of the CA certificate, for ``cafile``/``-CAfile``."""
        self.ca_path.write_bytes(self.ca_cert.public_bytes(_PEM))
        self.ca_dir: Final = self.directory / "certificates"
        """Hashed CA directory (``<openssl subject hash>.0``), for ``capath``/``-CApath``."""
        self.ca_dir.mkdir(exist_ok=True)
        (self.ca_dir / f"{openssl_subject_hash(self.ca_cert.subject)}.0").write_bytes(self.ca_path.read_bytes())

    @property
    def ca_dn(self) -> str:
        """Subject of the CA in slash form."""
        return slash_dn(self.ca_cert.subject)

    def issue_user(
        self,
        name: str,
        *,
        key_type: Literal["rsa", "ec"] = "rsa",
        lifetime: timedelta = timedelta(days=365),
        not_before: datetime | None = None,
        encrypted_passphrase: str | bytes | None = None,
        key_format: Literal["pkcs8", "traditional"] = "pkcs8",
    ) -> IssuedCertificate:
        """Issue a user certificate ``.../CN=<name>`` able to sign proxies; return its files.

        It expires ``lifetime`` from now (a negative lifetime gives an expired certificate), is valid from
        ``not_before`` (default: one hour before now or the expiry, whichever is earlier) and carries keyUsage
        digitalSignature+keyEncipherment, extendedKeyUsage clientAuth, SKI and AKI. The key is written in
        PKCS#8 or the traditional OpenSSL form (``RSA PRIVATE KEY``/``EC PRIVATE KEY``), encrypted when
        ``encrypted_passphrase`` is given. Raises ValueError for an empty passphrase.
        """
        key = _new_key(key_type)
        extensions = [(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)]
        cert = self._issue(name, key, extensions, lifetime, not_before)
        return self._write(name, cert, _key_pem(key, key_format, encrypted_passphrase))

    def issue_host(
        self,
        hostname: str = "localhost",
        *,
        key_type: Literal["rsa", "ec"] = "ec",
        lifetime: timedelta = timedelta(days=365),
    ) -> IssuedCertificate:
        """Issue a host certificate ``.../CN=<hostname>``, SAN DNS:<hostname> and IP:127.0.0.1.

        Like real grid host certificates it carries extendedKeyUsage serverAuth and clientAuth: a service
        authenticates to FTS with it (a fake's own host certificate makes the client root). The key is
        unencrypted PKCS#8.
        """
        key = _new_key(key_type)
        san = x509.SubjectAlternativeName([x509.DNSName(hostname), x509.IPAddress(IPv4Address("127.0.0.1"))])
        usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH])
        extensions = [(san, False), (usage, False)]
        cert = self._issue(hostname, key, extensions, lifetime, None)
        return self._write(f"host-{hostname}", cert, _key_pem(key, "pkcs8", None))

    def _issue(
        self,
        common_name: str,
        key: PrivateKey,
        extensions: Sequence[tuple[x509.ExtensionType, bool]],
        lifetime: timedelta,
        not_before: datetime | None,
    ) -> x509.Certificate:
        now = datetime.now(timezone.utc)
        not_after = now + lifetime
        start = not_before if not_before is not None else min(now, not_after) - _SKEW
        builder = _base_builder(_name(common_name), self.ca_cert.subject, start, not_after)
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(_key_usage(cert_sign=False), critical=True)
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return self._sign(builder, key.public_key())

    def _sign(self, builder: x509.CertificateBuilder, public_key: _PublicKey) -> x509.Certificate:
        ski = x509.SubjectKeyIdentifier.from_public_key(public_key)
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(self._ca_key.public_key())
        builder = builder.public_key(public_key).add_extension(ski, critical=False)
        return builder.add_extension(aki, critical=False).sign(self._ca_key, hashes.SHA256())

    def _write(self, name: str, cert: x509.Certificate, key_pem: bytes) -> IssuedCertificate:
        stem = self._free_stem(re.sub(r"[^A-Za-z0-9_.-]+", "_", name))
        cert_path = self.directory / f"{stem}.cert.pem"
        cert_path.write_bytes(cert.public_bytes(_PEM))
        key_path = write_pem_private(self.directory / f"{stem}.key.pem", key_pem)
        return IssuedCertificate(cert_path=cert_path, key_path=key_path, dn=slash_dn(cert.subject))

    def _free_stem(self, stem: str) -> str:
        candidate, number = stem, 1
        while (self.directory / f"{candidate}.cert.pem").exists():
            number += 1
            candidate = f"{stem}-{number}"
        return candidate


def openssl_subject_hash(name: x509.Name) -> str:
    """OpenSSL's subject name hash (``openssl x509 -hash``) as the 8 hex digits of a hashed-directory file name.

    SHA-1 over OpenSSL's canonical name encoding: each RDN as a DER SET whose string values are re-encoded as
    UTF8String, trimmed, with inner whitespace runs collapsed to one space and ASCII lowercased. Only names with
    string values (every name this PKI makes) are supported; raises ValueError otherwise.
    """
    canon = b"".join(_der(0x31, b"".join(sorted(_canon_attribute(attr) for attr in rdn))) for rdn in name.rdns)
    digest = hashlib.sha1(canon, usedforsecurity=False).digest()
    return f"{int.from_bytes(digest[:4], 'little'):08x}"


def _canon_attribute(attr: x509.NameAttribute[str | bytes]) -> bytes:
    if not isinstance(attr.value, str):
        raise ValueError(f"cannot hash the non-string name attribute {attr.oid.dotted_string}")
    value = b" ".join(_SPACES.split(attr.value.encode().strip(b" \t\n\v\f\r"))).lower()
    return _der(0x30, _der(0x06, _oid_body(attr.oid.dotted_string)) + _der(0x0C, value))


def _oid_body(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    return b"".join(_base128(arc) for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]])


def _base128(number: int) -> bytes:
    out = [number & 0x7F]
    number >>= 7
    while number:
        out.append(0x80 | (number & 0x7F))
        number >>= 7
    return bytes(reversed(out))


def _der(tag: int, body: bytes) -> bytes:
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _name(common_name: str) -> x509.Name:
    return x509.Name([*_BASE_ATTRIBUTES, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca_builder(lifetime: timedelta) -> x509.CertificateBuilder:
    now = datetime.now(timezone.utc)
    subject = _name("FTS Test CA")
    builder = _base_builder(subject, subject, now - _SKEW, now + lifetime)
    builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return builder.add_extension(_key_usage(cert_sign=True), critical=True)


def _base_builder(
    subject: x509.Name, issuer: x509.Name, not_before: datetime, not_after: datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _new_key(key_type: str) -> PrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key: PrivateKey, key_format: str, passphrase: str | bytes | None) -> bytes:
    private_format = (
        serialization.PrivateFormat.PKCS8 if key_format == "pkcs8" else serialization.PrivateFormat.TraditionalOpenSSL
    )
    encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
    if passphrase is not None:
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        encryption = serialization.BestAvailableEncryption(secret)
    return key.private_bytes(_PEM, private_format, encryption)
