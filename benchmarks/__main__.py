"""Run every benchmark, print the tables and write benchmarks/RESULTS.md: ``python -m benchmarks [--quick]``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import building, commands, delegation, events, faults, imports, official, parsing, polling
from benchmarks._harness import Report, machine, table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main() -> None:
    """Parse options, run the benchmarks and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (for a smoke test; not for RESULTS.md)")
    parser.add_argument("--no-official", action="store_true", help="skip installing and measuring the official client")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    args = parser.parse_args()
    report = Report()
    official_python, how = (None, "skipped (--no-official)") if args.no_official else official.ensure_official()
    report.notes.append(f"Official client: {how}.")
    started = time.perf_counter()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("polling", lambda: polling.run(report, quick=args.quick, official_python=official_python)),
        ("parsing", lambda: parsing.run(report, quick=args.quick)),
        ("building", lambda: building.run(report, quick=args.quick)),
        ("imports", lambda: imports.run(report, quick=args.quick, official_python=official_python)),
        ("delegation", lambda: delegation.run(report, quick=args.quick)),
        ("events", lambda: events.run(report, quick=args.quick)),
        ("faults", lambda: faults.run(report, quick=args.quick)),
        ("commands", lambda: commands.run(report, quick=args.quick, official_python=official_python)),
    ]
    if args.only:
        steps = [(name, step) for name, step in steps if name in args.only]
    for name, step in steps:
        print(f"running {name}...", flush=True)
        step()
    text = render(report, quick=args.quick, seconds=time.perf_counter() - started)
    print(text)
    args.output.write_text(text)


def render(report: Report, *, quick: bool, seconds: float) -> str:
    """RESULTS.md: when, where, the tables, the notes."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {when} on {machine()}{' (quick mode)' if quick else ''}; the run took {seconds:.0f} s.",
        "Every figure is a median of several runs; ratios compare contenders measured in the same run.",
        "",
        table(report),
        "",
        *[f"- {note}" for note in report.notes],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
