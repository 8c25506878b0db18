"""Connections that stay up and come back: heart-beats against slow handlers, silent brokers, durable client ids.

A real ActiveMQ on 127.0.0.1 (started once for the module), and a STOMP stub that answers and then goes silent.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from fts3sdk.events import BrokerUnavailable, EventConsumer, EventKind, EventPublisher, TransferComplete
from fts3sdk.testing._monitoring._activemq import ActiveMQBroker
from tests._broker import AUTH, completion


def publish(broker: ActiveMQBroker, file_ids: range) -> None:
    with EventPublisher([broker.address], auth=AUTH) as publisher:
        for file_id in file_ids:
            publisher.publish(completion(file_id), confirm=True)


def publish_once_running(events: EventConsumer, broker: ActiveMQBroker, file_ids: range) -> threading.Thread:
    """Publish once ``events.run`` waits, so that its handler is called on the thread that receives them."""

    def send() -> None:
        deadline = time.monotonic() + 30
        while events._core._run is None and time.monotonic() < deadline:
            time.sleep(0.01)
        publish(broker, file_ids)

    sender = threading.Thread(target=send)
    sender.start()
    return sender


def test_a_handler_slower_than_the_heartbeats_keeps_the_connection(
    broker: ActiveMQBroker, caplog: pytest.LogCaptureFixture
) -> None:
    # Heart-beats every 0.2 s: stomp.py's own check would drop the connection 0.3 s into the handler,
    # while the receiver thread, busy in it, cannot read them.
    options = {"durable": "slow", "kinds": [EventKind.COMPLETE], "heartbeat": 0.2, "idle_timeout": 5.0}
    calls: list[int] = []

    def slow(event: object) -> None:
        assert isinstance(event, TransferComplete)
        calls.append(event.file_id)
        if len(calls) == 1:
            assert threading.current_thread() is not threading.main_thread(), "on the receiving thread"
            time.sleep(2.0)

    with EventConsumer([broker.address], auth=AUTH, **options) as events:  # type: ignore[arg-type]
        link = events._core._links[0]
        assert link.silence_limit is not None, "the broker agreed to heart-beats"
        generation = link.generation
        sender = publish_once_running(events, broker, range(1, 4))
        assert events.run(slow, limit=3) == 3
        sender.join(30)
        events.idle_timeout = 1.0
        assert events.run(slow) == 0, "nothing delivered again"
        assert link.generation == generation, "never reconnected"
    assert calls == [1, 2, 3]
    assert not [record for record in caplog.records if "heartbeat" in record.getMessage().lower()]


class SilentStomp:
    """A STOMP 'broker' on 127.0.0.1 that accepts, answers CONNECT and SUBSCRIBE, then sends nothing more."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                peer, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(peer,))
            self._threads.append(thread)
            thread.start()

    def _serve(self, peer: socket.socket) -> None:
        peer.settimeout(0.2)
        data = b""
        with peer:
            while not self._stop.is_set():
                try:
                    chunk = peer.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
                while b"\x00" in data:
                    frame, _, data = data.partition(b"\x00")
                    self._answer(peer, frame.lstrip(b"\r\n").decode())

    @staticmethod
    def _answer(peer: socket.socket, frame: str) -> None:
        command, _, rest = frame.partition("\n")
        headers = dict(line.split(":", 1) for line in rest.split("\n\n", 1)[0].splitlines() if ":" in line)
        if command in ("CONNECT", "STOMP"):
            peer.sendall(b"CONNECTED\nversion:1.2\nheart-beat:100,100\n\n\x00")
        elif "receipt" in headers:
            peer.sendall(f"RECEIPT\nreceipt-id:{headers['receipt']}\n\n\x00".encode())

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(10)
        self.server.close()


def test_a_silent_broker_is_noticed_and_connected_again() -> None:
    stub = SilentStomp()
    try:
        with EventConsumer([f"127.0.0.1:{stub.port}"], heartbeat=0.1) as events:
            assert events.connected
            deadline = time.monotonic() + 20
            while stub.connections < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        assert stub.connections >= 2, "no heart-beat for 0.2 s: dropped and connected again"
    finally:
        stub.close()


def test_close_from_a_handler_over_a_real_broker(broker: ActiveMQBroker) -> None:
    handled: list[int] = []
    result: list[int] = []

    def consume() -> None:
        options = {"durable": "close-inside", "kinds": [EventKind.COMPLETE], "idle_timeout": 10.0}
        with EventConsumer([broker.address], auth=AUTH, **options) as events:  # type: ignore[arg-type]

            def handler(event: object) -> None:
                assert isinstance(event, TransferComplete)
                handled.append(event.file_id)
                assert threading.current_thread() is not worker, "on the receiving thread"
                if len(handled) == 2:
                    events.close()  # on stomp.py's receiver thread, which cannot wait for its own end

            sender = publish_once_running(events, broker, range(1, 6))
            result.append(events.run(handler))
            sender.join(30)

    worker = threading.Thread(target=consume)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "close() from inside the handler returned"
    assert result == [2]
    assert handled == [1, 2]


def test_a_durable_client_id_still_connected_is_asked_again_until_free(broker: ActiveMQBroker) -> None:
    # ActiveMQ refuses a second connection with a client id it holds ("already connected"), as it does
    # for a restarted consumer before it noticed the old connection went: retried with backoff, not fatal.
    options = {"durable": "taken", "kinds": [EventKind.COMPLETE], "idle_timeout": 5.0, "connect_timeout": 20.0}
    first = EventConsumer([broker.address], auth=AUTH, **options)  # type: ignore[arg-type]
    first.start()
    closer = threading.Timer(1.5, first.close)
    closer.start()
    try:
        started = time.monotonic()
        with EventConsumer([broker.address], auth=AUTH, **options) as second:  # type: ignore[arg-type]
            assert second.connected == [broker.address]
            assert time.monotonic() - started >= 1.0, "it waited for the first to let the client id go"
            publish(broker, range(1, 3))
            assert [event.file_id for event in second if isinstance(event, TransferComplete)] == [1, 2]
    finally:
        closer.join(30)
        first.close()


def test_a_client_id_held_for_good_fails_after_the_connect_timeout(broker: ActiveMQBroker) -> None:
    options = {"durable": "held", "kinds": [EventKind.COMPLETE], "connect_timeout": 1.5}
    holder = EventConsumer([broker.address], auth=AUTH, **options)  # type: ignore[arg-type]
    with holder, pytest.raises(BrokerUnavailable, match="already connected"):
        EventConsumer([broker.address], auth=AUTH, **options).start()  # type: ignore[arg-type]
