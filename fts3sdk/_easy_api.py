"""The official mid-level classes (`Inquirer`, `Submitter`, `Ban`, `Delegator`) over the typed client's endpoints.

Every request is an endpoint builder of `fts3sdk.resources` read with `raw_json`, so answers are the JSON the
server sent; errors come from the one status table in `fts3sdk.errors`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fts3sdk import errors
from fts3sdk._base import Endpoint, Method, raw_json, segment
from fts3sdk._easy_jobs import check_submission, submission_body
from fts3sdk.resources import _jobs_api as jobs_api
from fts3sdk.resources import _server_api as api
from fts3sdk.resources.delegation import delegate_flow

if TYPE_CHECKING:
    from fts3sdk._easy_context import Context

__all__ = ["OFFICIAL_FILE_FIELDS", "Ban", "Delegator", "Inquirer", "Submitter", "local_checks", "post_job"]

OFFICIAL_FILE_FIELDS = "file_state,dest_surl,finish_time,start_time,reason,source_surl,file_metadata"
"""The file attributes the official ``get_jobs_statuses(list_files=True)`` asks for."""


@contextmanager
def local_checks() -> Iterator[None]:
    """Turn the endpoint builders' argument checks (ValueError) into the official ClientError("Bad request: ...")."""
    try:
        yield
    except ValueError as exc:
        raise errors.ClientError(f"Bad request: {exc}") from exc


def _jobs(method: Method, job_ids: Sequence[str], params: Mapping[str, str]) -> Endpoint[Any]:
    # /jobs/<id1>,<id2>: the path the official client sends for several ids, read raw (the server unwraps one id).
    if not job_ids:
        raise ValueError("give at least one job id")
    for job_id in job_ids:
        jobs_api.job_path(job_id)
    path = "/jobs/" + ",".join(segment(job_id, "job id") for job_id in job_ids)
    return Endpoint(method, path, raw_json, params)


def post_job(context: Context, body: dict[str, Any]) -> str:
    """``POST /jobs`` with a body already checked, serialized as the official (JSON, indent 2); gives the job id."""
    return context.client._send(jobs_api.submit_job(json.dumps(body, indent=2).encode()))


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
            endpoint = _jobs("GET", job_ids, {"files": OFFICIAL_FILE_FIELDS} if list_files else {})
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

    def cancel(self, job_id: str, file_ids: Sequence[int] | None = None) -> Any:
        """``DELETE /jobs/<id>`` (the job dict), or ``/jobs/<id>/files/<f1>,<f2>`` (a state or list of states)."""
        with local_checks():
            if file_ids is not None:
                endpoint = jobs_api.cancel_files(job_id, file_ids).with_parse(raw_json)
            elif "," in job_id:
                endpoint = _jobs("DELETE", job_id.split(","), {})
            else:
                endpoint = jobs_api.cancel_job(job_id).with_parse(raw_json)
        return self.context.client._send(endpoint)

    def cancel_all(self, vo: str | None = None) -> dict[str, Any]:
        """``DELETE /jobs/all`` or ``/jobs/vo/<vo>`` (root only): counts of affected files, dm and jobs."""
        return self.context.client._send(jobs_api.cancel_all(vo).with_parse(raw_json))


class Ban:
    """Ban and unban storages and users (official ``fts3.rest.client.Ban``)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def ban_se(self, se: str, status: str = "cancel", timeout: int = 0, allow_submit: bool = False) -> list[str]:
        """``POST /ban/se``: ids of the affected jobs.

        ``status`` cancel or wait (any case), ``allow_submit`` only with wait; ``timeout`` is sent, and ignored by
        the server.
        """
        mode = str(status).lower()
        with local_checks():
            endpoint = api.ban_storage(se, status=mode, allow_submit=allow_submit, message=None, timeout=timeout)  # type: ignore[arg-type]
        return self.context.client._send(endpoint.with_parse(raw_json))

    def ban_dn(self, dn: str) -> list[str]:
        """``POST /ban/dn``: ids of the user's jobs it canceled."""
        return self.context.client._send(api.ban_user(dn, message=None).with_parse(raw_json))

    def unban_se(self, se: str) -> None:
        """``DELETE /ban/se?storage=``."""
        self.context.client._send(api.unban_storage(se))

    def unban_dn(self, dn: str) -> None:
        """``DELETE /ban/dn?user_dn=``."""
        self.context.client._send(api.unban_user(dn))


class Delegator:
    """Delegate X.509 credentials (official ``fts3.rest.client.Delegator``)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def get_info(self, delegation_id: str | None = None) -> Any:
        """``GET /delegation/<id>`` (default: the caller's id from ``/whoami``): a dict, or ``None``/``[]``."""
        if delegation_id is None:
            delegation_id = str(Inquirer(self.context).whoami()["delegation_id"])
        with local_checks():
            endpoint = api.delegation_info(delegation_id).with_parse(raw_json)
        return self.context.client._send(endpoint)

    def delegate(
        self,
        lifetime: timedelta = timedelta(hours=7),
        force: bool = False,
        delegate_when_lifetime_lt: timedelta = timedelta(hours=2),
        legacy_mode: bool = False,
    ) -> str:
        """Delegate a proxy unless the stored one has ``delegate_when_lifetime_lt`` left (or ``force``).

        Gives the delegation id. Every failure is raised as ClientError(str(error)), as the official.
        """
        flow = delegate_flow(
            self.context.client.load_credential,
            lifetime=lifetime,
            force=force,
            renew_if_less_than=delegate_when_lifetime_lt,
            legacy=legacy_mode,
        )
        try:
            return self.context.client._run(flow)
        except Exception as exc:
            raise errors.ClientError(str(exc)) from exc
