"""``submit``: one transfer from the command line or many from a file, job parameters as options."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ValidationError

from fts3sdk import JobSpec
from fts3sdk.cli._input.bulk import Bulk, BulkFormat, read_bulk
from fts3sdk.cli._input.problems import InputError, Location, dotted, problem_lines
from fts3sdk.cli._parsing.options import (
    CONNECTION,
    Connection,
    Interval,
    MaxWait,
    Row,
    Table,
    inject,
    option,
    plain_mapping,
    with_options,
)
from fts3sdk.cli._parsing.spec import Arg, Opt
from fts3sdk.cli._printing.output import print_json
from fts3sdk.models._limits import PRIORITY, SCITAG

__all__ = ["JOB_OPTIONS", "TRANSFER_OPTIONS", "build_spec", "submit"]

_JOB = "Job parameters"
_TRANSFER = "Transfer parameters"


def _flag(name: str, *flags: str, help: str) -> Row:
    return option(name, bool, *flags, help=help, default=False, panel=_JOB)


def _value(name: str, kind: Any, *flags: str, help: str, panel: str = _JOB, **extra: Any) -> Row:
    return option(name, kind | None, *flags, help=help, panel=panel, **extra)


JOB_OPTIONS: Table = (
    _flag("overwrite", "--overwrite", "-o", help="Overwrite existing destination files."),
    _flag("overwrite_on_retry", "--overwrite-on-retry", help="Overwrite only when retrying."),
    _flag("overwrite_when_only_on_disk", "--overwrite-when-only-on-disk", help="Overwrite files not yet on tape."),
    _flag("overwrite_hop", "--overwrite-hop", help="Overwrite intermediate hops (multihop jobs)."),
    _flag("reuse", "--reuse", "-r", help="Reuse one connection for all transfers."),
    _flag("multihop", "--multihop", "--multi-hop", "-m", help="Run the transfers as hops of one chain."),
    _value(
        "verify_checksum",
        Literal["both", "source", "target", "none"],
        "--checksum-mode",
        "-C",
        help="Which checksums to compare.",
    ),
    _value(
        "priority",
        int,
        "--priority",
        min=PRIORITY.low,
        max=PRIORITY.high,
        help=f"Priority, {PRIORITY.low} (lowest) to {PRIORITY.high} (highest).",
    ),
    _value("retry", int, "--retry", help="Retries per file (negative: none; 0: server default)."),
    _value("retry_delay", int, "--retry-delay", min=0, help="Seconds between retries."),
    _value("job_metadata", str, "--job-metadata", "--metadata", help="Job metadata: JSON, or a text label."),
    _value("bring_online", int, "--bring-online", help="Bring-online (staging) timeout in seconds."),
    _value("copy_pin_lifetime", int, "--copy-pin-lifetime", help="Pin lifetime of staged files in seconds."),
    _value("archive_timeout", int, "--archive-timeout", help="Seconds to wait for files to reach tape."),
    _value("target_qos", str, "--target-qos", help="Target QoS class (a QoS transition job)."),
    _flag("dst_file_report", "--dst-file-report", help="Report an existing destination file."),
    _value("timeout", int, "--timeout", min=0, help="Transfer timeout in seconds."),
    _value("max_time_in_queue", str, "--max-time-in-queue", help="Expire if still queued after this: 30m, 6h, 2d."),
    _value("nostreams", int, "--nostreams", min=0, help="Number of TCP streams."),
    _value("buffer_size", int, "--buffer-size", min=0, help="TCP buffer size in bytes."),
    _flag("strict_copy", "--strict-copy", help="Copy only: no checksum, size or parent-directory checks."),
    _flag("disable_cleanup", "--disable-cleanup", help="Keep the destination file when a transfer fails."),
    _flag("ipv4", "--ipv4", help="Force IPv4."),
    _flag("ipv6", "--ipv6", help="Force IPv6."),
    _flag("s3alternate", "--s3alternate", help="Use S3 path-style URLs."),
    _value("source_spacetoken", str, "--source-spacetoken", "-S", help="Source space token."),
    _value("destination_spacetoken", str, "--destination-spacetoken", "-t", help="Destination space token."),
)
"""Options that become `JobSpec` fields; left out when not given, so the server default applies."""

TRANSFER_OPTIONS: Table = (
    _value("checksum", str, "--checksum", help="ALGORITHM:value, e.g. adler32:1a2b3c4d.", panel=_TRANSFER),
    _value("filesize", int, "--filesize", "--file-size", min=0, help="Expected size in bytes.", panel=_TRANSFER),
    _value("metadata", str, "--file-metadata", help="File metadata: JSON, or a text label.", panel=_TRANSFER),
    _value("activity", str, "--activity", help="Activity share.", panel=_TRANSFER),
    _value("scitag", int, "--scitag", min=SCITAG.low, max=SCITAG.high, help="SciTag flow label.", panel=_TRANSFER),
)
"""Options applied to every transfer that does not set them itself (in a bulk file)."""


_FLAGS = {row.name: row.flag for row in (*JOB_OPTIONS, *TRANSFER_OPTIONS)}
_PAIR = {"sources": "SOURCE", "destinations": "DESTINATION"}


def _metadata(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class _Names:
    """Names a problem of the job the way the user wrote it: ``--priority``, ``SOURCE``, ``files[2].sources``."""

    bulk: Bulk | None
    options: frozenset[str]
    """Job fields given as options (they override the file's params)."""
    defaulted: tuple[frozenset[str], ...]
    """For each transfer, the fields filled in from transfer options."""

    def __call__(self, location: Location) -> str:
        if not location:
            return ""
        head, *rest = location
        if head == "transfers":
            return self._transfer(tuple(rest)) if rest and isinstance(rest[0], int) else "transfers"
        if head in self.options:
            return dotted(tuple(rest), head=_FLAGS[str(head)])
        return f"params.{dotted(location)}" if self.bulk is not None else dotted(location)

    def _transfer(self, location: Location) -> str:
        index, *inner = location
        assert isinstance(index, int)
        field = str(inner[0]) if inner else ""
        if index < len(self.defaulted) and field in self.defaulted[index]:
            return dotted(tuple(inner[1:]), head=_FLAGS[field])
        if self.bulk is not None:
            return self.bulk.where(index, tuple(inner))
        return dotted(tuple(inner[1:]), head=_PAIR.get(field, field))


def build_spec(
    source: str | None,
    destination: str | None,
    bulk: Bulk | None,
    job: dict[str, Any],
    transfer: dict[str, Any],
) -> JobSpec:
    """The job to submit: one SOURCE DESTINATION pair or a bulk file, with the options on top of its params.

    Raises InputError naming every problem as the user wrote it (an option, an argument, an entry of the file).
    """
    if (bulk is None) == (source is None or destination is None):
        raise ValueError("give SOURCE DESTINATION, or --file with the transfers (not both)")
    items = bulk.files if bulk is not None else [{"sources": [source], "destinations": [destination]}]
    defaults = plain_mapping(transfer)
    files = [{**defaults, **item} if isinstance(item, dict) else item for item in items]
    for item in files:
        if isinstance(item, dict) and "metadata" in item:
            item["metadata"] = _metadata(item["metadata"])
    given = plain_mapping(job)
    params = {**(bulk.params if bulk is not None else {}), **given}
    if "job_metadata" in params:
        params["job_metadata"] = _metadata(params["job_metadata"])
    defaulted = tuple(frozenset(defaults) - set(item) if isinstance(item, dict) else frozenset() for item in items)
    try:
        return JobSpec.from_body({"files": files, "params": params}, server_limits=True)
    except ValidationError as exc:
        raise InputError(problem_lines(exc, _Names(bulk, frozenset(given), defaulted))) from None


@with_options(CONNECTION)
@inject(TRANSFER_OPTIONS, "transfer")
@inject(JOB_OPTIONS, "job")
def submit(
    source: Annotated[str | None, Arg(help="Source URL.", metavar="SOURCE")] = None,
    destination: Annotated[str | None, Arg(help="Destination URL.", metavar="DESTINATION")] = None,
    file: Annotated[
        Path | None,
        Opt("--file", "-f", help="Bulk file: JSON {files, params}, CSV, or 'source destination' lines."),
    ] = None,
    fmt: Annotated[BulkFormat, Opt("--format", help="Format of --file (default: from its content).")] = "auto",
    dry_run: Annotated[bool, Opt("--dry-run", help="Print the request body; send nothing.")] = False,
    no_delegate: Annotated[
        bool, Opt("--no-delegate", help="Do not delegate first (the server must hold a credential).")
    ] = False,
    watch_: Annotated[
        bool, Opt("--watch", "-w", help="Follow the job until it ends; exit 7 if it does not finish.")
    ] = False,
    interval: Interval = 2.0,
    max_wait: MaxWait = None,
    *,
    job: dict[str, Any],
    transfer: dict[str, Any],
    conn: Connection,
) -> None:
    """Submit a transfer job and print its id.

    X.509 users delegate a proxy first when the server's copy is missing or expires within 2 hours.
    """
    bulk = read_bulk(file, fmt) if file is not None else None
    spec = build_spec(source, destination, bulk, job, transfer)
    if dry_run:
        print_json(spec.to_body())
        return
    with conn.client() as client:  # delegating and submitting read raw JSON: no model to preload
        job_id = client.jobs.submit(spec, delegate=False if no_delegate else "auto")
        if watch_:
            from fts3sdk.cli._commands.jobs import watch

            if not conn.json:
                print(f"submitted {job_id}", file=sys.stderr)
            watch(client, [job_id], conn, interval, max_wait)
        elif conn.json:
            print_json({"job_id": job_id})
        else:
            print(job_id)
