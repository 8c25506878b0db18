"""(g) One delegation: whoami, info, certificate request, proxy signing, upload (in-process FakeFTS)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks._harness import Measurement, Report, median_seconds
from fts3sdk import Client
from fts3sdk.testing import FakeFTS, Identity, ThrowawayPKI


def run(report: Report, *, quick: bool) -> None:
    """Measure (g): the whole flow, forced so that every run signs and uploads (no target)."""
    runs = 5 if quick else 21
    with tempfile.TemporaryDirectory() as directory:
        pki = ThrowawayPKI(Path(directory))
        alice = pki.issue_user("Alice")
        fake = FakeFTS(pki=pki)
        transport = fake.transport(Identity.certificate(alice.dn))
        with Client(
            "https://fts.example.org:8446", cert=alice.cert_path, key=alice.key_path, transport=transport
        ) as client:
            seconds = median_seconds(lambda: client.delegation.delegate(force=True), runs)
    report.measurements.append(
        Measurement("(g) one delegation", "fts3sdk (RSA 2048 user, in-process server)", seconds, runs)
    )
