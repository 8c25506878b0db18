"""Monitoring-message models and the frame parser: every kind from bodies built to the field tables."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fts3sdk.events
from fts3sdk.errors import FTS3ClientException, InvalidResponse
from fts3sdk.events import (
    ErrorScope,
    EventKind,
    FailurePhase,
    FileStateChange,
    InvalidMessage,
    OptimizerDecision,
    TransferComplete,
    TransferOutcome,
    TransferStart,
    format_body,
    parse_event,
)
from fts3sdk.events._parse import wire_dict
from fts3sdk.models import FileState, JobState
from tests import event_bodies as bodies

UTC = timezone.utc
ALL = [bodies.start, bodies.complete, bodies.complete_failed, bodies.state, bodies.state_rest, bodies.optimizer]
MODEL_OF = {
    "start": TransferStart, "complete": TransferComplete, "complete_failed": TransferComplete,
    "state": FileStateChange, "state_rest": FileStateChange, "optimizer": OptimizerDecision,
}  # fmt: skip


@pytest.mark.parametrize("build", ALL, ids=lambda build: build.__name__)
@pytest.mark.parametrize("trailer", [b" ", b"\x04", b"", b"\n\x00"], ids=["space", "eot", "none", "nl-nul"])
def test_every_kind_parses_and_keeps_no_extras(build: Any, trailer: bytes) -> None:
    data = build()
    event = parse_event(format_body(data, trailer=trailer))
    assert type(event).__name__ == MODEL_OF[build.__name__].__name__
    assert event.model_extra == {}, "a field of the tables is missing from the model"
    assert wire_dict(event) == data


@pytest.mark.parametrize("build", ALL, ids=lambda build: build.__name__)
def test_kind_from_destination_and_from_keys_agree(build: Any) -> None:
    body = format_body(build())
    by_keys = parse_event(body)
    for topic in (True, False):
        assert parse_event(body, destination=by_keys.kind.destination(topic=topic)) == by_keys
    assert parse_event(body, kind=by_keys.kind) == by_keys


def test_completion_has_the_83_fields_and_typed_values() -> None:
    assert len(bodies.complete()) == 83
    assert set(bodies.complete()) <= set(TransferComplete.model_fields)
    event = parse_event(format_body(bodies.complete()))
    assert isinstance(event, TransferComplete)
    assert event.succeeded
    assert event.file_state == FileState.FINISHED
    assert event.tr_timestamp_start == datetime(2025, 8, 21, 14, 32, 0, 123000, tzinfo=UTC)
    assert event.time_srm_prep_st is None, "0 means it did not happen"
    assert event.tr_error_scope is None
    assert event.t_failure_phase is None
    assert event.tr_error_category is None
    assert event.job_state == JobState("UNKNOWN")
    assert not event.job_state.is_known
    assert event.throughput == pytest.approx(2147483648 / 24.333)
    assert event.file_metadata["request_id"] == "5c0d2a7e9b8f4e1aa3c4d5e6f7a8b9c0"


def test_failed_completion_traps() -> None:
    event = parse_event(format_body(bodies.complete_failed()))
    assert isinstance(event, TransferComplete)
    assert event.t_final_transfer_state == TransferOutcome.ERROR
    assert event.file_state == FileState.FAILED
    assert event.tr_error_scope == ErrorScope.DESTINATION
    assert event.t_failure_phase == FailurePhase.TRANSFER_PREPARATION
    assert event.transfer_time == -1755786721456, "negative durations are kept"
    assert event.srm_overhead_time > 2**63, "wrapped unsigned values are kept"
    assert event.auth_method is None, 'the literal string "null" means missing'
    assert event.timestamp_tr_comp is None
    assert (event.retry, event.retry_max) == (1, 3)


def test_cancelled_and_archiving_states() -> None:
    aborted = TransferComplete.model_validate(bodies.complete() | {"t_final_transfer_state": "Abort"})
    assert aborted.file_state == FileState.CANCELED
    archiving = TransferComplete.model_validate(bodies.complete() | {"is_archiving": True})
    assert archiving.succeeded
    assert archiving.file_state == FileState.ARCHIVING


def test_start_and_completion_ids_differ_but_correlate() -> None:
    start = parse_event(format_body(bodies.start()))
    later = bodies.complete() | {"tr_id": bodies.TRANSFER_ID.replace("-1432__", "-1433__", 1)}
    done = parse_event(format_body(later))
    assert isinstance(start, TransferStart)
    assert isinstance(done, TransferComplete)
    assert start.transfer_id != done.tr_id
    assert (start.job_id, start.file_id) == (done.job_id, done.file_id)


def test_servers_before_3_12_get_ids_from_the_transfer_id() -> None:
    event = parse_event(format_body(bodies.complete_before_3_12()))
    assert isinstance(event, TransferComplete)
    assert (event.job_id, event.file_id) == (bodies.JOB_ID, bodies.FILE_ID)
    assert event.file_metadata is None, '"" meant no metadata before 3.14.1'
    assert event.t_final_transfer_state_flag is None
    assert event.file_size == 0


def test_state_change_producers() -> None:
    server = parse_event(format_body(bodies.state()))
    rest = parse_event(format_body(bodies.state_rest()))
    assert isinstance(server, FileStateChange)
    assert isinstance(rest, FileStateChange)
    assert (server.producer, rest.producer) == ("server", "rest")
    assert server.file_state == FileState.FINISHED
    assert server.job_state == JobState.FINISHED
    assert server.submit_time == datetime(2025, 8, 21, 14, 30, tzinfo=UTC)
    assert rest.timestamp == datetime(2025, 8, 21, 14, 30, 0, 512345, tzinfo=UTC), "fractional milliseconds"
    assert rest.user_filesize is None
    assert rest.reason is None
    assert rest.staging_metadata is None
    assert server.model_dump(mode="json")["staging_start"] == 0


def test_optimizer_decision() -> None:
    event = parse_event(format_body(bodies.optimizer()))
    assert isinstance(event, OptimizerDecision)
    assert (event.connections, event.diff, event.duration_avg) == (42, 2, 27)
    assert event.kind is EventKind.OPTIMIZER


def test_unknown_fields_and_states_are_kept() -> None:
    data = bodies.state() | {"file_state": "TELEPORTED", "new_field": {"x": 1}}
    event = parse_event(format_body(data))
    assert isinstance(event, FileStateChange)
    assert event.file_state == "TELEPORTED"
    assert not event.file_state.is_known
    assert event.model_extra == {"new_field": {"x": 1}}
    assert wire_dict(event) == data


def test_infinity_and_loose_numbers() -> None:
    data = bodies.optimizer()
    text = format_body(data).decode().replace(repr(data["throughput"]), "1e+9999")
    event = parse_event(text.replace('"connections" : 42', '"connections" : 42.0'))
    assert isinstance(event, OptimizerDecision)
    assert event.throughput == float("inf")
    assert event.connections == 42


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "not JSON"),
        (b"\x04", "not JSON"),
        (b"CO {}", "not JSON"),
        (b"[1, 2] ", "not a JSON object"),
        (b'{"hello": "world"} ', "no known message kind"),
        (b'{"tr_id": "x"} ', "job_id"),
        (b'{"file_state": "ACTIVE", "job_id": "j", "file_id": "eleven"} ', "file_id"),
        (b"\xff\xfe{", "not JSON"),
    ],
)
def test_garbage_raises_one_typed_error(body: bytes, words: str) -> None:
    with pytest.raises(InvalidMessage) as caught:
        parse_event(body)
    assert words in str(caught.value)
    assert issubclass(InvalidMessage, InvalidResponse)
    assert issubclass(InvalidResponse, FTS3ClientException)
    assert "pydantic" not in str(caught.value)


def test_garbage_on_a_known_destination() -> None:
    with pytest.raises(InvalidMessage, match="not a JSON object") as caught:
        parse_event(b"\x04", destination="/topic/transfer.fts_monitoring_complete")
    assert caught.value.destination == "/topic/transfer.fts_monitoring_complete"
    with pytest.raises(InvalidMessage, match="not a valid complete message: job_id"):
        parse_event(b'{"tr_id": "no ids"} ', destination="/topic/transfer.fts_monitoring_complete")


def test_format_body_is_jsoncpp_style() -> None:
    body = format_body(bodies.optimizer())
    assert body.endswith(b"} ")
    assert b'\n\t"active_count" : 38,\n' in body
    assert format_body({"name": "é"}).startswith(b'{\n\t"name" : "\\u00e9"')


def test_importing_events_does_not_import_stomp() -> None:
    code = "import fts3sdk, fts3sdk.events, sys; assert 'stomp' not in sys.modules, 'stomp imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names() -> None:
    for name in fts3sdk.events.__all__:
        assert getattr(fts3sdk.events, name).__doc__, name
    assert not [name for name in fts3sdk.events.__all__ if name.startswith("_")]


# --- property tests -----------------------------------------------------------------------------------------

MILLIS = st.integers(min_value=1, max_value=253402300799999)
JSON_SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**64) | st.text(max_size=20)
METADATA = st.none() | st.dictionaries(st.text(min_size=1, max_size=10), JSON_SCALARS, max_size=4)


@st.composite
def completions(draw: st.DrawFn) -> dict[str, Any]:
    data = bodies.complete()
    for name in ("tr_timestamp_start", "tr_timestamp_complete", "timestamp_tr_st", "timestamp_tr_comp"):
        data[name] = draw(st.just(0) | MILLIS)
    for name in ("transfer_time", "operation_time", "srm_overhead_time", "file_size", "retry"):
        data[name] = draw(st.integers(-(2**64), 2**64))
    data["throughput"] = draw(st.floats(allow_nan=False, allow_infinity=False))
    data["t_final_transfer_state"] = draw(st.sampled_from(["Ok", "Error", "Abort"]) | st.text(min_size=1))
    data["file_metadata"] = draw(METADATA)
    data["job_metadata"] = draw(METADATA)
    data["vo"] = draw(st.text())
    data["file_id"] = draw(st.integers(0, 2**64 - 1))
    return data


@st.composite
def any_kind(draw: st.DrawFn) -> dict[str, Any]:
    build = draw(st.sampled_from(ALL))
    data: dict[str, Any] = build()
    if "timestamp" in data:
        data["timestamp"] = draw(MILLIS)
    if "file_state" in data:
        data["file_state"] = draw(st.sampled_from([s.value for s in FileState]) | st.text(min_size=1, max_size=12))
    extra = draw(st.dictionaries(st.from_regex(r"\Azz_[a-z]{1,8}\Z"), JSON_SCALARS, max_size=3))
    return data | extra


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=completions(), trailer=st.sampled_from([b" ", b"\x04", b"", b"  \x04\x00"]))
def test_completions_round_trip(data: dict[str, Any], trailer: bytes) -> None:
    event = parse_event(format_body(data, trailer=trailer))
    assert isinstance(event, TransferComplete)
    assert wire_dict(event) == data
    assert parse_event(format_body(event)) == event


@settings(max_examples=150)
@given(data=any_kind())
def test_every_kind_round_trips_with_extras(data: dict[str, Any]) -> None:
    event = parse_event(format_body(data))
    assert wire_dict(event) == data
    compact = json.dumps(data).encode() + b" "
    assert parse_event(compact) == event, "the layout does not matter"


@settings(max_examples=300)
@given(millis=MILLIS)
def test_milliseconds_round_trip(millis: int) -> None:
    event = OptimizerDecision.model_validate({"source_se": "a", "dest_se": "b", "timestamp": millis})
    assert event.timestamp is not None
    assert event.timestamp.utcoffset() == timedelta(0), "aware, in UTC"
    assert event.model_dump(mode="json")["timestamp"] == millis


@settings(max_examples=300)
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_never_raise_anything_else(body: bytes) -> None:
    with contextlib.suppress(InvalidMessage):
        parse_event(body)


@settings(max_examples=200)
@given(
    value=st.recursive(JSON_SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8)
)
def test_arbitrary_json_is_a_model_or_invalid_message(value: Any) -> None:
    body = json.dumps(value).encode() + b" "
    for destination in (None, "/topic/transfer.fts_monitoring_state"):
        with contextlib.suppress(InvalidMessage):
            parse_event(body, destination=destination)
