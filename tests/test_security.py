"""Secrets stay secret: no key, passphrase or token in logs (a full flow at DEBUG), reprs, errors or pickles."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from fts3sdk import Client, JobSpec, Transfer, errors
from fts3sdk.testing import FakeFTS, Identity, ThrowawayPKI

SPEC = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])
PASSPHRASE = "correct horse battery staple"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-token-payload.signature"


def _secrets(key_path: Path) -> list[str]:
    key_lines = [line for line in key_path.read_text().splitlines() if line and not line.startswith("-----")]
    return [PASSPHRASE, TOKEN, *key_lines[:3]]


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)


def test_full_certificate_flow_logs_no_secret(pki: ThrowawayPKI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    carol = pki.issue_user("Carol", encrypted_passphrase=PASSPHRASE)
    fake = FakeFTS(pki=pki)
    transport = fake.transport(Identity.certificate(carol.dn))
    with Client("https://fts.example.org", cert=carol.cert_path, key=carol.key_path, passphrase=PASSPHRASE,
                transport=transport) as client:  # fmt: skip
        client.delegation.delegate()
        job_id = client.jobs.submit(SPEC)
        fake.run(job_id)
        client.jobs.wait(job_id, poll_interval=0.001)
        client.jobs.cancel(job_id)
        with pytest.raises(errors.NotFound) as caught:
            client.jobs.get("00000000-0000-0000-0000-000000000000")
        texts = [_everything_logged(caplog), repr(client), repr(client.certificate), repr(client.load_credential())]
        texts += [str(caught.value), repr(caught.value), caught.value.body or ""]
    assert "GET https://fts.example.org/jobs/" in texts[0], "the flow was logged at DEBUG"
    for secret in _secrets(carol.key_path):
        for text in texts:
            assert secret not in text


def test_token_flow_logs_no_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeFTS()
    fake.add_token(TOKEN, sub="token-user")
    with Client("https://fts.example.org", token=TOKEN, transport=fake.transport()) as client:
        job_id = client.jobs.submit(SPEC)
        client.jobs.get(job_id)
        client.jobs.cancel(job_id)
        texts = [_everything_logged(caplog), repr(client), repr(client._auth)]
    for text in texts:
        assert TOKEN not in text


def test_credentials_refuse_pickling(pki: ThrowawayPKI) -> None:
    dave = pki.issue_user("Dave")
    with (
        Client("https://fts.example.org", cert=dave.cert_path, key=dave.key_path, transport=FakeFTS().transport()) as c,
        pytest.raises(TypeError, match="cannot be pickled"),
    ):
        pickle.dumps(c.load_credential())
