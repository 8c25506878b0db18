"""Test helpers shipped with fts3sdk: an FTS-compatible server and a throwaway PKI.

`FakeFTS` answers the REST API as fts-rest-flask 3.13.4 does (checked against recordings of the real server),
either in-process through ``fake.transport()`` or over TLS with ``fake.serve_https(pki=...)``. The pytest
plugin (`fts3sdk.testing.plugin`, loaded automatically) provides the ``fts_fake``, ``fts_server``,
``fts_pki`` and ``fts_client`` fixtures. Names are loaded on first use: importing this package is cheap.

Inside: `FakeFTS` (``_fake``) over its direct controls (``_controls``); ``_server`` takes requests in and
answers out (wire, routes, transport, HTTPS, Apache), ``_state`` is what the server keeps (store, clock,
lifecycle, identities, namespace), ``_api`` answers each area of the REST API, ``_monitoring`` emits the
monitoring messages (and runs a private ActiveMQ for tests).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fts3sdk.testing._controls import FakeRequestError
    from fts3sdk.testing._fake import FakeFTS
    from fts3sdk.testing._server._differences import KnownDifference
    from fts3sdk.testing._server._https import HTTPSServer
    from fts3sdk.testing._server._transport import FakeTransport
    from fts3sdk.testing._state._clock import FakeClock
    from fts3sdk.testing._state._identity import Identity, Token
    from fts3sdk.testing._state._store import KeyPool
    from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI

_WHERE: dict[str, str] = {
    "FakeClock": "fts3sdk.testing._state._clock",
    "FakeFTS": "fts3sdk.testing._fake",
    "FakeRequestError": "fts3sdk.testing._controls",
    "FakeTransport": "fts3sdk.testing._server._transport",
    "HTTPSServer": "fts3sdk.testing._server._https",
    "Identity": "fts3sdk.testing._state._identity",
    "IssuedCertificate": "fts3sdk.testing.pki",
    "KeyPool": "fts3sdk.testing._state._store",
    "KnownDifference": "fts3sdk.testing._server._differences",
    "ThrowawayPKI": "fts3sdk.testing.pki",
    "Token": "fts3sdk.testing._state._identity",
}

__all__ = [
    "FakeClock",
    "FakeFTS",
    "FakeRequestError",
    "FakeTransport",
    "HTTPSServer",
    "Identity",
    "IssuedCertificate",
    "KeyPool",
    "KnownDifference",
    "ThrowawayPKI",
    "Token",
]

# Defined for the interpreter only, so type checkers still report a misspelt name.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name in _WHERE:
            value = getattr(importlib.import_module(_WHERE[name]), name)
            globals()[name] = value
            return value
        raise AttributeError(f"module 'fts3sdk.testing' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(__all__)
