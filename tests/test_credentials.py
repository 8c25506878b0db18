"""Loading credentials: file layouts, encrypted keys, clear errors, and no key material in repr/pickle."""

from __future__ import annotations

import copy
import os
import pickle
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from fts3sdk.credentials import CredentialError, Passphrase, load_credential, slash_dn, write_pem_private
from fts3sdk.proxy import create_proxy
from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI

PASSPHRASE = "Sesame-Open-42"
WRONG = "Not-The-Passphrase-17"


@pytest.fixture(scope="module")
def bob(pki: ThrowawayPKI) -> IssuedCertificate:
    return pki.issue_user("Bob", key_type="ec")


@pytest.fixture(scope="module", params=["pkcs8", "traditional"])
def encrypted(request: pytest.FixtureRequest, pki: ThrowawayPKI) -> IssuedCertificate:
    key_format = request.param
    return pki.issue_user(f"Carol {key_format}", key_type="ec", encrypted_passphrase=PASSPHRASE, key_format=key_format)


def test_separate_certificate_and_key(alice: IssuedCertificate, bob: IssuedCertificate) -> None:
    for user, key_type in ((alice, rsa.RSAPrivateKey), (bob, ec.EllipticCurvePrivateKey)):
        credential = load_credential(user.cert_path, user.key_path)
        assert isinstance(credential.private_key, key_type)
        assert len(credential.chain) == 1
        assert credential.subject_dn == credential.user_dn == user.dn
        assert credential.not_after == credential.chain[0].not_valid_after_utc
        assert credential.not_after.tzinfo is not None
        assert (credential.cert_path, credential.key_path) == (user.cert_path, user.key_path)
        assert not credential.is_proxy


def test_proxy_file_with_key_between_certificates(alice: IssuedCertificate, tmp_path: Path) -> None:
    user = load_credential(alice.cert_path, alice.key_path)
    path = create_proxy(user, tmp_path / "x509up_u1000", key_type="ec")
    proxy = load_credential(path)
    assert proxy.cert_path == proxy.key_path == path
    assert proxy.chain[1:] == user.chain
    assert proxy.is_proxy
    assert proxy.user_dn == alice.dn
    assert proxy.not_after <= user.not_after


def test_encrypted_key_file_is_really_encrypted(encrypted: IssuedCertificate) -> None:
    pem = encrypted.key_path.read_bytes()
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in pem or b"Proc-Type: 4,ENCRYPTED" in pem


@pytest.mark.parametrize("form", ["str", "bytes", "callback"])
def test_encrypted_key_loads_with_a_passphrase(form: str, encrypted: IssuedCertificate) -> None:
    calls: list[int] = []

    def ask() -> str:
        calls.append(1)
        return PASSPHRASE

    forms: dict[str, Passphrase] = {"str": PASSPHRASE, "bytes": PASSPHRASE.encode(), "callback": ask}
    passphrase = forms[form]
    credential = load_credential(encrypted.cert_path, encrypted.key_path, passphrase=passphrase)
    assert credential.subject_dn == encrypted.dn
    assert calls == ([1] if form == "callback" else [])


def test_traditional_rsa_key_with_proc_type_header(pki: ThrowawayPKI) -> None:
    user = pki.issue_user("Dave", key_type="rsa", encrypted_passphrase=PASSPHRASE, key_format="traditional")
    pem = user.key_path.read_bytes()
    assert pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n")
    credential = load_credential(user.cert_path, user.key_path, passphrase=PASSPHRASE.encode())
    assert isinstance(credential.private_key, rsa.RSAPrivateKey)


def test_callback_not_called_for_an_unencrypted_key(alice: IssuedCertificate) -> None:
    def ask() -> str:
        raise AssertionError("the passphrase callback must not be called")

    load_credential(alice.cert_path, alice.key_path, passphrase=ask)
    load_credential(alice.cert_path, alice.key_path, passphrase=PASSPHRASE)


def test_missing_passphrase(encrypted: IssuedCertificate) -> None:
    with pytest.raises(CredentialError) as info:
        load_credential(encrypted.cert_path, encrypted.key_path)
    assert str(info.value) == f"the private key in {encrypted.key_path} is encrypted: give a passphrase"


@pytest.mark.parametrize("form", ["str", "callback"])
def test_wrong_passphrase_is_not_echoed(form: str, encrypted: IssuedCertificate) -> None:
    passphrase = WRONG if form == "str" else (lambda: WRONG)
    with pytest.raises(CredentialError) as info:
        load_credential(encrypted.cert_path, encrypted.key_path, passphrase=passphrase)
    assert str(encrypted.key_path) in str(info.value)
    for text in (str(info.value), repr(info.value), str(info.value.__cause__), repr(info.value.__cause__)):
        assert WRONG not in text
        assert PASSPHRASE not in text


