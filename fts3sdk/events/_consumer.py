"""`EventConsumer` and `AsyncEventConsumer`: the same engine, driven by a loop or by ``async for``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from fts3sdk.events._brokers import DEFAULT_PORT, Broker, BrokerAuth
from fts3sdk.events._core import ConsumerConfig, ConsumerCore, kinds_of, subscriptions
from fts3sdk.events._delivery import AckMode, Delivery, EventFilter
from fts3sdk.events._fields import EventKind
from fts3sdk.events._link import RawFrame
from fts3sdk.events._parse import Event
from fts3sdk.events._stomp import stomp_module

__all__ = ["AsyncEventConsumer", "EventConsumer"]

_BATCH = 256
_WAIT = 0.25  # the longest a batch is waited for: how long a cancellation may wait for the worker thread


def _config(
    brokers: str | Broker | Sequence[str | Broker],
    *,
    auth: BrokerAuth | None,
    kinds: Collection[EventKind | str] | None,
    destinations: Mapping[EventKind, str] | Iterable[str] | None,
    topic: bool,
    durable: str | None,
    client_id: str | None,
    vo: str | Iterable[str],
    job_id: str | Iterable[str],
    state: str | Iterable[str],
    port: int,
    prefetch: int,
    heartbeat: float,
    ack: AckMode,
    ack_every: int,
    ack_interval: float,
    connect_timeout: float,
) -> ConsumerConfig:
    stomp_module()
    given = [brokers] if isinstance(brokers, str | Broker) else list(brokers)
    return ConsumerConfig(
        brokers=given, auth=auth or BrokerAuth(),
        destinations=subscriptions(kinds_of(kinds) if kinds is not None else None, destinations, topic=topic),
        durable=durable, client_id=client_id, filter=EventFilter.of(vo=vo, job_id=job_id, state=state),
        port=port, prefetch=prefetch, heartbeat=heartbeat, ack=ack, ack_every=ack_every, ack_interval=ack_interval,
        connect_timeout=connect_timeout,
    )  # fmt: skip


class _Consumer:
    """What both consumers share: configuration and the engine."""

    def __init__(
        self,
        brokers: str | Broker | Sequence[str | Broker],
        *,
        auth: BrokerAuth | None = None,
        kinds: Collection[EventKind | str] | None = None,
        destinations: Mapping[EventKind, str] | Iterable[str] | None = None,
        topic: bool = True,
        durable: str | None = None,
        client_id: str | None = None,
        vo: str | Iterable[str] = (),
        job_id: str | Iterable[str] = (),
        state: str | Iterable[str] = (),
        port: int = DEFAULT_PORT,
        prefetch: int = 1000,
        heartbeat: float = 10.0,
        idle_timeout: float | None = None,
        ack: AckMode = "cumulative",
        ack_every: int = 100,
        ack_interval: float = 0.1,
        connect_timeout: float = 10.0,
    ) -> None:
        if ack_every < 1 or ack_interval <= 0:
            raise ValueError("ack_every must be at least 1 and ack_interval positive")
        config = _config(
            brokers, auth=auth, kinds=kinds, destinations=destinations, topic=topic, durable=durable,
            client_id=client_id, vo=vo, job_id=job_id, state=state, port=port, prefetch=prefetch, heartbeat=heartbeat,
            ack=ack, ack_every=ack_every, ack_interval=ack_interval, connect_timeout=connect_timeout,
        )  # fmt: skip
        self._core = ConsumerCore(config)
        self.idle_timeout = idle_timeout
        """Stop iterating after this many seconds without a message (None: follow for ever)."""

    @property
    def brokers(self) -> list[str]:
        """Every broker behind the names given (known once started)."""
        return self._core.brokers

    @property
    def connected(self) -> list[str]:
        """The brokers connected and subscribed now."""
        return self._core.connected

    @property
    def destinations(self) -> list[str]:
        """The destinations subscribed to."""
        return list(self._core.config.destinations)

    @property
    def duplicates(self) -> int:
        """Messages received again after being handled (acknowledged, not shown again)."""
        return self._core.duplicates

    @property
    def invalid(self) -> int:
        """Frames that were not monitoring messages (logged, acknowledged, skipped)."""
        return self._core.invalid

    def __repr__(self) -> str:
        return f"<{type(self).__name__} brokers={self.brokers or self._core.config.brokers} {self.destinations}>"


class EventConsumer(_Consumer):
    """Read FTS monitoring messages from every broker behind the names given, as typed events.

    ``brokers`` are ``host[:port]`` names (each alias is resolved to all its addresses: FTS sends each
    message to one of them in turn) or `Broker` values. ``kinds`` picks default destinations (all four when
    None), or ``destinations`` names them (``topic=False``: FTS configured with queues). ``durable`` names
    a durable subscription (ActiveMQ's ``activemq.subscriptionName``; ``client_id`` defaults to it), so
    nothing published while the consumer is away is lost. ``vo``, ``job_id`` and ``state`` filter.

    A message is acknowledged only once your code is done with it: in ``for event in consumer`` when the
    loop asks for the next one, with `run` when the handler returns. A message your code failed on (an
    exception, a ``break``) is handed back and delivered again (durable subscriptions and queues). Messages
    seen again after being handled are acknowledged and not shown. Lost connections are re-established
    with backoff, and subscribed again.

    ``ack="cumulative"`` (the default, STOMP ``client``) acknowledges the last handled message of each
    subscription after ``ack_every`` messages or ``ack_interval`` seconds, whichever comes first, and before
    a hand-back or `close`: each acknowledgement covers only messages already handled, in order.
    ``ack="individual"`` (STOMP ``client-individual``) sends one per message: slower, and after a crash
    no handled message comes again (with cumulative ones, those of the last ``ack_interval`` may).
    """

    def start(self) -> EventConsumer:
        """Connect and subscribe. Raises `BrokerUnavailable` when no broker could be reached."""
        self._core.start()
        return self

    def close(self) -> None:
        """Disconnect; messages not yet handled stay with the brokers (durable subscriptions and queues)."""
        self._core.close()

    def __enter__(self) -> EventConsumer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _taken(self) -> Iterator[Delivery]:
        # Each message, unsettled: the caller settles it before asking for the next one.
        idle = self.idle_timeout
        last = time.monotonic()
        while not self._core.closed:
            wait = None if idle is None else max(0.0, idle - (time.monotonic() - last))
            delivery = self._core.take(1.0 if wait is None else min(wait, 1.0))
            if delivery is None:
                if idle is not None and time.monotonic() - last >= idle:
                    return
                continue
            yield delivery
            last = time.monotonic()

    def deliveries(self) -> Iterator[Delivery]:
        """Each message with its broker details; acknowledged when the loop asks for the next one."""
        for delivery in self._taken():
            try:
                yield delivery
            except GeneratorExit:
                self._core.settle(delivery, handled=False)
                raise
            self._core.settle(delivery, handled=True)

    def __iter__(self) -> Iterator[Event]:
        for delivery in self.deliveries():
            yield delivery.event

    def run(self, handler: Callable[[Event], object], *, limit: int | None = None) -> int:
        """Call ``handler`` for each message, acknowledging it when the handler returns; gives the count.

        The fastest way to consume: the handler is called on the thread that received the message (one of
        stomp.py's, one call at a time, in each subscription's order), with no hand-off between threads.
        Stops after ``limit`` messages, ``idle_timeout`` seconds without one, or `close` (which a handler
        may call). An exception from the handler hands the message back (it is delivered again) and
        propagates here.
        """
        return self._core.run(handler, limit=limit, idle=self.idle_timeout)


class AsyncEventConsumer(_Consumer):
    """`EventConsumer` for ``async with`` / ``async for``: the same engine, the same options and guarantees.

    stomp.py's receiving stays on its own threads; messages are taken over in batches through a worker
    thread, so the event loop never blocks on the network.
    """

    async def start(self) -> AsyncEventConsumer:
        """Connect and subscribe. Raises `BrokerUnavailable` when no broker could be reached."""
        import anyio.to_thread

        await anyio.to_thread.run_sync(self._core.start)
        return self

    async def close(self) -> None:
        """Disconnect; messages not yet handled stay with the brokers (durable subscriptions and queues)."""
        import anyio.to_thread

        await anyio.to_thread.run_sync(self._core.close)

    async def __aenter__(self) -> AsyncEventConsumer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    async def _take_batch(self, wait: float) -> list[Delivery | RawFrame]:
        import anyio.to_thread

        taken: list[Delivery | RawFrame] = []

        def take() -> None:
            taken.extend(self._core.take_batch(_BATCH, wait))

        try:
            # Not abandoned on cancellation (``wait`` bounds it): what it took is put back, not lost.
            await anyio.to_thread.run_sync(take)
        except BaseException:
            self._core.put_back(taken)
            raise
        return taken

    async def _batches(self) -> AsyncIterator[list[Delivery | RawFrame]]:
        idle = self.idle_timeout
        last = time.monotonic()
        while not self._core.closed:
            wait = _WAIT if idle is None else min(_WAIT, max(0.0, idle - (time.monotonic() - last)))
            batch = await self._take_batch(wait)
            if batch:
                last = time.monotonic()
                yield batch
            elif idle is not None and time.monotonic() - last >= idle:
                return

    async def deliveries(self) -> AsyncIterator[Delivery]:
        """Each message with its broker details; acknowledged when the loop asks for the next one."""
        async for batch in self._batches():
            for position, delivery in enumerate(batch):
                if isinstance(delivery, RawFrame):
                    self._core.skip(delivery)
                    continue
                try:
                    yield delivery
                except GeneratorExit:
                    self._core.settle(delivery, handled=False)
                    self._core.put_back(batch[position + 1 :])
                    raise
                self._core.settle(delivery, handled=True)

    async def __aiter__(self) -> AsyncIterator[Event]:
        async for delivery in self.deliveries():
            yield delivery.event

    async def run(self, handler: Callable[[Event], Awaitable[object] | object], *, limit: int | None = None) -> int:
        """Await ``handler`` for each message, acknowledging it when it returns; gives the count.

        Stops after ``limit`` messages, or ``idle_timeout`` seconds without one. An exception from the
        handler hands the message back (it is delivered again) and propagates.
        """
        import inspect

        count = 0
        async for batch in self._batches():
            for position, delivery in enumerate(batch):
                if isinstance(delivery, RawFrame):
                    self._core.skip(delivery)
                    continue
                try:
                    result: Any = handler(delivery.event)
                    if inspect.isawaitable(result):
                        await result
                except BaseException:
                    self._core.settle(delivery, handled=False)
                    self._core.put_back(batch[position + 1 :])
                    raise
                self._core.settle(delivery, handled=True)
                count += 1
                if limit is not None and count >= limit:
                    self._core.put_back(batch[position + 1 :])
                    return count
        return count
