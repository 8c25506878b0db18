"""`ConsumerCore.run` calls the handler where frames arrive: one call at a time, in order, settled after it returns.

No broker: frames are fed to the core the way stomp.py's receiver threads do (one thread per link), through
links that record what they acknowledge and hand back.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from fts3sdk.events import EventKind, TransferComplete, format_body
from fts3sdk.events._consumer import _config
from fts3sdk.events._core import ConsumerCore
from fts3sdk.events._link import RawFrame
from tests import event_bodies as bodies

DESTINATION = EventKind.COMPLETE.destination()


class RecordingLink:
    """A link that records the frames settled through it, as a `Link` acknowledges or hands back."""

    def __init__(self, name: str) -> None:
        self.name = self.broker = name
        self.acked: list[int] = []
        self.released: list[int] = []
        self.up = True

    def ack(self, frame: RawFrame) -> None:
        self.acked.append(file_id(frame))

    def release(self, frame: RawFrame) -> None:
        self.released.append(file_id(frame))

    def flush(self, *, due_only: bool = False) -> None:
        pass

    def close(self) -> None:
        self.up = False


def file_id(frame: RawFrame) -> int:
    assert isinstance(frame.event, TransferComplete)
    return frame.event.file_id


def make_frame(link: RecordingLink, number: int) -> RawFrame:
    body = format_body(bodies.complete() | {"file_id": number})
    headers = {"message-id": f"{link.name}-{number}", "destination": DESTINATION, "subscription": "s"}
    return RawFrame(link, 1, headers, body, f"{link.name}-{number}".encode())  # type: ignore[arg-type]


def make_core(**options: Any) -> ConsumerCore:
    settings: dict[str, Any] = {
        "auth": None, "kinds": ["complete"], "destinations": None, "topic": True, "durable": None,
        "client_id": None, "vo": (), "job_id": (), "state": (), "port": 61613, "prefetch": 1000,
        "heartbeat": 10.0, "ack": "cumulative", "ack_every": 100, "ack_interval": 0.1, "connect_timeout": 5.0,
    }  # fmt: skip
    return ConsumerCore(_config("127.0.0.1", **(settings | options)))


def feed(core: ConsumerCore, link: RecordingLink, numbers: range) -> threading.Thread:
    """A receiver thread delivering ``numbers`` through ``link``, as stomp.py's does."""

    def receive() -> None:
        for number in numbers:
            core._receive(make_frame(link, number))

    thread = threading.Thread(target=receive)
    thread.start()
    return thread


def test_one_handler_call_at_a_time_in_each_links_order() -> None:
    core = make_core()
    links = [RecordingLink("a"), RecordingLink("b")]
    before = make_frame(links[0], 0)
    core._receive(before)  # buffered before run: handled first
    overlap = threading.Lock()
    seen: list[tuple[str, int]] = []
    threads: set[int] = set()

    def handler(event: object) -> None:
        assert overlap.acquire(blocking=False), "two handler calls at once"
        try:
            assert isinstance(event, TransferComplete)
            seen.append(("a" if event.file_id < 1000 else "b", event.file_id))
            threads.add(threading.get_ident())
        finally:
            overlap.release()

    feeders = [feed(core, links[0], range(1, 301)), feed(core, links[1], range(1000, 1300))]
    receivers = {thread.ident for thread in feeders}
    assert core.run(handler, limit=601, idle=30.0) == 601
    for thread in feeders:
        thread.join(30)
    for name, link in zip("ab", links, strict=True):
        mine = [number for who, number in seen if who == name]
        assert mine == sorted(mine), "each link's messages in the order they came"
        assert link.acked == mine, "each acknowledged after its handler returned, in order"
    assert len(seen) == len(set(seen)) == 601
    assert seen[0] == ("a", 0)
    assert threads & receivers, "called on the threads the frames arrived on"


def test_handler_exception_hands_the_message_back_and_stops_the_run() -> None:
    core = make_core()
    link = RecordingLink("a")

    def handler(event: object) -> None:
        assert isinstance(event, TransferComplete)
        if event.file_id == 5:
            raise RuntimeError("handler failed")

    feeder = feed(core, link, range(1, 11))
    with pytest.raises(RuntimeError, match="handler failed"):
        core.run(handler, limit=None, idle=30.0)
    feeder.join(30)
    assert link.acked == [1, 2, 3, 4]
    assert link.released == [5]
    rest: list[int] = []
    assert core.run(lambda event: rest.append(event.file_id), limit=5, idle=5.0) == 5  # type: ignore[union-attr]
    assert rest == [6, 7, 8, 9, 10], "what came after the failure waited, in order"


def test_limit_leaves_later_frames_for_the_next_reader() -> None:
    core = make_core()
    link = RecordingLink("a")
    feed(core, link, range(1, 21)).join(30)
    handled: list[int] = []
    assert core.run(lambda event: handled.append(event.file_id), limit=8, idle=5.0) == 8  # type: ignore[union-attr]
    delivery = core.take(5.0)
    assert delivery is not None
    assert isinstance(delivery.event, TransferComplete)
    assert (handled, delivery.event.file_id) == (list(range(1, 9)), 9)


def test_close_from_the_handler_ends_the_run() -> None:
    core = make_core()
    link = RecordingLink("a")
    calls: list[int] = []

    def handler(event: object) -> None:
        assert isinstance(event, TransferComplete)
        calls.append(event.file_id)
        if len(calls) == 3:
            core.close()

    feeder = feed(core, link, range(1, 50))
    assert core.run(handler, limit=None, idle=30.0) == 3
    feeder.join(30)
    assert calls == [1, 2, 3]
    assert core.closed


def test_duplicates_and_filtered_frames_are_settled_without_the_handler() -> None:
    core = make_core(vo="atlas")
    link = RecordingLink("a")
    frames = [make_frame(link, n) for n in (1, 2)]
    cms = RawFrame(link, 1, {"message-id": "cms", "destination": DESTINATION},  # type: ignore[arg-type]
                   format_body(bodies.complete() | {"vo": "cms", "file_id": 3}), b"cms")  # fmt: skip
    copy = RawFrame(link, 1, {"message-id": "other-id", "destination": DESTINATION},  # type: ignore[arg-type]
                    frames[0].body, frames[0].digest)  # fmt: skip
    settled: list[str] = []
    link.ack = lambda frame: settled.append(frame.message_id)  # type: ignore[method-assign]
    handled: list[int] = []
    for frame in (frames[0], cms, copy, frames[1]):
        core._receive(frame)
    assert core.run(lambda event: handled.append(event.file_id), limit=2, idle=5.0) == 2  # type: ignore[union-attr]
    assert handled == [1, 2]
    assert settled == ["a-1", "cms", "other-id", "a-2"], "skipped frames acknowledged in their place"
    assert core.duplicates == 1
