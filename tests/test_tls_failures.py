"""Failures below HTTP over real sockets on 127.0.0.1: each is its own class with its own message and exit code."""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from fts3sdk import AsyncClient, Client, JobSpec, Transfer, errors
from fts3sdk.cli import ExitCode, main
from fts3sdk.testing import FakeFTS, HTTPSServer, IssuedCertificate, ThrowawayPKI
from tests._loopback import Exchange, LoopbackServer, http_response

SPEC = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])
NOT_PROCESSED = "the request was not processed"
MAY_EXIST = "it may have been applied (the job may exist); check before submitting again"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FTS3_ENDPOINT", "FTS3_TOKEN", "X509_USER_PROXY", "X509_USER_CERT", "X509_USER_KEY", "X509_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def stranger_pki(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayPKI:
    """A second CA, trusted by nobody here."""
    return ThrowawayPKI(tmp_path_factory.mktemp("stranger-pki"))


@pytest.fixture(scope="module")
def stranger(stranger_pki: ThrowawayPKI) -> IssuedCertificate:
    return stranger_pki.issue_user("Stranger")


@pytest.fixture(scope="module")
def host(fts_pki: ThrowawayPKI) -> IssuedCertificate:
    return fts_pki.issue_host()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the command line; return its exit code and its one ``error:`` line."""
    code = main(list(argv))
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return code, lines[0].removeprefix("error: ")


def tls_server_context(
    host: IssuedCertificate, trusted: ThrowawayPKI, maximum: ssl.TLSVersion | None = None
) -> ssl.SSLContext:
    """What an FTS front end does: its host certificate, client certificates checked against ``trusted``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(host.cert_path), str(host.key_path))
    context.load_verify_locations(cafile=str(trusted.ca_path))
    context.verify_mode = ssl.CERT_OPTIONAL
    context.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS
    if maximum is not None:
        context.maximum_version = maximum
    return context


# --- the server refuses the client certificate -------------------------------------------------------------


@pytest.mark.parametrize("version", ["TLS 1.3", "TLS 1.2"])
def test_a_certificate_from_an_unknown_ca_is_rejected_not_timed_out(
    fts_pki: ThrowawayPKI, host: IssuedCertificate, stranger: IssuedCertificate, version: str
) -> None:
    maximum = ssl.TLSVersion.TLSv1_2 if version == "TLS 1.2" else None  # TLS 1.3 reports it on the first read
    with LoopbackServer(lambda _: http_response(b"{}"), tls=tls_server_context(host, fts_pki, maximum)) as server:
        client = Client(server.url, cert=stranger.cert_path, key=stranger.key_path, ca_path=fts_pki.ca_dir)
        with client, pytest.raises(errors.CertificateRejected) as caught:
            client.whoami()
        assert server.requests == [], "nothing reached the application"
    assert isinstance(caught.value, errors.Unauthorized)
    assert caught.value.alert == "unknown CA"
    assert str(caught.value) == (
        f"Certificate rejected: the server refused the client certificate {stranger.cert_path} in the TLS "
        f"handshake of GET {server.url}/whoami (TLS alert: unknown CA); the server does not trust the CA of this "
        f"certificate (or the file lacks part of its chain); {NOT_PROCESSED}"
    )


def test_a_certificate_the_server_holds_expired_says_renew(
    tmp_path: Path, fts_pki: ThrowawayPKI, host: IssuedCertificate
) -> None:
    # Valid here, expired for the server: its copy of the CA expired (a server clock ahead does the same).
    lapsed = ThrowawayPKI(tmp_path / "lapsed", ca_lifetime=timedelta(minutes=-30))
    user = lapsed.issue_user("Late")
    with LoopbackServer(lambda _: http_response(b"{}"), tls=tls_server_context(host, lapsed)) as server:
        client = Client(server.url, cert=user.cert_path, key=user.key_path, ca_path=fts_pki.ca_dir)
        with client, pytest.raises(errors.CertificateRejected) as caught:
            client.jobs.submit(SPEC, delegate=False)
        assert server.requests == []
    assert caught.value.alert == "certificate expired"
    assert str(caught.value) == (
        f"Certificate rejected: the server refused the client certificate {user.cert_path} in the TLS handshake "
        f"of POST {server.url}/jobs (TLS alert: certificate expired); renew the proxy (voms-proxy-init, or "
        f"fts3sdk proxy-init) or the certificate; {NOT_PROCESSED}"
    )
    assert "may have been applied" not in str(caught.value)


