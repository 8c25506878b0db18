"""Proxy signing and creation: checked against the delegation profile and by the real `openssl verify`."""

from __future__ import annotations

import base64
import contextlib
import re
import shutil
import ssl
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtensionOID, NameOID
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fts3sdk.credentials import PROXY_CERT_INFO_OID, Credential, load_credential
from fts3sdk.proxy import (
    PROXY_CERT_INFO_INHERIT_ALL,
    ProxyError,
    create_proxy,
    is_proxy_certificate,
    sign_proxy_request,
)
from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI, openssl_subject_hash

PEM = serialization.Encoding.PEM
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
PROFILE_ORDER = [
    ExtensionOID.BASIC_CONSTRAINTS,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
    PROXY_CERT_INFO_OID,
]


@pytest.fixture(scope="module")
def users(pki: ThrowawayPKI) -> dict[str, IssuedCertificate]:
    return {"rsa": pki.issue_user("Alice", key_type="rsa"), "ec": pki.issue_user("Bob", key_type="ec")}


@pytest.fixture(scope="module")
def credentials(users: dict[str, IssuedCertificate]) -> dict[str, Credential]:
    return {kind: load_credential(user.cert_path, user.key_path) for kind, user in users.items()}


@pytest.fixture(scope="module")
def csr_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def csr_pem(csr_key: rsa.RSAPrivateKey) -> bytes:
    """A request built the way the FTS server builds it: RSA 2048, subject O=Dummy, SHA-256."""
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dummy")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(csr_key, hashes.SHA256())
    return csr.public_bytes(PEM)


@pytest.fixture(scope="module")
def rfc_proxy(credentials: dict[str, Credential], tmp_path_factory: pytest.TempPathFactory) -> Credential:
    path = create_proxy(credentials["rsa"], tmp_path_factory.mktemp("proxy") / "x509up", key_type="ec")
    return load_credential(path)


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def openssl_verify(pki: ThrowawayPKI, certs: list[x509.Certificate], workdir: Path, *, capath: bool = False) -> None:
    """Run `openssl verify -allow_proxy_certs` on certs[0] with certs[1:] as untrusted chain; assert OK."""
    proxy_path, chain_path = workdir / "proxy.pem", workdir / "chain.pem"
    proxy_path.write_bytes(certs[0].public_bytes(PEM))
    chain_path.write_bytes(b"".join(cert.public_bytes(PEM) for cert in certs[1:]))
    trust = ["-CApath", str(pki.ca_dir)] if capath else ["-CAfile", str(pki.ca_path)]
    command = ["openssl", "verify", "-allow_proxy_certs", *trust, "-untrusted", str(chain_path), str(proxy_path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{proxy_path}: OK"


def der_body(der: bytes) -> bytes:
    """Content octets of a DER TLV."""
    return der[2:] if der[1] < 0x80 else der[2 + (der[1] & 0x7F) :]


# --- openssl verification -----------------------------------------------------------------------------------


@needs_openssl
@pytest.mark.parametrize("issuer", ["rsa", "ec"])
def test_delegated_proxy_passes_openssl_verify(
    issuer: str, pki: ThrowawayPKI, credentials: dict[str, Credential], csr_pem: bytes, tmp_path: Path
) -> None:
    body = sign_proxy_request(csr_pem, credentials[issuer])
    certs = x509.load_pem_x509_certificates(body)
    assert certs[1:] == credentials[issuer].chain
    assert b"PRIVATE KEY" not in body
    openssl_verify(pki, certs, tmp_path)


@needs_openssl
@pytest.mark.parametrize(("issuer", "key_type"), [("rsa", "rsa"), ("rsa", "ec"), ("ec", "rsa"), ("ec", "ec")])
def test_created_proxy_passes_openssl_verify(
    issuer: str, key_type: str, pki: ThrowawayPKI, credentials: dict[str, Credential], tmp_path: Path
) -> None:
    path = create_proxy(credentials[issuer], tmp_path / "x509up", key_type="rsa" if key_type == "rsa" else "ec")
    openssl_verify(pki, x509.load_pem_x509_certificates(path.read_bytes()), tmp_path)


@needs_openssl
def test_proxy_of_a_proxy_passes_openssl_verify(
    pki: ThrowawayPKI, rfc_proxy: Credential, csr_pem: bytes, tmp_path: Path
) -> None:
    delegated = x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, rfc_proxy))
    assert len(delegated) == 3
    openssl_verify(pki, delegated, tmp_path, capath=True)
    extension_oids = [ext.oid for ext in delegated[0].extensions]
    assert ExtensionOID.AUTHORITY_KEY_IDENTIFIER not in extension_oids, "the signing proxy has no SKI"

    third = load_credential(create_proxy(rfc_proxy, tmp_path / "level3", key_type="ec"))
    assert len(third.chain) == 3
    openssl_verify(pki, x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, third)), tmp_path)


