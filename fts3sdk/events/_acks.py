"""When a link acknowledges what the user's code handled: each message, or cumulatively in small batches.

STOMP's ``client`` mode is cumulative: acknowledging a message acknowledges every message delivered
before it on the same subscription (ActiveMQ and RabbitMQ both implement it so). The consumer hands
messages out in the order each subscription delivered them and settles them in that order, so once a
message is handled every earlier one of its subscription is handled (or skipped) too: acknowledging the
last handled message of a subscription, after ``every`` messages or ``interval`` seconds, acknowledges
nothing the user's code has not finished with. ``client-individual`` acknowledges each message alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from fts3sdk.events._link import RawFrame

__all__ = ["AckMode", "Acks", "stomp_ack_mode"]

AckMode = Literal["cumulative", "individual"]
"""``cumulative``: STOMP ``client``, the last handled message of each subscription in batches;
``individual``: STOMP ``client-individual``, one acknowledgement per message."""


def stomp_ack_mode(mode: AckMode) -> str:
    """The STOMP ``ack`` header of a subscription in ``mode``."""
    if mode not in ("cumulative", "individual"):
        raise ValueError(f"ack must be 'cumulative' or 'individual', not {mode!r}")
    return "client" if mode == "cumulative" else "client-individual"


class Acks:
    """The acknowledgements one connection owes: sent at once (individual) or held per subscription.

    ``send`` transmits the ACK of one frame. Thread-safe: the consumer's thread adds, the supervisor
    flushes what waited ``interval`` seconds.
    """

    def __init__(self, mode: AckMode, *, every: int, interval: float, send: Callable[[RawFrame], None]) -> None:
        self.mode = mode
        self.every = max(1, every)
        self.interval = interval
        self._send = send
        self._lock = threading.Lock()
        self._last: dict[str, RawFrame] = {}
        self._held = 0
        self._since = 0.0

    def add(self, frame: RawFrame) -> None:
        """``frame`` was handled (or skipped), after every earlier frame of its subscription."""
        if self.mode == "individual":
            self._send(frame)
            return
        with self._lock:
            if not self._held:
                self._since = time.monotonic()
            self._last[frame.headers.get("subscription", "")] = frame
            self._held += 1
            if self._held >= self.every:
                self._flush()

    def due(self) -> bool:
        """Whether held acknowledgements waited ``interval`` seconds."""
        return bool(self._held) and time.monotonic() - self._since >= self.interval

    def flush(self) -> None:
        """Send what is held now (on close, before a hand-back, when `due`)."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        frames = list(self._last.values())
        self._last.clear()
        self._held = 0
        for frame in frames:
            self._send(frame)

    def discard(self) -> None:
        """Forget what is held: the connection it was owed on is gone (the broker delivers those again)."""
        with self._lock:
            self._last.clear()
            self._held = 0
