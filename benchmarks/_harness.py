"""Timing, memory and reporting helpers shared by every benchmark."""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Measurement:
    """Medians of several runs of one contender in one benchmark."""

    benchmark: str
    contender: str
    seconds: float
    runs: int
    unit_count: int = 1
    peak_bytes: int | None = None
    note: str = ""

    @property
    def per_unit_ms(self) -> float:
        """Milliseconds per unit (per poll, per job...)."""
        return self.seconds * 1000 / self.unit_count


@dataclass
class Target:
    """A ratio the issue asks for, and whether this run met it."""

    name: str
    ratio: float
    limit: float
    at_most: bool
    explanation: str = ""
    unit: str = "x"

    @property
    def met(self) -> bool:
        """Whether the measured ratio is within the limit."""
        return self.ratio <= self.limit if self.at_most else self.ratio >= self.limit


@dataclass
class Report:
    """Everything one benchmark run measured."""

    measurements: list[Measurement] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def find(self, benchmark: str, contender: str) -> Measurement | None:
        """The measurement of ``contender`` in ``benchmark``, if it ran."""
        return next(
            (m for m in self.measurements if m.benchmark == benchmark and m.contender == contender),
            None,
        )


def median_seconds(action: Callable[[], Any], runs: int, *, warmup: int = 1) -> float:
    """Median wall time of ``runs`` calls of ``action`` after ``warmup`` unmeasured calls."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved_medians(
    contenders: Mapping[str, Callable[[], float]], runs: int, *, warmup_rounds: int = 0
) -> dict[str, float]:
    """Median of the seconds each contender's call gives, the contenders alternating run by run.

    Alternating makes a burst of load on this shared machine hurt every contender alike; the first
    ``warmup_rounds`` rounds are run and not counted.
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_number in range(warmup_rounds + runs):
        for name, measure in contenders.items():
            seconds = measure()
            if round_number >= warmup_rounds:
                times[name].append(seconds)
    return {name: float(statistics.median(values)) for name, values in times.items()}


def peak_memory(action: Callable[[], Any]) -> int:
    """Peak bytes allocated by Python while ``action`` runs (tracemalloc), including what it returns."""
    gc.collect()
    tracemalloc.start()
    try:
        result = action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def machine() -> str:
    """One line describing this machine."""
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"
    )


def table(report: Report) -> str:
    """The measurements and targets as Markdown tables."""
    lines = [
        "| benchmark | contender | median | per unit | peak memory | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for m in report.measurements:
        memory = f"{m.peak_bytes / 2**20:.1f} MiB" if m.peak_bytes is not None else ""
        per_unit = f"{m.per_unit_ms:.3f} ms" if m.unit_count > 1 else ""
        lines.append(f"| {m.benchmark} | {m.contender} | {m.seconds:.3f} s | {per_unit} | {memory} | {m.note} |")
    lines += ["", "| target | measured | limit | met |", "|---|---:|---:|---|"]
    for t in report.targets:
        sign = "≤" if t.at_most else "≥"
        verdict = "yes" if t.met else f"**missed** ({t.explanation})" if t.explanation else "**missed**"
        unit = "x" if t.unit == "x" else f" {t.unit}"
        lines.append(f"| {t.name} | {t.ratio:.2f}{unit} | {sign} {t.limit:g}{unit} | {verdict} |")
    return "\n".join(lines)
