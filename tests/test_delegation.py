"""The delegation flow over MockTransport: when it renews, what it signs and uploads, what it refuses."""

from __future__ import annotations

import base64
import logging
import ssl
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from fts3sdk import InsecureRequestWarning, JobSpec, Transfer, errors
from fts3sdk._config import CertificateFiles, ssl_context
from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI
from tests.conftest import AnyClient, call
from tests.recordings import load

pytestmark = pytest.mark.anyio
MakeClient = Callable[..., AnyClient]
DLG_ID = "b039e71fde61be6f"


@pytest.fixture(scope="module")
def server_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def csr_pem(key: rsa.RSAPrivateKey) -> str:
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dummy")])
    request = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return request.public_bytes(serialization.Encoding.PEM).decode()


class FakeDelegationServer:
    """Answers whoami, delegation info/request/credential and submit like the recordings, and keeps the PUT."""

    def __init__(self, key: rsa.RSAPrivateKey, stored: datetime | None, request_pem: str | None = None) -> None:
        self.stored = stored
        self.request_pem = request_pem or csr_pem(key)
        self.uploads: list[bytes] = []
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.paths.append(f"{request.method} {path}")
        if path == "/whoami":
            return httpx.Response(200, json=load("delegate_whoami").body)
        if path == f"/delegation/{DLG_ID}" and request.method == "GET":
            body = None if self.stored is None else {"termination_time": _wire(self.stored), "voms_attrs": [""]}
            return httpx.Response(200, json=body)
        if path.endswith("/request"):
            return httpx.Response(200, text=self.request_pem, headers={"x-delegation-id": DLG_ID})
        if path.endswith("/credential"):
            self.uploads.append(request.content)
            self.stored = datetime.now(timezone.utc) + timedelta(hours=7)
            return httpx.Response(201)
        if path == "/jobs" and request.method == "POST":
            return httpx.Response(200, json={"job_id": "job-1"})
        return httpx.Response(404, json={"status": "404 Not Found", "message": "The resource could not be found."})


def _wire(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def delegating(make_client: MakeClient, alice: IssuedCertificate) -> Callable[[FakeDelegationServer], AnyClient]:
    def make(server: FakeDelegationServer) -> AnyClient:
        return make_client(server, anonymous=False, cert=alice.cert_path, key=alice.key_path)

    return make


async def test_fresh_delegation_is_not_renewed(
    delegating: Callable[[FakeDelegationServer], AnyClient], server_key: rsa.RSAPrivateKey
) -> None:
    server = FakeDelegationServer(server_key, datetime.now(timezone.utc) + timedelta(hours=5))
    assert await call(delegating(server).delegation.delegate()) == DLG_ID
    assert server.paths == ["GET /whoami", f"GET /delegation/{DLG_ID}"]


@pytest.mark.parametrize(
    ("stored", "force"),
    [(None, False), (timedelta(hours=-1), False), (timedelta(minutes=30), False), (timedelta(hours=5), True)],
)
async def test_delegation_happens_when_needed(
    delegating: Callable[[FakeDelegationServer], AnyClient],
    server_key: rsa.RSAPrivateKey,
    alice: IssuedCertificate,
    stored: timedelta | None,
    force: bool,
) -> None:
    server = FakeDelegationServer(server_key, None if stored is None else datetime.now(timezone.utc) + stored)
    assert await call(delegating(server).delegation.delegate(force=force, lifetime=timedelta(hours=3))) == DLG_ID
    assert server.paths[-2:] == [f"GET /delegation/{DLG_ID}/request", f"PUT /delegation/{DLG_ID}/credential"]
    chain = x509.load_pem_x509_certificates(server.uploads[0])
    user = x509.load_pem_x509_certificate(alice.cert_path.read_bytes())
    assert chain[1] == user, "the proxy is followed by the local chain"
    assert chain[0].issuer == user.subject
    assert chain[0].public_key() == server_key.public_key()
    assert b"PRIVATE KEY" not in server.uploads[0]
    lifetime = chain[0].not_valid_after_utc - datetime.now(timezone.utc)
    assert timedelta(hours=2, minutes=58) < lifetime <= timedelta(hours=3)


async def test_tampered_request_is_refused(
    delegating: Callable[[FakeDelegationServer], AnyClient], server_key: rsa.RSAPrivateKey
) -> None:
    good = csr_pem(server_key)
    der = bytearray(x509.load_pem_x509_csr(good.encode()).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x55
    tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(bytes(der)).decode()
    tampered += "-----END CERTIFICATE REQUEST-----\n"
    server = FakeDelegationServer(server_key, None, request_pem=tampered)
    with pytest.raises(errors.InvalidResponse, match="certificate request"):
        await call(delegating(server).delegation.delegate())
    assert server.uploads == []


async def test_submit_auto_delegates_for_certificates(
    delegating: Callable[[FakeDelegationServer], AnyClient], server_key: rsa.RSAPrivateKey
) -> None:
    server = FakeDelegationServer(server_key, None)
    spec = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])
    assert await call(delegating(server).jobs.submit(spec)) == "job-1"
    assert server.paths[-1] == "POST /jobs"
    assert len(server.uploads) == 1


async def test_delegation_without_credential_is_a_clear_error(
    make_client: MakeClient, server_key: rsa.RSAPrivateKey
) -> None:
    client = make_client(FakeDelegationServer(server_key, None))
    with pytest.raises(errors.ClientError, match=r"no X\.509 credential"):
        await call(client.delegation.delegate())


async def test_debug_logs_hold_no_secret(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture, server_key: rsa.RSAPrivateKey, pki: ThrowawayPKI
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "s3cr3t-passphrase"
    bob = pki.issue_user("Bob", encrypted_passphrase=secret)
    server = FakeDelegationServer(server_key, None)
    client = make_client(server, anonymous=False, cert=bob.cert_path, key=bob.key_path, passphrase=secret)
    await call(client.delegation.delegate())
    spec = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])
    await call(client.jobs.submit(spec))
    key_text = bob.key_path.read_text()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET https://fts.example.org:8446/whoami" in logged
    assert secret not in logged
    assert key_text.splitlines()[1] not in logged
    assert secret not in repr(client)
    assert secret not in repr(client.certificate)
    assert secret not in repr(client.load_credential())


def test_ssl_context_loads_an_encrypted_key(pki: ThrowawayPKI) -> None:
    carol = pki.issue_user("Carol", encrypted_passphrase="pw")
    files = CertificateFiles(carol.cert_path, carol.key_path, lambda: "pw")
    context = ssl_context(ca_path=pki.ca_path, certificate=files)
    assert context.verify_mode == ssl.CERT_REQUIRED
    with pytest.raises(ssl.SSLError):
        ssl_context(ca_path=pki.ca_path, certificate=CertificateFiles(carol.cert_path, carol.key_path, "wrong"))


def test_ssl_context_trust_sources(pki: ThrowawayPKI, tmp_path: Path) -> None:
    assert ssl_context(ca_path=pki.ca_dir).verify_mode == ssl.CERT_REQUIRED
    assert ssl_context(environ={"X509_CERT_DIR": str(pki.ca_dir)}).get_ca_certs() == []  # a capath loads lazily
    assert ssl_context(ca_path=pki.ca_path).get_ca_certs()
    with pytest.raises(FileNotFoundError, match="CA location"):
        ssl_context(ca_path=tmp_path / "missing")


def test_verify_false_warns() -> None:
    with pytest.warns(InsecureRequestWarning):
        context = ssl_context(verify=False)
    assert context.verify_mode == ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ssl_context(verify=True, environ={})
