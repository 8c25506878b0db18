"""One function from a raw frame body to the right message model, and its inverse for producers and tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeAlias

from pydantic import TypeAdapter, ValidationError

from fts3sdk.events._complete import TransferComplete
from fts3sdk.events._errors import InvalidMessage
from fts3sdk.events._fields import BRANCH, EventKind
from fts3sdk.events._state import FileStateChange, OptimizerDecision
from fts3sdk.events._transfer import TransferStart

__all__ = ["MODELS", "Event", "detect_kind", "format_body", "kind_of_destination", "parse_event", "wire_dict"]

Event: TypeAlias = TransferStart | TransferComplete | FileStateChange | OptimizerDecision
"""Any monitoring message."""

MODELS: Mapping[EventKind, type[Event]] = {
    EventKind.START: TransferStart,
    EventKind.COMPLETE: TransferComplete,
    EventKind.STATE: FileStateChange,
    EventKind.OPTIMIZER: OptimizerDecision,
}
_ADAPTERS: dict[EventKind, TypeAdapter[Any]] = {}
_KIND_OF_NAME = {kind.default_destination: kind for kind in EventKind}
_TRAILER = b" \t\r\n\x04\x00"
_BODY_SHOWN = 64 * 1024


def _adapter(kind: EventKind) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(MODELS[kind])
    return adapter


def kind_of_destination(destination: str | None) -> EventKind | None:
    """The kind published to ``destination`` when it is one of FTS's default names (``/topic/`` or ``/queue/``)."""
    if not destination:
        return None
    return _KIND_OF_NAME.get(destination.rsplit("/", 1)[-1])


def detect_kind(data: Mapping[str, Any]) -> EventKind | None:
    """The kind of a decoded body, from its top-level keys (the prefix FTS writes on disk never reaches the wire)."""
    if "tr_id" in data:
        return EventKind.COMPLETE
    if "transfer_id" in data:
        return EventKind.START
    if "file_state" in data:
        return EventKind.STATE
    if "rationale" in data or "connections" in data:
        return EventKind.OPTIMIZER
    return None


def _text(body: bytes | str) -> str:
    raw = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
    return raw[:_BODY_SHOWN]


def _invalid(reason: str, body: bytes | str, destination: str | None) -> InvalidMessage:
    return InvalidMessage(reason, body=_text(body), destination=destination)


def _described(error: ValidationError, kind: EventKind) -> str:
    errors = error.errors(include_url=False)
    field = errors[0]["loc"][:1]
    # A field read through alternatives fails each; the last one is the general reading, the one to show.
    first = [each for each in errors if each["loc"][:1] == field][-1]
    where = ".".join(str(part) for part in first["loc"] if part != BRANCH) or "body"
    count = len({each["loc"][:1] for each in errors})
    more = f" (and {count - 1} more)" if count > 1 else ""
    return f"not a valid {kind.value} message: {where}: {first['msg'].lower()}{more}"


def parse_event(body: bytes | str, *, destination: str | None = None, kind: EventKind | None = None) -> Event:
    """Turn a frame body into its message model.

    Both framings are read: the current one (a JSON object and one trailing space) and the one of servers
    before 3.6 (a trailing EOT, 0x04); trailing whitespace, EOT and NUL bytes are stripped. The kind is
    ``kind``, else the one of ``destination`` when it is a default FTS destination, else found from the keys.
    Raises `InvalidMessage` for anything else: not UTF-8 JSON, not an object, no known kind, wrong fields.
    """
    data = body.rstrip(_TRAILER) if isinstance(body, bytes) else body.rstrip(_TRAILER.decode())
    chosen = kind or kind_of_destination(destination)
    try:
        if chosen is not None:
            if data.lstrip()[:1] not in (b"{", "{"):
                raise _invalid("not a JSON object", body, destination)
            return _adapter(chosen).validate_json(data)  # type: ignore[no-any-return]
        decoded = json.loads(data)
    except ValidationError as exc:
        assert chosen is not None
        raise _invalid(_described(exc, chosen), body, destination) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid(f"not JSON ({exc})", body, destination) from None
    if not isinstance(decoded, dict):
        raise _invalid(f"not a JSON object but {type(decoded).__name__}", body, destination)
    found = detect_kind(decoded)
    if found is None:
        raise _invalid("no known message kind (no tr_id, transfer_id, file_state or rationale key)", body, destination)
    try:
        return MODELS[found].model_validate(decoded)
    except ValidationError as exc:
        raise _invalid(_described(exc, found), body, destination) from None


def wire_dict(event: Event) -> dict[str, Any]:
    """The message as the producers write it: the fields it was built or parsed with, in their wire form."""
    return event.model_dump(mode="json", exclude_unset=True)


def format_body(event: Event | Mapping[str, Any], *, trailer: bytes = b" ") -> bytes:
    r"""The frame body FTS's message daemon sends for ``event`` (a model or a wire dict).

    jsoncpp's style (sorted keys, tabs, ``"key" : value``, ASCII with ``\uXXXX`` escapes) and one trailing
    space; ``trailer=b"\x04"`` gives the framing of servers before 3.6.
    """
    data = event if isinstance(event, Mapping) else wire_dict(event)
    text = json.dumps(data, sort_keys=True, indent="\t", separators=(",", " : "), ensure_ascii=True)
    return text.encode("ascii") + trailer
