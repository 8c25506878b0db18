"""The fake server's clock: manual (the test moves it) or following real time, always aware UTC."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

__all__ = ["FakeClock"]


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class FakeClock:
    """Time as the fake FTS server sees it.

    A manual clock (the default) stands still at ``start`` until `advance` or `set` moves it; a real clock
    (``real=True``) follows the wall clock, shifted by whatever `advance` added. Naive datetimes mean UTC.
    """

    def __init__(self, start: datetime | None = None, *, real: bool = False) -> None:
        self._lock = threading.Lock()
        self._real = real
        self._base = _utc(start) if start is not None else datetime.now(timezone.utc)
        self._offset = timedelta(0)
        self._anchor = datetime.now(timezone.utc)

    @property
    def real(self) -> bool:
        """Whether the clock follows real time."""
        return self._real

    def now(self) -> datetime:
        """The current fake time (aware UTC)."""
        with self._lock:
            if self._real:
                return self._base + (datetime.now(timezone.utc) - self._anchor) + self._offset
            return self._base + self._offset

    def advance(self, delta: timedelta | float) -> datetime:
        """Move the clock forward by ``delta`` (a timedelta or seconds) and return the new time.

        Raises ValueError for a negative delta: server time never goes back.
        """
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        if step < timedelta(0):
            raise ValueError(f"the clock only moves forward, not by {step}")
        with self._lock:
            self._offset += step
        return self.now()

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (not earlier than now). Raises ValueError when it is in the past of the clock."""
        self.advance(_utc(moment) - self.now())

    def __repr__(self) -> str:
        kind = "real" if self._real else "manual"
        return f"FakeClock({self.now().isoformat()}, {kind})"