# --- the profile ------------------------------------------------------------------------------------------------


def test_rfc_proxy_follows_the_profile(
    credentials: dict[str, Credential], csr_pem: bytes, csr_key: rsa.RSAPrivateKey
) -> None:
    signer_credential = credentials["rsa"]
    signer = signer_credential.chain[0]
    now = now_utc()
    body = sign_proxy_request(csr_pem, signer_credential, lifetime=timedelta(hours=7), now=now)
    proxy = x509.load_pem_x509_certificates(body)[0]

    assert proxy.version == x509.Version.v3
    assert 0 < proxy.serial_number < 2**63
    assert proxy.issuer == signer.subject
    assert proxy.subject.rdns[:-1] == signer.subject.rdns
    assert der_body(proxy.subject.public_bytes()).startswith(der_body(signer.subject.public_bytes()))
    last = list(proxy.subject.rdns[-1])
    assert [attr.oid for attr in last] == [NameOID.COMMON_NAME]
    assert last[0].value == str(int(now.timestamp()))
    assert proxy.public_key() == csr_key.public_key()
    assert proxy.not_valid_before_utc == now - timedelta(minutes=5)
    assert proxy.not_valid_after_utc == now + timedelta(hours=7)
    assert isinstance(proxy.signature_hash_algorithm, hashes.SHA256)
    proxy.verify_directly_issued_by(signer)
    assert is_proxy_certificate(proxy)


def test_rfc_proxy_extensions_order_criticality_and_values(credentials: dict[str, Credential], csr_pem: bytes) -> None:
    signer = credentials["ec"].chain[0]
    proxy = x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, credentials["ec"]))[0]
    extensions = list(proxy.extensions)
    assert [ext.oid for ext in extensions] == PROFILE_ORDER
    assert [ext.critical for ext in extensions] == [True, True, False, True]
    assert extensions[0].value == x509.BasicConstraints(ca=False, path_length=None)
    assert extensions[1].value == x509.KeyUsage(
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
    ski = signer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert extensions[2].value == x509.AuthorityKeyIdentifier(ski.digest, None, None)
    proxy_info = extensions[3].value
    assert isinstance(proxy_info, x509.UnrecognizedExtension)
    assert proxy_info.value == bytes.fromhex("300C300A06082B06010505071501") == PROXY_CERT_INFO_INHERIT_ALL


def test_every_proxy_gets_a_fresh_serial(credentials: dict[str, Credential], csr_pem: bytes) -> None:
    serials = {x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, credentials["ec"]))[0].serial_number}
    serials.add(x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, credentials["ec"]))[0].serial_number)
    assert len(serials) == 2
    assert credentials["ec"].chain[0].serial_number not in serials


def test_legacy_proxy_structure(credentials: dict[str, Credential], csr_pem: bytes) -> None:
    signer = credentials["rsa"].chain[0]
    proxy = x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, credentials["rsa"], legacy=True))[0]
    assert proxy.issuer == signer.subject
    assert proxy.subject == x509.Name(
        [*signer.subject.rdns, x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, "proxy")])]
    )
    assert [ext.oid for ext in proxy.extensions] == PROFILE_ORDER[:3]
    assert [ext.critical for ext in proxy.extensions] == [True, True, False]
    assert is_proxy_certificate(proxy)
    proxy.verify_directly_issued_by(signer)


def test_legacy_is_ignored_below_an_rfc_proxy(rfc_proxy: Credential, csr_pem: bytes) -> None:
    proxy = x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, rfc_proxy, legacy=True))[0]
    assert proxy.extensions.get_extension_for_oid(PROXY_CERT_INFO_OID).critical
    assert str(proxy.subject.rdns[-1].get_attributes_for_oid(NameOID.COMMON_NAME)[0].value).isdigit()


def test_is_proxy_certificate(pki: ThrowawayPKI, credentials: dict[str, Credential], rfc_proxy: Credential) -> None:
    assert not is_proxy_certificate(credentials["rsa"].chain[0])
    assert not is_proxy_certificate(pki.ca_cert)
    assert is_proxy_certificate(rfc_proxy.chain[0])
    assert rfc_proxy.is_proxy
    assert not credentials["rsa"].is_proxy


# --- lifetime -----------------------------------------------------------------------------------------------


def test_not_after_is_capped_by_the_signer(pki: ThrowawayPKI, csr_pem: bytes) -> None:
    short = pki.issue_user("Short", key_type="ec", lifetime=timedelta(hours=1))
    credential = load_credential(short.cert_path, short.key_path)
    proxy = x509.load_pem_x509_certificates(sign_proxy_request(csr_pem, credential, lifetime=timedelta(hours=12)))[0]
    assert proxy.not_valid_after_utc == credential.chain[0].not_valid_after_utc


