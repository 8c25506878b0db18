"""`Inquirer` (official ``fts3.rest.client.inquirer``): jobs and identity, read through the typed client's endpoints.

Every request is an endpoint builder of `fts3sdk.resources` read with `raw_json`, so answers are the JSON the
server sent; errors come from the one status table in `fts3sdk.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fts3sdk import errors
from fts3sdk._base import Endpoint, raw_json
from fts3sdk.easy.client._shared import local_checks, multi_job_endpoint
from fts3sdk.resources._endpoints import _jobs as jobs_api
from fts3sdk.resources._endpoints import _server as api

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["OFFICIAL_FILE_FIELDS", "Inquirer"]

OFFICIAL_FILE_FIELDS = "file_state,dest_surl,finish_time,start_time,reason,source_surl,file_metadata"
"""The file attributes the official ``get_jobs_statuses(list_files=True)`` asks for."""


class Inquirer:
    """Read jobs and the caller's identity (official ``fts3.rest.client.Inquirer``)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def get_job_status(self, job_id: str, list_files: bool = False) -> dict[str, Any]:
        """``GET /jobs/<id>``; with ``list_files`` also ``/files`` and ``/dm`` into ``files`` and ``dm``.

        Raises Exception for a non-str id and NotFound(job_id) for any 404, as the official.
        """
        if not isinstance(job_id, str):
            raise Exception("The job_id provided is not a string!")  # the official client's exception
        with local_checks():
            endpoints: list[Endpoint[Any]] = [jobs_api.get_job(job_id, files=False)]
            if list_files:
                endpoints += [jobs_api.job_files(job_id), jobs_api.job_dm(job_id)]
        try:
            answers = [self.context.client._send(endpoint.with_parse(raw_json)) for endpoint in endpoints]
        except errors.NotFound as exc:
            raise errors.NotFound(job_id) from exc
        job: dict[str, Any] = answers[0]
        if list_files:
            job["files"], job["dm"] = answers[1:]
        return job

    def get_jobs_statuses(self, job_ids: list[str], list_files: bool = False) -> Any:
        """``GET /jobs/<id1>,<id2>...``: a list of jobs (a dict for one id); any failed id raises ClientError."""
        if not isinstance(job_ids, list):
            raise Exception("The input provided is not a list of ids!")  # the official client's exception
        with local_checks():
            endpoint = multi_job_endpoint("GET", job_ids, {"files": OFFICIAL_FILE_FIELDS} if list_files else {})
        try:
            return self.context.client._send(endpoint)
        except errors.NotFound as exc:
            raise errors.NotFound(job_ids) from exc  # type: ignore[arg-type]  # the official passes the list

    def get_job_list(
        self,
        user_dn: str | None = None,
        vo_name: str | None = None,
        source_se: str | None = None,
        dest_se: str | None = None,
        delegation_id: str | None = None,
        state_in: Sequence[str] | str | None = None,
        time_window: float | timedelta | None = None,
        *,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """``GET /jobs`` with the filters that are truthy (``delegation_id`` is sent as ``dlg_id``).

        ``time_window`` (hours, as newer official clients) and ``limit`` are fts3sdk additions: with ``state_in``
        they make terminal jobs visible.
        """
        with local_checks():
            endpoint = jobs_api.list_jobs(
                user_dn=user_dn or None,
                vo=vo_name or None,
                source_se=source_se or None,
                dest_se=dest_se or None,
                dlg_id=delegation_id or None,
                state_in=state_in or None,
                limit=limit,
                time_window=time_window or None,
            )
        return self.context.client._send(endpoint.with_parse(raw_json))

    def whoami(self) -> dict[str, Any]:
        """``GET /whoami``: the caller as the server sees it."""
        return self.context.client._send(api.whoami().with_parse(raw_json))
