"""(f) FTS monitoring messages: parse+validate rate against json.loads; end to end through a real ActiveMQ.

The floors of the end-to-end runs are raw stomp.py with json.loads on the same broker, subscription kind
and bodies, in the same acknowledgement mode as the consumer they are compared with: one acknowledgement
per message (``client-individual``), or a cumulative one (``client``) every 100 messages.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._harness import Measurement, Report, Target, interleaved_medians, median_seconds
from fts3sdk.events import EventConsumer, EventKind, EventPublisher, TransferComplete, format_body, parse_event
from fts3sdk.events._delivery import AckMode
from fts3sdk.testing._monitoring._activemq import THROUGHPUT, ActiveMQBroker, BrokerNotInstalled, find_activemq
from tests import event_bodies as bodies

DESTINATION = EventKind.COMPLETE.destination(topic=False)


def _bodies(count: int) -> list[bytes]:
    return [
        format_body(bodies.complete() | {"file_id": n, "tr_timestamp_start": 1755786720123 + n}) for n in range(count)
    ]


def _parsing(report: Report, quick: bool) -> None:
    messages = _bodies(2_000)
    runs = 3 if quick else 7
    actions: dict[str, Callable[[], object]] = {
        "floor": lambda: [json.loads(body) for body in messages],
        "typed": lambda: [parse_event(body, destination=DESTINATION) for body in messages],
        "guessed": lambda: [parse_event(body) for body in messages],
    }
    medians = interleaved_medians(
        {name: functools.partial(median_seconds, action, 1) for name, action in actions.items()}, runs
    )
    floor, typed, guessed = medians["floor"], medians["typed"], medians["guessed"]
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


def _raw_consume(broker: ActiveMQBroker, count: int, ack: str) -> tuple[float, float]:
    """Wall and CPU seconds of raw stomp.py + json.loads: one ack per message, or cumulative every 100."""
    import stomp  # type: ignore[import-untyped]

    done = threading.Event()
    seen = [0]
    every = 1 if ack == "client-individual" else 100

    class Listener(stomp.ConnectionListener):  # type: ignore[misc]
        def on_message(self, frame: Any) -> None:
            json.loads(frame.body)
            seen[0] += 1
            if seen[0] % every == 0 or seen[0] >= count:
                connection.ack(frame.headers["ack"])
            if seen[0] >= count:
                done.set()

    connection = stomp.Connection12([("127.0.0.1", broker.port)], auto_decode=False)
    connection.set_listener("raw", Listener())
    started, cpu = time.perf_counter(), time.process_time()
    connection.connect(wait=True)
    connection.subscribe(DESTINATION, id="raw", ack=ack, headers={"activemq.prefetchSize": "1000"})
    done.wait(120)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    connection.disconnect()
    return elapsed, used


def _sdk_consume(broker: ActiveMQBroker, count: int, ack: AckMode, *, iterate: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of EventConsumer.run (or its iterator) with a handler that does nothing.

    Timed like the floor: from before connecting to the last message handled (closing is not timed).
    """
    consumer = EventConsumer([broker.address], destinations=[DESTINATION], idle_timeout=30, ack=ack)
    started, cpu = time.perf_counter(), time.process_time()
    with consumer:
        if iterate:
            for seen, _ in enumerate(consumer, 1):
                if seen >= count:
                    break
        else:
            consumer.run(lambda event: None, limit=count)
        elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, used


