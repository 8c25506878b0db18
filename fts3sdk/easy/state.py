"""Job listing and status (official ``fts3.rest.client.easy.state``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from fts3sdk.easy.client import Inquirer
from fts3sdk.easy.client.context import Context

__all__ = ["Inquirer", "get_job_status", "get_jobs_statuses", "list_jobs"]


def list_jobs(
    context: Context,
    user_dn: str | None = None,
    vo: str | None = None,
    source_se: str | None = None,
    dest_se: str | None = None,
    delegation_id: str | None = None,
    state_in: Sequence[str] | str | None = None,
    time_window: float | timedelta | None = None,
    *,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Unfinished jobs visible to the caller (``GET /jobs``), filtered by the truthy arguments, as the official.

    ``vo`` is sent as ``vo_name``, ``delegation_id`` as ``dlg_id``; ``user_dn``/``delegation_id`` must be the
    caller's own. Additions: ``time_window`` (hours; positional as in newer official clients) and ``limit``,
    which with ``state_in`` list finished jobs too. Typed: ``client.jobs.list(...)``.
    """
    inquirer = Inquirer(context)
    return inquirer.get_job_list(user_dn, vo, source_se, dest_se, delegation_id, state_in, time_window, limit=limit)


def get_job_status(context: Context, job_id: str, list_files: bool = False) -> dict[str, Any]:
    """One job (``GET /jobs/<id>``), with ``files`` and ``dm`` lists when ``list_files`` (two more requests).

    As the official: Exception("The job_id provided is not a string!") for a non-str id, NotFound(job_id)
    (the server's message dropped) for an unknown or archived job. Typed: ``client.jobs.get(id, files=True)``.
    """
    return Inquirer(context).get_job_status(job_id, list_files)


def get_jobs_statuses(context: Context, job_ids: list[str], list_files: bool = False) -> Any:
    """Several jobs in one request (``GET /jobs/<id1>,<id2>``): a list, or a dict when one id is given.

    With ``list_files`` each job has ``files`` restricted to the official subset of attributes. As the
    official: Exception for a non-list, ClientError (from the 207 answer) as soon as one id fails,
    NotFound(job_ids) for a single unknown id. Typed: ``client.jobs.get_many(ids)`` gives per-id results.
    """
    return Inquirer(context).get_jobs_statuses(job_ids, list_files)
