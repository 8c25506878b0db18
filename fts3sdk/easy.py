"""Drop-in replacement for the official Easy bindings (``import fts3.rest.client.easy as fts3``) on fts3sdk.

Same functions, signatures, defaults, return values (dicts and lists exactly as the server sent them) and
exceptions (``exceptions`` is `fts3sdk.errors`, whose legacy classes keep the official names, bases and texts)::

    import fts3sdk.easy as fts3

    ctx = fts3.Context("https://fts.example.org:8446")
    job = fts3.new_job([fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f")])
    job_id = fts3.submit(ctx, job)
    print(fts3.get_job_status(ctx, job_id)["job_state"])

Every call goes through one typed `fts3sdk.Client` (``ctx.client``), its endpoint builders, its delegation
flow and its submission rules (`fts3sdk.JobSpec`): nothing is implemented twice. Bugs of the official client are
fixed, and the deliberate differences listed, in ``docs/migration.md``. `fts3sdk.compat.install()` makes
unmodified code importing ``fts3.rest.client.easy`` run on this module.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from fts3sdk import errors as exceptions
from fts3sdk._easy_api import Ban, Delegator, Inquirer, Submitter, post_job
from fts3sdk._easy_context import CLIENT_VERSION, DEFAULT_USER_AGENT, Context
from fts3sdk._easy_jobs import (
    JobIdGenerator,
    add_alternative_source,
    check_submission,
    new_delete_job,
    new_job,
    new_staging_job,
    new_transfer,
    submission_body,
)
from fts3sdk.errors import ClientError

__all__ = [
    "CLIENT_VERSION",
    "DEFAULT_USER_AGENT",
    "Ban",
    "ClientError",
    "Context",
    "Delegator",
    "Inquirer",
    "JobIdGenerator",
    "Submitter",
    "add_alternative_source",
    "ban_dn",
    "ban_se",
    "cancel",
    "cancel_all",
    "delegate",
    "exceptions",
    "get_job_status",
    "get_jobs_statuses",
    "list_jobs",
    "new_delete_job",
    "new_job",
    "new_staging_job",
    "new_transfer",
    "submit",
    "timedelta",
    "unban_dn",
    "unban_se",
    "warnings",
    "whoami",
]


def whoami(context: Context) -> dict[str, Any]:
    """The caller as the server sees it (``GET /whoami``), as the official.

    Typed: ``client.whoami()``.
    """
    return Inquirer(context).whoami()


def delegate(
    context: Context,
    lifetime: timedelta = timedelta(hours=7),
    force: bool = False,
    delegate_when_lifetime_lt: timedelta = timedelta(hours=2),
    legacy_mode: bool = False,
) -> str:
    """Delegate the X.509 credential unless the server holds one with ``delegate_when_lifetime_lt`` left.

    As the official: gives the delegation id, or ``""`` without any request when the context does not use
    X.509 (token or no credentials); every failure is raised as ClientError. The proxy is made by
    `fts3sdk.proxy` (its expiry is the true minimum over the local chain, which the official missed).
    Typed: ``client.delegation.delegate(lifetime=..., force=..., renew_if_less_than=..., legacy=...)``.
    """
    if context.access_method != "X509":
        return ""
    return Delegator(context).delegate(lifetime, force, delegate_when_lifetime_lt, legacy_mode)


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


def ban_se(
    context: Context, storage: str, status: str = "cancel", timeout: int = 0, allow_submit: bool = False
) -> list[str]:
    """Ban a storage for the caller's VO (``POST /ban/se``, config level): ids of the affected jobs.

    ``status``: ``"cancel"`` or ``"wait"``; ``allow_submit`` only with ``"wait"`` (checked locally here,
    ClientError "Bad request: ..."); ``timeout`` is sent and ignored by the server.
    Typed: ``client.storage.ban(storage, status=..., allow_submit=...)``.
    """
    return Ban(context).ban_se(storage, status, timeout, allow_submit)


def ban_dn(context: Context, dn: str) -> list[str]:
    """Ban a user (``POST /ban/dn``): ids of the user's jobs it canceled; banning oneself is ClientError("409").

    Typed: ``client.users.ban(dn)``.
    """
    return Ban(context).ban_dn(dn)


def unban_se(context: Context, storage: str) -> None:
    """Lift a storage ban (``DELETE /ban/se?storage=``). Typed: ``client.storage.unban(storage)``."""
    Ban(context).unban_se(storage)


def unban_dn(context: Context, dn: str) -> None:
    """Lift a user ban (``DELETE /ban/dn?user_dn=``). Typed: ``client.users.unban(dn)``."""
    Ban(context).unban_dn(dn)


def cancel(context: Context, job_id: str, file_ids: Sequence[int] | None = None) -> Any:
    """Cancel a job (its dict, ``http_status`` "304 Not Modified" when already over) or some of its files.

    With ``file_ids``: a state string for one id, a list for several (``"CANCELED"``, the file's final state,
    or ``"File does not belong to the job"``). A comma-separated ``job_id`` cancels several jobs (a list; any
    failure is ClientError), as the official. Typed: ``client.jobs.cancel(id)``, ``client.jobs.cancel_files``.
    """
    return Submitter(context).cancel(job_id, file_ids)


def cancel_all(context: Context, vo_name: str | None = None) -> dict[str, Any]:
    """Cancel every job, or every job of ``vo_name`` (root only, else Unauthorized).

    Gives ``{"affected_files", "affected_dm", "affected_jobs"}``. Typed: ``client.jobs.cancel_all(vo=...)``.
    """
    return Submitter(context).cancel_all(vo_name)


def submit(
    context: Context,
    job: dict[str, Any],
    delegation_lifetime: timedelta = timedelta(hours=7),
    force_delegation: bool = False,
    delegate_when_lifetime_lt: timedelta = timedelta(hours=2),
) -> str:
    """Submit a job made by `new_job` (or `new_staging_job`, `new_delete_job`); gives the job id.

    Sends the official body (``build_submission``: job parameters such as ``checksum`` or ``file_metadata``
    moved into the files). Differences: the body is checked first with the typed client's rules (ClientError
    "Bad request: <field>: <problem>", nothing sent), then the credential is delegated (X.509 only, as
    `delegate`), then ``POST /jobs``. Deletion jobs are sent unchecked and refused by the server: ClientError
    ("405"). Typed: ``client.jobs.submit(JobSpec(...))``.
    """
    body = submission_body(job.get("files"), job.get("delete"), job.get("params") or {}, job.get("staging"))
    check_submission(body)
    delegate(context, delegation_lifetime, force_delegation, delegate_when_lifetime_lt)
    return post_job(context, body)
