"""FakeFTS with real cryptography: delegation checks and refusals, the HTTPS server, the pytest plugin."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from fts3sdk import AsyncClient, Client, JobSpec, JobState, Transfer
from fts3sdk.credentials import Credential, load_credential
from fts3sdk.proxy import create_proxy, sign_proxy_request
from fts3sdk.testing import FakeClock, FakeFTS, HTTPSServer, Identity, IssuedCertificate, KeyPool, ThrowawayPKI

ALICE = "/DC=org/DC=example/O=Test/CN=Alice"
DLG = "b039e71fde61be6f"
URL = "https://fts.example.org:8446"
SPEC = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])
PEM = serialization.Encoding.PEM


@pytest.fixture(scope="module")
def alice(fts_user_cert: IssuedCertificate) -> Credential:
    return load_credential(fts_user_cert.cert_path, fts_user_cert.key_path)


@pytest.fixture(scope="module")
def proxy_file(alice: Credential, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_proxy(alice, tmp_path_factory.mktemp("proxy") / "x509up")


@pytest.fixture
def http(fts_fake: FakeFTS) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=URL, transport=fts_fake.transport()) as client:
        yield client


def request_pem(http: httpx.Client) -> str:
    answer = http.get(f"/delegation/{DLG}/request")
    assert answer.headers["x-delegation-id"] == DLG
    return answer.text


def put(http: httpx.Client, body: bytes) -> httpx.Response:
    return http.put(f"/delegation/{DLG}/credential", content=body)


def handmade_proxy(csr_pem: str, signer: Credential, subject: x509.Name, *, issuer: x509.Name | None = None) -> bytes:
    """A certificate for the CSR's key with any subject, signed by ``signer``: to break the proxy rules."""
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or signer.chain[0].subject)
        .public_key(x509.load_pem_x509_csr(csr_pem.encode()).public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=12))
        .sign(signer.private_key, hashes.SHA256())
    )
    return cert.public_bytes(PEM) + b"".join(c.public_bytes(PEM) for c in signer.chain)


def with_cn(name: x509.Name, value: str, oid: x509.ObjectIdentifier = NameOID.COMMON_NAME) -> x509.Name:
    return x509.Name([*name.rdns, x509.RelativeDistinguishedName([x509.NameAttribute(oid, value)])])


# --- delegation -------------------------------------------------------------------------------------------------


def test_request_is_cached_and_follows_the_key_size(http: httpx.Client, fts_fake: FakeFTS) -> None:
    csr = x509.load_pem_x509_csr(request_pem(http).encode())
    assert csr.subject.rfc4514_string() == "O=Dummy"
    assert isinstance(csr.signature_hash_algorithm, hashes.SHA256)
    assert request_pem(http) == request_pem(http)
    small = Identity.certificate(ALICE, key_bits=1024)
    with httpx.Client(base_url=URL, transport=fts_fake.transport(small)) as client:
        key = x509.load_pem_x509_csr(request_pem(client).encode()).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 1024


def test_delegation_stores_the_chain_minimum(http: httpx.Client, alice: Credential) -> None:
    assert put(http, sign_proxy_request(request_pem(http), alice, lifetime=timedelta(hours=3))).status_code == 201
    stored = http.get(f"/delegation/{DLG}").json()
    expiry = datetime.fromisoformat(stored["termination_time"]).replace(tzinfo=timezone.utc)
    assert timedelta(hours=2, minutes=59) < expiry - datetime.now(timezone.utc) <= timedelta(hours=3)
    assert stored["voms_attrs"] == [""]
    assert http.delete(f"/delegation/{DLG}").status_code == 204
    assert http.delete(f"/delegation/{DLG}").json()["message"] == "Delegated credentials not found"


def test_refusals_follow_the_server(http: httpx.Client, alice: Credential, fts_pki: ThrowawayPKI) -> None:
    assert put(http, b"").json()["message"] == "No credential cache found"
    request = request_pem(http)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - speed, not security
    other_csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([])).sign(other_key, hashes.SHA256())
    wrong_key = sign_proxy_request(other_csr.public_bytes(PEM), alice)
    impostor = Credential(alice.chain, other_key, alice.cert_path, alice.key_path)  # Alice's chain, another key
    subject = alice.chain[0].subject
    cases = {
        alice.chain[0].public_bytes(PEM): "Malformed proxy",
        wrong_key: "The proxy does not match the stored associated private key",
        sign_proxy_request(request, impostor): "Failed to verify the proxy, maybe signed with the wrong private key?",
        handmade_proxy(request, alice, with_cn(subject, "Extra", NameOID.ORGANIZATIONAL_UNIT_NAME)): (
            "Missing trailing Common Name in the proxy"
        ),
        handmade_proxy(request, alice, with_cn(subject, "1"), issuer=with_cn(subject, "x")): (
            "The subject and the issuer of the proxy do not match: DC=org, DC=example, O=Test, CN=Alice, CN=1 "
            "!= DC=org, DC=example, O=Test, CN=Alice, CN=x"
        ),
    }
    for body, reason in cases.items():
        answer = put(http, body)
        assert (answer.status_code, answer.json()["message"]) == (400, f"Could not process the proxy: {reason}")