def test_not_after_is_capped_by_a_later_chain_element(
    pki: ThrowawayPKI, credentials: dict[str, Credential], csr_pem: bytes
) -> None:
    short_cert = x509.load_pem_x509_certificate(
        pki.issue_user("Short2", key_type="ec", lifetime=timedelta(hours=2)).cert_path.read_bytes()
    )
    long = credentials["ec"]
    credential = Credential([long.chain[0], short_cert], long.private_key, long.cert_path, long.key_path)
    body = sign_proxy_request(csr_pem, credential, lifetime=timedelta(hours=12))
    assert x509.load_pem_x509_certificates(body)[0].not_valid_after_utc == short_cert.not_valid_after_utc


def test_expired_or_invalid_lifetime_is_refused(
    pki: ThrowawayPKI, credentials: dict[str, Credential], csr_pem: bytes
) -> None:
    with pytest.raises(ProxyError, match="lifetime must be positive"):
        sign_proxy_request(csr_pem, credentials["ec"], lifetime=timedelta(0))
    credential = credentials["ec"]
    later = credential.not_after + timedelta(seconds=1)
    with pytest.raises(ProxyError, match=re.escape(f"{credential.cert_path} expired at")):
        sign_proxy_request(csr_pem, credential, now=later)


# --- refused requests ---------------------------------------------------------------------------------------


def _tampered(csr_pem: bytes, position: int) -> bytes:
    der = bytearray(x509.load_pem_x509_csr(csr_pem).public_bytes(serialization.Encoding.DER))
    der[position] ^= 0x01
    return x509.load_der_x509_csr(bytes(der)).public_bytes(PEM)


def test_tampered_signature_is_refused(credentials: dict[str, Credential], csr_pem: bytes) -> None:
    with pytest.raises(ProxyError, match="the certificate request's signature is invalid"):
        sign_proxy_request(_tampered(csr_pem, -1), credentials["rsa"])


def test_request_not_matching_its_signature_is_refused(credentials: dict[str, Credential], csr_pem: bytes) -> None:
    der = x509.load_pem_x509_csr(csr_pem).public_bytes(serialization.Encoding.DER)
    tampered = x509.load_der_x509_csr(der.replace(b"Dummy", b"Dummz")).public_bytes(PEM)
    with pytest.raises(ProxyError, match="the certificate request's signature is invalid"):
        sign_proxy_request(tampered.decode(), credentials["rsa"])


@pytest.mark.parametrize("junk", [b"", "not a request", "é", b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"])
def test_unreadable_request_is_refused(junk: bytes | str, credentials: dict[str, Credential]) -> None:
    with pytest.raises(ProxyError, match="the certificate request's signature is invalid"):
        sign_proxy_request(junk, credentials["ec"])


def test_a_certificate_is_not_a_request(credentials: dict[str, Credential]) -> None:
    with pytest.raises(ProxyError):
        sign_proxy_request(credentials["ec"].chain[0].public_bytes(PEM), credentials["ec"])


@settings(derandomize=True, database=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=2048), st.text(max_size=512)))
def test_arbitrary_input_only_raises_proxy_error(data: bytes | str, credentials: dict[str, Credential]) -> None:
    with pytest.raises(ProxyError):
        sign_proxy_request(data, credentials["ec"])


