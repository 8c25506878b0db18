"""A misspelt state in a ``state_in`` filter is caught, naming the known states; a new one can be sent on purpose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fts3sdk.easy as fts3
from fts3sdk import JobState
from fts3sdk.models import FileState
from fts3sdk.models.states import state_filter
from fts3sdk.testing import FakeFTS
from tests.conftest import AnyClient, call

MakeClient = Callable[..., AnyClient]
URL = "https://fts.example.org:8446"


def recording_handler(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    return handler


def test_a_misspelt_state_matches_nothing_on_the_server(fts_fake: FakeFTS) -> None:
    fts_fake.run(fts_fake.submit({"files": [{"sources": ["mock://a/x"], "destinations": ["mock://b/x"]}]}))
    with httpx.Client(base_url=URL, transport=fts_fake.transport()) as raw:
        wrong = raw.get("/jobs", params={"state_in": "FINSHED", "limit": "10"})
        right = raw.get("/jobs", params={"state_in": "finished", "limit": "10"})  # any case, as MariaDB compares
    assert (wrong.status_code, wrong.json()) == (200, [])  # what the user saw: an empty list, nothing else
    assert [job["job_state"] for job in right.json()] == ["FINISHED"]


@pytest.mark.anyio
async def test_jobs_list_refuses_a_misspelt_state(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []
    client = make_client(recording_handler(seen))
    with pytest.raises(ValueError, match=r"unknown job state 'FINSHED' \(did you mean FINISHED\?\); known: SUBMITTED"):
        await call(client.jobs.list(state_in=["FINSHED"]))
    with pytest.raises(ValueError, match=r"sent on purpose as JobState\('FALED'\)"):
        await call(client.jobs.list(state_in="FINISHED,FALED", limit=5))
    assert seen == []


@pytest.mark.anyio
async def test_known_states_are_sent_in_their_canonical_form(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []
    client = make_client(recording_handler(seen))
    await call(client.jobs.list(state_in=["finished", JobState.FAILED, " canceled"], limit=5))
    await call(client.jobs.list(state_in="FINISHED,FAILED", limit=5))
    assert [request.url.params["state_in"] for request in seen] == ["FINISHED,FAILED,CANCELED", "FINISHED,FAILED"]


@pytest.mark.anyio
async def test_a_state_the_sdk_does_not_know_is_sent_on_purpose(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []
    client = make_client(recording_handler(seen))
    await call(client.jobs.list(state_in=[JobState("ARCHIVED_ON_TAPE"), "FINISHED"], limit=5))
    await call(client.files.list(state_in=[FileState("TOKEN_REFRESHING")]))
    assert seen[0].url.params["state_in"] == "ARCHIVED_ON_TAPE,FINISHED"
    assert seen[1].url.params["state_in"] == "TOKEN_REFRESHING"


@pytest.mark.anyio
async def test_files_list_refuses_a_misspelt_state(make_client: MakeClient) -> None:
    client = make_client(recording_handler([]))
    with pytest.raises(ValueError, match=r"unknown file state 'ACTVE' \(did you mean ACTIVE\?\)"):
        await call(client.files.list(state_in=["ACTVE"]))
    with pytest.raises(ValueError, match="unknown file state"):
        await call(client.files.list(state_in=["FINISHEDDIRTY"]))  # a job state, not a file state


@given(st.text(max_size=15))
def test_any_string_is_a_known_state_or_refused(text: str) -> None:
    known = {member.value for member in JobState}
    try:
        states = state_filter(JobState, [text])
    except ValueError as exc:
        assert text.strip().upper() not in known
        assert "known: SUBMITTED" in str(exc)
    else:
        assert [state.value for state in states] == [text.strip().upper()]
        assert all(state.is_known for state in states)


def test_the_easy_facade_sends_states_as_given(fts_fake: FakeFTS) -> None:
    seen: list[Any] = []
    transport = fts_fake.transport()

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params.get("state_in"))
        return transport.handle_request(request)

    with fts3.Context(URL, transport=httpx.MockTransport(spy), no_creds=True) as context:
        assert fts3.list_jobs(context, state_in=["FINSHED"]) == []  # as the official client: sent, nothing found
    assert seen[-1] == "FINSHED"
