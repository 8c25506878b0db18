"""One connection to one broker, through stomp.py: connect, subscribe, acknowledge, hand back, reconnect."""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from fts3sdk.events._brokers import Broker
from fts3sdk.events._delivery import Acks, stomp_ack_mode
from fts3sdk.events._errors import BrokerUnavailable
from fts3sdk.events._parse import Event
from fts3sdk.events._stomp import (
    abort_connection,
    open_connection,
    stomp_connection,
    stomp_module,
    stop_connection,
)

if TYPE_CHECKING:
    from fts3sdk.events._core import ConsumerConfig

__all__ = ["Link", "RawFrame"]

logger = logging.getLogger("fts3sdk.events")
_SUBSCRIPTION_IDS = itertools.count(1)
_HEARTBEAT_GRACE = 2.0  # silence of this many heart-beat intervals means the broker is gone
_TAKEN_FIRST_WAIT, _TAKEN_LONGEST_WAIT = 0.1, 2.0  # asking again for a client id still in use


def _client_id_taken(error: str) -> bool:
    # ActiveMQ: "javax.jms.InvalidClientIDException: Broker: b - Client: c already connected from tcp://..."
    return "already connected" in error


class RawFrame:
    """A MESSAGE frame as received, tagged with the link and connection generation it came through.

    ``event`` is its parsed message once the consumer read it (None: not a message, or filtered out).
    """

    __slots__ = ("body", "destination", "digest", "event", "generation", "headers", "link", "message_id")

    def __init__(self, link: Link, generation: int, headers: Mapping[str, str], body: bytes, digest: bytes) -> None:
        self.link = link
        self.generation = generation
        self.headers = headers
        self.body = body
        self.digest = digest
        """A digest of the body: the same message re-sent (through another broker) has the same one."""
        self.message_id: str = headers.get("message-id", "")
        """The broker's message id."""
        self.destination: str = headers.get("destination", "")
        """The frame's destination header."""
        self.event: Event | None = None

    def __repr__(self) -> str:
        return f"<RawFrame {self.message_id} from {getattr(self.link, 'name', '?')} on {self.destination}>"


class _Listener:
    """stomp.py's callbacks for one connection generation."""

    def __init__(self, link: Link, generation: int) -> None:
        self.link = link
        self.generation = generation

    def on_connected(self, frame: Any) -> None:
        self.link.heard = time.monotonic()
        server = frame.headers.get("heart-beat", "0,0").replace(" ", "").split(",")
        every = stomp_module().utils.calculate_heartbeats(server, self.link.heartbeats)[1] if len(server) == 2 else 0
        self.link.silence_limit = every / 1000 * _HEARTBEAT_GRACE if every else None

    def on_message(self, frame: Any) -> None:
        link = self.link
        link.heard = time.monotonic()
        body = frame.body if isinstance(frame.body, bytes) else str(frame.body).encode()
        digest = hashlib.sha256(body).digest()  # fast where the CPU has SHA instructions
        link.deliver(RawFrame(link, self.generation, frame.headers, body, digest))

    def on_before_message(self, frame: Any) -> None:
        pass  # asked for before every message: without it, stomp.py logs its absence each time

    def on_heartbeat(self) -> None:
        self.link.heard = time.monotonic()

    def on_send(self, frame: Any) -> None:
        pass  # stomp.py calls it for every frame sent (an ACK a message): without it, an AttributeError each time

    def on_receipt(self, frame: Any) -> None:
        self.link.heard = time.monotonic()
        self.link.receipt(frame.headers.get("receipt-id", ""))

    def on_error(self, frame: Any) -> None:
        message = frame.headers.get("message", "") or (frame.body or b"")[:200]
        self.link.error(message if isinstance(message, str) else message.decode(errors="replace"))

    def on_disconnected(self) -> None:
        self.link.lost(self.generation)


