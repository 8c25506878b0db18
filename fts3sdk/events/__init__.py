"""FTS monitoring messages, typed, and a consumer that reads them from the STOMP brokers FTS publishes to.

The models (`TransferStart`, `TransferComplete`, `FileStateChange`, `OptimizerDecision`) and `parse_event`
need nothing beyond fts3sdk. The consumers (`EventConsumer`, `AsyncEventConsumer`) and `EventPublisher` need
the ``events`` extra (``pip install 'fts3sdk[events]'``, which brings stomp.py); they are loaded on first use,
so importing this package never imports stomp.py.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fts3sdk.events._complete import TransferComplete
from fts3sdk.events._errors import BrokerTLSError, BrokerUnavailable, InvalidMessage
from fts3sdk.events._fields import EpochMillis, EventKind, EventModel, Metadata
from fts3sdk.events._parse import Event, format_body, parse_event
from fts3sdk.events._state import FileStateChange, OptimizerDecision
from fts3sdk.events._transfer import ErrorScope, FailurePhase, IPVersion, TransferOutcome, TransferStart

if TYPE_CHECKING:
    from fts3sdk.events._brokers import Broker, BrokerAuth
    from fts3sdk.events._consumer import AsyncEventConsumer, EventConsumer
    from fts3sdk.events._delivery import Delivery, EventFilter
    from fts3sdk.events._publish import EventPublisher

_LAZY: dict[str, str] = {
    "AsyncEventConsumer": "fts3sdk.events._consumer",
    "Broker": "fts3sdk.events._brokers",
    "BrokerAuth": "fts3sdk.events._brokers",
    "Delivery": "fts3sdk.events._delivery",
    "EventConsumer": "fts3sdk.events._consumer",
    "EventFilter": "fts3sdk.events._delivery",
    "EventPublisher": "fts3sdk.events._publish",
}

__all__ = [
    "AsyncEventConsumer",
    "Broker",
    "BrokerAuth",
    "BrokerTLSError",
    "BrokerUnavailable",
    "Delivery",
    "EpochMillis",
    "ErrorScope",
    "Event",
    "EventConsumer",
    "EventFilter",
    "EventKind",
    "EventModel",
    "EventPublisher",
    "FailurePhase",
    "FileStateChange",
    "IPVersion",
    "InvalidMessage",
    "Metadata",
    "OptimizerDecision",
    "TransferComplete",
    "TransferOutcome",
    "TransferStart",
    "format_body",
    "parse_event",
]

# Defined for the interpreter only, so type checkers still report a misspelt name.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name in _LAZY:
            value = getattr(importlib.import_module(_LAZY[name]), name)
            globals()[name] = value
            return value
        raise AttributeError(f"module 'fts3sdk.events' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(__all__)