def test_a_rejected_submit_says_no_job_was_sent_on_the_command_line(
    fts_server: HTTPSServer, fts_fake: FakeFTS, fts_pki: ThrowawayPKI, stranger: IssuedCertificate,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:  # fmt: skip
    args = ["-s", fts_server.url, "--cert", str(stranger.cert_path), "--key", str(stranger.key_path)]
    code, line = cli(capsys, "submit", "gsiftp://a.example.org/f", "gsiftp://b.example.org/f", *args,
                     "--capath", str(fts_pki.ca_dir), "--no-delegate")  # fmt: skip
    assert code == ExitCode.AUTH
    assert line.startswith(f"Certificate rejected: the server refused the client certificate {stranger.cert_path}")
    assert "(TLS alert: unknown CA)" in line
    assert line.endswith(NOT_PROCESSED)
    assert fts_fake.jobs() == []


@pytest.mark.anyio
async def test_the_async_client_reads_the_alert_too(
    fts_server: HTTPSServer, fts_fake: FakeFTS, fts_pki: ThrowawayPKI, stranger: IssuedCertificate
) -> None:
    async with AsyncClient(
        fts_server.url, cert=stranger.cert_path, key=stranger.key_path, ca_path=fts_pki.ca_dir
    ) as client:
        with pytest.raises(errors.CertificateRejected, match=r"\(TLS alert: unknown CA\)"):
            await client.jobs.submit(SPEC, delegate=False)
    assert fts_fake.jobs() == []


# --- the client does not trust the server ------------------------------------------------------------------


def test_a_server_from_an_unknown_ca_names_the_ca_location(
    fts_server: HTTPSServer, stranger_pki: ThrowawayPKI, alice: IssuedCertificate,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("X509_CERT_DIR", str(stranger_pki.ca_dir))
    client = Client(fts_server.url, cert=alice.cert_path, key=alice.key_path)
    with client, pytest.raises(errors.ServerNotTrusted) as caught:
        client.whoami()
    trust = f"the CA directory {stranger_pki.ca_dir} (from X509_CERT_DIR)"
    assert caught.value.ca_location == trust
    assert isinstance(caught.value, errors.ConnectionFailed), "nothing was sent: safe to resend"
    message = str(caught.value)
    assert message.startswith(
        f"Server not trusted: cannot connect to {fts_server.url}/whoami: the server's certificate failed verification ("
    )
    assert message.endswith(
        f") against {trust}; check X509_CERT_DIR (or ca_path=, --capath): it must hold the CA of the server's "
        "certificate"
    )
    code, line = cli(
        capsys, "whoami", "-s", fts_server.url, "--cert", str(alice.cert_path), "--key", str(alice.key_path)
    )
    assert code == ExitCode.CONNECTION
    assert line == message


def test_a_host_name_the_certificate_does_not_name(fts_pki: ThrowawayPKI) -> None:
    elsewhere = fts_pki.issue_host("fts.example.org")  # names fts.example.org and 127.0.0.1, not localhost
    with LoopbackServer(lambda _: http_response(b"{}"), tls=tls_server_context(elsewhere, fts_pki)) as server:
        url = server.url.replace("127.0.0.1", "localhost")
        client = Client(url, anonymous=True, ca_path=fts_pki.ca_dir)
        with client, pytest.raises(errors.ServerNotTrusted) as caught:
            client.whoami()
    assert str(caught.value).endswith(
        f"against the CA directory {fts_pki.ca_dir} (given); the server's certificate is not for localhost: "
        "use the host name it was issued for"
    )
    assert "Hostname mismatch" in str(caught.value)


# --- wrong protocol, reset, refused, timeout, disconnected -------------------------------------------------


def test_http_to_a_tls_port(fts_pki: ThrowawayPKI, host: IssuedCertificate, capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer(lambda _: http_response(b"{}"), tls=tls_server_context(host, fts_pki)) as server:
        plain = server.url.replace("https://", "http://")
        with Client(plain, anonymous=True) as client:
            with pytest.raises(errors.WrongProtocol) as caught:
                client.whoami()
            with pytest.raises(errors.WrongProtocol) as submitted:
                client.jobs.submit(SPEC, delegate=False)
        code, line = cli(capsys, "whoami", "-s", plain)
        assert server.requests == [], "the TLS server never read a request"
    where = plain.removeprefix("http://")
    assert str(caught.value) == (
        f"Wrong protocol: GET {plain}/whoami failed: {where} speaks TLS, not plain HTTP; use "
        f"{server.url}/whoami; the server did not read the request"
    )
    assert str(submitted.value).endswith(f"{server.url}/jobs; the server did not read the request")
    assert (code, line) == (ExitCode.CONNECTION, str(caught.value))


def test_http_to_the_fake_servers_tls_port(fts_server: HTTPSServer, capsys: pytest.CaptureFixture[str]) -> None:
    plain = fts_server.url.replace("https://", "http://")
    with Client(plain, anonymous=True) as client, pytest.raises(errors.WrongProtocol) as caught:
        client.jobs.submit(SPEC, delegate=False)
    assert str(caught.value).endswith(f"use {fts_server.url}/jobs; the server did not read the request")
    code, line = cli(capsys, "whoami", "-s", plain)
    assert code == ExitCode.CONNECTION
    assert line.endswith(f"use {fts_server.url}/whoami; the server did not read the request")


def test_http_to_a_tls_port_that_resets(fts_pki: ThrowawayPKI, host: IssuedCertificate) -> None:
    # A TLS server that closes at once: the plain request is reset unread, so the client asks the port for TLS.
    context = tls_server_context(host, fts_pki)
    with LoopbackServer(lambda _: http_response(b"{}"), tls=context, linger=False) as server:
        plain = server.url.replace("https://", "http://")
        with Client(plain, anonymous=True) as client, pytest.raises(errors.WrongProtocol) as caught:
            client.jobs.submit(SPEC, delegate=False)
    assert str(caught.value).endswith(f"use {server.url}/jobs; the server did not read the request")
    assert server.connections == 2, "the submit, then the question whether the port speaks TLS"


def test_https_to_a_plain_port(capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer(lambda _: http_response(b"{}")) as server:
        tls_url = server.url.replace("http://", "https://")
        with Client(tls_url, anonymous=True) as client, pytest.raises(errors.WrongProtocol) as caught:
            client.whoami()
        where = tls_url.removeprefix("https://")
        assert str(caught.value).startswith(f"Wrong protocol: cannot connect to {tls_url}/whoami: {where} does not")
        assert str(caught.value).endswith("is it a plain http:// endpoint, or the wrong port?")
        code, line = cli(capsys, "whoami", "-s", tls_url)
    assert (code, line) == (ExitCode.CONNECTION, str(caught.value))


def test_a_reset_before_any_answer(capsys: pytest.CaptureFixture[str]) -> None:
    # Plain HTTP: over TLS, OpenSSL reports a reset like a close (no close_notify either way).
    with LoopbackServer(lambda _: None, reset=True) as server:
        with Client(server.url, anonymous=True) as client:
            with pytest.raises(errors.ConnectionLost) as caught:
                client.whoami()
            assert len(server.requests) == 3, "a GET is tried again, twice"
            with pytest.raises(errors.ConnectionLost) as submitted:
                client.jobs.submit(SPEC, delegate=False)
            assert len(server.requests) == 4, "a submit is never resent"
        code, line = cli(capsys, "whoami", "-s", server.url)
    assert str(caught.value) == f"Connection lost: GET {server.url}/whoami: the connection was reset"
    assert str(submitted.value) == (
        f"Connection lost: POST {server.url}/jobs: the connection was reset after the request was sent: {MAY_EXIST}"
    )
    assert (code, line) == (ExitCode.CONNECTION, str(caught.value))


def test_a_server_that_closes_without_answering(fts_pki: ThrowawayPKI, host: IssuedCertificate) -> None:
    with LoopbackServer(lambda _: None, tls=tls_server_context(host, fts_pki)) as server:
        client = Client(server.url, anonymous=True, ca_path=fts_pki.ca_dir)
        with client, pytest.raises(errors.ConnectionLost) as caught:
            client.whoami()
    assert str(caught.value) == (
        f"Connection lost: GET {server.url}/whoami: the server closed the connection without answering"
    )
    assert "timed out" not in str(caught.value)


def test_a_refused_connection(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    url = f"https://127.0.0.1:{port}"
    with Client(url, anonymous=True, retries=0) as client, pytest.raises(errors.ConnectionRefused) as caught:
        client.whoami()
    assert str(caught.value) == (
        f"Connection refused: cannot connect to {url}/whoami: nothing accepts connections on 127.0.0.1:{port} "
        "(is the server running, and the port right?)"
    )
    code, line = cli(capsys, "whoami", "-s", url, "--retries", "0")
    assert (code, line) == (ExitCode.CONNECTION, str(caught.value))


def test_a_real_timeout() -> None:
    release = threading.Event()
    arrived = threading.Semaphore(0)

    def stall(exchange: Exchange) -> bytes | None:
        arrived.release()
        release.wait(10)
        return None

    with LoopbackServer(stall) as server:
        try:
            with Client(server.url, anonymous=True, timeout=0.3) as client:
                with pytest.raises(errors.RequestTimeout) as caught:
                    client.whoami()
                with pytest.raises(errors.RequestTimeout) as submitted:
                    client.jobs.submit(SPEC, delegate=False)
            assert arrived.acquire(timeout=10)
            assert arrived.acquire(timeout=10)
        finally:
            release.set()
    assert type(caught.value) is errors.RequestTimeout
    assert str(caught.value) == f"Request timed out: GET {server.url}/whoami timed out"
    assert str(submitted.value) == (
        f"Request timed out: POST {server.url}/jobs timed out after the request was sent: {MAY_EXIST}"
    )
    assert server.requests == ["GET /whoami HTTP/1.1", "POST /jobs HTTP/1.1"], "a slow server is not asked twice"


def test_a_host_that_does_not_resolve() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known") from socket.gaierror(
            -2, "Name or service not known"
        )

    client = Client("https://fts3.invalid:8446", anonymous=True, transport=httpx.MockTransport(handler))
    with client, pytest.raises(errors.HostNotFound) as caught:
        client.whoami()
    assert str(caught.value) == (
        "Host not found: cannot connect to https://fts3.invalid:8446/whoami: the host name fts3.invalid does not "
        "resolve (Name or service not known)"
    )


# --- HTTP errors name their request ------------------------------------------------------------------------


def test_a_server_error_before_the_submission_says_which_request(
    alice: IssuedCertificate, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return httpx.Response(500, json={"status": "500 Internal Server Error", "message": "database unavailable"})

    code = main(
        ["submit", "gsiftp://a.example.org/f", "gsiftp://b.example.org/f", "-s", "https://fts3.example.org:8446",
         "--cert", str(alice.cert_path), "--key", str(alice.key_path), "--retries", "0"],
        transport=httpx.MockTransport(handler),
    )  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == ExitCode.SERVER
    assert seen == ["GET /whoami"], "no job was sent"
    assert err == (
        "error: Server error: 500 (database unavailable; in reply to GET /whoami; before the submission: no job "
        "was submitted)"
    )
