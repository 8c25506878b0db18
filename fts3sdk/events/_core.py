"""The consumer's engine, shared by the sync and async consumers: links to brokers, a buffer, settlement.

stomp.py delivers frames on one receiver thread per connection; they are buffered here and handed out one
at a time. A message is acknowledged (STOMP 1.2 ``client-individual``) only once the user's code is done
with it; a message the user's code failed on is handed back by reconnecting its link, so the broker
delivers it again (durable subscriptions and queues; a plain topic subscription cannot get it back).
Messages already handled (by message id, or by an identical body re-sent through another broker) are
acknowledged and not shown again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fts3sdk.events._acks import AckMode
from fts3sdk.events._brokers import Broker, BrokerAuth, resolve_brokers
from fts3sdk.events._errors import BrokerUnavailable, InvalidMessage
from fts3sdk.events._fields import EventKind
from fts3sdk.events._link import Link, RawFrame
from fts3sdk.events._parse import Event, parse_event

__all__ = ["ConsumerConfig", "ConsumerCore", "Delivery", "EventFilter"]

logger = logging.getLogger("fts3sdk.events")


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


@dataclass(frozen=True, slots=True)
class ConsumerConfig:
    """Everything a consumer needs to know; the consumers' constructors build it."""

    brokers: Sequence[str | Broker]
    auth: BrokerAuth
    destinations: Mapping[str, EventKind | None]
    durable: str | None
    client_id: str | None
    filter: EventFilter
    port: int
    prefetch: int = 1000
    heartbeat: float = 10.0
    ack: AckMode = "cumulative"
    ack_every: int = 100
    ack_interval: float = 0.1
    backoff: tuple[float, float] = (0.5, 30.0)
    remember: int = 200_000
    connect_timeout: float = 10.0


