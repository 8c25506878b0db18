"""``fts3sdk demo``: the SDK end to end against the embedded test server, over real TLS, in a few seconds.

A throwaway CA issues a localhost certificate for the server and a user certificate for Alice; the client
authenticates with it, delegates a proxy the real way (the server's certificate request is signed with Alice's
key and uploaded), submits a job with one transfer scripted to fail, watches it and prints the typed results.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fts3sdk.cli._commands.jobs import show_job
from fts3sdk.cli._commands.watch import display_for, poll_until_over
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._parsing.options import OUTPUT, Connection, fail, with_options
from fts3sdk.cli._parsing.spec import Opt
from fts3sdk.cli._printing.output import console, print_json, print_pairs, when

if TYPE_CHECKING:
    from rich.console import Console

    from fts3sdk import Client, Job, JobSpec
    from fts3sdk.testing import FakeFTS, IssuedCertificate, ThrowawayPKI

__all__ = ["demo"]

SOURCE = "https://storage-a.example.org/demo/run42"
DESTINATION = "https://storage-b.example.org/demo/run42"
FAILURE = "TRANSFER [28] DESTINATION OVERWRITE: No space left on device (scripted by the demo)"
_STEP = 0.25
"""Seconds between two moves of the fake transfer daemon."""
_MAX_WAIT = 60.0


def _say(out: Console, step: str, text: str) -> None:
    out.print(f"[bold cyan]{step}[/] {text}", highlight=False)


def _pki(directory: Path, out: Console) -> tuple[ThrowawayPKI, IssuedCertificate]:
    from fts3sdk.testing import ThrowawayPKI

    pki = ThrowawayPKI(directory / "pki")
    alice = pki.issue_user("Alice")
    _say(out, "PKI", f"throwaway CA in {pki.directory}; user certificate {alice.dn}")
    return pki, alice


def _spec(files: int) -> JobSpec:
    from fts3sdk import JobSpec, Transfer

    transfers = [
        Transfer(
            sources=f"{SOURCE}/file{n:02d}.root",
            destinations=f"{DESTINATION}/file{n:02d}.root",
            filesize=(n + 1) * 64 * 1024 * 1024,
            metadata={"index": n},
        )
        for n in range(files)
    ]
    return JobSpec(transfers=transfers, verify_checksum="none", retry=0, job_metadata={"demo": "fts3sdk"})


def _fake(pki: ThrowawayPKI, failing: str | None) -> FakeFTS:
    from fts3sdk.testing import FakeFTS

    fake = FakeFTS(pki=pki, auto_progress=timedelta(seconds=_STEP), auto_batch=2)
    if failing is not None:
        fake.script_outcome(failing, state="FAILED", reason=FAILURE)
    return fake


def _delegate(client: Client, out: Console) -> None:
    who = client.whoami()
    _say(out, "whoami", f"{who.user_dn} (delegation id {who.delegation_id}, authenticated by {who.method})")
    before = client.delegation.info()
    _say(out, "delegation", f"stored before: {before}; delegating: request -> sign with Alice's key -> PUT")
    client.delegation.delegate(lifetime=timedelta(hours=12))
    after = client.delegation.info()
    expiry = f"{when(after.termination_time)} UTC" if after is not None else "unknown"
    _say(out, "delegation", f"the server now holds a proxy of Alice valid until {expiry}")


def _typed_results(job: Job, out: Console) -> None:
    files = job.files or []
    failed = [item for item in files if item.file_state == "FAILED"]
    print_pairs(
        [
            ("job.job_state", repr(job.job_state)),
            ("job.is_terminal", job.is_terminal),
            ("job.job_finished", f"{job.job_finished!r}" if job.job_finished else None),
            ("job.job_type", repr(job.job_type)),
            ("files[i].file_state", ", ".join(sorted({repr(item.file_state) for item in files}))),
            ("failed transfer", f"{failed[0].file_id}: {failed[0].reason}" if failed else None),
        ],
        title="Typed results",
    )
    out.print()


def _check(job: Job, files: int, failing: bool) -> None:
    states = [str(item.file_state) for item in job.files or []]
    expected = ("FAILED" if files == 1 else "FINISHEDDIRTY") if failing else "FINISHED"
    if job.job_state != expected or states.count("FINISHED") != files - int(failing):
        raise fail(ExitCode.ERROR, f"demo failed: job {job.job_state}, file states {states}")


def _run(client: Client, server_url: str, files: int, failing: bool, conn: Connection) -> None:
    out = console(stderr=conn.json)
    _say(out, "server", f"FTS test server on {server_url} (TLS, client certificate authentication)")
    _delegate(client, out)
    spec = _spec(files)
    job_id = client.jobs.submit(spec)
    note = " (one scripted to fail)" if failing else ""
    _say(out, "submit", f"job {job_id}: {files} transfers{note}")
    started = time.monotonic()
    [job] = poll_until_over(client, [job_id], display_for(out), interval=0.2, max_wait=_MAX_WAIT)
    _say(out, "done", f"job {job.job_state} after {time.monotonic() - started:.1f} s")
    if conn.json:
        print_json(job)
    else:
        out.print()
        show_job(job)
        out.print()
        _typed_results(job, out)
    _check(job, files, failing)


@with_options(OUTPUT)
def demo(
    files: Annotated[int, Opt("--files", "-n", min=1, max=100, help="Transfers in the demo job.")] = 8,
    no_failure: Annotated[bool, Opt("--no-failure", help="Let every transfer succeed.")] = False,
    keep: Annotated[bool, Opt("--keep", help="Keep the temporary directory (CA, certificates, keys).")] = False,
    *,
    conn: Connection,
) -> None:
    """Run the SDK end to end against an embedded FTS test server (HTTPS on 127.0.0.1); no certificate needed."""
    from fts3sdk import Client

    failing = None if no_failure else f"{DESTINATION}/file{min(4, files - 1):02d}.root"
    with ExitStack() as stack:
        directory = (
            Path(tempfile.mkdtemp(prefix="fts3sdk-demo-"))
            if keep
            else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fts3sdk-demo-")))
        )
        pki, alice = _pki(directory, console(stderr=conn.json))
        server = stack.enter_context(_fake(pki, failing).serve_https(pki))
        client = stack.enter_context(
            Client(server.url, cert=alice.cert_path, key=alice.key_path, ca_path=pki.ca_dir, retries=0)
        )
        _run(client, server.url, files, failing is not None, conn)
    if not conn.json:
        left = f"Its files are kept in {directory}." if keep else "Everything it created is gone."
        console().print(f"[green]The demo worked.[/] {left}", highlight=False)
