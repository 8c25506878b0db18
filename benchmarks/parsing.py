"""(d) Validating large answers into models against json.loads alone, in time and peak memory."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from benchmarks._harness import Measurement, Report, Target, median_seconds, peak_memory
from fts3sdk.models import Job
from fts3sdk.resources._endpoints._jobs import jobs_or_entries

JOB: dict[str, Any] = {
    "job_id": "eb7fa674-eaaa-11f1-b239-02fc00000001",
    "job_state": "ACTIVE",
    "job_type": "N",
    "cancel_job": False,
    "source_se": "gsiftp://source.example.org",
    "dest_se": "gsiftp://dest.example.org",
    "user_dn": "/DC=org/DC=example/O=Test/CN=Alice",
    "cred_id": "b039e71fde61be6f",
    "vo_name": "atlas",
    "submit_host": "fts.example.org",
    "submit_time": "2026-11-27T21:38:44",
    "job_finished": None,
    "reason": None,
    "priority": 3,
    "max_time_in_queue": None,
    "destination_spacetoken": None,
    "source_spacetoken": None,
    "internal_job_params": "nostreams:1",
    "dst_file_report": False,
    "overwrite_flag": None,
    "copy_pin_lifetime": -1,
    "verify_checksum": "t",
    "bring_online": -1,
    "archive_timeout": -1,
    "target_qos": None,
    "job_metadata": {"auth_method": "certificate", "campaign": "mc23"},
    "retry": -1,
    "retry_delay": 0,
    "os_project_id": None,
}
FILE: dict[str, Any] = {
    "file_id": 8872390218,
    "file_index": 0,
    "job_id": JOB["job_id"],
    "file_state": "ACTIVE",
    "file_state_initial": "",
    "source_surl": "gsiftp://source.example.org/data/file",
    "dest_surl": "gsiftp://dest.example.org/data/file",
    "source_se": "gsiftp://source.example.org",
    "dest_se": "gsiftp://dest.example.org",
    "vo_name": "atlas",
    "priority": 3,
    "activity": "default",
    "selection_strategy": "auto",
    "checksum": "ADLER32:1a2b3c4d",
    "user_filesize": 1048576,
    "filesize": None,
    "file_metadata": {"file": 1},
    "staging_metadata": None,
    "archive_metadata": None,
    "scitag": None,
    "transfer_host": "fts-node.example.org",
    "staging_host": None,
    "reason": None,
    "recoverable": None,
    "retry": 0,
    "start_time": "2026-11-27T21:38:50",
    "finish_time": None,
    "staging_start": None,
    "staging_finished": None,
    "archive_start_time": None,
    "archive_finish_time": None,
    "tx_duration": None,
    "throughput": None,
    "pid": 4242,
    "internal_file_params": None,
    "bringonline_token": None,
    "dest_surl_uuid": None,
    "hashed_id": 24695,
    "log_file": None,
    "log_debug": None,
    "src_token_id": None,
    "dst_token_id": None,
}


def listing_body(jobs: int) -> bytes:
    """A ``GET /jobs`` answer with ``jobs`` jobs."""
    return json.dumps([dict(JOB, job_id=f"{n:08x}-eaaa-11f1-b239-02fc00000001") for n in range(jobs)]).encode()


def multi_status_body(jobs: int, files: int) -> bytes:
    """A multi-job ``GET /jobs/a,b,...?files=...`` answer with ``files`` full transfers per job."""
    items = []
    for n in range(jobs):
        job_id = f"{n:08x}-eaaa-11f1-b239-02fc00000001"
        transfers = [dict(FILE, job_id=job_id, file_id=n * files + k, file_index=k) for k in range(files)]
        items.append(dict(JOB, job_id=job_id, http_status="200 Ok", files=transfers))
    return json.dumps(items).encode()


def _compare(report: Report, name: str, body: bytes, adapter: TypeAdapter[Any], runs: int) -> None:
    for contender, action in (
        ("json.loads", lambda: json.loads(body)),
        ("fts3sdk models", lambda: adapter.validate_json(body)),
    ):
        seconds = median_seconds(action, runs)
        report.measurements.append(
            Measurement(
                name, contender, seconds, runs, peak_bytes=peak_memory(action), note=f"{len(body) / 2**20:.1f} MiB body"
            )
        )
    base, typed = report.find(name, "json.loads"), report.find(name, "fts3sdk models")
    assert base is not None
    assert typed is not None
    assert base.peak_bytes
    assert typed.peak_bytes
    report.targets.append(Target(f"(d) {name}: time vs json.loads", typed.seconds / base.seconds, 3.0, at_most=True))
    report.targets.append(
        Target(f"(d) {name}: memory vs json.loads", typed.peak_bytes / base.peak_bytes, 3.0, at_most=True)
    )


def run(report: Report, *, quick: bool) -> None:
    """Measure (d): a 10,000-job listing and a 1,000-job x 100-file multi-job status answer."""
    runs = 3 if quick else 5
    _compare(report, "10k-job listing", listing_body(10_000), TypeAdapter(list[Job]), runs)
    jobs = 100 if quick else 1_000
    multi = TypeAdapter(jobs_or_entries())
    _compare(report, f"{jobs}-job x 100-file status", multi_status_body(jobs, 100), multi, runs)
