"""How the commands print jobs (official ``fts3.cli.utils``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["job_as_json", "job_human_readable", "job_list_as_json", "job_list_human_readable"]

_FIELDS = (
    ("Request ID", "job_id", "s"),
    ("Status", "job_state", "s"),
    ("Client DN", "user_dn", "s"),
    ("Reason", "reason", "s"),
    ("Submission time", "submit_time", "s"),
    ("Priority", "priority", "d"),
    ("VO Name", "vo_name", "s"),
)


def job_human_readable(job: dict[str, Any]) -> str:
    """Seven ``Name: value`` lines, each ending with a newline (the priority must be a number)."""
    return "".join(f"{label}: %{kind}\n" % (job[key],) for label, key, kind in _FIELDS)


def job_list_human_readable(job_list: Iterable[dict[str, Any]]) -> str:
    """The jobs one after the other, a blank line between two."""
    return "\n".join(job_human_readable(job) for job in job_list)


def job_list_as_json(job_list: Any) -> str:
    """The jobs as JSON, indented by 2."""
    return json.dumps(job_list, indent=2)


def job_as_json(job: Any) -> str:
    """A job as JSON, indented by 2."""
    return json.dumps(job, indent=2)
