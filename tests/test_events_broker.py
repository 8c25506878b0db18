"""The consumer and the fake's messages through a real ActiveMQ broker on 127.0.0.1 (started once per module)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from fts3sdk import Client
from fts3sdk.events import (
    AsyncEventConsumer,
    BrokerAuth,
    BrokerUnavailable,
    EventConsumer,
    EventKind,
    EventPublisher,
    FileStateChange,
    TransferComplete,
    TransferStart,
    format_body,
)
from fts3sdk.models.submit import JobSpec, Transfer
from fts3sdk.testing import FakeFTS, IssuedCertificate, ThrowawayPKI
from fts3sdk.testing._monitoring._activemq import ActiveMQBroker
from fts3sdk.testing._server._wire import WireRequest, WireResponse
from tests import event_bodies as bodies
from tests._broker import AUTH, USERS, completion

SRC, DST = "https://src.example.org/data/f1", "davs://dst.example.org/data/f1"


def consumer(broker: ActiveMQBroker, **options: object) -> EventConsumer:
    options.setdefault("idle_timeout", 3.0)
    return EventConsumer([broker.address], auth=AUTH, **options)  # type: ignore[arg-type]


def test_round_trip_fake_broker_consumer(broker: ActiveMQBroker, alice: IssuedCertificate) -> None:
    with consumer(broker, durable="round-trip") as events, EventPublisher([broker.address], auth=AUTH) as publisher:
        fake = FakeFTS(events=publisher)
        fake.add_delegation()
        with Client("https://fts3.example.org:8446", cert=alice.cert_path, key=alice.key_path,
                    transport=fake.transport()) as client:  # fmt: skip
            spec = JobSpec(transfers=[Transfer(sources=[SRC], destinations=[DST])], job_metadata={"issuer": "test"})
            job_id = client.jobs.submit(spec)
        fake.run(job_id)
        publisher.flush()
        assert fake.events is not None
        sent = fake.events.events
        received = [event for _, event in zip(range(len(sent)), events, strict=False)]
    assert sorted(map(format_body, received)) == sorted(map(format_body, sent)), "field for field, as published"
    kinds = Counter(event.kind for event in received)
    assert kinds == {EventKind.START: 1, EventKind.COMPLETE: 1, EventKind.STATE: 2}
    done = next(event for event in received if isinstance(event, TransferComplete))
    assert done.job_id == job_id
    assert done.succeeded
    assert done.job_metadata["issuer"] == "test"
    start = next(event for event in received if isinstance(event, TransferStart))
    assert (start.job_id, start.file_id) == (done.job_id, done.file_id)


@pytest.mark.parametrize("ack", ["cumulative", "individual"])
def test_handler_exception_redelivers(broker: ActiveMQBroker, ack: str) -> None:
    publisher = EventPublisher([broker.address], auth=AUTH)
    with publisher, consumer(broker, durable=f"handler-fails-{ack}", kinds=[EventKind.COMPLETE], ack=ack) as events:
        for file_id in (1, 2, 3):
            publisher.publish(completion(file_id), confirm=True)
        seen: list[int] = []

        def handler(event: object) -> None:
            assert isinstance(event, TransferComplete)
            seen.append(event.file_id)
            if event.file_id == 2 and seen.count(2) == 1:
                raise RuntimeError("handler failed")

        with pytest.raises(RuntimeError, match="handler failed"):
            events.run(handler)
        events.run(handler, limit=2)
    assert seen[:2] == [1, 2]
    assert sorted(seen[2:]) == [2, 3], "the failed message came again, the handled one did not"


@pytest.mark.parametrize("ack", ["cumulative", "individual"])
def test_process_dies_unacknowledged_messages_come_back(broker: ActiveMQBroker, ack: str) -> None:
    with EventPublisher([broker.address], auth=AUTH) as publisher:
        with consumer(broker, durable=f"dies-{ack}", kinds=[EventKind.COMPLETE], ack=ack) as events:
            for file_id in range(10, 15):
                publisher.publish(completion(file_id), confirm=True)
            for event in events:
                assert isinstance(event, TransferComplete)
                if event.file_id == 12:
                    break  # like a crash while handling 12: it is not acknowledged
        with consumer(broker, durable=f"dies-{ack}", kinds=[EventKind.COMPLETE], idle_timeout=2.0) as again:
            left = [event.file_id for event in again if isinstance(event, TransferComplete)]
    assert left == [12, 13, 14]


def test_acknowledged_within_the_interval_when_no_batch_fills(broker: ActiveMQBroker) -> None:
    options = {"durable": "interval", "kinds": [EventKind.COMPLETE], "ack_every": 1000, "ack_interval": 0.1}
    with EventPublisher([broker.address], auth=AUTH) as publisher:
        with consumer(broker, **options) as events:
            for file_id in (1, 2, 3):
                publisher.publish(completion(file_id), confirm=True)
            assert events.run(lambda event: None, limit=3) == 3
            link = events._core._links[0]
            deadline = time.monotonic() + 10
            while link._acks._held and time.monotonic() < deadline:
                time.sleep(0.02)
            link._acks.discard()  # as a crash now would: whatever was still held back is lost
        with consumer(broker, **options, idle_timeout=2.0) as again:
            assert list(again) == [], "acknowledged by time, with no batch filled and before any close"


@pytest.mark.anyio
async def test_skipped_frames_do_not_acknowledge_unhandled_messages_before_them(broker: ActiveMQBroker) -> None:
    # With cumulative acks a filtered-out frame acknowledged at once would acknowledge the message before it.
    options: dict[str, object] = {"durable": "skips", "kinds": ["complete"], "vo": "atlas", "idle_timeout": 3.0}
    cms = TransferComplete.model_validate(bodies.complete() | {"vo": "cms", "file_id": 2})
    async with AsyncEventConsumer([broker.address], auth=AUTH, **options) as events:  # type: ignore[arg-type]
        with EventPublisher([broker.address], auth=AUTH) as publisher:
            for event in (completion(1), cms, completion(3)):
                publisher.publish(event, confirm=True)
        deadline = time.monotonic() + 10
        while len(events._core._buffer) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)  # all three in the first batch

        def fail(event: object) -> None:
            raise RuntimeError("handler failed")

        with pytest.raises(RuntimeError):
            await events.run(fail)
    async with AsyncEventConsumer([broker.address], auth=AUTH, **options) as again:  # type: ignore[arg-type]
        got = [event.file_id async for event in again if isinstance(event, TransferComplete)]
    assert got == [1, 3]


def test_broker_restart_loses_and_duplicates_nothing(broker: ActiveMQBroker) -> None:
    received: list[int] = []
    total = 300
    with consumer(broker, durable="restart", kinds=[EventKind.COMPLETE], idle_timeout=20.0) as events:
        publisher = EventPublisher([broker.address], auth=AUTH)
        for file_id in range(total // 2):
            publisher.publish(completion(100 + file_id), confirm=True)
        for delivery in events.deliveries():
            assert isinstance(delivery.event, TransferComplete)
            received.append(delivery.event.file_id)
            if len(received) == 40:
                broker.restart()
                publisher = EventPublisher([broker.address], auth=AUTH)
                for file_id in range(total // 2, total):
                    publisher.publish(completion(100 + file_id), confirm=True)
                publisher.close()
            if len(received) >= total:
                break
    assert sorted(received) == list(range(100, 100 + total)), "nothing lost, nothing twice"


@pytest.mark.slow
def test_thousand_jobs_of_ten_files_every_completion_once(broker: ActiveMQBroker) -> None:
    options = {"durable": "thousand", "kinds": [EventKind.COMPLETE], "idle_timeout": 30.0}
    with consumer(broker, **options) as events, EventPublisher([broker.address], auth=AUTH) as publisher:
        fake = FakeFTS(events=publisher, auto_batch=10)
        files = [
            {"sources": [f"https://src.example.org/d/{n}"], "destinations": [f"davs://dst.example.org/d/{n}"]}
            for n in range(10)
        ]
        jobs = [fake.submit({"files": files}) for _ in range(1000)]
        producer = threading.Thread(target=lambda: [fake.run(job) for job in jobs])
        producer.start()
        counts: Counter[tuple[str, int]] = Counter()
        deadline = time.monotonic() + 300
        for event in events:
            assert isinstance(event, TransferComplete)
            counts[(event.job_id, event.file_id)] += 1
            if len(counts) == 10_000 or time.monotonic() > deadline:
                break
        producer.join(60)
    assert len(counts) == 10_000
    assert set(counts.values()) == {1}
    assert {job for job, _ in counts} == set(jobs)


def test_filters_by_vo_job_and_state(broker: ActiveMQBroker) -> None:
    other = TransferComplete.model_validate(bodies.complete() | {"vo": "cms", "file_id": 7})
    failed = TransferComplete.model_validate(bodies.complete_failed() | {"file_id": 8})
    state = FileStateChange.model_validate(bodies.state() | {"file_id": 9, "file_state": "FAILED"})
    with consumer(broker, vo="atlas", state=["failed"], idle_timeout=2.0) as events:
        with EventPublisher([broker.address], auth=AUTH) as publisher:
            for event in (other, failed, completion(10), state):
                publisher.publish(event, confirm=True)
        got = [(event.kind, getattr(event, "file_id", None)) for event in events]
    assert sorted(got) == [(EventKind.COMPLETE, 8), (EventKind.STATE, 9)]


def test_invalid_frames_are_skipped(broker: ActiveMQBroker) -> None:
    destination = EventKind.COMPLETE.destination()
    with consumer(broker, kinds=[EventKind.COMPLETE], idle_timeout=2.0) as events:
        with EventPublisher([broker.address], auth=AUTH) as publisher:
            publisher.publish(b"garbage\x04", destination=destination, confirm=True)
            publisher.publish(completion(5), confirm=True)
        got = list(events)
        assert events.invalid == 1
    assert [getattr(event, "file_id", None) for event in got] == [5]


def test_two_brokers_each_with_a_share(broker: ActiveMQBroker, tmp_path: Path) -> None:
    with ActiveMQBroker(tmp_path / "second", users=USERS) as second:
        names = [broker.address, second.address]
        with EventConsumer(names, auth=AUTH, kinds=["complete"], idle_timeout=3.0) as events:
            assert len(events.connected) == 2
            with EventPublisher(names, auth=AUTH) as publisher:
                for file_id in range(20):
                    publisher.publish(completion(1000 + file_id), confirm=True)
            brokers: Counter[str] = Counter()
            for delivery in events.deliveries():
                brokers[delivery.broker] += 1
    assert sum(brokers.values()) == 20
    assert len(brokers) == 2, "round robin: each broker had a share"


def test_wrong_password_is_broker_unavailable(broker: ActiveMQBroker) -> None:
    with pytest.raises(BrokerUnavailable) as caught:
        EventConsumer([broker.address], auth=BrokerAuth(username="fts", password="wrong")).start()
    assert "wrong" not in str(caught.value)
    assert broker.address in str(caught.value)


@pytest.mark.anyio
async def test_async_consumer(broker: ActiveMQBroker) -> None:
    async with AsyncEventConsumer([broker.address], auth=AUTH, kinds=["complete"], idle_timeout=2.0) as events:
        with EventPublisher([broker.address], auth=AUTH) as publisher:
            for file_id in range(30):
                publisher.publish(completion(2000 + file_id), confirm=True)
        got = [event.file_id async for event in events if isinstance(event, TransferComplete)]
    assert got == list(range(2000, 2030))


def _events_command_while_publishing(
    broker: ActiveMQBroker, send: Callable[[EventPublisher], None], *options: str
) -> int:
    """Run ``fts3sdk events ... --kind complete --count 2 OPTIONS`` while ``send`` publishes, once it listens."""
    from fts3sdk.cli._app import run

    with EventPublisher([broker.address], auth=AUTH) as publisher:
        sender = threading.Timer(1.5, send, args=(publisher,))
        sender.start()
        code = run(["events", "--broker", broker.address, "--broker-user", "fts", "--broker-password", "s3cret",
                    "--kind", "complete", *options, "--count", "2", "--idle", "20"])  # fmt: skip
        sender.join()
    return code


def test_cli_events_json_lines(broker: ActiveMQBroker, capsys: pytest.CaptureFixture[str]) -> None:
    def send(publisher: EventPublisher) -> None:
        for n in (1, 2):
            publisher.publish(completion(n), confirm=True)

    code = _events_command_while_publishing(broker, send, "--json")
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"]["file_id"] for line in lines] == [1, 2]
    assert {line["kind"] for line in lines} == {"complete"}
    assert lines[0]["event"]["tr_timestamp_start"] == "2025-08-21T14:32:00.123000Z", "ISO 8601 UTC, as the CLI's JSON"
    assert lines[0]["event"]["time_srm_prep_st"] is None, "sent as 0: did not happen"
    assert lines[0]["event"]["srm_preparation_time"] == completion(1).srm_preparation_time


def test_cli_events_raw_bodies(broker: ActiveMQBroker, capsys: pytest.CaptureFixture[str]) -> None:
    from fts3sdk.cli._app import run

    sent = [format_body(completion(1)), format_body(bodies.complete() | {"file_id": 2}, trailer=b"\x04")]

    def send(publisher: EventPublisher) -> None:
        for body in sent:
            publisher.publish(body, destination=EventKind.COMPLETE.destination(), confirm=True)

    code = _events_command_while_publishing(broker, send, "--raw")
    assert code == 0
    assert b"\n" in sent[0], "FTS pretty-prints its bodies over several lines"
    assert capsys.readouterr().out.splitlines() == [body.decode().replace("\n", "") for body in sent]
    assert run(["events", "--broker", broker.address, "--json", "--raw"]) == 2
    assert "--json and --raw" in capsys.readouterr().err


def test_cli_events_errors(broker: ActiveMQBroker, capsys: pytest.CaptureFixture[str]) -> None:
    from fts3sdk.cli._app import run

    assert run(["events"]) == 2
    assert "no broker" in capsys.readouterr().err
    assert run(["events", "--broker", broker.address, "--broker-user", "fts", "--broker-password", "bad"]) == 6
    err = capsys.readouterr().err
    assert err.count("error:") == 1
    assert "bad" not in err


class CountingFake(FakeFTS):
    """A fake that counts the job reads it answers."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.reads = 0
        self.first_read = threading.Event()

    def handle(self, request: WireRequest) -> WireResponse:
        if request.method == "GET" and request.path.startswith("/jobs/"):
            self.reads += 1
            self.first_read.set()
        return super().handle(request)


