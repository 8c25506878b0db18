"""(f) Import time of fts3sdk and fts3sdk.easy against the official Easy bindings, each in a fresh interpreter."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks._harness import Measurement, Report, Target

_TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


def import_seconds(python: Path | str, statement: str, runs: int) -> float:
    """Median time of ``statement`` in ``runs`` fresh interpreters (after one warm-up for the disk cache)."""
    times = []
    for _ in range(runs + 1):
        out = subprocess.run(
            [str(python), "-c", _TIMER.format(statement=statement)], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times[1:])


def run(report: Report, *, quick: bool, official_python: Path | None) -> None:
    """Measure (f); the official import only when its virtualenv exists."""
    runs = 5 if quick else 11
    ours = {
        "import fts3sdk": "import fts3sdk",
        "from fts3sdk import Client": "from fts3sdk import Client",
        "import fts3sdk.easy": "import fts3sdk.easy",
    }
    for contender, statement in ours.items():
        seconds = import_seconds(sys.executable, statement, runs)
        report.measurements.append(Measurement("import time", contender, seconds, runs))
    if official_python is None:
        return
    seconds = import_seconds(official_python, "import fts3.rest.client.easy", runs)
    report.measurements.append(Measurement("import time", "import fts3.rest.client.easy (official)", seconds, runs))
    for contender in ours:
        measured = report.find("import time", contender)
        assert measured is not None
        ratio = measured.seconds / seconds
        if contender == "import fts3sdk":
            report.targets.append(Target("(f) `import fts3sdk` vs the official import", ratio, 1.5, at_most=True))
        else:
            report.notes.append(f"(f) `{contender}` takes {ratio:.2f}x the official import (no target).")
