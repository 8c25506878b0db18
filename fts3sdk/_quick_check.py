"""The credential check of a client, quick: the common good credential vouched for without importing cryptography.

`fts3sdk.credentials.check_credential` reads every certificate with cryptography, which costs a command line
more than the request it makes. `vouch` reads what that check needs from the files itself (the PEM blocks, each
certificate's validity dates, the kind of the key) and lets OpenSSL, which makes the connection, check that the
key is the first certificate's. It answers only for a credential it reads entirely and finds good; for anything
else (a missing file, an encrypted or unusual key, a damaged block, an expired certificate...) it answers
``None`` and the full check runs, so that every problem is still reported by the same error with the same words.
"""

from __future__ import annotations

import base64
import binascii
import re
import ssl
from datetime import datetime, timezone
from pathlib import Path
from typing import Final

__all__ = ["vouch"]

_BLOCK: Final = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)-----END \1-----")
_KNOWN_LABELS: Final = frozenset({b"CERTIFICATE", b"PRIVATE KEY", b"RSA PRIVATE KEY", b"EC PRIVATE KEY"})
# DER encodings of the object identifiers a key may name (checked against cryptography's in the tests).
RSA_ENCRYPTION: Final = bytes.fromhex("06092a864886f70d010101")
EC_PUBLIC_KEY: Final = bytes.fromhex("06072a8648ce3d0201")
NAMED_CURVES: Final = frozenset(
    {
        bytes.fromhex("06082a8648ce3d030107"),  # prime256v1 (P-256)
        bytes.fromhex("06052b81040022"),  # secp384r1
        bytes.fromhex("06052b81040023"),  # secp521r1
    }
)
_SUBJECT_ALT_NAME: Final = bytes.fromhex("0603551d11")
_ISSUER_ALT_NAME: Final = bytes.fromhex("0603551d12")
# GeneralName choices cryptography cannot read: x400Address [3], ediPartyName [5].
_UNREADABLE_NAMES: Final = frozenset({0xA3, 0xA5})
_SEQUENCE, _INTEGER, _OID, _OCTETS, _UTC_TIME, _GENERALIZED_TIME = 0x30, 0x02, 0x06, 0x04, 0x17, 0x18


class _Unsure(Exception):
    """The quick reading cannot vouch for this credential: the full check decides."""


def vouch(cert: Path, key: Path | None, *, now: datetime | None = None) -> datetime | None:
    """The expiry of the credential in ``cert`` (with its key in ``key``, else in ``cert``), if it is plainly good.

    Good means what `fts3sdk.credentials.check_credential` accepts: every certificate valid at ``now`` (default:
    the current time), an unencrypted RSA or EC key that is the first certificate's. ``None`` means "not plainly
    good": run the full check, which names the problem.
    """
    try:
        cert_data = cert.read_bytes()
        blocks = _blocks(cert_data)
        validity = [_validity(der) for label, der in blocks if label == b"CERTIFICATE"]
        key_blocks = blocks if key is None else _blocks(key.read_bytes())
        kind = next((label for label, _ in key_blocks if label.endswith(b"PRIVATE KEY")), None)
        if not validity or kind is None:
            return None
        _key_kind(kind, next(der for label, der in key_blocks if label == kind))
        _pair(cert, key)
    except (_Unsure, OSError, ValueError, IndexError):
        return None
    moment = now or datetime.now(timezone.utc)
    expiry = min(not_after for _, not_after in validity)
    if expiry <= moment or max(not_before for not_before, _ in validity) > moment:
        return None
    return expiry