class _Seen:
    """A bounded memory of handled message ids and body digests (oldest forgotten first)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._keys: OrderedDict[object, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._keys

    def add(self, *keys: object) -> None:
        with self._lock:
            for key in keys:
                self._keys[key] = None
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)


class ConsumerCore:
    """Links to every broker, one buffer of frames, the settle rules; no I/O of the user's kind."""

    def __init__(self, config: ConsumerConfig, *, link_factory: Callable[..., Link] = Link) -> None:
        self.config = config
        self._link_factory = link_factory
        self._buffer: deque[RawFrame] = deque()
        self._ready = threading.Condition()
        self._seen = _Seen(config.remember)
        self._links: list[Link] = []
        self._closed = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.invalid = 0
        """How many frames were not monitoring messages (logged, acknowledged and skipped)."""
        self.duplicates = 0
        """How many frames were already handled (acknowledged and not shown again)."""

    # --- life cycle -------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Resolve the brokers and connect to each; raises `BrokerUnavailable` when none could be reached."""
        brokers = resolve_brokers(self.config.brokers, default_port=self.config.port, tls=self.config.auth.uses_tls)
        if not brokers:
            raise BrokerUnavailable("no broker given")
        self._links = [self._link_factory(broker, self.config, self._receive) for broker in brokers]
        errors = []
        for link in self._links:
            try:
                link.connect()
            except BrokerUnavailable as exc:
                errors.append(exc)
                link.schedule_retry(self.config.backoff[0])
        if len(errors) == len(self._links):
            self.close()
            raise (
                errors[0]
                if len(errors) == 1
                else BrokerUnavailable("no broker reachable: " + "; ".join(str(error) for error in errors))
            )
        for error in errors:
            logger.warning("%s (retrying in the background)", error)
        self._supervisor = threading.Thread(target=self._supervise, name="fts3sdk-events-reconnect", daemon=True)
        self._supervisor.start()

    def close(self) -> None:
        """Disconnect every link and stop reconnecting; frames not yet handed out are left to the brokers."""
        self._closed.set()
        with self._ready:
            self._ready.notify_all()
        for link in self._links:
            link.close()
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(timeout=10)
        self._buffer.clear()

    @property
    def closed(self) -> bool:
        """Whether `close` was called."""
        return self._closed.is_set()

    @property
    def brokers(self) -> list[str]:
        """The brokers this consumer reads from, connected or not."""
        return [str(link.broker) for link in self._links]

    @property
    def connected(self) -> list[str]:
        """The brokers connected and subscribed now."""
        return [str(link.broker) for link in self._links if link.up]

    def _supervise(self) -> None:
        low, high = self.config.backoff
        while not self._closed.wait(min(0.1, self.config.ack_interval)):
            for link in self._links:
                if link.up:
                    link.flush(due_only=True)
                if self._closed.is_set() or link.up or not link.due():
                    continue
                try:
                    link.connect()
                    logger.info("reconnected to %s", link.broker)
                except BrokerUnavailable as exc:
                    delay = min(high, max(low, link.backoff * 2)) * (1 + random.random() * 0.2)  # noqa: S311
                    logger.warning("%s; next attempt in %.1f s", exc, delay)
                    link.schedule_retry(delay)

    # --- frames in and out ------------------------------------------------------------------------------------

    def _receive(self, frame: RawFrame) -> None:
        with self._ready:
            self._buffer.append(frame)
            self._ready.notify()

    def _next_frame(self, timeout: float | None) -> RawFrame | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._ready:
            while not self._buffer:
                if self._closed.is_set():
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._ready.wait(remaining if remaining is not None else 1.0)
            return self._buffer.popleft()

    def take(self, timeout: float | None = None) -> Delivery | None:
        """The next message to hand out, or None when ``timeout`` passed (or the core closed) without one.

        Frames skipped on the way (duplicates, not messages, filtered out) are done with at once: nothing
        taken earlier is waiting for the user's code.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            frame = self._next_frame(remaining)
            if frame is None:
                return None
            delivery = self._open(frame)
            if delivery is not None:
                return delivery
            self._done(frame)

    def take_batch(self, limit: int, timeout: float | None) -> list[Delivery | RawFrame]:
        """Up to ``limit`` messages: waits up to ``timeout`` for the first, then takes what is buffered.

        A frame skipped after the first message stays in the batch, in its place, to be settled with `skip`
        once the messages before it are: acknowledged earlier, it would (cumulatively) acknowledge them.
        """
        first = self.take(timeout)
        if first is None:
            return []
        batch: list[Delivery | RawFrame] = [first]
        keys = {first.message_id, first._frame.digest if first._frame else b""}
        while len(batch) < limit:
            with self._ready:
                if not self._buffer:
                    break
                upcoming = self._buffer[0]
                if upcoming.message_id in keys or upcoming.digest in keys:
                    break  # a copy of a message of this batch: decide on it once the original is settled
                self._buffer.popleft()
            batch.append(self._open(upcoming) or upcoming)
            keys.update((upcoming.message_id, upcoming.digest))
        return batch

    def _open(self, frame: RawFrame) -> Delivery | None:
        """The delivery of ``frame``, or None when it is to be skipped: already handled, not a message, filtered."""
        if frame.message_id in self._seen or frame.digest in self._seen:
            self.duplicates += 1
            return None
        kind = self.config.destinations.get(frame.destination)
        try:
            event = parse_event(frame.body, destination=frame.destination, kind=kind)
        except InvalidMessage as exc:
            self.invalid += 1
            logger.warning("skipped a frame from %s on %s: %s", frame.link.broker, frame.destination, exc)
            return None
        if self.config.filter and not self.config.filter.matches(event):
            return None
        return Delivery(
            event, frame.message_id, frame.destination, str(frame.link.broker), frame.headers,
            frame.headers.get("redelivered") == "true", frame,
        )  # fmt: skip

    def _done(self, frame: RawFrame) -> None:
        self._seen.add(frame.message_id, frame.digest)
        frame.link.ack(frame)

    def skip(self, frame: RawFrame) -> None:
        """Settle a frame `take_batch` skipped, once the messages before it are settled."""
        self._done(frame)

    def put_back(self, items: Sequence[Delivery | RawFrame]) -> None:
        """Return messages (and skipped frames) taken but not settled: they come out first again, in order."""
        frames = [item._frame if isinstance(item, Delivery) else item for item in items]
        with self._ready:
            self._buffer.extendleft(reversed([frame for frame in frames if frame is not None]))
            self._ready.notify()

    def settle(self, delivery: Delivery, *, handled: bool) -> None:
        """After the user's code: acknowledge a handled message, or hand an unhandled one back for redelivery."""
        frame = delivery._frame
        if frame is None:
            return
        if handled:
            self._done(frame)
        elif not self._closed.is_set():
            frame.link.release(frame)


def subscriptions(
    kinds: Collection[EventKind] | None, destinations: Mapping[EventKind, str] | Iterable[str] | None, *, topic: bool
) -> dict[str, EventKind | None]:
    """Destination -> kind: the defaults of ``kinds`` (all four when None), or the destinations given.

    Destinations given as a mapping from kind keep their kind; a plain list leaves the kind to the default
    names or the keys of each body.
    """
    if destinations is None:
        return {kind.destination(topic=topic): kind for kind in (kinds or list(EventKind))}
    if isinstance(destinations, Mapping):
        return {str(name): EventKind(kind) for kind, name in destinations.items()}
    return {str(name): None for name in destinations}


def kinds_of(values: Iterable[Any]) -> list[EventKind]:
    """Kinds from enum members or their names (``"complete"``)."""
    return [value if isinstance(value, EventKind) else EventKind(str(value).lower()) for value in values]
