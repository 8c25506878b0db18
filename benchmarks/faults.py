"""(h) Submits and polls through a proxy that resets 1 connection in 20: failures, retries, duplicates.

Each iteration submits one job (``delegate="auto"``: ``GET /whoami``, ``GET /delegation/{id}``, ``POST /jobs``)
tagged with its number in the job metadata, then polls it three times. The fake server counts the jobs per tag
afterwards: two jobs with one tag would be a duplicated submission.
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
import select
import socket
import struct
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from benchmarks._harness import Measurement, Report, Target
from fts3sdk import Client, JobSpec, Transfer, errors
from fts3sdk.testing import FakeFTS, Identity, ThrowawayPKI

SUBMITS = 200
POLLS = 3
EVERY = 20
"""One connection in this many is reset."""
KEEPALIVE = 6
"""The proxy closes a healthy connection after relaying this many answers (as servers close kept-alive ones)."""
_CHUNK = 65536
_LINGER_RESET = struct.pack("ii", 1, 0)
_MAY_HAVE = "may have been applied"


@dataclass
class ProxyCounts:
    """What the proxy did."""

    connections: int = 0
    reset_before_forwarding: int = 0
    """Resets that dropped a client chunk (handshake or request) before the server saw it."""
    reset_after_forwarding: int = 0
    """Resets that dropped the server's answer to a chunk it had received."""
    closed_after_keepalive: int = 0


class ResetProxy:
    """A TCP proxy on 127.0.0.1 to ``target``: every ``every``-th connection is reset at a random chunk.

    The reset comes either before a client chunk is forwarded (nothing of it reaches the server) or after the
    server answered it (the server acted; the client never hears). TLS passes through untouched: chunks, not
    requests, are counted. Healthy connections are closed after ``keepalive`` answers.
    """

    def __init__(self, target: tuple[str, int], *, every: int = EVERY, keepalive: int = KEEPALIVE, seed: int = 1):
        self.target = target
        self.every = every
        self.keepalive = keepalive
        self.counts = ProxyCounts()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.counts.connections += 1
                faulty = self.counts.connections % self.every == 0
                plan = (self._random.randrange(2 * self.keepalive), self._random.random() < 0.5) if faulty else None
            thread = threading.Thread(target=self._relay, args=(client, plan), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _relay(self, client: socket.socket, plan: tuple[int, bool] | None) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            client.close()
            return
        with contextlib.closing(client), contextlib.closing(upstream):
            for sock in (client, upstream):
                sock.settimeout(5)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._pump(client, upstream, plan)

    def _pump(self, client: socket.socket, upstream: socket.socket, plan: tuple[int, bool] | None) -> None:
        sent = answers = 0
        doomed = False  # the chunk chosen for a reset after forwarding went through: drop the server's answer
        while not self._stop.is_set():
            readable, _, _ = select.select([client, upstream], [], [], 0.2)
            if client in readable:
                data = _receive(client)
                if not data:
                    return
                if plan is not None and sent == plan[0] and not plan[1]:
                    self._reset(client, upstream, "reset_before_forwarding")
                    return
                upstream.sendall(data)
                doomed = doomed or (plan is not None and sent == plan[0])
                sent += 1
            if upstream in readable:
                answer = _receive(upstream)
                if not answer:
                    return
                if doomed:
                    self._reset(client, upstream, "reset_after_forwarding")
                    return
                client.sendall(answer)
                answers += 1
                if plan is None and answers >= self.keepalive:
                    with self._lock:
                        self.counts.closed_after_keepalive += 1
                    return

    def _reset(self, client: socket.socket, upstream: socket.socket, kind: str) -> None:
        """Reset both connections, as a network fault does: the server too loses the client mid-exchange."""
        with self._lock:
            setattr(self.counts, kind, getattr(self.counts, kind) + 1)
        for sock in (client, upstream):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)

    def close(self) -> None:
        """Stop and join every relay (bounded waits)."""
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> ResetProxy:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _receive(sock: socket.socket) -> bytes:
    """A chunk; ``b""`` at the end of the stream or on an error."""
    try:
        return sock.recv(_CHUNK)
    except OSError:
        return b""


@dataclass
class Outcome:
    """What the client saw."""

    answered: Counter[str] = field(default_factory=Counter)
    """Requests answered, by method (from the client's DEBUG log)."""
    retries: Counter[str] = field(default_factory=Counter)
    """Requests sent again, by method (from the client's DEBUG log)."""
    failed_gets: list[str] = field(default_factory=list)
    failed_posts: dict[int, str] = field(default_factory=dict)
    """Failed submissions by job number."""


_ANSWERED = re.compile(r"^(GET|POST|PUT|DELETE) \S+ -> \d+ ")


