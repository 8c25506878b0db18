"""(i) Whole-process wall time of the fts-rest-* commands, ours against the official, over HTTPS.

Each command runs as a fresh process against `fts3sdk.testing` served over TLS by another process (`_serve.py`),
with a client certificate, as in a shell loop. The official command and ours alternate run by run; the figure is
the median. Ours are the console scripts of fts3sdk-compat installed (not editable) from this checkout into a
fresh virtualenv (`compat_venv`), startup hook included. Also ``fts3sdk`` (the typed CLI) for whoami, status and
submit. ``--help`` of every command is measured the same way (``fts3sdk whoami --help`` and so on beside the
official command's ``--help``).
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks._harness import Measurement, Report, Target, interleaved_medians
from benchmarks.compat_venv import build_compat_venv
from benchmarks.polling import served

SOURCE, DESTINATION = "gsiftp://source.example.org/bench", "gsiftp://dest.example.org/bench"


def _scenarios(info: dict[str, Any]) -> dict[str, list[str]]:
    alice = ["-s", info["url"], "--cert", info["cert"], "--key", info["key"], "--capath", info["ca_dir"]]
    root = ["-s", info["url"], "--cert", info["root_cert"], "--key", info["root_key"], "--capath", info["ca_dir"]]
    job_id = info["job_ids"][0]
    return {
        "whoami": alice,
        "delegate": alice,
        "transfer-submit": [*alice, SOURCE, DESTINATION],
        "transfer-status": [*alice, job_id],
        "transfer-list": alice,
        "transfer-cancel": [*alice, info["job_ids"][1]],
        "ban": [*root, "--storage", "gsiftp://banned.example.org"],
        "server-status": root,
        "delete-submit": [*alice, "gsiftp://dest.example.org/old"],
    }


def _typed(info: dict[str, Any]) -> dict[str, list[str]]:
    options = ["--endpoint", info["url"], "--cert", info["cert"], "--key", info["key"], "--capath", info["ca_dir"]]
    return {
        "whoami": ["whoami", *options],
        "transfer-status": ["status", info["job_ids"][0], *options],
        "transfer-submit": ["submit", SOURCE, DESTINATION, *options],
    }


def _wall(argv: list[str]) -> float:
    # A blocking wait, stopped by a timer if it hangs: waiting with a timeout polls (subprocess sleeps up to 50 ms
    # between looks), which rounds every measured time up to the next poll.
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        process.wait()
    finally:
        watchdog.cancel()
    return time.perf_counter() - started


def _measure(contenders: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each contender, their runs interleaved (one warm-up round, unmeasured)."""
    walls = {name: functools.partial(_wall, argv) for name, argv in contenders.items()}
    return interleaved_medians(walls, runs, warmup_rounds=1)


def run(report: Report, *, quick: bool, official_python: Path | None) -> None:
    """Measure (h); without the official client there is nothing to compare with, and it says so."""
    if official_python is None:
        report.notes.append("(i) fts-rest-* wall time: skipped (no official client).")
        return
    runs = 3 if quick else 11
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as directory, served(4) as info:
        ours = build_compat_venv(Path(directory)).bin
        typed = _typed(info)
        for command, args in _scenarios(info).items():
            official, mine = str(official_python.parent / f"fts-rest-{command}"), str(ours / f"fts-rest-{command}")
            contenders = {"official": [official, *args], "ours": [mine, *args]}
            helps = {"official": [official, "--help"], "ours": [mine, "--help"]}
            if command in typed:
                contenders["fts3sdk"] = [str(ours / "fts3sdk"), *typed[command]]
                helps["fts3sdk"] = [str(ours / "fts3sdk"), typed[command][0], "--help"]
            _record(report, f"(i) fts-rest-{command}", _measure(contenders, runs), runs, limit=1.25)
            _record(report, f"(i) fts-rest-{command} --help", _measure(helps, runs), runs, limit=1.5)
    report.notes.append(
        f"(i) load average {load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores: "
        "on a shared machine the same ratio moves from run to run; the contenders alternate, so load hits both."
    )


def _record(report: Report, benchmark: str, medians: dict[str, float], runs: int, *, limit: float) -> None:
    labels = {"official": "official 3.14.2", "ours": "fts3sdk-compat", "fts3sdk": "fts3sdk CLI"}
    for name, seconds in medians.items():
        report.measurements.append(Measurement(benchmark, labels[name], seconds, runs))
    for name in ("ours", "fts3sdk"):
        if name in medians:
            ratio = medians[name] / medians["official"]
            report.targets.append(Target(f"{benchmark}: {labels[name]} vs official", ratio, limit, at_most=True))
