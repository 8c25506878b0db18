"""Who calls the fake server: `Identity` (what the TLS layer or the test says) and the caller it resolves to.

The resolution follows fts-rest-flask's middleware: delegation id = first 16 hex digits of SHA-1 over the
user DN and FQANs (certificates) or over issuer + subject (tokens); the virtual VO is the delegation id when
there is no VOMS attribute; levels start from the ``public`` role, then VOMS roles and per-DN grants; the
server's own host DN is root.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["AuthConfig", "Caller", "Identity", "Token", "delegation_id", "vo_id"]

BASE_ID = uuid.UUID("01874efb-4735-4595-bc9c-591aef8240c9")
DEFAULT_USER_DN = "/DC=org/DC=example/O=Test/CN=Alice"
DEFAULT_HOST_DN = "/DC=org/DC=example/O=Test/CN=localhost"
DEFAULT_ROLES: Mapping[str, Mapping[str, str]] = {
    "public": {"transfer": "vo", "datamanagement": "all"},
    "production": {"config": "all"},
}
_ROOT_LEVEL = {"transfer": "all", "deleg": "all", "config": "all", "admin": "all", "datamanagement": "all"}
_ROLE = re.compile(r"(/.+)*/Role=(\w+)(/.*)?", re.IGNORECASE)
_OAUTH2_ONLY = {"oauth2_scope", "wlcg_profile", "get_granted_level_for", "get_granted_level_for_overriden"}
Method = Literal["certificate", "oauth2", "unauthenticated"]


def delegation_id(*parts: str) -> str:
    """First 16 hex digits of SHA-1 over the UTF-8 of ``parts`` concatenated (DN + FQANs, or iss + sub)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()[:16]


def vo_id(vo: str) -> str:
    """UUIDv5 of a VO name under the server's base id (``whoami.vos_id``, deterministic job ids)."""
    return str(uuid.uuid5(BASE_ID, vo))


def _vo_from_fqan(fqan: str) -> str:
    groups = []
    for component in fqan.split("/")[1:]:
        if component.lower().startswith("role="):
            break
        groups.append(component)
    return "/".join(groups)


@dataclass(frozen=True)
class Identity:
    """Who a request comes from when the fake cannot learn it from TLS (transport mode), or what TLS gave.

    Build one with `certificate`, `proxy`, `from_chain`, `bearer` or `anonymous`.
    """

    kind: Literal["certificate", "token", "anonymous"]
    """How the caller authenticates."""
    dns: tuple[str, ...] = ()
    """DNs of the certificate chain: the end-entity DN first, then proxy DNs."""
    fqans: tuple[str, ...] = ()
    """VOMS FQANs of the credential, e.g. ``/dteam/Role=NULL/Capability=NULL``."""
    token: str | None = field(default=None, repr=False)
    """The bearer token (``kind == "token"``), sent as ``Authorization: Bearer``."""
    chain_pem: str | None = field(default=None, repr=False)
    """PEM of the client chain, answered by ``GET /whoami/certificate``."""
    key_bits: int | None = None
    """Size of the client certificate's RSA key: the size of the delegation key the server generates."""

    @classmethod
    def certificate(
        cls,
        dn: str = DEFAULT_USER_DN,
        *,
        fqans: Sequence[str] = (),
        chain_pem: str | None = None,
        key_bits: int | None = None,
    ) -> Identity:
        """A user authenticated by a certificate with subject ``dn`` (slash form)."""
        return cls("certificate", (dn,), tuple(fqans), None, chain_pem, key_bits)

    @classmethod
    def proxy(
        cls, dn: str = DEFAULT_USER_DN, *, cns: Sequence[str] | None = None, fqans: Sequence[str] = ()
    ) -> Identity:
        """A user authenticated by a proxy of the certificate ``dn``: one proxy level per CN in ``cns``.

        The default is one RFC 3820 proxy named by the current UNIX time, as grid tools do.
        """
        names = list(cns) if cns is not None else [str(int(time.time()))]
        dns = [dn]
        for name in names:
            dns.append(f"{dns[-1]}/CN={name}")
        return cls("certificate", tuple(dns), tuple(fqans))

    @classmethod
    def from_chain(cls, chain: Sequence[x509.Certificate], *, fqans: Sequence[str] = ()) -> Identity:
        """The identity a verified chain (leaf first) proves: the first non-proxy certificate is the user."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        from fts3sdk.credentials import is_proxy_certificate, slash_dn

        if not chain:
            return cls.anonymous()
        eec = next((i for i, cert in enumerate(chain) if not is_proxy_certificate(cert)), len(chain) - 1)
        dns = [slash_dn(chain[eec].subject)] + [slash_dn(cert.subject) for cert in reversed(chain[:eec])]
        key = chain[eec].public_key()
        pem = "".join(cert.public_bytes(serialization.Encoding.PEM).decode() for cert in chain)
        bits = key.key_size if isinstance(key, rsa.RSAPublicKey) else None
        return cls("certificate", tuple(dns), tuple(fqans), None, pem, bits)

    @classmethod
    def bearer(cls, token: str) -> Identity:
        """A caller sending ``Authorization: Bearer <token>`` (register the token with ``FakeFTS.add_token``)."""
        return cls("token", token=token)

    @classmethod
    def anonymous(cls) -> Identity:
        """A caller without any credential."""
        return cls("anonymous")

    @property
    def user_dn(self) -> str | None:
        """The end-entity DN, if any."""
        return self.dns[0] if self.dns else None


@dataclass(frozen=True)
class Token:
    """A bearer token known to the fake server, with the claims the real one reads from the JWT."""

    token: str = field(repr=False)
    sub: str
    iss: str = "https://localhost:8450/"
    groups: tuple[str, ...] = ()
    scope: str | None = None
    wlcg_ver: str | None = "1.0"
    expired: bool = False

    @property
    def scopes(self) -> list[str]:
        """The scopes, sorted."""
        return sorted((self.scope or "").split())

    @property
    def token_id(self) -> str:
        """The server's id of this token (first 16 hex of its SHA-1), as in ``src_token_id``."""
        return delegation_id(self.token)