class Link:
    """The connection to one broker; `connect` (re)connects and subscribes to every destination."""

    def __init__(self, broker: Broker, config: ConsumerConfig, deliver: Callable[[RawFrame], None]) -> None:
        self.broker = broker
        self.name = str(broker)
        self.config = config
        self.deliver = deliver
        self.generation = 0
        self.backoff = 0.0
        self.heard = 0.0
        """When a frame or heart-beat last arrived (monotonic clock)."""
        self.silence_limit: float | None = None
        """After how many seconds without a frame or heart-beat the connection is dead (None: not checked)."""
        beat = int(config.heartbeat * 1000)
        self.heartbeats = (beat, beat)
        self._connection: Any = None
        self._up = False
        self._next_attempt = 0.0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._receipts = threading.Condition()
        self._pending_receipt: str | None = None
        self._error: str | None = None
        self._subscription_ids = {name: f"fts3sdk-{next(_SUBSCRIPTION_IDS)}" for name in config.destinations}
        # Never more held back than half the prefetch window: the broker stops sending when it is full.
        every = min(config.ack_every, max(1, config.prefetch // 2))
        self._acks = Acks(config.ack, every=every, interval=config.ack_interval, send=self._send_ack)

    @property
    def up(self) -> bool:
        """Connected and subscribed."""
        return self._up

    @property
    def handback_redelivers(self) -> bool:
        """Whether the broker redelivers what was not acknowledged: durable subscriptions and queues."""
        return self.config.durable is not None or all(name.startswith("/queue/") for name in self.config.destinations)

    def due(self) -> bool:
        """Whether a reconnection attempt is due."""
        return time.monotonic() >= self._next_attempt

    def schedule_retry(self, delay: float) -> None:
        """Try again in ``delay`` seconds."""
        self.backoff = delay
        self._next_attempt = time.monotonic() + delay

    def _new_connection(self, generation: int) -> Any:
        # Silence is judged by `check_heartbeat`, which knows when the handler kept the receiver from reading.
        connection = stomp_connection(
            self.broker, self.config.auth, timeout=self.config.connect_timeout, heartbeat=self.config.heartbeat,
            check_heartbeats=False,
        )  # fmt: skip
        connection.set_listener("fts3sdk", _Listener(self, generation))
        return connection

    def connect(self) -> bool:
        """Connect and subscribe, waiting for the broker's receipt; False once `close` was called.

        Raises `BrokerUnavailable`.

        A broker refusing the durable client id as still in use (it has not yet noticed that the previous
        connection with it went: a restarted consumer, a hand-back) is asked again, with backoff, for up to
        ``connect_timeout`` seconds.
        """
        deadline = time.monotonic() + self.config.connect_timeout
        delay = _TAKEN_FIRST_WAIT
        while True:
            try:
                return self._connect_once()
            except BrokerUnavailable as exc:
                if not _client_id_taken(str(exc)) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("broker %s: client id %r still connected there; asking again in %.1f s", self.broker,
                               self._client_id(), delay)  # fmt: skip
            if self._stopped.wait(delay):
                return False
            delay = min(delay * 2, _TAKEN_LONGEST_WAIT)

    def _connect_once(self) -> bool:
        stomp = stomp_module()
        with self._lock:
            if self._stopped.is_set():
                return False
            self._acks.discard()
            self._drop_connection()
            self.generation += 1
            self._error = None
            connection = self._new_connection(self.generation)
            headers = {"client-id": self._client_id()} if self.config.durable is not None else {}
            auth = self.config.auth
            open_connection(connection, self.broker, auth, timeout=self.config.connect_timeout, headers=headers)
            try:
                self._subscribe(connection)
            except (stomp.exception.StompException, OSError, TimeoutError) as exc:
                self._stop(connection)
                detail = self.last_error or str(exc) or type(exc).__name__
                raise BrokerUnavailable(f"broker {self.broker}: {detail}", url=str(self.broker)) from exc
            self._connection, self._up, self.backoff = connection, True, 0.0
            return True

    @property
    def last_error(self) -> str | None:
        """The last ERROR frame's message from this broker."""
        return self._error

    def _client_id(self) -> str:
        return self.config.client_id or str(self.config.durable)

    def _subscribe(self, connection: Any) -> None:
        receipt = f"fts3sdk-subscribed-{self.generation}"
        names = list(self.config.destinations)
        for position, name in enumerate(names):
            headers = {"activemq.prefetchSize": str(self.config.prefetch)}
            if self.config.durable is not None and name.startswith("/topic/"):
                headers["activemq.subscriptionName"] = f"{self.config.durable}.{name.rsplit('/', 1)[-1]}"
            if position == len(names) - 1:
                headers["receipt"] = receipt
                self._pending_receipt = receipt
            connection.subscribe(
                name, id=self._subscription_ids[name], ack=stomp_ack_mode(self.config.ack), headers=headers
            )
        with self._receipts:
            deadline = time.monotonic() + self.config.connect_timeout
            while self._pending_receipt == receipt and self._error is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no receipt for the subscriptions")
                self._receipts.wait(remaining)
        if self._error is not None:
            raise OSError(self._error)

    def receipt(self, receipt_id: str) -> None:
        """The broker confirmed a frame."""
        with self._receipts:
            if receipt_id == self._pending_receipt:
                self._pending_receipt = None
            self._receipts.notify_all()

    def error(self, message: str) -> None:
        """The broker sent an ERROR frame (bad login, refused subscription, ...)."""
        logger.warning("broker %s: %s", self.broker, message)
        with self._receipts:
            self._error = message
            self._receipts.notify_all()

    def lost(self, generation: int) -> None:
        """The connection of ``generation`` went down: reconnect soon."""
        if generation == self.generation and self._up:
            logger.warning("lost the connection to broker %s", self.broker)
            self._up = False
            self.schedule_retry(self.config.backoff[0])

    def check_heartbeat(self, quiet_since: float) -> None:
        """Reconnect when nothing came for too long while the receiver was free to read (since ``quiet_since``)."""
        limit = self.silence_limit
        if limit is None or not self._up:
            return
        silent = time.monotonic() - max(self.heard, quiet_since)
        if silent > limit:
            logger.warning("broker %s: nothing received for %.1f s (heart-beats missed); reconnecting", self.broker,
                           silent)  # fmt: skip
            with self._lock:
                self._up = False
                self._acks.discard()
                connection, self._connection = self._connection, None
                if connection is not None:
                    abort_connection(connection)
                self.schedule_retry(0.0)

    def ack(self, frame: RawFrame) -> None:
        """A frame is done with (after every earlier one of its subscription): acknowledge it now or soon.

        One of an older connection cannot be acknowledged (the broker delivers it again; dedup hides it).
        """
        if frame.generation == self.generation and self._up:
            self._acks.add(frame)

    def flush(self, *, due_only: bool = False) -> None:
        """Send the acknowledgements held back (only those that waited long enough with ``due_only``)."""
        if not due_only or self._acks.due():
            self._acks.flush()

    def _send_ack(self, frame: RawFrame) -> None:
        connection = self._connection
        if frame.generation != self.generation or connection is None:
            return
        try:
            connection.ack(frame.headers.get("ack", frame.message_id))
        except Exception as exc:  # a dying connection: the broker redelivers, dedup hides it
            logger.debug("could not acknowledge on %s: %s", self.broker, exc)

    def release(self, frame: RawFrame) -> None:
        """Hand an unhandled message back: reconnect, so that the broker delivers it again."""
        if not self.handback_redelivers:
            logger.warning(
                "a message from %s was not handled and cannot be delivered again (plain topic subscription; "
                "use a durable subscription or queues)", self.broker,
            )  # fmt: skip
            self.ack(frame)
            return
        if frame.generation == self.generation and self._up:
            self.flush()  # what was handled before it stays handled
            with self._lock:
                self._up = False
                self._drop_connection()
                self.schedule_retry(0.0)

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._stop(connection)

    @staticmethod
    def _stop(connection: Any) -> None:
        stop_connection(connection)

    def close(self) -> None:
        """Send the acknowledgements held back, then disconnect for good."""
        self._stopped.set()
        if self._up:
            self.flush()
        with self._lock:
            self._up = False
            self._next_attempt = float("inf")
            self._drop_connection()
