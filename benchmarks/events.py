"""(f) FTS monitoring messages: parse+validate rate against json.loads; end to end through a real ActiveMQ.

The floor of the end-to-end runs is raw stomp.py with json.loads and one acknowledgement per message, on
the same broker, subscription kind and bodies.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks._harness import Measurement, Report, Target, median_seconds
from fts3sdk.events import EventConsumer, EventKind, EventPublisher, TransferComplete, format_body, parse_event
from fts3sdk.testing._activemq import ActiveMQBroker, BrokerNotInstalled, find_activemq
from tests import event_bodies as bodies

DESTINATION = EventKind.COMPLETE.destination(topic=False)


def _bodies(count: int) -> list[bytes]:
    return [
        format_body(bodies.complete() | {"file_id": n, "tr_timestamp_start": 1755786720123 + n}) for n in range(count)
    ]


def _parsing(report: Report, quick: bool) -> None:
    messages = _bodies(2_000)
    runs = 3 if quick else 7
    floor = median_seconds(lambda: [json.loads(body) for body in messages], runs)
    typed = median_seconds(lambda: [parse_event(body, destination=DESTINATION) for body in messages], runs)
    guessed = median_seconds(lambda: [parse_event(body) for body in messages], runs)
    name = "2,000 completion bodies"
    for contender, seconds in (
        ("json.loads", floor),
        ("parse_event (destination)", typed),
        ("parse_event (keys)", guessed),
    ):
        report.measurements.append(Measurement(name, contender, seconds, runs, len(messages)))
    report.targets.append(Target("completion parse+validate vs json.loads", typed / floor, 3.0, True,
                                 "parse_event with the destination known, as the consumer calls it"))  # fmt: skip
    report.targets.append(Target("completion parse (kind from keys) vs json.loads", guessed / floor, 3.0, True))


def _fill(broker: ActiveMQBroker, messages: list[bytes]) -> None:
    with EventPublisher([broker.address], topic=False) as publisher:
        for body in messages:
            publisher.publish(body, destination=DESTINATION)


def _raw_consume(broker: ActiveMQBroker, count: int) -> float:
    import stomp  # type: ignore[import-untyped]

    done = threading.Event()
    seen = [0]

    class Listener(stomp.ConnectionListener):  # type: ignore[misc]
        def on_message(self, frame: Any) -> None:
            json.loads(frame.body)
            connection.ack(frame.headers["ack"])
            seen[0] += 1
            if seen[0] >= count:
                done.set()

    connection = stomp.Connection12([("127.0.0.1", broker.port)], auto_decode=False)
    connection.set_listener("raw", Listener())
    started = time.perf_counter()
    connection.connect(wait=True)
    connection.subscribe(DESTINATION, id="raw", ack="client-individual", headers={"activemq.prefetchSize": "1000"})
    done.wait(120)
    elapsed = time.perf_counter() - started
    connection.disconnect()
    return elapsed


def _sdk_consume(broker: ActiveMQBroker, count: int) -> float:
    started = time.perf_counter()
    with EventConsumer([broker.address], destinations=[DESTINATION], idle_timeout=30) as consumer:
        consumer.run(lambda event: None, limit=count)
    return time.perf_counter() - started


def _latency(broker: ActiveMQBroker, rate: int, seconds: float) -> list[float]:
    delays: list[float] = []
    total = int(rate * seconds)
    with EventConsumer([broker.address], kinds=[EventKind.COMPLETE], idle_timeout=10) as consumer:

        def produce() -> None:
            with EventPublisher([broker.address]) as publisher:
                start = time.perf_counter()
                for n in range(total):
                    while time.perf_counter() < start + n / rate:
                        time.sleep(0.0002)
                    event = TransferComplete.model_validate(bodies.complete() | {"file_id": n, "zz_sent": time.time()})
                    publisher.publish(event)

        producer = threading.Thread(target=produce)
        producer.start()

        def handle(event: Any) -> None:
            delays.append(time.time() - event.model_extra["zz_sent"])

        consumer.run(handle, limit=total)
        producer.join(60)
    return sorted(delays)


def run(report: Report, *, quick: bool) -> None:
    """Measure (f): parsing, then throughput with acknowledgements and latency through ActiveMQ on loopback."""
    _parsing(report, quick)
    try:
        find_activemq()
    except BrokerNotInstalled as exc:
        report.notes.append(f"Event broker benchmarks skipped: {exc}.")
        return
    count = 5_000 if quick else 20_000
    messages = _bodies(count)
    with tempfile.TemporaryDirectory() as directory, ActiveMQBroker(Path(directory), heap_mb=512) as broker:
        _fill(broker, messages)
        raw = _raw_consume(broker, count)
        _fill(broker, messages)
        sdk = _sdk_consume(broker, count)
        name = f"{count:,} completions consumed with acks"
        report.measurements.append(Measurement(name, "stomp.py + json.loads (floor)", raw, 1, count))
        report.measurements.append(Measurement(name, "EventConsumer", sdk, 1, count))
        report.targets.append(Target("completions consumed per second", count / sdk, 5000, False, "", "msg/s"))
        report.targets.append(Target("EventConsumer vs raw stomp.py + json.loads", sdk / raw, 1.3, True))
        delays = _latency(broker, 1000, 3.0 if quick else 10.0)
        p99 = delays[int(len(delays) * 0.99) - 1] * 1000
        report.targets.append(
            Target(
                "p99 publish-to-handler at 1,000 msg/s",
                p99,
                50,
                True,
                f"median {delays[len(delays) // 2] * 1000:.1f} ms",
                "ms",
            )
        )