def _blocks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every PEM block of ``data`` as (label, DER), refusing any block this reading does not know."""
    found = [(match.group(1), match.group(2)) for match in _BLOCK.finditer(data)]
    if len(found) != data.count(b"-----BEGIN ") or len(found) != data.count(b"-----END "):
        raise _Unsure  # a block with headers (an encrypted key), a damaged armour, an unusual label...
    blocks = []
    for label, body in found:
        if label not in _KNOWN_LABELS:
            raise _Unsure
        try:
            blocks.append((label, base64.b64decode(re.sub(rb"\s", b"", body), validate=True)))
        except binascii.Error as exc:
            raise _Unsure from exc
    return blocks


def _tlv(data: bytes, at: int, tag: int | None = None) -> tuple[int, int, int]:
    """The DER element at ``at``: (its tag, where its value starts, where it ends); ``tag`` is the one expected."""
    if at + 2 > len(data):
        raise _Unsure
    found, length = data[at], data[at + 1]
    start = at + 2
    if length & 0x80:
        size = length & 0x7F
        if not 0 < size <= 4 or start + size > len(data):
            raise _Unsure
        length = int.from_bytes(data[start : start + size], "big")
        start += size
    end = start + length
    if end > len(data) or (tag is not None and found != tag) or found & 0x1F == 0x1F:
        raise _Unsure
    return found, start, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items, at = [], start
    while at < end:
        item = _tlv(data, at)
        if item[2] > end:
            raise _Unsure
        items.append(item)
        at = item[2]
    return items


def _validity(der: bytes) -> tuple[datetime, datetime]:
    """(notBefore, notAfter) of a DER certificate, checking its structure and extensions on the way."""
    _, start, end = _tlv(der, 0, _SEQUENCE)
    if end != len(der):
        raise _Unsure
    certificate = _children(der, start, end)
    if [tag for tag, _, _ in certificate] != [_SEQUENCE, _SEQUENCE, 0x03]:
        raise _Unsure
    fields = _children(der, certificate[0][1], certificate[0][2])
    if fields and fields[0][0] == 0xA0:  # version
        fields = fields[1:]
    if len(fields) < 6 or [tag for tag, _, _ in fields[:6]] != [_INTEGER] + [_SEQUENCE] * 5:
        raise _Unsure
    for tag, value_start, value_end in fields[6:]:
        if tag == 0xA3:
            _check_extensions(der, value_start, value_end)
        elif tag not in (0x81, 0x82, 0xA1, 0xA2):  # issuer and subject unique ids
            raise _Unsure
    times = _children(der, fields[3][1], fields[3][2])
    if len(times) != 2:
        raise _Unsure
    return _time(der, times[0]), _time(der, times[1])


def _check_extensions(der: bytes, start: int, end: int) -> None:
    """Refuse what cryptography would: two extensions with one identifier, alternative names it cannot read."""
    (outer,) = _children(der, start, end)
    seen: set[bytes] = set()
    for tag, ext_start, ext_end in _children(der, outer[1], outer[2]):
        parts = _children(der, ext_start, ext_end)
        if tag != _SEQUENCE or not parts or parts[0][0] != _OID or parts[-1][0] != _OCTETS:
            raise _Unsure
        oid = _whole(der, parts[0])
        if oid in seen:
            raise _Unsure
        seen.add(oid)
        if oid in (_SUBJECT_ALT_NAME, _ISSUER_ALT_NAME):
            (names,) = _children(der, parts[-1][1], parts[-1][2])
            if names[0] != _SEQUENCE or any(
                name[0] in _UNREADABLE_NAMES for name in _children(der, names[1], names[2])
            ):
                raise _Unsure


def _whole(der: bytes, item: tuple[int, int, int]) -> bytes:
    """A short element (an object identifier), tag and length included."""
    _, start, end = item
    if end - start > 0x7F:
        raise _Unsure
    return der[start - 2 : end]


def _time(der: bytes, item: tuple[int, int, int]) -> datetime:
    tag, start, end = item
    text = der[start:end].decode("ascii")
    if tag == _UTC_TIME and len(text) == 13 and text.endswith("Z") and text[:12].isdigit():
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tag == _GENERALIZED_TIME and len(text) == 15 and text.endswith("Z") and text[:14].isdigit()):
        raise _Unsure
    month, day, hour, minute, second = (int(text[at : at + 2]) for at in (4, 6, 8, 10, 12))
    return datetime(int(text[:4]), month, day, hour, minute, second, tzinfo=timezone.utc)


def _key_kind(label: bytes, der: bytes) -> None:
    """Refuse a key the full check would: one neither RSA nor EC on a named curve cryptography reads."""
    if label == b"RSA PRIVATE KEY":
        return
    _, start, end = _tlv(der, 0, _SEQUENCE)
    parts = _children(der, start, end)
    if label == b"EC PRIVATE KEY":  # SEC 1: version, key, [0] curve, [1] public key
        curve = next((item for item in parts if item[0] == 0xA0), None)
        if curve is None or der[curve[1] : curve[2]] not in NAMED_CURVES:
            raise _Unsure
        return
    if len(parts) < 3 or parts[1][0] != _SEQUENCE:  # PKCS 8: version, algorithm, key
        raise _Unsure
    algorithm = _children(der, parts[1][1], parts[1][2])
    name = _whole(der, algorithm[0]) if algorithm else b""
    if name == RSA_ENCRYPTION:
        return
    if name != EC_PUBLIC_KEY or len(algorithm) != 2 or _whole(der, algorithm[1]) not in NAMED_CURVES:
        raise _Unsure


def _refuse_passphrase() -> bytes:
    raise _Unsure  # the key is encrypted after all: the full check asks for its passphrase


def _pair(cert: Path, key: Path | None) -> None:
    """OpenSSL's own check that the key is the first certificate's (what the connection will use)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_cert_chain(str(cert), None if key is None else str(key), password=_refuse_passphrase)
    except ssl.SSLError as exc:
        raise _Unsure from exc
