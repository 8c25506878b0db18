"""What the official classes share: local argument checks, the multi-job path and the job submission request."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from fts3sdk import errors
from fts3sdk._base import Endpoint, Method, raw_json, segment
from fts3sdk.resources._endpoints import _jobs as jobs_api

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["local_checks", "multi_job_endpoint", "post_job"]


@contextmanager
def local_checks() -> Iterator[None]:
    """Turn the endpoint builders' argument checks (ValueError) into the official ClientError("Bad request: ...")."""
    try:
        yield
    except ValueError as exc:
        raise errors.ClientError(f"Bad request: {exc}") from exc


def multi_job_endpoint(method: Method, job_ids: Sequence[str], params: Mapping[str, str]) -> Endpoint[Any]:
    """``/jobs/<id1>,<id2>``: the path the official client sends for several ids, read raw (one id: unwrapped)."""
    if not job_ids:
        raise ValueError("give at least one job id")
    for job_id in job_ids:
        jobs_api.job_path(job_id)
    path = "/jobs/" + ",".join(segment(job_id, "job id") for job_id in job_ids)
    return Endpoint(method, path, raw_json, params)


def post_job(context: Context, body: dict[str, Any]) -> str:
    """``POST /jobs`` with the official serialization of ``body`` (JSON, indent 2); gives the job id."""
    return context.client._send(jobs_api.submit_job(json.dumps(body, indent=2).encode()))
