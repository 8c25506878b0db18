"""When the consumer acknowledges: cumulative per subscription after a batch or an interval, or each message."""

from __future__ import annotations

import time
from typing import Any

import pytest

from fts3sdk.events._delivery import Acks, stomp_ack_mode
from fts3sdk.events._link import RawFrame


def frame(number: int, subscription: str = "s1") -> RawFrame:
    link: Any = None
    headers = {"message-id": f"m{number}", "ack": f"a{number}", "subscription": subscription}
    return RawFrame(link, 1, headers, b"{}", b"")


def sent_ids(sent: list[RawFrame]) -> list[str]:
    return [item.headers["ack"] for item in sent]


def test_individual_sends_each_at_once() -> None:
    sent: list[RawFrame] = []
    acks = Acks("individual", every=100, interval=10.0, send=sent.append)
    for number in range(3):
        acks.add(frame(number))
    assert sent_ids(sent) == ["a0", "a1", "a2"]
    assert not acks.due()


def test_cumulative_sends_the_last_of_each_subscription_after_a_batch() -> None:
    sent: list[RawFrame] = []
    acks = Acks("cumulative", every=4, interval=10.0, send=sent.append)
    acks.add(frame(1, "s1"))
    acks.add(frame(2, "s2"))
    acks.add(frame(3, "s1"))
    assert sent == [], "held until the batch is full"
    acks.add(frame(4, "s2"))
    assert sorted(sent_ids(sent)) == ["a3", "a4"], "one per subscription: its last handled message"
    acks.add(frame(5))
    acks.flush()
    assert sent_ids(sent)[-1] == "a5"
    acks.flush()
    assert len(sent) == 3, "nothing held, nothing sent"


def test_cumulative_is_due_after_the_interval() -> None:
    sent: list[RawFrame] = []
    acks = Acks("cumulative", every=1000, interval=0.05, send=sent.append)
    assert not acks.due()
    acks.add(frame(1))
    deadline = time.monotonic() + 5
    while not acks.due() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert acks.due()
    acks.flush()
    assert sent_ids(sent) == ["a1"]
    assert not acks.due()


def test_discard_forgets_what_a_lost_connection_owed() -> None:
    sent: list[RawFrame] = []
    acks = Acks("cumulative", every=1000, interval=10.0, send=sent.append)
    acks.add(frame(1))
    acks.discard()
    acks.flush()
    assert sent == []


def test_stomp_modes() -> None:
    assert stomp_ack_mode("cumulative") == "client"
    assert stomp_ack_mode("individual") == "client-individual"
    with pytest.raises(ValueError, match="cumulative"):
        stomp_ack_mode("auto")  # type: ignore[arg-type]
