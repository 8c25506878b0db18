"""What the consumer hands out (`Delivery`), lets through (`EventFilter`), remembers (`Seen`) and acknowledges (`Acks`).

A link acknowledges what the user's code handled message by message, or cumulatively in small batches.
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
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from fts3sdk.events._parse import Event

if TYPE_CHECKING:
    from fts3sdk.events._link import RawFrame

__all__ = ["AckMode", "Acks", "Delivery", "EventFilter", "Seen", "stomp_ack_mode"]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which messages to hand out: by VO, job id and file state (each a set; empty means any).

    The file state of a start is ACTIVE, of a completion FINISHED/FAILED/CANCELED (ARCHIVING for an
    archiving job); optimizer decisions have no VO, job or state, so any of these filters drops them.
    """

    vos: frozenset[str] = frozenset()
    job_ids: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, *, vo: str | Iterable[str] = (), job_id: str | Iterable[str] = (), state: str | Iterable[str] = ()
    ) -> EventFilter:
        """A filter from single values or collections."""

        def values(given: str | Iterable[str]) -> frozenset[str]:
            return frozenset([given] if isinstance(given, str) else (str(item) for item in given))

        return cls(values(vo), values(job_id), frozenset(s.upper() for s in values(state)))

    def __bool__(self) -> bool:
        return bool(self.vos or self.job_ids or self.states)

    def matches(self, event: Event) -> bool:
        """Whether ``event`` passes."""
        if self.vos and str(getattr(event, "vo", None) or getattr(event, "vo_name", "")) not in self.vos:
            return False
        if self.job_ids and getattr(event, "job_id", None) not in self.job_ids:
            return False
        if self.states:
            state = getattr(event, "file_state", None)
            return state is not None and str(state) in self.states
        return True


@dataclass(frozen=True, slots=True)
class Delivery:
    """A message as received: the typed ``event`` and where it came from."""

    event: Event
    """The typed message."""
    message_id: str
    """The broker's ``message-id``."""
    destination: str
    """Where it was published, e.g. ``/topic/transfer.fts_monitoring_complete``."""
    broker: str
    """The broker it came through (``host:port``)."""
    headers: Mapping[str, str]
    """All STOMP headers of the frame (SS messages carry ``vo``)."""
    redelivered: bool = False
    """The broker says it delivered this message before (to a consumer that did not acknowledge it)."""
    _frame: RawFrame | None = field(default=None, repr=False, compare=False)

    @property
    def body(self) -> bytes:
        """The frame body exactly as received (JSON, and FTS's trailing byte: a space, or 0x04 before 3.6)."""
        return b"" if self._frame is None else self._frame.body


class Seen:
    """A bounded memory of handled message ids and body digests (oldest forgotten first).

    No lock: each operation is one step of an ``OrderedDict`` (atomic under the GIL), and two threads
    adding at once can at worst forget one entry early.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._keys: OrderedDict[object, None] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, first: object, second: object) -> None:
        keys = self._keys
        keys[first] = keys[second] = None
        while len(keys) > self._size:
            try:
                keys.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                return


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
