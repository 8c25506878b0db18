"""X.509 delegation done for real: server-side key and CSR, proxy chain checks, stored credentials.

``PUT .../credential`` runs the checks of fts-rest-flask in its order with its messages (DELEGATION.md §4.2);
with ``strict_delegation`` (the default) it also checks what the real server does not: the chain is
continuous and leads to a trusted CA, certificate #1 is a proper proxy, and the chain is the caller's own.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from itertools import pairwise
from typing import TYPE_CHECKING

from fts3sdk.testing._server._wire import HTML, INTERNAL_ERROR, TEXT, Ctx, HTTPError, WireResponse, json_response
from fts3sdk.testing._state._store import CacheRecord, CredentialRecord

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "delegation_page",
    "delete_delegation",
    "get_delegation",
    "get_request",
    "post_voms",
    "put_credential",
    "whoami_certificate",
]

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.DOTALL)
_NEW_CLIENT = re.compile(r"fts-[^/]*/(\d+)\.(\d+)")
_STRICT = " (fts3sdk.testing strict check)"
_SHORT_NAMES = {"1.2.840.113549.1.9.1": "emailAddress"}


class ProxyProblem(Exception):
    """Why an uploaded proxy is refused (the text after ``Could not process the proxy: ``)."""


def _check_id(ctx: Ctx, dlg_id: str) -> None:
    if dlg_id != ctx.caller.delegation_id:
        raise HTTPError(403, "The requested ID and the credentials ID do not match")


def _key(ctx: Ctx) -> tuple[str, str]:
    return ctx.caller.delegation_id or "", ctx.caller.user_dn


def get_delegation(ctx: Ctx, dlg_id: str) -> WireResponse:
    """``GET /delegation/<id>``: the stored credential, else ``null`` (old clients) or ``[]`` (fts-* >= 3.12)."""
    _check_id(ctx, dlg_id)
    stored = ctx.state.credentials.get(_key(ctx))
    if stored is not None:
        return json_response(stored.info().model_dump(mode="json"))
    match = _NEW_CLIENT.match(ctx.request.header("user-agent") or "")
    newer = match is not None and (int(match[1]), int(match[2])) >= (3, 12)
    return json_response([] if newer else None)


def delete_delegation(ctx: Ctx, dlg_id: str) -> WireResponse:
    """``DELETE /delegation/<id>``: 204, or 404 when nothing is stored (the key pair stays cached)."""
    _check_id(ctx, dlg_id)
    ctx.require_certificate()
    if ctx.state.credentials.pop(_key(ctx), None) is None:
        raise HTTPError(404, "Delegated credentials not found")
    return WireResponse(204, b"", "")


def get_request(ctx: Ctx, dlg_id: str) -> WireResponse:
    """``GET /delegation/<id>/request``: the PEM certificate request; the key pair is cached and reused."""
    _check_id(ctx, dlg_id)
    ctx.require_certificate()
    bits = ctx.caller.key_bits or 2048
    cache = ctx.state.caches.get(_key(ctx))
    if cache is None or cache.key.key_size != bits:
        key = ctx.state.keys.get(bits)
        cache = CacheRecord(key, _request_pem(key), " ".join(ctx.caller.voms_cred))
        ctx.state.caches[_key(ctx)] = cache
    return WireResponse(200, cache.request_pem.encode(), TEXT, (("X-Delegation-ID", dlg_id),))


def _request_pem(key: rsa.RSAPrivateKey) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dummy")])
    request = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return request.public_bytes(serialization.Encoding.PEM).decode()


def put_credential(ctx: Ctx, dlg_id: str) -> WireResponse:
    """``PUT|POST /delegation/<id>/credential``: verify the proxy chain and store it (201)."""
    _check_id(ctx, dlg_id)
    ctx.require_certificate()
    cache = ctx.state.caches.get(_key(ctx))
    if cache is None:
        raise HTTPError(400, "No credential cache found")
    try:
        chain = _certificates(ctx.request.body)
        expiry = _verify(chain, cache.key)
        if ctx.state.settings.strict_delegation:
            _strict(chain, ctx.state.settings.trusted_cas, ctx.caller.user_dn)
    except ProxyProblem as exc:
        raise HTTPError(400, f"Could not process the proxy: {exc}") from None
    ctx.state.credentials[_key(ctx)] = CredentialRecord(expiry, cache.voms_attrs, ctx.request.body)
    return WireResponse(201, b"", HTML)


def post_voms(ctx: Ctx, dlg_id: str) -> WireResponse:
    """``POST /delegation/<id>/voms``: records the requested VOMS attributes (no voms-proxy-init here).

    Answers 203 with the stored credential's expiry, which is left unchanged.
    """
    _check_id(ctx, dlg_id)
    ctx.require_certificate()
    try:
        voms = json.loads(ctx.request.body)
        ", ".join(voms)
        if not isinstance(voms, list):
            raise TypeError("Expecting a list of strings")
    except (ValueError, TypeError) as exc:
        raise HTTPError(400, str(exc)) from None
    stored = ctx.state.credentials.get(_key(ctx))
    if stored is None:
        raise HTTPError(500, INTERNAL_ERROR)
    if stored.termination_time <= ctx.state.clock.now():
        raise HTTPError(403, "Delegated proxy already expired")
    if not ctx.state.settings.voms_clients:
        raise HTTPError(500, INTERNAL_ERROR)  # voms-proxy-info is not installed on this server
    stored.voms_attrs, stored.voms = " ".join(voms), tuple(voms)
    when = stored.termination_time.astimezone(timezone.utc).replace(tzinfo=None)
    return WireResponse(203, str(when).encode(), TEXT)


def whoami_certificate(ctx: Ctx) -> WireResponse:
    """``GET /whoami/certificate``: the client chain as PEM (empty when it is not known)."""
    ctx.require_certificate()
    return WireResponse(200, (ctx.caller.chain_pem or "").encode(), "application/x-pem-file")


def delegation_page(ctx: Ctx) -> WireResponse:
    """``GET /delegation``: the web delegation page, which fails on the recorded server (500)."""
    ctx.require_certificate()
    raise HTTPError(500, INTERNAL_ERROR)


def _certificates(body: bytes) -> list[x509.Certificate]:
    from cryptography import x509

    chain = []
    for block in _PEM_BLOCK.finditer(body):
        if block[1] != b"CERTIFICATE":
            continue
        try:
            chain.append(x509.load_pem_x509_certificate(block[0]))
        except ValueError:
            break
    return chain


def _verify(chain: list[x509.Certificate], key: rsa.RSAPrivateKey) -> datetime:
    """The server's own checks (§4.2 steps 4-8); gives the termination time (earliest notAfter)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    if len(chain) < 2:
        raise ProxyProblem("Malformed proxy")
    expiry = min(cert.not_valid_after_utc for cert in chain)
    proxy_key = chain[0].public_key()
    if (
        not isinstance(proxy_key, rsa.RSAPublicKey)
        or proxy_key.public_numbers().n != key.public_key().public_numbers().n
    ):
        raise ProxyProblem("The proxy does not match the stored associated private key")
    if not _signed_by(chain[0], chain[1]):
        raise ProxyProblem("Failed to verify the proxy, maybe signed with the wrong private key?")
    subject, issuer = _compat(chain[0].subject), _compat(chain[0].issuer)
    if subject.split(", ")[:-1] != issuer.split(", "):
        raise ProxyProblem(f"The subject and the issuer of the proxy do not match: {subject} != {issuer}")
    if not subject.split(", ")[-1].startswith("CN="):
        raise ProxyProblem("Missing trailing Common Name in the proxy")
    return expiry


