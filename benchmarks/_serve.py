"""Run a FakeFTS HTTPS server (and a delay proxy) in its own process for the polling benchmarks.

Usage: python -m benchmarks._serve DIRECTORY JOBS DELAY_SECONDS WORKERS
Prints one JSON line (URLs, credential paths, job ids), then serves until its standard input closes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.delay_proxy import DelayProxy
from fts3sdk import JobSpec, Transfer
from fts3sdk.testing import FakeFTS, Identity, ThrowawayPKI


def main() -> None:
    directory, jobs, delay, workers = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    pki = ThrowawayPKI(directory)
    alice = pki.issue_user("Alice")
    root = pki.issue_user("localhost")  # the host certificate's DN: the server's root
    fake = FakeFTS(pki=pki, seed=1)
    owner = Identity.certificate(alice.dn)
    job_ids = [
        fake.submit(
            JobSpec(
                transfers=[
                    Transfer(sources=f"gsiftp://a.example.org/f{n}", destinations=f"gsiftp://b.example.org/f{n}")
                ]
            ),
            identity=owner,
        )
        for n in range(jobs)
    ]
    with fake.serve_https(pki, workers=workers) as server, DelayProxy(("127.0.0.1", server.port), delay) as proxy:
        info = {
            "url": server.url.replace("127.0.0.1", "localhost"),
            "proxy_url": f"https://localhost:{proxy.port}",
            "ca_path": str(pki.ca_path),
            "ca_dir": str(pki.ca_dir),
            "cert": str(alice.cert_path),
            "key": str(alice.key_path),
            "root_cert": str(root.cert_path),
            "root_key": str(root.key_path),
            "job_ids": job_ids,
        }
        print(json.dumps(info), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
