"""(a)-(c) Polling 500 jobs over real TLS: fts3sdk against the raw-httpx floor and the official client."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx

from benchmarks._harness import Measurement, Report, Target, interleaved_medians, median_seconds
from fts3sdk import AsyncClient, Client

JOBS = 500
DELAY = 0.010
CONCURRENCY = 32


@contextmanager
def served(jobs: int) -> Iterator[dict[str, Any]]:
    """A FakeFTS HTTPS server with ``jobs`` jobs, and a delay proxy in front of it, in another process."""
    with tempfile.TemporaryDirectory() as directory:
        command = [sys.executable, "-m", "benchmarks._serve", directory, str(jobs), str(DELAY), str(CONCURRENCY + 8)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert process.stdout is not None
            yield json.loads(process.stdout.readline())
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=30)


def _client(info: dict[str, Any], url: str) -> Client:
    return Client(url, cert=info["cert"], key=info["key"], ca_path=info["ca_path"], retries=0)


def poll_sdk(info: dict[str, Any], url: str) -> float:
    """Seconds for one pass of sequential ``client.jobs.get`` over every job (connection already warm)."""
    with _client(info, url) as client:
        client.jobs.get(info["job_ids"][0])
        return median_seconds(lambda: [client.jobs.get(job_id) for job_id in info["job_ids"]], 1, warmup=0)


def poll_floor(info: dict[str, Any], url: str) -> float:
    """The same GETs with one pooled raw httpx client and ``json.loads``: what HTTP allows."""
    import ssl

    context = ssl.create_default_context(cafile=info["ca_path"])
    context.load_cert_chain(info["cert"], info["key"])
    with httpx.Client(verify=context, base_url=url) as http:
        http.get(f"/jobs/{info['job_ids'][0]}")
        started = time.perf_counter()
        for job_id in info["job_ids"]:
            json.loads(http.get(f"/jobs/{job_id}").content)
        return time.perf_counter() - started


async def _poll_async(info: dict[str, Any], url: str) -> float:
    async with AsyncClient(url, cert=info["cert"], key=info["key"], ca_path=info["ca_path"], retries=0) as client:
        limiter = anyio.Semaphore(CONCURRENCY)

        async def get(job_id: str) -> None:
            async with limiter:
                await client.jobs.get(job_id)

        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for job_id in info["job_ids"]:
                group.start_soon(get, job_id)
        return time.perf_counter() - started


def poll_async(info: dict[str, Any], url: str) -> float:
    """Every job polled by one AsyncClient, at most ``CONCURRENCY`` requests at a time (cold pool)."""
    return anyio.run(_poll_async, info, url)


def poll_official(info: dict[str, Any], url: str, python: Path, runs: int) -> list[float]:
    """Per-run seconds of the official Easy client polling every job, in its own virtualenv."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as ids:
        json.dump(info["job_ids"], ids)
    runner = Path(__file__).with_name("_official_runner.py")
    command = [str(python), str(runner), url, info["cert"], info["key"], info["ca_dir"], ids.name, str(runs)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=True)
    Path(ids.name).unlink()
    times: list[float] = json.loads(out.stdout)
    return times


def _median(action: Any, runs: int) -> float:
    return float(statistics.median(action() for _ in range(runs)))


def _add(report: Report, benchmark: str, contender: str, seconds: float, runs: int) -> None:
    report.measurements.append(Measurement(benchmark, contender, seconds, runs, unit_count=JOBS))


def run(report: Report, *, quick: bool, official_python: Path | None) -> None:
    """Measure (a), (b) and (c); the official client only when it could be installed."""
    runs, slow_runs = (3, 1) if quick else (7, 3)
    a, b, c = "(a) 500 polls, TLS loopback", "(b) 500 polls, +10 ms each way", "(c) 500 polls, +10 ms, 32 concurrent"
    with served(JOBS) as info:
        direct, slow = info["url"], info["proxy_url"]
        measured = interleaved_medians(
            {"raw httpx floor": lambda: poll_floor(info, direct), "fts3sdk Client": lambda: poll_sdk(info, direct)},
            runs,
        )
        for contender, seconds in measured.items():
            _add(report, a, contender, seconds, runs)
        _add(report, b, "raw httpx floor", _median(lambda: poll_floor(info, slow), slow_runs), slow_runs)
        _add(report, b, "fts3sdk Client", _median(lambda: poll_sdk(info, slow), slow_runs), slow_runs)
        _add(report, c, "fts3sdk AsyncClient", _median(lambda: poll_async(info, slow), runs), runs)
        if official_python is not None:
            official = poll_official(info, direct, official_python, runs)
            _add(report, a, "official fts3 client", float(statistics.median(official)), runs)
            official = poll_official(info, slow, official_python, slow_runs)
            _add(report, b, "official fts3 client", float(statistics.median(official)), slow_runs)
    _targets(report)


def _ratio(report: Report, benchmark: str, numerator: str, denominator: str) -> float | None:
    top, bottom = report.find(benchmark, numerator), report.find(benchmark, denominator)
    return None if top is None or bottom is None else top.seconds / bottom.seconds


def _targets(report: Report) -> None:
    a, b = "(a) 500 polls, TLS loopback", "(b) 500 polls, +10 ms each way"
    checks = [
        ("(a) fts3sdk vs raw httpx floor", _ratio(report, a, "fts3sdk Client", "raw httpx floor"), 1.15, True),
        (
            "(a) official client vs fts3sdk (speed-up)",
            _ratio(report, a, "official fts3 client", "fts3sdk Client"),
            8.0,
            False,
        ),
        (
            "(b) official client vs fts3sdk (speed-up)",
            _ratio(report, b, "official fts3 client", "fts3sdk Client"),
            2.5,
            False,
        ),
    ]
    sequential, concurrent = (
        report.find(b, "fts3sdk Client"),
        report.find("(c) 500 polls, +10 ms, 32 concurrent", "fts3sdk AsyncClient"),
    )
    if sequential and concurrent:
        checks.append(
            ("(c) async x32 vs sequential (b) (speed-up)", sequential.seconds / concurrent.seconds, 10.0, False)
        )
    for name, ratio, limit, at_most in checks:
        if ratio is not None:
            report.targets.append(Target(name, ratio, limit, at_most=at_most))