class _Log(logging.Handler):
    """Counts the client's DEBUG lines: one per answered request, one per retry."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(logging.DEBUG)
        self.outcome = outcome

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("retrying "):
            self.outcome.retries[message.split(" ", 2)[1]] += 1
        elif match := _ANSWERED.match(message):
            self.outcome.answered[match.group(1)] += 1


def _spec(number: int) -> JobSpec:
    transfer = Transfer(sources=f"gsiftp://a.example.org/f{number}", destinations=f"gsiftp://b.example.org/f{number}")
    return JobSpec(transfers=[transfer], job_metadata={"benchmark": "faults", "n": number})


def _poll(client: Client, job_id: str, outcome: Outcome) -> None:
    for _ in range(POLLS):
        try:
            client.jobs.get(job_id)
        except errors.FTS3ClientException as exc:
            outcome.failed_gets.append(f"{type(exc).__name__}: {exc}")


def drive(client: Client, submits: int, outcome: Outcome) -> None:
    """Submit ``submits`` tagged jobs and poll each ``POLLS`` times, recording every failure."""
    for number in range(submits):
        try:
            job_id = client.jobs.submit(_spec(number))
        except errors.FTS3ClientException as exc:
            line = f"{type(exc).__name__}: {exc}"
            if exc.method == "POST":
                outcome.failed_posts[number] = line
            else:
                outcome.failed_gets.append(line)
            continue
        _poll(client, job_id, outcome)


def _one_run(submits: int, retries: int) -> tuple[float, Outcome, ProxyCounts, Counter[int]]:
    with tempfile.TemporaryDirectory() as directory:
        pki = ThrowawayPKI(Path(directory))
        alice = pki.issue_user("Alice")
        fake = FakeFTS(pki=pki, seed=1)
        fake.add_delegation(Identity.certificate(alice.dn))
        outcome = Outcome()
        handler = _Log(outcome)
        logger = logging.getLogger("fts3sdk")
        previous = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            with fake.serve_https(pki) as server, ResetProxy(("127.0.0.1", server.port)) as proxy:
                url = f"https://127.0.0.1:{proxy.port}"
                started = time.perf_counter()
                client = Client(url, cert=alice.cert_path, key=alice.key_path, ca_path=pki.ca_dir, retries=retries)
                with client:
                    drive(client, submits, outcome)
                seconds = time.perf_counter() - started
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)
        return seconds, outcome, proxy.counts, Counter(_number(job.job_metadata) for job in fake.jobs())


def run(report: Report, *, quick: bool) -> None:
    """Measure (h) and add its figures and targets to ``report``; the same run without retries for contrast."""
    submits = SUBMITS // 5 if quick else SUBMITS
    seconds, outcome, counts, tags = _one_run(submits, retries=2)
    _report(report, submits, seconds, outcome, counts, tags)
    _, bare, bare_counts, _ = _one_run(submits, retries=0)
    report.notes.append(
        f"(h) the same run with retries=0: {len(bare.failed_gets)} GETs and {len(bare.failed_posts)} submits "
        f"failed ({bare_counts.reset_before_forwarding + bare_counts.reset_after_forwarding} resets)."
    )


def _number(metadata: object) -> int:
    number = metadata.get("n") if isinstance(metadata, dict) else None
    return number if isinstance(number, int) else -1


def _report(
    report: Report, submits: int, seconds: float, outcome: Outcome, counts: ProxyCounts, tags: Counter[int]
) -> None:
    duplicates = sum(1 for count in tags.values() if count > 1)
    unsaid = [line for line in outcome.failed_posts.values() if _MAY_HAVE not in line]
    existing = sum(1 for number in outcome.failed_posts if tags[number])
    gets = outcome.answered["GET"] + len(outcome.failed_gets)
    name = f"(h) {submits} submits + polls, 1 in {EVERY} connections reset"
    note = f"{gets} GETs, {counts.connections} connections"
    report.measurements.append(Measurement(name, "fts3sdk Client", seconds, 1, note=note))
    report.targets += [
        Target("(h) failed GETs (whoami, delegation, polls)", len(outcome.failed_gets), 0, True, unit="requests"),
        Target("(h) duplicated submissions", duplicates, 0, True, unit="jobs"),
        Target("(h) failed submits not saying the job may exist", len(unsaid), 0, True, unit="submits"),
    ]
    retried = ", ".join(f"{count} {method}" for method, count in sorted(outcome.retries.items())) or "nothing"
    report.notes.append(
        f"(h) the proxy reset {counts.reset_before_forwarding} connections before forwarding a chunk and "
        f"{counts.reset_after_forwarding} after the server had it, of {counts.connections}, and closed "
        f"{counts.closed_after_keepalive} healthy ones after {KEEPALIVE} answers; the client sent again {retried}; "
        f"{len(outcome.failed_gets)} of {gets} GETs failed; {len(outcome.failed_posts)} of {submits} submits "
        f"failed, each saying it may have been applied ({existing} of those jobs exist, once); "
        f"{duplicates} jobs were created twice."
    )
    for line in (outcome.failed_gets + unsaid)[:3]:
        report.notes.append(f"(h) unexpected failure: {line}")