def test_strict_checks_and_switching_them_off(
    alice: Credential, fts_pki: ThrowawayPKI, fts_key_pool: KeyPool, tmp_path: Path
) -> None:
    stranger_pki = ThrowawayPKI(tmp_path / "other-ca")
    stranger = stranger_pki.issue_user("Alice")
    foreign = load_credential(stranger.cert_path, stranger.key_path)
    bob_cert = fts_pki.issue_user("Bob")
    bob = load_credential(bob_cert.cert_path, bob_cert.key_path)
    for strict in (True, False):
        fake = FakeFTS(pki=fts_pki, strict_delegation=strict, key_pool=fts_key_pool)
        with httpx.Client(base_url=URL, transport=fake.transport()) as http:
            request = request_pem(http)
            bodies = {
                "does not lead to a trusted CA": sign_proxy_request(request, foreign),
                "belongs to /DC=org/DC=example/O=Test/CN=Bob": sign_proxy_request(request, bob),
                "is not a proxy certificate": handmade_proxy(request, alice, with_cn(alice.chain[0].subject, "svc")),
            }
            for reason, body in bodies.items():
                answer = put(http, body)
                if strict:
                    assert answer.status_code == 400
                    assert reason in answer.json()["message"]
                    assert answer.json()["message"].endswith("(fts3sdk.testing strict check)")
                else:
                    assert answer.status_code == 201  # the real server stores all of these


def test_token_users_cannot_delegate(fts_fake: FakeFTS) -> None:
    fts_fake.add_token("tok", sub="robot")
    with httpx.Client(base_url=URL, transport=fts_fake.transport(Identity.bearer("tok"))) as client:
        dlg_id = client.get("/whoami").json()["delegation_id"]
        assert client.get(f"/delegation/{dlg_id}").json() is None
        refused = client.get(f"/delegation/{dlg_id}/request")
        assert (refused.status_code, refused.json()["message"]) == (403, "Certificate required")


def test_sdk_delegates_and_submits_in_process(fts_client: Client, fts_fake: FakeFTS) -> None:
    job_id = fts_client.jobs.submit(SPEC)  # delegates first: the client holds Alice's certificate
    assert fts_client.delegation.info() is not None
    assert fts_fake.run(job_id).job_state == JobState.FINISHED
    assert fts_client.jobs.get(job_id).job_state == JobState.FINISHED


# --- HTTPS ------------------------------------------------------------------------------------------------------


def test_https_user_certificate_end_to_end(
    fts_server: HTTPSServer, fts_fake: FakeFTS, fts_pki: ThrowawayPKI, fts_user_cert: IssuedCertificate
) -> None:
    with Client(
        fts_server.url, cert=fts_user_cert.cert_path, key=fts_user_cert.key_path, ca_path=fts_pki.ca_path
    ) as client:
        who = client.whoami()
        assert (who.user_dn, who.dn, who.delegation_id) == (ALICE, [ALICE], DLG)
        assert client.delegation.delegate() == DLG
        job_id = client.jobs.submit(SPEC)
        assert client.jobs.get(job_id).job_state == JobState.SUBMITTED
        fts_fake.run(job_id)
        assert client.jobs.wait(job_id, poll_interval=0.01).job_state == JobState.FINISHED


def test_https_proxy_and_waiting_with_automatic_progress(
    fts_pki: ThrowawayPKI, fts_key_pool: KeyPool, proxy_file: Path
) -> None:
    fake = FakeFTS(pki=fts_pki, clock=FakeClock(), auto_progress=timedelta(seconds=1), key_pool=fts_key_pool)
    with fake.serve_https() as server, Client(server.url, cert=proxy_file, ca_path=fts_pki.ca_path) as client:
        who = client.whoami()
        proxy_dn = load_credential(proxy_file).subject_dn
        assert (who.user_dn, who.dn, who.delegation_id) == (ALICE, [ALICE, proxy_dn], DLG)
        assert client.delegation.delegate(force=True) == DLG
        job_id = client.jobs.submit(SPEC)
        seen: list[str] = []

        def tick(job: object) -> None:
            seen.append(str(getattr(job, "job_state", "")))
            fake.clock.advance(1)

        final = client.jobs.wait(job_id, poll_interval=0.001, max_interval=0.001, timeout=30, on_update=tick)
        assert final.job_state == JobState.FINISHED
        assert seen[0] == "SUBMITTED"
        assert "ACTIVE" in seen


