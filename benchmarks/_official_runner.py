"""Poll jobs with the official Easy bindings; run by the official client's own virtualenv, not by fts3sdk's.

Usage: python _official_runner.py ENDPOINT CERT KEY CAPATH IDS_FILE RUNS
Prints a JSON list of seconds, one per run over all ids.
"""

from __future__ import annotations

import json
import sys
import time
import warnings


def main() -> None:
    import fts3.rest.client.easy as fts3  # type: ignore[import-not-found,unused-ignore]

    endpoint, cert, key, capath, ids_file, runs = sys.argv[1:7]
    with open(ids_file) as handle:
        job_ids = json.load(handle)
    warnings.simplefilter("ignore")
    context = fts3.Context(endpoint, ucert=cert, ukey=key, capath=capath)
    fts3.get_job_status(context, job_ids[0])
    times = []
    for _ in range(int(runs)):
        started = time.perf_counter()
        for job_id in job_ids:
            fts3.get_job_status(context, job_id)
        times.append(time.perf_counter() - started)
    print(json.dumps(times))


if __name__ == "__main__":
    main()