@dataclass(frozen=True)
class AuthConfig:
    """What the middleware needs to know: the host DN (root), roles, per-DN grants and the gridmap."""

    host_dn: str = DEFAULT_HOST_DN
    roles: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: dict(DEFAULT_ROLES))
    grants: Mapping[str, frozenset[str]] = field(default_factory=dict)
    gridmap: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    """The credentials of one request, as the server's middleware computes them."""

    user_dn: str
    dn: tuple[str, ...]
    method: Method
    voms_cred: tuple[str, ...] = ()
    vos: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    level: Mapping[str, str] = field(default_factory=dict)
    delegation_id: str | None = None
    is_root: bool = False
    token: Token | None = None
    chain_pem: str | None = None
    key_bits: int | None = None

    def granted(self, operation: str) -> str | None:
        """The level for ``operation``: ``"all"``, ``"vo"``, ``""`` or None. Token users get ``"all"``."""
        if self.method == "oauth2":
            return "all"
        return self.level.get(operation, self.level.get("*"))

    def authorized(self, operation: str, owner: str | None = None, vo: str | None = None) -> bool:
        """Whether the caller may do ``operation`` on a resource of ``owner``/``vo`` (None: no resource)."""
        level = self.granted(operation)
        if level == "all":
            return True
        if level == "vo":
            return vo is None or vo in self.vos or owner == self.user_dn
        if level == "":
            return owner is None or owner == self.user_dn
        return False

    def whoami(self) -> dict[str, Any]:
        """The ``GET /whoami`` body, serialized through `fts3sdk.models.WhoAmI`."""
        from fts3sdk.models import WhoAmI

        extra: dict[str, Any] = {}
        if self.method == "oauth2" and self.token is not None:
            scope = " ".join(self.token.scopes) or None
            extra = {"oauth2_scope": scope, "wlcg_profile": self.token.wlcg_ver is not None}
            extra |= {"get_granted_level_for": {}, "get_granted_level_for_overriden": {}}
        who = WhoAmI(
            user_dn=self.user_dn,
            dn=list(self.dn),
            voms_cred=list(self.voms_cred),
            vos=list(self.vos),
            vos_id=[vo_id(vo) for vo in self.vos],
            base_id=str(BASE_ID),
            roles=list(self.roles),
            level=dict(self.level),
            delegation_id=self.delegation_id,
            method=self.method,  # type: ignore[arg-type]
            is_root=self.is_root,
            **extra,
        )
        return who.model_dump(mode="json", exclude=set() if extra else _OAUTH2_ONLY)


def anonymous_caller() -> Caller:
    """The credentials of a request without any."""
    return Caller(user_dn="anon", dn=("anon",), method="unauthenticated")


def certificate_caller(identity: Identity, config: AuthConfig) -> Caller:
    """Credentials of a certificate (or proxy) user."""
    user_dn = identity.dns[0]
    dlg_id = delegation_id(user_dn, *identity.fqans)
    vos = list(dict.fromkeys(_vo_from_fqan(fqan) for fqan in identity.fqans))
    if not vos:
        vos = [config.gridmap.get(user_dn, dlg_id)]
    roles = _roles(identity.fqans)
    is_root = user_dn == config.host_dn
    level = dict(_ROOT_LEVEL) if is_root else _levels(config, roles, user_dn)
    return Caller(
        user_dn, identity.dns, "certificate", identity.fqans, tuple(vos), tuple(roles), level, dlg_id, is_root,
        None, identity.chain_pem, identity.key_bits,
    )  # fmt: skip


def token_caller(token: Token, config: AuthConfig) -> Caller:
    """Credentials of a bearer-token user (method ``oauth2``)."""
    voms_cred: list[str] = []
    vo = config.gridmap.get(token.sub)
    vos = [vo] if vo else [group.lstrip("/") for group in token.groups]
    if not vos:
        vos = [urlparse(token.iss).hostname or token.iss]
    if not vo:
        voms_cred = token.scopes
    level = _levels(config, [], token.sub)
    dlg_id = delegation_id(token.iss, token.sub)
    return Caller(token.sub, (token.sub,), "oauth2", tuple(voms_cred), tuple(vos), (), level, dlg_id, False, token)


def _roles(fqans: Sequence[str]) -> list[str]:
    roles = []
    for fqan in fqans:
        match = _ROLE.match(fqan)
        if match and match.group(2).upper() != "NULL":
            roles.append(match.group(2))
    return roles


def _levels(config: AuthConfig, roles: Sequence[str], user_dn: str) -> dict[str, str]:
    level = dict(config.roles.get("public", {}))
    for role in roles:
        level.update(config.roles.get(role.lower(), {}))
    for operation in sorted(config.grants.get(user_dn, frozenset())):
        level[operation] = "all"
    if level.get("admin") == "all":
        level["config"] = "all"
    return level
