"""pytest plugin of fts3sdk (entry point ``fts3sdk``): fixtures for testing code that talks to FTS3.

* ``fts_pki`` (session): a `ThrowawayPKI` (CA, ``localhost`` host certificate issued on demand).
* ``fts_user_cert`` (session): the certificate and key of ``/DC=org/DC=example/O=Test/CN=Alice`` from it.
* ``fts_key_pool`` (session): RSA keys shared by every fake of the session (delegation stays fast).
* ``fts_fake``: a fresh in-process `FakeFTS` trusting ``fts_pki``; drive jobs with its lifecycle methods.
* ``fts_server``: ``fts_fake`` served over HTTPS on 127.0.0.1 (``fts_server.url``), closed after the test.
* ``fts_client``: an `fts3sdk.Client` for ``fts_fake`` as Alice (in-process transport, real delegation).

Loading the plugin imports nothing heavy: every import happens inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fts3sdk import Client
    from fts3sdk.testing import FakeFTS, HTTPSServer, IssuedCertificate, KeyPool, ThrowawayPKI

__all__ = ["fts_client", "fts_fake", "fts_key_pool", "fts_pki", "fts_server", "fts_user_cert"]


@pytest.fixture(scope="session")
def fts_pki(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayPKI:
    """A throwaway CA for the whole session, writing into a temporary directory."""
    from fts3sdk.testing import ThrowawayPKI

    return ThrowawayPKI(tmp_path_factory.mktemp("fts-pki"))


@pytest.fixture(scope="session")
def fts_user_cert(fts_pki: ThrowawayPKI) -> IssuedCertificate:
    """Alice's user certificate and key (the DN `FakeFTS` uses as its default user)."""
    return fts_pki.issue_user("Alice")


@pytest.fixture(scope="session")
def fts_key_pool() -> KeyPool:
    """Delegation keys shared by the fakes of the session: each key size is generated once."""
    from fts3sdk.testing import KeyPool

    return KeyPool()


@pytest.fixture
def fts_fake(fts_pki: ThrowawayPKI, fts_key_pool: KeyPool) -> FakeFTS:
    """A fresh in-memory FTS server trusting ``fts_pki``, with a manual clock."""
    from fts3sdk.testing import FakeFTS

    return FakeFTS(pki=fts_pki, key_pool=fts_key_pool)


@pytest.fixture
def fts_server(fts_fake: FakeFTS, fts_pki: ThrowawayPKI) -> Iterator[HTTPSServer]:
    """``fts_fake`` served over HTTPS on 127.0.0.1; shut down (threads joined, port closed) after the test."""
    with fts_fake.serve_https(fts_pki) as server:
        yield server


@pytest.fixture
def fts_client(fts_fake: FakeFTS, fts_user_cert: IssuedCertificate) -> Iterator[Client]:
    """A synchronous client of ``fts_fake`` as Alice, in-process; it can delegate with Alice's certificate."""
    from fts3sdk import Client

    transport = fts_fake.transport()
    with Client(
        "https://fts3.example.org:8446", cert=fts_user_cert.cert_path, key=fts_user_cert.key_path, transport=transport
    ) as client:
        yield client
