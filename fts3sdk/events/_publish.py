"""`EventPublisher`: send monitoring messages to brokers as FTS's message daemon does (tests, replays)."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from fts3sdk.events._brokers import DEFAULT_PORT, Broker, BrokerAuth, resolve_brokers
from fts3sdk.events._errors import BrokerUnavailable
from fts3sdk.events._parse import Event, format_body
from fts3sdk.events._stomp import open_connection, stomp_connection, stop_connection

__all__ = ["EventPublisher"]

TTL_HOURS = 24


class _Receipts:
    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.seen: set[str] = set()
        self.error: str | None = None

    def on_receipt(self, frame: Any) -> None:
        with self.condition:
            self.seen.add(frame.headers.get("receipt-id", ""))
            self.condition.notify_all()

    def on_error(self, frame: Any) -> None:
        with self.condition:
            self.error = str(frame.headers.get("message", "error"))
            self.condition.notify_all()


class EventPublisher:
    """Publish messages the way ``fts_activemq`` does: the body of `format_body`, one broker after another.

    Destinations are FTS's defaults (``topic=False``: queues) unless given; state changes carry the STOMP
    header ``vo``; start, completion and state messages are persistent, optimizer decisions not, all with
    FTS's 24-hour time to live. A broker that fails is reconnected once, else dropped from the rotation.
    `publish` with ``confirm=True`` (and `flush`) wait until the broker has the message.
    """

    def __init__(
        self,
        brokers: str | Broker | Sequence[str | Broker],
        *,
        auth: BrokerAuth | None = None,
        topic: bool = True,
        port: int = DEFAULT_PORT,
        timeout: float = 10.0,
    ) -> None:
        self._names = [brokers] if isinstance(brokers, str | Broker) else list(brokers)
        self._auth = auth or BrokerAuth()
        self._topic = topic
        self._port = port
        self._timeout = timeout
        self._lock = threading.Lock()
        self._connections: dict[Broker, tuple[Any, _Receipts]] = {}
        self._turn = itertools.count()
        self._receipt_ids = itertools.count(1)
        self.sent = 0
        """How many messages were published."""

    def _connect(self, broker: Broker) -> tuple[Any, _Receipts]:
        connection = stomp_connection(broker, self._auth, timeout=self._timeout)
        receipts = _Receipts()
        connection.set_listener("fts3sdk", receipts)
        open_connection(connection, broker, self._auth, timeout=self._timeout)
        return connection, receipts

    def _pool(self) -> list[Broker]:
        if not self._connections:
            for broker in resolve_brokers(self._names, default_port=self._port, tls=self._auth.uses_tls):
                self._connections[broker] = self._connect(broker)
        return list(self._connections)

    def destination(self, event: Event) -> str:
        """Where ``event`` goes by default."""
        return event.kind.destination(topic=self._topic)

    def publish(
        self, event: Event | bytes, *, destination: str | None = None, confirm: bool = False, vo: str | None = None
    ) -> None:
        """Send one message (a model, or a ready body with ``destination``) to the next broker in turn.

        Raises `BrokerUnavailable` when no broker takes it.
        """
        if isinstance(event, bytes):
            if destination is None:
                raise ValueError("a raw body needs a destination")
            body, persistent = event, True
        else:
            body, persistent = format_body(event), event.kind.value != "optimizer"
            destination = destination or self.destination(event)
            vo = vo if vo is not None else (getattr(event, "vo_name", None) if event.kind.value == "state" else None)
        headers = {"persistent": "true" if persistent else "false"}
        headers["expires"] = str(int((time.time() + TTL_HOURS * 3600) * 1000))
        if vo:
            headers["vo"] = vo
        with self._lock:
            self._send(body, destination, headers, confirm)
            self.sent += 1

    def _send(self, body: bytes, destination: str, headers: dict[str, str], confirm: bool) -> None:
        failures: list[str] = []
        for _ in range(2 * max(1, len(self._pool()))):
            pool = list(self._connections)
            if not pool:
                break
            broker = pool[next(self._turn) % len(pool)]
            try:
                connection, receipts = self._connections[broker]
                receipt = f"fts3sdk-sent-{next(self._receipt_ids)}" if confirm else None
                frame_headers = headers | ({"receipt": receipt} if receipt else {})
                connection.send(destination, body, content_type="text/plain", headers=frame_headers)
                if receipt is not None:
                    self._wait(receipts, receipt)
                return
            except Exception as exc:  # any failure of that broker: reconnect it or drop it
                failures.append(f"{broker}: {str(exc) or type(exc).__name__}")
                self._reconnect(broker)
        raise BrokerUnavailable("no broker took the message: " + "; ".join(failures[-3:]))

    def _wait(self, receipts: _Receipts, receipt: str) -> None:
        deadline = time.monotonic() + self._timeout
        with receipts.condition:
            while receipt not in receipts.seen:
                if receipts.error is not None:
                    raise OSError(receipts.error)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the broker did not confirm the message")
                receipts.condition.wait(remaining)
            receipts.seen.discard(receipt)

    def _reconnect(self, broker: Broker) -> None:
        connection, _ = self._connections.pop(broker)
        stop_connection(connection)
        with contextlib.suppress(BrokerUnavailable):  # dropped from the rotation
            self._connections[broker] = self._connect(broker)

    def flush(self) -> None:
        """Wait until every broker has everything published so far."""
        with self._lock:
            for connection, receipts in list(self._connections.values()):
                receipt = f"fts3sdk-flush-{next(self._receipt_ids)}"
                connection.send_frame("BEGIN", {"transaction": receipt, "receipt": receipt})
                self._wait(receipts, receipt)
                connection.send_frame("ABORT", {"transaction": receipt})

    def close(self) -> None:
        """Flush, then disconnect from every broker."""
        try:
            self.flush()
        finally:
            with self._lock:
                for connection, _ in self._connections.values():
                    stop_connection(connection)
                self._connections.clear()

    def __enter__(self) -> EventPublisher:
        with self._lock:
            self._pool()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
