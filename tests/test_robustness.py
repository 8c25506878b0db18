"""Malformed bodies, network faults and concurrency: the outcome is a model or a typed error, never a mix-up."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fts3sdk import AsyncClient, Client, JobSpec, Transfer, errors
from fts3sdk._base import Endpoint, read
from fts3sdk.resources._endpoints import _jobs as jobs_api
from fts3sdk.resources._endpoints import _server as server_api
from tests.recordings import load

JOB_ID = "eb7fa674-eaaa-11f1-b239-02fc00000001"
ENDPOINTS: dict[str, tuple[Endpoint[Any], str]] = {
    "whoami": (server_api.whoami(), "whoami"),
    "endpoint_info": (server_api.endpoint_info(), "get_root"),
    "delegation_info": (server_api.delegation_info("b039e71fde61be6f"), "delegation_get"),
    "banned_storages": (server_api.banned_storages(), "ban_se_list"),
    "banned_users": (server_api.banned_users(), "ban_dn_list"),
    "ban_user": (server_api.ban_user("/CN=x", message=None), "ban_dn"),
    "list_jobs": (
        jobs_api.list_jobs(
            user_dn=None,
            vo=None,
            source_se=None,
            dest_se=None,
            dlg_id=None,
            state_in=None,
            limit=None,
            time_window=None,
        ),
        "jobs_list",
    ),
    "get_job": (jobs_api.get_job(JOB_ID, files=False), "job_get"),
    "job_files": (jobs_api.job_files(JOB_ID), "job_files"),
    "file_retries": (jobs_api.file_retries(JOB_ID, 1), "sim_job_file_retries"),
    "cancel_files": (jobs_api.cancel_files(JOB_ID, [1, 2]), "job_cancel_files_multiple"),
    "cancel_all": (jobs_api.cancel_all(None), "jobs_cancel_all_root"),
    "archived_job": (jobs_api.archived_job(JOB_ID), "sim_archive_get"),
    "list_files": (
        jobs_api.list_files(vo=None, state_in=None, source_se=None, dest_se=None, dest_surl=None),
        "files_list",
    ),
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _mutate(value: Any, path: list[int], replacement: Any) -> Any:
    """Replace one element somewhere inside ``value`` (chosen by ``path``) with ``replacement``."""
    if not path or not isinstance(value, (dict, list)) or not value:
        return replacement
    if isinstance(value, dict):
        key = sorted(value)[path[0] % len(value)]
        return {**value, key: _mutate(value[key], path[1:], replacement)}
    index = path[0] % len(value)
    return [*value[:index], _mutate(value[index], path[1:], replacement), *value[index + 1 :]]


@st.composite
def malformed(draw: st.DrawFn, body: Any) -> bytes:
    text = json.dumps(body)
    kind = draw(st.sampled_from(["truncated", "mutated", "html", "empty", "huge", "unknown", "binary"]))
    if kind == "truncated":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))].encode()
    if kind == "mutated":
        path = draw(st.lists(st.integers(0, 50), max_size=4))
        return json.dumps(_mutate(body, path, draw(json_values))).encode()
    if kind == "html":
        return b"<!doctype html><html><title>502 Bad Gateway</title><p>upstream</p></html>"
    if kind == "empty":
        return b""
    if kind == "huge":
        return json.dumps({"x": "y" * 2_000_000}).encode()
    if kind == "unknown":
        return json.dumps(_mutate(body, [0], {"job_state": "WARPING", "file_state": "QUANTUM", "new": [1]})).encode()
    return draw(st.binary(max_size=200))


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_parsers_give_a_model_or_a_typed_error(name: str, data: st.DataObject) -> None:
    endpoint, recording = ENDPOINTS[name]
    body = data.draw(malformed(load(recording).body))
    status = data.draw(st.sampled_from([200, 200, 200, 207, 400, 404, 500, 503]))
    request = httpx.Request(endpoint.method, f"https://fts.example.org{endpoint.path}")
    response = httpx.Response(status, content=body, request=request)
    try:
        read(endpoint, response)
    except errors.FTS3ClientException as exc:
        assert exc.status_code == status
        assert exc.body is not None
        assert len(exc.body) <= 64 * 1024


class FaultyServer:
    """A raw loopback server that misbehaves: reset the connection, or stall after reading the request."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.requests = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            conn.settimeout(2)
            try:
                if conn.recv(65536).startswith(b"POST "):  # not the client's TLS probe after a lost connection
                    self.requests += 1
            except OSError:
                pass
            if self.behaviour == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            else:
                self._held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._sock.close()


@pytest.fixture
def faulty() -> Iterator[Callable[[str], FaultyServer]]:
    servers: list[FaultyServer] = []

    def make(behaviour: str) -> FaultyServer:
        servers.append(FaultyServer(behaviour))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


SPEC = JobSpec(transfers=[Transfer(sources="gsiftp://a.example.org/f", destinations="gsiftp://b.example.org/f")])


@pytest.mark.parametrize("behaviour", ["reset", "stall"])
def test_faults_give_typed_errors_and_never_resend_a_submit(
    faulty: Callable[[str], FaultyServer], behaviour: str
) -> None:
    server = faulty(behaviour)
    with Client(server.url, anonymous=True, timeout=0.5, retries=3) as client:
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeout, match="may exist"):
            client.jobs.submit(SPEC, delegate=False)
        assert time.monotonic() - started < 10, "bounded by the configured timeout, not hanging"
    assert server.requests == 1


def test_stalled_get_times_out_within_the_timeout(faulty: Callable[[str], FaultyServer]) -> None:
    server = faulty("stall")
    with Client(server.url, anonymous=True, timeout=0.3, retries=0) as client, pytest.raises(errors.RequestTimeout):
        client.whoami()


def test_refused_connection_is_connection_failed() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with (
        Client(f"http://127.0.0.1:{port}", anonymous=True, retries=0) as client,
        pytest.raises(errors.ConnectionFailed),
    ):
        client.whoami()


class EchoJobs(BaseHTTPRequestHandler):
    """Answers ``GET /jobs/<id>`` with a job carrying that id, after a short random pause."""

    protocol_version = "HTTP/1.1"
    template = json.dumps(load("job_get").body)

    def do_GET(self) -> None:
        job_id = self.path.rsplit("/", 1)[1]
        time.sleep((hash(job_id) % 3) / 1000)
        body = self.template.replace(JOB_ID, job_id).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class WideServer(ThreadingHTTPServer):
    """A threading server whose accept queue holds a burst of 200 connections (the default holds 5)."""

    request_queue_size = 512


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    server = WideServer(("127.0.0.1", 0), EchoJobs)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_one_client_from_16_threads_mixes_nothing(echo_url: str) -> None:
    ids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(320)]
    with Client(echo_url, anonymous=True) as client, ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda i: client.jobs.get(i).job_id, ids))
    assert results == ids


@pytest.mark.anyio
async def test_one_async_client_from_200_tasks_mixes_nothing(echo_url: str) -> None:
    ids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(200)]
    results: dict[str, str] = {}

    async with AsyncClient(echo_url, anonymous=True) as client:

        async def fetch(job_id: str) -> None:
            results[job_id] = (await client.jobs.get(job_id)).job_id

        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for job_id in ids:
                    group.start_soon(fetch, job_id)
    assert results == {i: i for i in ids}
