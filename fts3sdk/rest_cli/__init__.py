"""The official ``fts-rest-*`` commands on fts3sdk (official ``fts3.cli``): same options, exit codes and output.

Installed by the ``fts3sdk-compat`` distribution (``compat/``), never by fts3sdk itself, so they cannot shadow an
installed official client. One class per command, as the official package has them (``WhoAmI()(argv)`` runs
``fts-rest-whoami``); each runs on `fts3sdk.easy`, hence on the typed client. What differs on purpose is listed in
``docs/migration.md``.
"""

from __future__ import annotations

from fts3sdk.rest_cli._main import (
    ban_main,
    delegate_main,
    delete_submit_main,
    server_status_main,
    transfer_cancel_main,
    transfer_list_main,
    transfer_status_main,
    transfer_submit_main,
    whoami_main,
)
from fts3sdk.rest_cli.banning import Banning
from fts3sdk.rest_cli.delegator import Delegator
from fts3sdk.rest_cli.jobcanceller import JobCanceller
from fts3sdk.rest_cli.jobdeletionsubmitter import JobDeletionSubmitter
from fts3sdk.rest_cli.joblister import JobLister
from fts3sdk.rest_cli.jobshower import JobShower
from fts3sdk.rest_cli.jobsubmitter import JobSubmitter
from fts3sdk.rest_cli.serverstatus import ServerStatus
from fts3sdk.rest_cli.whoami import WhoAmI

__all__ = [
    "Banning",
    "Delegator",
    "JobCanceller",
    "JobDeletionSubmitter",
    "JobLister",
    "JobShower",
    "JobSubmitter",
    "ServerStatus",
    "WhoAmI",
    "ban_main",
    "delegate_main",
    "delete_submit_main",
    "server_status_main",
    "transfer_cancel_main",
    "transfer_list_main",
    "transfer_status_main",
    "transfer_submit_main",
    "whoami_main",
]
