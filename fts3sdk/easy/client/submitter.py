"""`Submitter` (official ``fts3.rest.client.submitter``): submit and cancel jobs through the typed endpoints."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fts3sdk._base import raw_json
from fts3sdk.easy.client._body import check_submission, submission_body
from fts3sdk.easy.client._shared import local_checks, multi_job_endpoint, post_job
from fts3sdk.resources._endpoints import _jobs as jobs_api

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["Submitter"]


class Submitter:
    """Submit and cancel jobs (official ``fts3.rest.client.Submitter``)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    @staticmethod
    def build_submission(
        transfers: Sequence[Any] | None = None,
        delete: Any = None,
        params: Mapping[str, Any] | None = None,
        staging: Any = None,
        **kwargs: Any,
    ) -> str:
        """The ``POST /jobs`` body as JSON text (indent 2), as the official; see `submission_body`."""
        return json.dumps(submission_body(transfers, delete, params, staging, **kwargs), indent=2)

    def submit(
        self,
        transfers: Sequence[Any] | None = None,
        delete: Any = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> str:
        """``POST /jobs`` (no delegation); gives the job id. The body is checked locally first (ClientError)."""
        body = submission_body(transfers, delete, params, **kwargs)
        check_submission(body)
        return post_job(self.context, body)

    def cancel(self, job_id: str, file_ids: Sequence[int | str] | None = None) -> Any:
        """``DELETE /jobs/<id>`` (the job dict), or ``/jobs/<id>/files/<f1>,<f2>`` (a state or list of states)."""
        with local_checks():
            if file_ids is not None:
                endpoint = jobs_api.cancel_files(job_id, file_ids).with_parse(raw_json)  # type: ignore[arg-type]
            elif "," in job_id:
                endpoint = multi_job_endpoint("DELETE", job_id.split(","), {})
            else:
                endpoint = jobs_api.cancel_job(job_id).with_parse(raw_json)
        return self.context.client._send(endpoint)

    def cancel_all(self, vo: str | None = None) -> dict[str, Any]:
        """``DELETE /jobs/all`` or ``/jobs/vo/<vo>`` (root only): counts of affected files, dm and jobs."""
        return self.context.client._send(jobs_api.cancel_all(vo).with_parse(raw_json))
