"""The credential is checked before connecting: each problem is its own class, names its file, exits 3."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fts3sdk import AsyncClient, Client, errors
from fts3sdk.cli import ExitCode, main
from fts3sdk.credentials import Credential, check_credential, load_credential
from fts3sdk.proxy import sign_proxy_request
from fts3sdk.testing import IssuedCertificate, ThrowawayPKI

ENDPOINT = "https://fts3.example.org:8446"
NEW_PROXY = "make a new proxy (voms-proxy-init, or fts3sdk proxy-init)"
PASSPHRASE = "correct horse"
PEM = serialization.Encoding.PEM
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("FTS3_ENDPOINT", "FTS3_TOKEN", "X509_USER_PROXY", "X509_USER_CERT", "X509_USER_KEY", "X509_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("os.geteuid", lambda: 4294967294)  # no /tmp/x509up_u<uid> from another test or user
    monkeypatch.setattr("fts3sdk._config.HOST_CERT", tmp_path / "no-hostcert.pem")
    monkeypatch.setattr("fts3sdk._config.HOST_KEY", tmp_path / "no-hostkey.pem")


def write_proxy(credential: Credential, path: Path, *, now: datetime | None = None) -> Path:
    """A proxy file as voms-proxy-init writes it (proxy, its key, the chain), valid 12 hours from ``now``."""
    key = ec.generate_private_key(ec.SECP256R1())
    request = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([])).sign(key, hashes.SHA256())
    body = sign_proxy_request(request.public_bytes(PEM), credential, lifetime=timedelta(hours=12), now=now)
    certificates = x509.load_pem_x509_certificates(body)
    key_pem = key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(
        certificates[0].public_bytes(PEM) + key_pem + b"".join(c.public_bytes(PEM) for c in certificates[1:])
    )
    return path


def openssl_verify(pki: ThrowawayPKI, path: Path) -> str:
    """What the real `openssl verify` says of the first certificate of ``path`` (the rest as its chain)."""
    certificates = x509.load_pem_x509_certificates(path.read_bytes())
    leaf, chain = path.with_suffix(".leaf.pem"), path.with_suffix(".chain.pem")
    leaf.write_bytes(certificates[0].public_bytes(PEM))
    chain.write_bytes(b"".join(c.public_bytes(PEM) for c in certificates[1:]) or certificates[0].public_bytes(PEM))
    command = ["openssl", "verify", "-allow_proxy_certs", "-CAfile", str(pki.ca_path), "-untrusted", str(chain)]
    result = subprocess.run([*command, str(leaf)], capture_output=True, text=True, timeout=30, check=False)
    return result.stdout + result.stderr


def expiry(path: Path) -> datetime:
    return min(c.not_valid_after_utc for c in x509.load_pem_x509_certificates(path.read_bytes()))


@pytest.fixture(scope="module")
def expired_proxy(pki: ThrowawayPKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    user = pki.issue_user("Proxied")
    two_days_ago = datetime.now(timezone.utc) - timedelta(days=2)
    return write_proxy(
        load_credential(user.cert_path, user.key_path), tmp_path_factory.mktemp("proxy") / "x509up_u0", now=two_days_ago
    )


@pytest.fixture(scope="module")
def fresh_proxy(alice: IssuedCertificate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_proxy(load_credential(alice.cert_path, alice.key_path), tmp_path_factory.mktemp("proxy") / "x509up_u1")


@pytest.fixture(scope="module")
def bob(pki: ThrowawayPKI) -> IssuedCertificate:
    return pki.issue_user("Bob", key_type="ec")


@pytest.fixture(scope="module")
def locked(pki: ThrowawayPKI) -> IssuedCertificate:
    return pki.issue_user("Locked", encrypted_passphrase=PASSPHRASE)


def cli_line(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main([argv[0], "-s", ENDPOINT, *argv[1:]])
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, lines
    return code, lines[0]


# --- expired, not yet valid --------------------------------------------------------------------------------


@needs_openssl
def test_an_expired_proxy_from_the_environment(
    pki: ThrowawayPKI, expired_proxy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "certificate has expired" in openssl_verify(pki, expired_proxy)
    monkeypatch.setenv("X509_USER_PROXY", str(expired_proxy))
    with pytest.raises(errors.CredentialExpired) as caught:
        Client(ENDPOINT)
    expected = (
        f"expired credential: {expired_proxy} (from X509_USER_PROXY) expired at {expiry(expired_proxy).isoformat()}: "
        f"{NEW_PROXY}"
    )
    assert str(caught.value) == expected
    assert caught.value.not_after == expiry(expired_proxy)
    assert isinstance(caught.value, errors.Unauthorized)
    assert isinstance(caught.value, errors.FTS3ClientException)
    assert cli_line(capsys, "whoami") == (ExitCode.AUTH, f"error: {expected}")


def test_the_chain_is_checked_and_the_first_to_expire_is_named(
    pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> None:
    lapsed = pki.issue_user("Lapsed Intermediate", key_type="ec", lifetime=-timedelta(days=1))
    path = tmp_path / "chain.pem"
    path.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes() + lapsed.cert_path.read_bytes())
    with pytest.raises(errors.CredentialExpired) as caught:
        AsyncClient(ENDPOINT, cert=path)
    assert str(caught.value) == (
        f"expired credential: {path} expired at {expiry(path).isoformat()} (its certificate {lapsed.dn} is the "
        "first to expire): renew it"
    )


@needs_openssl
def test_a_certificate_not_yet_valid(pki: ThrowawayPKI, capsys: pytest.CaptureFixture[str]) -> None:
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    future = pki.issue_user("Future", not_before=start)
    assert "certificate is not yet valid" in openssl_verify(pki, future.cert_path)
    with pytest.raises(errors.CredentialNotYetValid) as caught:
        Client(ENDPOINT, cert=future.cert_path, key=future.key_path)
    expected = (
        f"credential not yet valid: {future.cert_path} is valid from {start.isoformat()}: "
        "is this computer's clock right?"
    )
    assert str(caught.value) == expected
    assert caught.value.not_before == start
    code, line = cli_line(capsys, "whoami", "--cert", str(future.cert_path), "--key", str(future.key_path))
    named = expected.replace(str(future.cert_path), f"{future.cert_path} (from --cert)")
    assert (code, line) == (ExitCode.AUTH, f"error: {named}")


# --- missing, unreadable, not PEM --------------------------------------------------------------------------


def test_a_missing_proxy_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "x509up_u1000"
    monkeypatch.setenv("X509_USER_PROXY", str(missing))
    with pytest.raises(errors.CredentialNotFound) as caught:
        Client(ENDPOINT)
    expected = f"credential file not found: {missing} (from X509_USER_PROXY): {NEW_PROXY}"
    assert str(caught.value) == expected
    assert (caught.value.path, caught.value.origin) == (str(missing), "from X509_USER_PROXY")
    assert not isinstance(caught.value, FileNotFoundError)
    assert cli_line(capsys, "whoami") == (ExitCode.AUTH, f"error: {expected}")


def test_missing_files_named_by_x509_user_cert_and_key(
    alice: IssuedCertificate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("X509_USER_CERT", str(tmp_path / "usercert.pem"))
    with pytest.raises(
        errors.CredentialNotFound, match=r"^credential file not found: .*usercert\.pem \(from X509_USER_CERT\)$"
    ):
        Client(ENDPOINT)
    monkeypatch.setenv("X509_USER_CERT", str(alice.cert_path))
    monkeypatch.setenv("X509_USER_KEY", str(tmp_path / "userkey.pem"))
    with pytest.raises(errors.CredentialNotFound) as caught:
        Client(ENDPOINT)
    assert str(caught.value) == f"credential file not found: {tmp_path / 'userkey.pem'} (from X509_USER_KEY)"


def test_a_directory_is_unreadable_and_garbage_is_not_pem(tmp_path: Path) -> None:
    with pytest.raises(errors.CredentialUnreadable) as caught:
        Client(ENDPOINT, cert=tmp_path)
    assert str(caught.value) == f"cannot read {tmp_path}: Is a directory"
    garbage = tmp_path / "notes.txt"
    garbage.write_text("my certificate is on the other laptop\n")
    with pytest.raises(errors.CredentialMalformed) as not_pem:
        Client(ENDPOINT, cert=garbage)
    assert str(not_pem.value) == f"no certificate in {garbage}: it is not a PEM file"


def test_a_missing_ca_location_is_typed(
    alice: IssuedCertificate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("X509_CERT_DIR", str(tmp_path / "certificates"))
    with pytest.raises(errors.BadCALocation) as caught:
        Client(ENDPOINT, anonymous=True)
    assert str(caught.value) == f"CA location not found: {tmp_path / 'certificates'} (from X509_CERT_DIR)"
    junk = tmp_path / "bundle.pem"
    junk.write_text("not a certificate")
    with pytest.raises(errors.BadCALocation, match=rf"^CA location unusable: the CA bundle {junk} \(given\): "):
        Client(ENDPOINT, anonymous=True, ca_path=junk)


def test_the_command_line_names_its_options_as_the_source(
    alice: IssuedCertificate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.pem"
    cases = [
        (["--cert", str(missing)], f"credential file not found: {missing} (from --cert)"),
        (["--cert", str(alice.cert_path), "--key", str(missing)], f"credential file not found: {missing} (from --key)"),
        (["--capath", str(missing)], f"CA location not found: {missing} (from --capath)"),
        (["--cert", str(tmp_path)], f"cannot read {tmp_path} (from --cert): Is a directory"),
    ]
    for options, expected in cases:
        assert cli_line(capsys, "whoami", *options) == (ExitCode.AUTH, f"error: {expected}"), options


# --- key problems -------------------------------------------------------------------------------------------


def test_a_user_certificate_given_without_its_key(alice: IssuedCertificate, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(errors.PrivateKeyMissing) as caught:
        Client(ENDPOINT, cert=alice.cert_path)
    expected = (
        f"no private key in {alice.cert_path}: it holds a certificate only; give its key file too "
        "(key=, --key or X509_USER_KEY; e.g. ~/.globus/userkey.pem), or use a proxy"
    )
    assert str(caught.value) == expected
    assert cli_line(capsys, "whoami", "--cert", str(alice.cert_path)) == (ExitCode.AUTH, f"error: {expected}")


def test_a_key_that_is_not_the_certificates(
    alice: IssuedCertificate, bob: IssuedCertificate, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(errors.PrivateKeyMismatch) as caught:
        Client(ENDPOINT, cert=alice.cert_path, key=bob.key_path)
    expected = f"the private key in {bob.key_path} does not match the certificate in {alice.cert_path}"
    assert str(caught.value) == expected
    code, line = cli_line(capsys, "whoami", "--cert", str(alice.cert_path), "--key", str(bob.key_path))
    assert (code, line) == (ExitCode.AUTH, f"error: {expected}")


def test_a_wrong_passphrase(
    locked: IssuedCertificate, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "Tr0ub4dor&3"
    with pytest.raises(errors.WrongPassphrase) as caught:
        Client(ENDPOINT, cert=locked.cert_path, key=locked.key_path, passphrase=wrong)
    expected = f"cannot load the private key in {locked.key_path}: wrong passphrase or damaged key"
    assert str(caught.value) == expected
    for text in (str(caught.value), repr(caught.value), caught.value.describe()):
        assert wrong not in text
        assert PASSPHRASE not in text
    with pytest.raises(errors.PassphraseRequired, match=r"is encrypted: give a passphrase$"):
        Client(ENDPOINT, cert=locked.cert_path, key=locked.key_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: wrong)
    code, line = cli_line(capsys, "whoami", "--cert", str(locked.cert_path), "--key", str(locked.key_path))
    assert (code, line) == (ExitCode.AUTH, f"error: {expected}")


def test_the_passphrase_is_asked_once_for_the_check_the_tls_context_and_delegation(locked: IssuedCertificate) -> None:
    asked: list[int] = []

    def ask() -> str:
        asked.append(1)
        return PASSPHRASE

    with Client(ENDPOINT, cert=locked.cert_path, key=locked.key_path, passphrase=ask) as client:
        assert client.load_credential().subject_dn == locked.dn
    assert asked == [1]


# --- what passes, and the Easy facade ----------------------------------------------------------------------


def test_good_credentials_pass_and_tell_their_expiry(fresh_proxy: Path, alice: IssuedCertificate) -> None:
    assert check_credential(fresh_proxy) == expiry(fresh_proxy)
    assert check_credential(alice.cert_path, alice.key_path) == expiry(alice.cert_path)
    Client(ENDPOINT, cert=fresh_proxy).close()


def test_the_easy_context_inherits_the_check(pki: ThrowawayPKI) -> None:
    from fts3sdk import easy as fts3

    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    future = pki.issue_user("Future Easy", not_before=start)

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with pytest.raises(errors.CredentialNotYetValid, match=r"is valid from .*: is this computer's clock right\?$"):
        fts3.Context(
            ENDPOINT, ucert=str(future.cert_path), ukey=str(future.key_path), transport=httpx.MockTransport(never)
        )


def test_no_raw_ssl_or_os_errors_escape(tmp_path: Path, alice: IssuedCertificate) -> None:
    damaged = tmp_path / "damaged.pem"
    damaged.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + alice.key_path.read_bytes())
    for cert, key in ((damaged, None), (tmp_path / "nowhere.pem", None), (alice.cert_path, tmp_path)):
        with pytest.raises(errors.CredentialError) as caught:
            Client(ENDPOINT, cert=cert, key=key)
        assert not isinstance(caught.value, (ssl.SSLError, OSError))
        assert "_ssl.c" not in str(caught.value)
        assert "PEM lib" not in str(caught.value)


def test_a_home_relative_path_is_expanded(
    alice: IssuedCertificate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    globus = tmp_path / ".globus"
    globus.mkdir()
    shutil.copy(alice.cert_path, globus / "usercert.pem")
    shutil.copy(alice.key_path, globus / "userkey.pem")
    with Client(ENDPOINT, cert="~/.globus/usercert.pem", key="~/.globus/userkey.pem") as client:
        assert client.certificate is not None
        assert client.certificate.cert == globus / "usercert.pem"
    with pytest.raises(errors.CredentialNotFound) as caught:
        Client(ENDPOINT, cert="~/nowhere.pem")
    assert str(caught.value) == f"credential file not found: {tmp_path / 'nowhere.pem'}"
