"""Drop-in replacement for the official Easy bindings (``import fts3.rest.client.easy as fts3``) on fts3sdk.

Same functions, signatures, defaults, return values (dicts and lists exactly as the server sent them) and
exceptions (``exceptions`` is `fts3sdk.errors`, whose legacy classes keep the official names, bases and texts)::

    import fts3sdk.easy as fts3

    ctx = fts3.Context("https://fts.example.org:8446")
    job = fts3.new_job([fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f")])
    job_id = fts3.submit(ctx, job)
    print(fts3.get_job_status(ctx, job_id)["job_state"])

The package is laid out as the official one, so each official function has its counterpart one hop away:
``fts3.rest.client.easy.<module>`` is ``fts3sdk.easy.<module>`` (`ban`, `delegate`, `state`, `submission`,
`whoami`) and ``fts3.rest.client.<module>`` is ``fts3sdk.easy.client.<module>`` (`context`, `request`,
`inquirer`, `submitter`, `ban`, `delegator`; ``exceptions`` is `fts3sdk.errors`). Every call goes through one
typed `fts3sdk.Client` (``ctx.client``), its endpoint builders, its delegation flow and its submission rules
(`fts3sdk.JobSpec`): nothing is implemented twice. Bugs of the official client are fixed, and the deliberate
differences listed, in ``docs/migration.md``. `fts3sdk.compat` makes unmodified code importing ``fts3...`` run
on these modules.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from fts3sdk import errors as exceptions
from fts3sdk.easy.ban import Ban, ban_dn, ban_se, unban_dn, unban_se
from fts3sdk.easy.client import Delegator, Inquirer, Submitter
from fts3sdk.easy.client.context import CLIENT_VERSION, DEFAULT_USER_AGENT, Context
from fts3sdk.easy.delegate import delegate
from fts3sdk.easy.state import get_job_status, get_jobs_statuses, list_jobs
from fts3sdk.easy.submission import (
    JobIdGenerator,
    add_alternative_source,
    cancel,
    cancel_all,
    new_delete_job,
    new_job,
    new_staging_job,
    new_transfer,
    submit,
)
from fts3sdk.easy.whoami import whoami
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
