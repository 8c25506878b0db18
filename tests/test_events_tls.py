"""STOMP over TLS with client certificates, through a real ActiveMQ requiring one from a throwaway CA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fts3sdk.errors import FTS3ClientException
from fts3sdk.events import BrokerAuth, BrokerTLSError, EventConsumer, EventPublisher, TransferComplete
from fts3sdk.testing import IssuedCertificate, ThrowawayPKI
from fts3sdk.testing._monitoring._activemq import ActiveMQBroker, BrokerTLS
from tests import event_bodies as bodies
from tests._broker import require_activemq


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory, pki: ThrowawayPKI) -> Iterator[ActiveMQBroker]:
    require_activemq()
    directory = tmp_path_factory.mktemp("activemq-tls")
    with ActiveMQBroker(directory / "broker", tls=BrokerTLS.from_pki(pki, directory / "stores")) as running:
        yield running


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> tuple[ThrowawayPKI, IssuedCertificate]:
    """A CA the broker does not know, and a user it issued."""
    other = ThrowawayPKI(tmp_path_factory.mktemp("other-ca"))
    return other, other.issue_user("Mallory")


def cert_auth(user: IssuedCertificate, ca: Path) -> BrokerAuth:
    return BrokerAuth(cert=user.cert_path, key=user.key_path, ca_file=ca)


def refused(tls_broker: ActiveMQBroker, auth: BrokerAuth) -> BrokerTLSError:
    with pytest.raises(BrokerTLSError) as caught:
        EventConsumer([tls_broker.tls_address], auth=auth, connect_timeout=3.0).start()
    error = caught.value
    assert isinstance(error, FTS3ClientException)
    assert error.__cause__ is None, "no raw ssl.SSLError behind it"
    assert str(tls_broker.tls_port) in str(error), "names the broker"
    return error


def test_consumer_logs_in_with_a_user_certificate(
    tls_broker: ActiveMQBroker, pki: ThrowawayPKI, alice: IssuedCertificate
) -> None:
    auth = cert_auth(alice, pki.ca_path)
    with EventConsumer([tls_broker.tls_address], auth=auth, kinds=["complete"], idle_timeout=3.0) as events:
        assert events.connected == [f"localhost:{tls_broker.tls_port} (127.0.0.1)"], "checked as its reverse name"
        with EventPublisher([tls_broker.tls_address], auth=auth) as publisher:
            publisher.publish(TransferComplete.model_validate(bodies.complete()), confirm=True)
        got = list(events)
    assert [event.file_id for event in got if isinstance(event, TransferComplete)] == [bodies.FILE_ID]


def test_certificate_of_an_unknown_ca_is_refused(
    tls_broker: ActiveMQBroker, pki: ThrowawayPKI, stranger: tuple[ThrowawayPKI, IssuedCertificate]
) -> None:
    error = refused(tls_broker, cert_auth(stranger[1], pki.ca_path))
    assert "the broker refused the client certificate" in str(error)
    assert "Mallory.cert.pem" in str(error)


def test_no_client_certificate_is_refused(tls_broker: ActiveMQBroker, pki: ThrowawayPKI) -> None:
    error = refused(tls_broker, BrokerAuth(tls=True, ca_file=pki.ca_path))
    assert "refused a connection without a client certificate" in str(error)


def test_broker_of_an_unknown_ca_is_not_trusted(
    tls_broker: ActiveMQBroker, alice: IssuedCertificate, stranger: tuple[ThrowawayPKI, IssuedCertificate]
) -> None:
    error = refused(tls_broker, cert_auth(alice, stranger[0].ca_path))
    assert "the broker's certificate is not trusted" in str(error)


def test_unusable_files_are_named(
    tls_broker: ActiveMQBroker, pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> None:
    missing = refused(tls_broker, BrokerAuth(cert=tmp_path / "nope.pem", ca_file=pki.ca_path))
    assert f"cannot use the client certificate {tmp_path / 'nope.pem'}: no such file" in str(missing)
    other_key = pki.issue_user("Bob").key_path
    mismatch = refused(tls_broker, BrokerAuth(cert=alice.cert_path, key=other_key, ca_file=pki.ca_path))
    assert "key values mismatch" in str(mismatch)
    no_ca = refused(tls_broker, cert_auth(alice, tmp_path / "ca.pem"))
    assert "cannot use the CA file" in str(no_ca)


def test_cli_unknown_ca_one_error_line(
    tls_broker: ActiveMQBroker,
    pki: ThrowawayPKI,
    stranger: tuple[ThrowawayPKI, IssuedCertificate],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fts3sdk.cli._app import run

    user = stranger[1]
    code = run(["events", "--broker", tls_broker.tls_address, "--broker-cert", str(user.cert_path),
                "--broker-key", str(user.key_path), "--broker-ca", str(pki.ca_path), "--count", "1"])  # fmt: skip
    assert code == 6
    err = capsys.readouterr().err
    assert err.count("error:") == 1
    assert "refused the client certificate" in err
    assert "Traceback" not in err