def _ssl_context(pki: ThrowawayPKI, cert: IssuedCertificate | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki.ca_path))
    if cert is not None:
        context.load_cert_chain(str(cert.cert_path), str(cert.key_path))
    return context


def test_other_clients_get_the_same_answers(
    fts_server: HTTPSServer, fts_fake: FakeFTS, fts_pki: ThrowawayPKI, fts_user_cert: IssuedCertificate
) -> None:
    fts_fake.add_delegation()
    context = _ssl_context(fts_pki, fts_user_cert)
    with urllib.request.urlopen(f"{fts_server.url}/whoami", context=context, timeout=10) as answer:
        assert json.load(answer)["user_dn"] == ALICE
    body = json.dumps(
        {"files": [{"sources": ["gsiftp://a.example.org/x"], "destinations": ["gsiftp://b.example.org/x"]}]}
    )
    with httpx.Client(verify=context) as plain:
        put = plain.put(f"{fts_server.url}/jobs", content=body.encode())  # no Content-Type: PUT is JSON anyway
        assert put.status_code == 200
        assert plain.get(f"{fts_server.url}//jobs").json()[0]["job_id"] == put.json()["job_id"]
        form = plain.post(f"{fts_server.url}/jobs", data={"files": "x"})
        assert form.status_code == 500  # "x" is not a list of transfer objects: the server crashes
        chunked = plain.post(f"{fts_server.url}/jobs", content=iter([body[:20].encode(), body[20:].encode()]),
                             headers={"Content-Type": "application/json"})  # fmt: skip
        assert chunked.status_code == 200
        pem = plain.get(f"{fts_server.url}/whoami/certificate")
        assert pem.headers["content-type"] == "application/x-pem-file"
        assert pem.text.count("BEGIN CERTIFICATE") == 2  # the user certificate and the CA, as gridsite exports
        assert plain.get(f"{fts_server.url}/whoami").headers["connection"] == "keep-alive"
    with httpx.Client(verify=_ssl_context(fts_pki, None)) as anonymous:
        assert anonymous.get(f"{fts_server.url}/whoami").json()["user_dn"] == "anon"
        assert anonymous.get(f"{fts_server.url}/jobs").status_code == 403


@pytest.mark.anyio
async def test_async_client_over_https(
    fts_server: HTTPSServer, fts_pki: ThrowawayPKI, fts_user_cert: IssuedCertificate
) -> None:
    async with AsyncClient(
        fts_server.url, cert=fts_user_cert.cert_path, key=fts_user_cert.key_path, ca_path=fts_pki.ca_path
    ) as client:
        assert (await client.whoami()).user_dn == ALICE


def _wait_for_threads(count: int) -> int:
    deadline = time.monotonic() + 5
    while threading.active_count() > count and time.monotonic() < deadline:
        time.sleep(0.01)
    return threading.active_count()


def test_close_joins_threads_and_frees_the_port(fts_pki: ThrowawayPKI, fts_user_cert: IssuedCertificate) -> None:
    before = threading.active_count()
    server = FakeFTS(pki=fts_pki).serve_https(workers=3)
    assert threading.active_count() == before + 4
    context = _ssl_context(fts_pki, fts_user_cert)
    with httpx.Client(verify=context) as client:
        assert client.get(f"{server.url}/whoami").status_code == 200  # a kept-alive connection stays open
        server.close()
        server.close()
    assert _wait_for_threads(before) == before
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass


def test_bad_requests_are_answered_and_closed(fts_server: HTTPSServer, fts_pki: ThrowawayPKI) -> None:
    context = _ssl_context(fts_pki, None)
    raw = socket.create_connection(("127.0.0.1", fts_server.port), timeout=5)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(b"NONSENSE\r\n\r\n")
        assert tls.recv(4096).startswith(b"HTTP/1.1 400 Bad Request")


# --- the plugin -------------------------------------------------------------------------------------------------


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, fts3sdk.testing.plugin; "
        "print([m for m in ('httpx', 'pydantic', 'cryptography', 'fts3sdk.testing._fake') if m in sys.modules])"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_plugin_is_declared_as_an_entry_point() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '[project.entry-points.pytest11]\nfts3sdk = "fts3sdk.testing.plugin"' in pyproject
