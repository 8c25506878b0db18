"""The consumer's engine, shared by the sync and async consumers: links to brokers, a buffer, settlement.

stomp.py delivers frames on one receiver thread per connection. Each frame is parsed there, then either
handed to the user's handler right there (`ConsumerCore.run`: no thread hand-off, the fast way) or
buffered for the consumer's own thread (`take`, `take_batch`: iterators, async). A message is
acknowledged only once the user's code is done with it; a message the user's code failed on is handed
back by reconnecting its link, so the broker delivers it again (durable subscriptions and queues; a
plain topic subscription cannot get it back). Messages already handled (by message id, or by an
identical body re-sent through another broker) are acknowledged and not shown again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fts3sdk.events._brokers import Broker, BrokerAuth, resolve_brokers
from fts3sdk.events._delivery import AckMode, Delivery, EventFilter, Seen
from fts3sdk.events._errors import BrokerUnavailable, InvalidMessage
from fts3sdk.events._fields import EventKind
from fts3sdk.events._link import Link, RawFrame
from fts3sdk.events._parse import Event, kind_of_destination, parse_event

__all__ = ["ConsumerConfig", "ConsumerCore", "Delivery", "EventFilter"]

logger = logging.getLogger("fts3sdk.events")


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


class _Run:
    """One `ConsumerCore.run`: the handler, how many it handled, and why it stopped."""

    def __init__(self, handler: Callable[[Event], object], limit: int | None) -> None:
        self.handler = handler
        self.limit = limit
        self.count = 0
        self.over = threading.Event()
        """Set once no more handler calls may start: limit reached, handler failed, closed, run returning."""
        self.failed: tuple[BaseException, Delivery] | None = None
        self.last = time.monotonic()


class ConsumerCore:
    """Links to every broker, one buffer of frames, the settle rules; no I/O of the user's kind."""

    def __init__(self, config: ConsumerConfig, *, link_factory: Callable[..., Link] = Link) -> None:
        self.config = config
        self._link_factory = link_factory
        self._buffer: deque[RawFrame] = deque()
        self._ready = threading.Condition()
        self._waiting = 0
        self._dispatch = threading.RLock()  # held while a handler runs on a receiver thread: one at a time
        self._run: _Run | None = None
        self._quiet_since = 0.0  # when the last handler called on a receiver thread returned
        self._seen = Seen(config.remember)
        self._kinds = {name: kind or kind_of_destination(name) for name, kind in config.destinations.items()}
        self._links: list[Link] = []
        self._closed = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._closer: threading.Thread | None = None
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
        """Disconnect every link and stop reconnecting; frames not yet handed out are left to the brokers.

        Called from a handler that `run` calls on a receiver thread, the disconnection is done by another
        thread (a receiver thread cannot wait for its own connection to end).
        """
        self._closed.set()
        run = self._run
        if run is not None:
            run.over.set()  # no handler call starts after this one
        with self._ready:
            self._ready.notify_all()
        if self._dispatch._is_owned():  # type: ignore[attr-defined]  # in a handler that `run` called
            if self._closer is None:
                self._closer = threading.Thread(target=self._disconnect, name="fts3sdk-events-close", daemon=True)
                self._closer.start()
            return
        closer = self._closer
        if closer is not None and closer is not threading.current_thread():
            closer.join(timeout=30)
        self._disconnect()

    def _disconnect(self) -> None:
        with self._dispatch:  # a handler that called `close` has returned and its message is settled
            pass
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
        return [link.name for link in self._links]

    @property
    def connected(self) -> list[str]:
        """The brokers connected and subscribed now."""
        return [link.name for link in self._links if link.up]

    def _supervise(self) -> None:
        low, high = self.config.backoff
        while not self._closed.wait(min(0.1, self.config.ack_interval)):
            # While a handler runs on a receiver thread no link reads (the others wait for their turn).
            quiet = None if self._in_dispatch() else self._quiet_since
            for link in self._links:
                if link.up:
                    link.flush(due_only=True)
                    if quiet is not None:
                        link.check_heartbeat(quiet)
                if self._closed.is_set() or link.up or not link.due():
                    continue
                try:
                    if link.connect():
                        logger.info("reconnected to %s", link.broker)
                except BrokerUnavailable as exc:
                    delay = min(high, max(low, link.backoff * 2)) * (1 + random.random() * 0.2)  # noqa: S311
                    logger.warning("%s; next attempt in %.1f s", exc, delay)
                    link.schedule_retry(delay)

    def _in_dispatch(self) -> bool:
        if not self._dispatch.acquire(blocking=False):
            return True
        self._dispatch.release()
        return False

    # --- frames in --------------------------------------------------------------------------------------------

    def _receive(self, frame: RawFrame) -> None:
        # On stomp.py's receiver thread: parsed here; handled here during `run`, else buffered.
        self._prepare(frame)
        run = self._run
        if run is not None:
            with self._dispatch:
                if self._run is run and not run.over.is_set() and not self._buffer:  # nothing older waits its turn
                    self._handle(run, frame)
                    return
        self._buffer.append(frame)
        if self._waiting:  # only a consumer waiting for an empty buffer needs waking
            with self._ready:
                self._ready.notify()

    def _prepare(self, frame: RawFrame) -> None:
        """Parse ``frame`` into its ``event``; left None when it is to be skipped: not a message, filtered out."""
        try:
            event = parse_event(frame.body, destination=frame.destination, kind=self._kinds.get(frame.destination))
        except InvalidMessage as exc:
            self.invalid += 1
            logger.warning("skipped a frame from %s on %s: %s", frame.link.broker, frame.destination, exc)
            return
        if not self.config.filter or self.config.filter.matches(event):
            frame.event = event

    def _skipped(self, frame: RawFrame) -> bool:
        """Whether ``frame`` is not to be shown: not a message, filtered out, or already handled."""
        if frame.event is None:
            return True
        if frame.message_id in self._seen or frame.digest in self._seen:
            self.duplicates += 1
            return True
        return False

    @staticmethod
    def _delivery(frame: RawFrame) -> Delivery:
        assert frame.event is not None
        redelivered = frame.headers.get("redelivered") == "true"
        return Delivery(frame.event, frame.message_id, frame.destination, frame.link.name, frame.headers, redelivered,
                        frame)  # fmt: skip

    # --- the handler called where the frames arrive -----------------------------------------------------------

    def run(self, handler: Callable[[Event], object], *, limit: int | None, idle: float | None) -> int:
        """Call ``handler`` for each message on the thread that received it; settle it when the handler returns.

        Buffered messages come first, on this thread. One handler call at a time, in each subscription's
        order. Returns the count after ``limit`` messages, ``idle`` seconds without one, or `close`; a
        handler's exception hands its message back and is raised here.
        """
        run = _Run(handler, limit)
        try:
            with self._dispatch:
                self._run = run
            while True:
                with self._dispatch:
                    while not run.over.is_set() and self._buffer:
                        self._handle(run, self._buffer.popleft())
                if run.over.is_set() or self._closed.is_set():
                    break
                with self._ready:
                    self._waiting += 1
                    try:
                        while not run.over.is_set() and not self._buffer and not self._closed.is_set():
                            wait = 1.0 if idle is None else idle - (time.monotonic() - run.last)
                            if wait <= 0:
                                break
                            self._ready.wait(min(wait, 1.0))
                    finally:
                        self._waiting -= 1
                if idle is not None and not self._buffer and time.monotonic() - run.last >= idle:
                    break
        finally:
            with self._dispatch:
                run.over.set()
                self._run = None
        if run.failed is not None:
            error, delivery = run.failed
            self.settle(delivery, handled=False)
            raise error
        return run.count

    def _handle(self, run: _Run, frame: RawFrame) -> None:
        # Holding self._dispatch.
        if self._skipped(frame):
            self._done(frame)
            return
        assert frame.event is not None
        try:
            run.handler(frame.event)
        except BaseException as exc:  # handed back by run(), on its own thread
            run.failed = (exc, self._delivery(frame))
            self._end(run)
            return
        finally:
            self._quiet_since = run.last = time.monotonic()
        self._done(frame)
        run.count += 1
        if run.limit is not None and run.count >= run.limit:
            self._end(run)

    def _end(self, run: _Run) -> None:
        """No handler call of ``run`` starts after this; `run` itself, waiting for frames, is woken to return."""
        run.over.set()
        with self._ready:
            self._ready.notify_all()

    # --- frames out to the consumer's thread ------------------------------------------------------------------

    def _next_frame(self, timeout: float | None) -> RawFrame | None:
        try:
            return self._buffer.popleft()  # atomic: no lock while frames are there
        except IndexError:
            pass
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._ready:
            self._waiting += 1
            try:
                while not self._buffer:
                    if self._closed.is_set():
                        return None
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return None
                    self._ready.wait(remaining if remaining is not None else 1.0)
            finally:
                self._waiting -= 1
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
            if not self._skipped(frame):
                return self._delivery(frame)
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
                frame = self._buffer[0]
                if frame.message_id in keys or frame.digest in keys:
                    break  # a copy of a message of this batch: decide on it once the original is settled
                self._buffer.popleft()
            batch.append(frame if self._skipped(frame) else self._delivery(frame))
            keys.update((frame.message_id, frame.digest))
        return batch

    # --- settling ---------------------------------------------------------------------------------------------

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
