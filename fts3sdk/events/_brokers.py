"""Where the brokers are and how to log in: every address behind a DNS alias, credentials, TLS files."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fts3sdk.events._errors import BrokerUnavailable

__all__ = ["DEFAULT_PORT", "Broker", "BrokerAuth", "resolve_brokers"]

DEFAULT_PORT = 61613
"""The STOMP port FTS's message daemon uses by default."""


@dataclass(frozen=True, slots=True)
class Broker:
    """One broker to connect to: ``host`` (a name, verified against its certificate with TLS) and ``port``.

    ``address`` is the IP it was resolved to; the connection goes there when set.
    """

    host: str
    port: int = DEFAULT_PORT
    address: str | None = None

    @classmethod
    def parse(cls, text: str, *, default_port: int = DEFAULT_PORT) -> Broker:
        """``host``, ``host:port`` or ``[v6]:port``. Raises ValueError for a bad port."""
        text = text.strip()
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            port = rest.lstrip(":")
        elif text.count(":") == 1:
            host, port = text.split(":")
        else:
            host, port = text, ""
        if port and not port.isdigit():
            raise ValueError(f"not a broker address (host:port): {text!r}")
        return cls(host, int(port) if port else default_port)

    @property
    def target(self) -> tuple[str, int]:
        """What the socket connects to."""
        return (self.address or self.host, self.port)

    def __str__(self) -> str:
        shown = f"{self.host}:{self.port}"
        return shown if self.address in (None, self.host) else f"{shown} ({self.address})"


@dataclass(frozen=True, slots=True)
class BrokerAuth:
    """How to authenticate to the brokers: STOMP login and password, or a TLS client certificate.

    ``tls`` defaults to on when a certificate is given. ``ca_file`` is the bundle the brokers' certificates
    must lead to (the system store when None); ``verify=False`` turns verification off. ``vhost`` is sent
    as the STOMP ``host`` header.
    """

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    cert: Path | None = None
    key: Path | None = None
    ca_file: Path | None = None
    tls: bool | None = None
    verify: bool = True
    vhost: str | None = None

    @property
    def uses_tls(self) -> bool:
        """Whether connections are wrapped in TLS."""
        return self.tls if self.tls is not None else self.cert is not None


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)
    except socket.gaierror:
        infos = []
    if not infos:
        try:
            infos = socket.getaddrinfo(host, port, socket.AF_INET6, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise BrokerUnavailable(f"cannot resolve broker alias {host!r}: {exc.strerror}", url=host) from None
    return sorted({str(info[4][0]) for info in infos})


def _reverse_name(address: str, fallback: str) -> str:
    try:
        return socket.gethostbyaddr(address)[0]
    except OSError:
        return fallback


def resolve_brokers(
    names: Iterable[str | Broker], *, default_port: int = DEFAULT_PORT, tls: bool = False
) -> list[Broker]:
    """Every broker behind each name: an alias is resolved to all its IPv4 addresses (IPv6 if it has none).

    FTS 3.14 sends each message to one broker of the alias in turn, so a consumer needs all of them. With
    TLS each address is connected by its reverse-DNS name (what its certificate names), as FTS does.
    Raises `BrokerUnavailable` for a name that does not resolve.
    """
    found: dict[tuple[str, int], Broker] = {}
    for name in names:
        broker = name if isinstance(name, Broker) else Broker.parse(name, default_port=default_port)
        for address in _addresses(broker.host, broker.port):
            host = _reverse_name(address, broker.host) if tls else broker.host
            found.setdefault((address, broker.port), Broker(host, broker.port, address))
    return list(found.values())


def stomp_addresses(brokers: Sequence[Broker]) -> list[str]:
    """The brokers as ``host:port`` texts (for logs and errors)."""
    return [str(broker) for broker in brokers]
