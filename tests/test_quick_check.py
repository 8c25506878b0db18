"""The quick credential check vouches only for what the full check accepts, and for the common good credentials."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fts3sdk import _quick_check
from fts3sdk._quick_check import vouch
from fts3sdk.credentials import CredentialError, check_credential, load_credential
from fts3sdk.proxy import sign_proxy_request
from fts3sdk.testing import IssuedCertificate, ThrowawayPKI

PEM = serialization.Encoding.PEM
NOW = datetime.now(timezone.utc)


def full(cert: Path, key: Path | None) -> datetime | None:
    """What the full check says: the expiry, or None when it refuses the credential."""
    try:
        return check_credential(cert, key)
    except CredentialError:
        return None


def agree(cert: Path, key: Path | None = None) -> datetime | None:
    """The quick answer, checked against the full one: never a credential it refuses, never another expiry."""
    quick, expected = vouch(cert, key), full(cert, key)
    assert quick is None or quick == expected, (quick, expected)
    return quick


_KEY = ec.generate_private_key(ec.SECP256R1())


def self_signed(directory: Path, name: str, key: object, **dates: datetime) -> Path:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = x509.CertificateBuilder().subject_name(subject).issuer_name(subject).serial_number(1)
    builder = builder.public_key(key.public_key())  # type: ignore[attr-defined]
    builder = builder.not_valid_before(dates.get("not_before", NOW - timedelta(hours=1)))
    builder = builder.not_valid_after(dates.get("not_after", NOW + timedelta(days=1)))
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    cert = builder.sign(key, algorithm)  # type: ignore[arg-type]
    path = directory / f"{name}.pem"
    key_pem = key.private_bytes(  # type: ignore[attr-defined]
        PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(cert.public_bytes(PEM) + key_pem)
    return path


def proxy_file(user: IssuedCertificate, path: Path, *, now: datetime | None = None) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    request = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([])).sign(key, hashes.SHA256())
    credential = load_credential(user.cert_path, user.key_path)
    body = sign_proxy_request(request.public_bytes(PEM), credential, lifetime=timedelta(hours=12), now=now)
    first, *chain = x509.load_pem_x509_certificates(body)
    key_pem = key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(first.public_bytes(PEM) + key_pem + b"".join(c.public_bytes(PEM) for c in chain))
    return path


def der_oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    body = b""
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        while arc > 0x7F:
            arc >>= 7
            chunk.append(0x80 | (arc & 0x7F))
        body += bytes(reversed(chunk))
    return bytes([0x06, len(body)]) + body


def test_the_identifiers_it_compares_are_the_right_ones() -> None:
    assert der_oid("1.2.840.113549.1.1.1") == _quick_check.RSA_ENCRYPTION
    assert der_oid("1.2.840.10045.2.1") == _quick_check.EC_PUBLIC_KEY
    curves = {"1.2.840.10045.3.1.7": ec.SECP256R1, "1.3.132.0.34": ec.SECP384R1, "1.3.132.0.35": ec.SECP521R1}
    assert all(ec.get_curve_for_oid(x509.ObjectIdentifier(dotted)) is curve for dotted, curve in curves.items())
    assert {der_oid(dotted) for dotted in curves} == _quick_check.NAMED_CURVES


@pytest.mark.parametrize("key_type", ["rsa", "ec"])
@pytest.mark.parametrize("key_format", ["pkcs8", "traditional"])
def test_good_user_certificates_are_vouched_for(pki: ThrowawayPKI, key_type: str, key_format: str) -> None:
    user = pki.issue_user(f"Quick {key_type} {key_format}", key_type=key_type, key_format=key_format)  # type: ignore[arg-type]
    assert agree(user.cert_path, user.key_path) == check_credential(user.cert_path, user.key_path)


def test_a_proxy_file_and_a_host_certificate_are_vouched_for(pki: ThrowawayPKI, tmp_path: Path) -> None:
    user = pki.issue_user("Quick proxied", lifetime=timedelta(hours=3))
    proxy = proxy_file(user, tmp_path / "x509up")
    assert agree(proxy) == check_credential(proxy)  # the user certificate, behind the proxy, expires first
    host = pki.issue_host("quick.example.org")
    assert agree(host.cert_path, host.key_path) is not None


def test_it_leaves_every_problem_to_the_full_check(pki: ThrowawayPKI, tmp_path: Path) -> None:
    expired = pki.issue_user("Quick expired", lifetime=timedelta(hours=-1))
    early = pki.issue_user("Quick early", not_before=NOW + timedelta(hours=2))
    locked = pki.issue_user("Quick locked", encrypted_passphrase="secret")
    alice, bob = pki.issue_user("Quick Alice"), pki.issue_user("Quick Bob", key_type="ec")
    old_user = pki.issue_user("Quick old")
    old_proxy = proxy_file(old_user, tmp_path / "old", now=NOW - timedelta(days=2))
    damaged = tmp_path / "damaged.pem"
    damaged.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + alice.key_path.read_bytes())
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"not a PEM file")
    cases: list[tuple[Path, Path | None]] = [
        (expired.cert_path, expired.key_path),
        (early.cert_path, early.key_path),
        (locked.cert_path, locked.key_path),
        (alice.cert_path, bob.key_path),
        (alice.cert_path, None),
        (old_proxy, None),
        (damaged, None),
        (garbage, None),
        (tmp_path / "nowhere.pem", None),
        (alice.cert_path, tmp_path),
    ]
    for cert, key in cases:
        assert full(cert, key) is None
        assert vouch(cert, key) is None, cert


def test_keys_the_full_check_refuses_are_not_vouched_for(tmp_path: Path) -> None:
    refused = {
        "dsa": dsa.generate_private_key(2048),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "secp256k1": ec.generate_private_key(ec.SECP256K1()),
    }
    for name, key in refused.items():
        path = self_signed(tmp_path, name, key)
        assert vouch(path, None) is None, name
    accepted = self_signed(tmp_path, "rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert agree(accepted) is not None


def test_extensions_cryptography_cannot_read_are_left_to_it(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "odd")])
    base = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .serial_number(2)
        .public_key(key.public_key())
        .not_valid_before(NOW - timedelta(hours=1))
        .not_valid_after(NOW + timedelta(days=1))
    )
    key_pem = key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    x400 = bytes.fromhex("3004a3020500")  # GeneralNames holding an x400Address
    odd_san = base.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.17"), x400), False)
    twice = base.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4"), b"\x05\x00"), False)
    twice = twice.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.5"), b"\x05\x00"), False)
    for name, builder, patch in (("san", odd_san, None), ("twice", twice, (der_oid("1.2.3.5"), der_oid("1.2.3.4")))):
        pem = builder.sign(key, hashes.SHA256()).public_bytes(PEM)
        if patch is not None:  # the same identifier twice: the builder refuses to write it, so edit the DER
            der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
            pem = x509.load_der_x509_certificate(der.replace(*patch)).public_bytes(PEM)
        path = tmp_path / f"{name}.pem"
        path.write_bytes(pem + key_pem)
        assert full(path, None) is None
        assert vouch(path, None) is None, name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60),
    length=st.integers(min_value=1, max_value=60 * 24 * 365 * 40),
)
def test_validity_windows_read_as_cryptography_reads_them(tmp_path: Path, start: int, length: int) -> None:
    not_before = (NOW + timedelta(minutes=start)).replace(microsecond=0)
    not_after = not_before + timedelta(minutes=length)  # past 2050 the certificate holds GeneralizedTime
    path = self_signed(tmp_path, "window", _KEY, not_before=not_before, not_after=not_after)
    assert agree(path) == full(path, None)  # the same answer, good windows included


@pytest.fixture(scope="module")
def proxy_bytes(pki: ThrowawayPKI, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return proxy_file(pki.issue_user("Quick truncated"), tmp_path_factory.mktemp("quick") / "x509up").read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_a_truncated_proxy_file_is_never_vouched_for(proxy_bytes: bytes, tmp_path: Path, cut: int) -> None:
    truncated = tmp_path / "truncated.pem"
    truncated.write_bytes(proxy_bytes[: cut % len(proxy_bytes)])
    agree(truncated)


def test_a_client_with_a_good_credential_does_not_import_cryptography(alice: IssuedCertificate) -> None:
    code = (
        "import sys; from fts3sdk import Client; "
        f"Client('https://fts.example.org:8446', cert={str(alice.cert_path)!r}, key={str(alice.key_path)!r}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cryptography'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
