"""Results of operations on several jobs at once, where each id succeeds or fails on its own."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from fts3sdk.errors import FTS3ClientException, InvalidResponse, from_status

if TYPE_CHECKING:
    from fts3sdk.models import JobStatusEntry

__all__ = ["Batch", "entry_error"]

T = TypeVar("T")


def entry_error(entry: JobStatusEntry, *, method: str | None = None, url: str | None = None) -> FTS3ClientException:
    """The exception a per-job error entry (``{"job_id", "http_status", "http_message"}``) stands for."""
    body = json.dumps(entry.model_dump(mode="json"))
    error = from_status(entry.status_code or 500, body, method=method, url=url)
    if error is None:
        return InvalidResponse(f"unexpected per-job status {entry.http_status!r}", body=body)
    return error


@dataclass(frozen=True)
class Batch(Mapping[str, T], Generic[T]):
    """Per-id outcome of an operation on several jobs: a mapping of the ids that succeeded, plus `errors`.

    ``batch[job_id]`` raises the id's error when it failed (``NotFound``, ``Unauthorized``...), and
    ``KeyError`` for an id that was not asked for.
    """

    results: dict[str, T] = field(default_factory=dict)
    """What each successful id gave, in the order asked."""
    errors: dict[str, FTS3ClientException] = field(default_factory=dict)
    """Why each failed id failed."""

    def __getitem__(self, job_id: str) -> T:
        if job_id in self.errors:
            raise self.errors[job_id]
        return self.results[job_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def ok(self) -> bool:
        """Whether every id succeeded."""
        return not self.errors

    def raise_for_errors(self) -> None:
        """Raise the first id's error, if any id failed."""
        for error in self.errors.values():
            raise error
