"""(e) Building and serializing a job of 100,000 transfers."""

from __future__ import annotations

import json

from benchmarks._harness import Measurement, Report, Target, median_seconds
from fts3sdk import JobSpec, Transfer

TRANSFERS = 100_000


def build_and_serialize(count: int = TRANSFERS) -> bytes:
    """Build a job spec of ``count`` validated transfers and encode its submission body."""
    transfers = [
        Transfer(
            sources=[f"gsiftp://source.example.org/data/{n:06d}"],
            destinations=[f"davs://dest.example.org/data/{n:06d}"],
            checksum="adler32:1a2b3c4d",
            filesize=1 << 20,
            metadata={"n": n},
        )
        for n in range(count)
    ]
    return JobSpec(transfers=transfers, priority=3, verify_checksum="both", retry=2).to_json()


def build_and_serialize_floor(count: int = TRANSFERS) -> bytes:
    """The same submission body built as plain dicts and encoded with ``json.dumps``: no model, no check."""
    files = [
        {
            "sources": [f"gsiftp://source.example.org/data/{n:06d}"],
            "destinations": [f"davs://dest.example.org/data/{n:06d}"],
            "checksum": "adler32:1a2b3c4d",
            "filesize": 1 << 20,
            "metadata": {"n": n},
        }
        for n in range(count)
    ]
    params = {"verify_checksum": "both", "retry": 2, "priority": 3}
    return json.dumps({"files": files, "params": params}, separators=(",", ":")).encode()


def run(report: Report, *, quick: bool) -> None:
    """Measure (e): the absolute time, against the 2 s target, and the plain-dicts floor beside it."""
    runs = 3 if quick else 5
    seconds = median_seconds(build_and_serialize, runs)
    floor = median_seconds(build_and_serialize_floor, runs)
    report.measurements.append(Measurement("100k-transfer job", "build + to_json", seconds, runs, unit_count=TRANSFERS))
    report.measurements.append(
        Measurement("100k-transfer job", "dicts + json.dumps floor", floor, runs, unit_count=TRANSFERS)
    )
    report.targets.append(Target("(e) 100k-transfer job: build + serialize", seconds, 2.0, at_most=True, unit="s"))
    report.notes.append(
        f"(e) building and checking the job took {seconds / floor:.1f}x the same body made of plain dicts and "
        f"json.dumps in this run ({floor:.2f} s): the 2 s target is absolute, so it moves with the machine's speed."
    )