def test_cli_status_watch_events_over_https(
    broker: ActiveMQBroker, pki: ThrowawayPKI, alice: IssuedCertificate, capsys: pytest.CaptureFixture[str]
) -> None:
    from fts3sdk.cli._app import run

    files = [{"sources": [f"{SRC}{n}"], "destinations": [f"{DST}{n}"]} for n in (1, 2)]
    with EventPublisher([broker.address], auth=AUTH) as publisher:
        fake = CountingFake(events=publisher, pki=pki)
        job_id = fake.submit({"files": files})

        def progress() -> None:
            if fake.first_read.wait(60):  # the watcher subscribed before it read the job
                fake.start(job_id)
                time.sleep(0.5)
                fake.finish(job_id)

        mover = threading.Thread(target=progress)
        with fake.serve_https() as server:
            mover.start()
            code = run([
                "status", job_id, "--watch", "--events", "--interval", "600", "--max-wait", "120", "--json",
                "-s", server.url, "--cert", str(alice.cert_path), "--key", str(alice.key_path),
                "--capath", str(pki.ca_path),
                "--broker", broker.address, "--broker-user", "fts", "--broker-password", "s3cret",
            ])  # fmt: skip
            mover.join(60)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["job_state"] == "FINISHED", "the final report is the server's"
    assert f"{job_id} ACTIVE 0/2 done ACTIVE=2" in err, "the display moved with the messages"
    assert "polling" not in err
    assert fake.reads == 2, "read once at the start and once at the end: no polling in between"


def test_cli_status_watch_events_without_broker_polls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fts3sdk.cli._app import run

    monkeypatch.delenv("FTS3_BROKERS", raising=False)
    fake = FakeFTS(auto_progress=0.01)
    job_id = fake.submit({"files": [{"sources": [SRC], "destinations": [DST]}]})
    code = run(["status", job_id, "--watch", "--events", "--interval", "0.05", "-s", "https://fts3.example.org:8446"],
               transport=fake.transport())  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "no broker configured (--broker or FTS3_BROKERS): polling every 0.05 s" in out + err
    assert "FINISHED" in out


def test_cli_status_watch_events_unreachable_broker_polls(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from fts3sdk.cli._app import run

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens there once closed
    fake = FakeFTS(auto_progress=0.01)
    job_id = fake.submit({"files": [{"sources": [SRC], "destinations": [DST]}]})
    code = run(["status", job_id, "--watch", "--events", "--interval", "0.05", "-s", "https://fts3.example.org:8446",
                "--broker", f"127.0.0.1:{port}"], transport=fake.transport())  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = [line for line in (out + err).splitlines() if "polling every 0.05 s instead" in line]
    assert len(lines) == 1
    assert f"127.0.0.1:{port}" in lines[0]