@settings(derandomize=True, database=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
@example(position=10, flip=1)  # the request's version: once escaped as x509.InvalidVersion
@example(position=344, flip=1)  # the unused-bits octet of the signature
def test_corrupted_requests_only_raise_proxy_error(
    position: int, flip: int, credentials: dict[str, Credential], csr_pem: bytes
) -> None:
    der = bytearray(x509.load_pem_x509_csr(csr_pem).public_bytes(serialization.Encoding.DER))
    der[position % len(der)] ^= flip
    pem = b"-----BEGIN CERTIFICATE REQUEST-----\n" + _base64_lines(bytes(der)) + b"-----END CERTIFICATE REQUEST-----\n"
    try:
        body = sign_proxy_request(pem, credentials["ec"])
    except ProxyError:
        return
    # The unused-bits octet of the signature BIT STRING is not signed: 1 parses when the last signature bit is 0.
    assert position % len(der) == len(der) - 257
    assert x509.load_pem_x509_certificates(body)[0].public_key() == x509.load_pem_x509_csr(csr_pem).public_key()


def _base64_lines(der: bytes) -> bytes:
    text = base64.b64encode(der)
    return b"".join(text[i : i + 64] + b"\n" for i in range(0, len(text), 64))


# --- local proxies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key_type", "key_header"), [("rsa", b"RSA PRIVATE KEY"), ("ec", b"BEGIN PRIVATE KEY")])
def test_created_proxy_file(
    key_type: str, key_header: bytes, credentials: dict[str, Credential], tmp_path: Path
) -> None:
    user = credentials["rsa"]
    path = create_proxy(user, tmp_path / "x509up", key_type="rsa" if key_type == "rsa" else "ec")
    assert path.stat().st_mode & 0o777 == 0o600
    assert key_header in path.read_bytes()
    loaded = load_credential(path)
    assert loaded.chain[1:] == user.chain
    assert loaded.is_proxy
    assert loaded.subject_dn.startswith(user.subject_dn + "/CN=")
    assert loaded.user_dn == user.subject_dn
    assert timedelta(hours=11) < loaded.not_after - datetime.now(timezone.utc) <= timedelta(hours=12)
    ssl.create_default_context().load_cert_chain(path)


def test_created_legacy_proxy(credentials: dict[str, Credential], tmp_path: Path) -> None:
    loaded = load_credential(create_proxy(credentials["ec"], tmp_path / "legacy", key_type="ec", legacy=True))
    assert loaded.subject_dn == credentials["ec"].subject_dn + "/CN=proxy"
    assert loaded.is_proxy


def test_create_proxy_refuses_weak_or_unknown_keys(credentials: dict[str, Credential], tmp_path: Path) -> None:
    with pytest.raises(ProxyError, match="at least 2048 bits"):
        create_proxy(credentials["ec"], tmp_path / "weak", bits=1024)
    with pytest.raises(ProxyError, match="unknown proxy key type"):
        create_proxy(credentials["ec"], tmp_path / "dsa", key_type="dsa")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


def test_proxy_authenticates_a_tls_client(pki: ThrowawayPKI, rfc_proxy: Credential) -> None:
    """A created proxy logs in to a server trusting the PKI's hashed CA directory (in-memory TLS)."""
    host = pki.issue_host()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(host.cert_path, host.key_path)
    server_context.load_verify_locations(capath=pki.ca_dir)
    server_context.verify_mode = ssl.CERT_REQUIRED
    server_context.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS
    client_context = ssl.create_default_context(cafile=pki.ca_path)
    client_context.load_cert_chain(rfc_proxy.cert_path)
    client_in, client_out, server_in, server_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_context.wrap_bio(client_in, client_out, server_hostname="localhost")
    server = server_context.wrap_bio(server_in, server_out, server_side=True)

    def pump() -> None:
        server_in.write(client_out.read())
        client_in.write(server_out.read())

    for _ in range(10):
        for side in (client, server):
            with contextlib.suppress(ssl.SSLWantReadError):
                side.do_handshake()
            pump()
    client.write(b"ping")
    pump()
    assert server.read(4) == b"ping"
    assert server.getpeercert() is not None


# --- the throwaway PKI --------------------------------------------------------------------------------------


@needs_openssl
def test_subject_hash_matches_openssl(pki: ThrowawayPKI, tmp_path: Path) -> None:
    tricky = x509.Name(
        [
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "ORG")]),
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Zeta"),
                    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "alpha"),
                ]
            ),
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, "  Mixed \t  CASE  Ünïcödé  ")]),
        ]
    )
    for name in (pki.ca_cert.subject, tricky):
        path = tmp_path / "name.pem"
        path.write_bytes(_self_signed(name).public_bytes(PEM))
        command = ["openssl", "x509", "-hash", "-noout", "-in", str(path)]
        expected = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        assert openssl_subject_hash(name) == expected
    assert (pki.ca_dir / f"{openssl_subject_hash(pki.ca_cert.subject)}.0").read_bytes() == pki.ca_path.read_bytes()


def _self_signed(name: x509.Name) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    builder = builder.serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1))
    return builder.sign(key, hashes.SHA256())


def test_pki_certificates(pki: ThrowawayPKI, users: dict[str, IssuedCertificate]) -> None:
    assert pki.ca_dn == "/DC=org/DC=example/O=Test/CN=FTS Test CA"
    pki.ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert users["rsa"].dn == "/DC=org/DC=example/O=Test/CN=Alice"
    assert users["rsa"].key_path.stat().st_mode & 0o777 == 0o600
    user = x509.load_pem_x509_certificate(users["rsa"].cert_path.read_bytes())
    key_usage = user.extensions.get_extension_for_class(x509.KeyUsage).value
    assert key_usage.digital_signature
    assert key_usage.key_encipherment
    user.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    user.verify_directly_issued_by(pki.ca_cert)
    host = x509.load_pem_x509_certificate(pki.issue_host().cert_path.read_bytes())
    san = host.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert host.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH, x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]
    )  # as grid host certificates: services authenticate with them