def test_missing_file(alice: IssuedCertificate, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(CredentialError, match=re.escape(f"credential file not found: {missing}")):
        load_credential(missing)
    with pytest.raises(CredentialError, match=re.escape(f"credential file not found: {missing}")):
        load_credential(alice.cert_path, missing)


def test_no_certificate(alice: IssuedCertificate) -> None:
    with pytest.raises(CredentialError, match=re.escape(f"no certificate in {alice.key_path}")):
        load_credential(alice.key_path)


def test_no_key(alice: IssuedCertificate) -> None:
    with pytest.raises(CredentialError, match=re.escape(f"no private key in {alice.cert_path}")):
        load_credential(alice.cert_path)


def test_key_must_match_the_first_certificate(alice: IssuedCertificate, bob: IssuedCertificate) -> None:
    with pytest.raises(CredentialError, match="does not match the certificate"):
        load_credential(alice.cert_path, bob.key_path)


def test_unreadable_certificate(tmp_path: Path) -> None:
    path = tmp_path / "broken.pem"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(CredentialError, match=re.escape(f"unreadable certificate in {path}")):
        load_credential(path)


def test_unsupported_key_type(tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ed")])
    now = datetime.now(timezone.utc)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    cert = builder.serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1)).sign(key, None)
    path = tmp_path / "ed.pem"
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key_pem)
    with pytest.raises(CredentialError, match=r"unsupported private key type .*: RSA or EC required"):
        load_credential(path)


def test_expired_credential_names_file_and_expiry(pki: ThrowawayPKI) -> None:
    expired = pki.issue_user("Expired", key_type="ec", lifetime=-timedelta(days=1))
    expiry = x509.load_pem_x509_certificate(expired.cert_path.read_bytes()).not_valid_after_utc
    with pytest.raises(CredentialError) as info:
        load_credential(expired.cert_path, expired.key_path)
    assert str(info.value) == f"expired credential: {expired.cert_path} expired at {expiry.isoformat()}"


def test_only_the_first_certificate_is_checked_for_expiry(
    pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> None:
    expired = pki.issue_user("Expired CA-ish", key_type="ec", lifetime=-timedelta(days=1))
    path = tmp_path / "combined.pem"
    path.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes() + expired.cert_path.read_bytes())
    credential = load_credential(path)
    assert credential.not_after < datetime.now(timezone.utc)


def test_no_key_material_in_repr_str_or_pickle(alice: IssuedCertificate) -> None:
    credential = load_credential(alice.cert_path, alice.key_path)
    key = credential.private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    secret_number = str(key.private_numbers().d)
    key_lines = alice.key_path.read_text().splitlines()[1:-1]
    expected = f"<Credential subject='{alice.dn}' not_after={credential.not_after.isoformat()}>"
    assert repr(credential) == str(credential) == f"{credential}" == expected
    for text in (expected, repr([credential]), repr(vars(credential).keys())):
        assert secret_number not in text
        assert not any(line in text for line in key_lines)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="credentials holding private keys cannot be pickled"):
            pickle.dumps(credential, protocol=protocol)
    with pytest.raises(TypeError, match="cannot be pickled"):
        credential.__getstate__()
    assert copy.copy(credential) is credential
    assert copy.deepcopy(credential) is credential


def test_credential_is_immutable(alice: IssuedCertificate) -> None:
    credential = load_credential(alice.cert_path, alice.key_path)
    with pytest.raises(AttributeError):
        credential.cert_path = Path("/elsewhere")  # type: ignore[misc]


def test_write_pem_private_creates_0600_atomically(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    target.write_bytes(b"old")
    target.chmod(0o644)
    old_umask = os.umask(0)
    try:
        assert write_pem_private(target, b"new") == target
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["key.pem"]


def test_write_pem_private_leaves_nothing_on_failure(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="directory"):
        write_pem_private(tmp_path / "missing-dir" / "key.pem", b"data")
    (tmp_path / "a-directory").mkdir()
    with pytest.raises(OSError, match="directory"):
        write_pem_private(tmp_path / "a-directory", b"data")
    assert [path.name for path in tmp_path.iterdir()] == ["a-directory"]


def test_slash_dn() -> None:
    name = x509.Name(
        [
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "ch")]),
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Users")]),
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "Robot: fts3, test"),
                    x509.NameAttribute(NameOID.USER_ID, "ft"),
                ]
            ),
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ft@example.org")]),
        ]
    )
    assert slash_dn(name) == "/DC=ch/OU=Users/CN=Robot: fts3, test+UID=ft/emailAddress=ft@example.org"
    assert slash_dn(x509.Name([])) == ""