def _compat(name: x509.Name) -> str:
    """OpenSSL's "compat" one-line form of a name: ``DC=org, DC=example, O=Test, CN=Alice``."""
    parts = []
    for rdn in name.rdns:
        parts.append(
            "+".join(f"{_SHORT_NAMES.get(a.oid.dotted_string, a.rfc4514_attribute_name)}={a.value!s}" for a in rdn)
        )
    return ", ".join(parts)


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = issuer.public_key()
    algorithm = cert.signature_hash_algorithm
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _strict(chain: list[x509.Certificate], trusted: Sequence[x509.Certificate], user_dn: str) -> None:
    """The checks the real server skips: proxy profile, chain continuity, trust anchor, ownership."""
    from fts3sdk.credentials import is_proxy_certificate, slash_dn

    problem = _proxy_profile(chain[0])
    for lower, upper in pairwise(chain[1:]):
        if lower.issuer != upper.subject or not _signed_by(lower, upper):
            problem = (
                problem or f"the chain is broken: {slash_dn(lower.subject)} is not issued by {slash_dn(upper.subject)}"
            )
    if trusted and not _anchored(chain[-1], trusted):
        problem = problem or f"the chain does not lead to a trusted CA ({slash_dn(chain[-1].issuer)} is not one)"
    owner = next((cert for cert in chain[1:] if not is_proxy_certificate(cert)), chain[-1])
    if not problem and slash_dn(owner.subject) != user_dn:
        problem = f"the chain belongs to {slash_dn(owner.subject)}, not to the caller {user_dn}"
    if problem:
        raise ProxyProblem(problem + _STRICT)


def _anchored(last: x509.Certificate, trusted: Sequence[x509.Certificate]) -> bool:
    return any(last == ca or (last.issuer == ca.subject and _signed_by(last, ca)) for ca in trusted)


def _proxy_profile(cert: x509.Certificate) -> str | None:
    from cryptography import x509

    from fts3sdk.credentials import is_proxy_certificate

    if not is_proxy_certificate(cert):
        return "certificate #1 is not a proxy certificate (RFC 3820 proxyCertInfo or legacy CN=proxy)"
    last = list(cert.subject.rdns[-1])
    if len(last) != 1 or x509.Name(cert.subject.rdns[:-1]) != cert.issuer:
        return "the proxy subject is not its issuer plus one CN"
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "the proxy is a CA certificate"
    except x509.ExtensionNotFound:
        pass
    try:
        if cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign:
            return "the proxy may sign certificates (keyUsage keyCertSign)"
    except x509.ExtensionNotFound:
        pass
    return None