def _throughput(report: Report, broker: ActiveMQBroker, count: int, rounds: int) -> None:
    messages = _bodies(count)
    floor_each, sdk_each = "stomp.py + json.loads, per-message acks (floor)", "EventConsumer.run, per-message acks"
    floor_cumulative, sdk_cumulative = (
        "stomp.py + json.loads, cumulative acks (floor)",
        "EventConsumer.run (default acks)",
    )
    sdk_loop = "for event in EventConsumer (default acks)"
    contenders: dict[str, Callable[[], tuple[float, float]]] = {
        floor_each: lambda: _raw_consume(broker, count, "client-individual"),
        sdk_each: lambda: _sdk_consume(broker, count, "individual"),
        floor_cumulative: lambda: _raw_consume(broker, count, "client"),
        sdk_cumulative: lambda: _sdk_consume(broker, count, "cumulative"),
        sdk_loop: lambda: _sdk_consume(broker, count, "cumulative", iterate=True),
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    loads = [os.getloadavg()[0]]
    for round_ in range(rounds + 1):  # interleaved, so that a noisy neighbour hurts every contender alike
        for name, consume in contenders.items():
            _fill(broker, messages)
            measured = consume()
            if round_:  # the first round warms the broker's JIT compilers up
                runs[name].append(measured)
        loads.append(os.getloadavg()[0])
    wall = {name: statistics.median(w for w, _ in times) for name, times in runs.items()}
    cpu = {name: statistics.median(c for _, c in times) for name, times in runs.items()}
    benchmark = f"{count:,} completions consumed with acks"
    for name in contenders:
        note = f"{count / wall[name]:,.0f} msg/s, {cpu[name] / count * 1e6:.0f} us CPU/msg"
        if name == sdk_loop:
            note += f", {wall[name] / wall[floor_cumulative]:.2f}x the floor"
        report.measurements.append(Measurement(benchmark, name, wall[name], rounds, count, note=note))
    rate = count / wall[sdk_cumulative]
    report.targets += [
        Target("completions consumed per second (run, default cumulative acks)", rate, 5000, False, "", "msg/s"),
        Target("EventConsumer.run vs floor, cumulative acks", wall[sdk_cumulative] / wall[floor_cumulative], 1.3, True),
        Target("EventConsumer.run vs floor, per-message acks", wall[sdk_each] / wall[floor_each], 1.3, True),
    ]
    report.notes.append(
        f"Events throughput: {rounds} interleaved rounds after a warm-up one; 1-minute load average "
        f"{min(loads):.1f} to {max(loads):.1f} on the {os.cpu_count()} cores during them."
    )


def _produce(address: str, rate: int, total: int) -> None:
    """Publish ``total`` completions at ``rate`` a second, each stamped with the time it was made."""
    with EventPublisher([address]) as publisher:
        start = time.perf_counter()
        for n in range(total):
            while time.perf_counter() < start + n / rate:
                time.sleep(0.0002)
            event = TransferComplete.model_validate(bodies.complete() | {"file_id": n, "zz_sent": time.time()})
            publisher.publish(event)


def _producer(address: str, rate: int, total: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "benchmarks.events", "produce", address, str(rate), str(total)]
    return subprocess.Popen(command, cwd=Path(__file__).resolve().parent.parent)


def _latency(broker: ActiveMQBroker, rate: int, seconds: float) -> list[float]:
    """Publish-to-handler delays: the producer is another process, as FTS is another machine."""
    delays: list[float] = []
    total = int(rate * seconds)
    with EventConsumer([broker.address], kinds=[EventKind.COMPLETE], idle_timeout=10) as consumer:
        producer = _producer(broker.address, rate, total)

        def handle(event: Any) -> None:
            delays.append(time.time() - event.model_extra["zz_sent"])

        try:
            consumer.run(handle, limit=total)
        finally:
            producer.wait(60)
    return sorted(delays)


def _raw_latency(broker: ActiveMQBroker, rate: int, seconds: float) -> list[float]:
    """The same delays through raw stomp.py + json.loads: what the broker and the producer cost alone."""
    import stomp

    delays: list[float] = []
    total = int(rate * seconds)
    done = threading.Event()

    class Listener(stomp.ConnectionListener):  # type: ignore[misc]
        def on_message(self, frame: Any) -> None:
            delays.append(time.time() - json.loads(frame.body)["zz_sent"])
            if len(delays) % 100 == 0 or len(delays) >= total:
                connection.ack(frame.headers["ack"])
            if len(delays) >= total:
                done.set()

    connection = stomp.Connection12([("127.0.0.1", broker.port)], auto_decode=False)
    connection.set_listener("raw", Listener())
    connection.connect(wait=True)
    connection.subscribe(EventKind.COMPLETE.destination(), id="raw", ack="client",
                         headers={"activemq.prefetchSize": "1000", "receipt": "raw"})  # fmt: skip
    time.sleep(0.5)  # the subscription is in place before the first message
    producer = _producer(broker.address, rate, total)
    try:
        done.wait(seconds + 60)
    finally:
        producer.wait(60)
        connection.disconnect()
    return sorted(delays)


def _percentiles(delays: list[float]) -> tuple[float, float]:
    """The p99 and the median, in milliseconds."""
    return delays[int(len(delays) * 0.99) - 1] * 1000, delays[len(delays) // 2] * 1000


def run(report: Report, *, quick: bool) -> None:
    """Measure (f): parsing, then throughput with acknowledgements and latency through ActiveMQ on loopback."""
    _parsing(report, quick)
    try:
        find_activemq()
    except BrokerNotInstalled as exc:
        report.notes.append(f"Event broker benchmarks skipped: {exc}.")
        return
    count = 5_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as directory:
        # The JVM's own defaults (both JIT compilers), as a production broker runs, not the tests' quick start.
        broker = ActiveMQBroker(Path(directory), heap_mb=512, java_options=THROUGHPUT)
        with broker:
            _throughput(report, broker, count, 1 if quick else 5)
            seconds = 3.0 if quick else 10.0
            floor_p99, floor_median = _percentiles(_raw_latency(broker, 1000, seconds))
            p99, median = _percentiles(_latency(broker, 1000, seconds))
        benchmark = f"publish-to-handler delay, 1,000 msg/s for {seconds:.0f} s (median)"
        for contender, (its_p99, its_median) in (
            ("stomp.py + json.loads (floor), run first", (floor_p99, floor_median)),
            ("EventConsumer.run", (p99, median)),
        ):
            report.measurements.append(
                Measurement(benchmark, contender, its_median / 1000, 1, note=f"p99 {its_p99:.1f} ms")
            )
        report.targets.append(
            Target("p99 publish-to-handler at 1,000 msg/s", p99, 50, True, f"median {median:.1f} ms", "ms")
        )


if __name__ == "__main__":
    from benchmarks._harness import machine, table

    if sys.argv[1:2] == ["produce"]:
        _produce(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        events_report = Report()
        run(events_report, quick="--quick" in sys.argv)
        print(f"{machine()}\n\n{table(events_report)}")
