"""``fts-rest-delete-submit``: submit a deletion job (official ``fts3.cli.jobdeletionsubmitter``).

Servers since fts-rest-flask refuse deletion jobs (405); the command says so as the official 3.14 one does.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fts3sdk.rest_cli.base import Base, description

__all__ = ["JobDeletionSubmitter"]

_WAITING = ("SUBMITTED", "READY", "STAGING", "DELETE", "ARCHIVING")


def _metadata(data: Any) -> Any:
    try:
        return json.loads(data)
    except (TypeError, ValueError):
        return str(data)


class JobDeletionSubmitter(Base):
    """``SURL...`` or ``-f`` a file of SURLs, one a line; prints the job id."""

    def __init__(self) -> None:
        super().__init__(
            extra_args="SURL1 [SURL2] [SURL3] [...]",
            description=description(
                "This command can be used to submit a deletion job to FTS3. It supports simple and bulk submissions."
            ),
            example="""
            $ %(prog)s -s https://fts3-devel.cern.ch:8446 https://source.host/file1 https://source.host/file2
            Job successfully submitted.
            Job id: 9fee8c1e-c46d-11e3-8299-02163e00a17a

            $ %(prog)s -s https://fts3-devel.cern.ch:8446 -f bulk.list
            Job successfully submitted.
            Job id: 9fee8c1e-c46d-11e3-8299-02163e00a17a
            """,
        )
        add = self.opt_parser.add_option
        add("-b", "--blocking", dest="blocking", default=False, action="store_true",
            help="blocking mode. Wait until the operation completes.")  # fmt: skip
        add("-i", "--interval", dest="poll_interval", type="int", default=30,
            help="interval between two poll operations in blocking mode.")  # fmt: skip
        add("-e", "--expire", dest="proxy_lifetime", type="int", default=420,
            help="expiration time of the delegation in minutes.")  # fmt: skip
        add("--job-metadata", dest="job_metadata", help="transfer job metadata.")
        add("--file-metadata", dest="file_metadata", help="file metadata.")
        add("-S", "--spacetoken", dest="spacetoken", help="the space token or its description.")
        add("--dry-run", dest="dry_run", default=False, action="store_true",
            help="do not send anything, just print the JSON message.")  # fmt: skip
        add("-f", "--file", dest="bulk_file", type="string", help="Name of configuration file")
        add("--retry", dest="retry", type="int", default=0,
            help="Number of retries. If 0, the server default will be used."
            "If negative, there will be no retries.")  # fmt: skip
        add("--cloud-credentials", dest="cloud_cred", default=None,
            help="use cloud credentials for the job (i.e. dropbox).")  # fmt: skip

    def validate(self) -> None:
        """At least one SURL, unless a file of them is given."""
        if not self.options.bulk_file and not self.args:
            self.fail("Need at least a surl")

    def _surls(self) -> list[str]:
        if not self.options.bulk_file:
            return list(self.args)
        with open(self.options.bulk_file) as file:  # the official kept each line's newline: fixed
            surls = [line.strip() for line in file if line.strip()]
        if not surls:
            self.fail("Could not find any file to delete")
        return surls

    def _job(self) -> dict[str, Any]:
        return {
            "delete": self._surls(),
            "spacetoken": self.options.spacetoken,
            "job_metadata": _metadata(self.options.job_metadata),
            "retry": self.options.retry,
            "credential": self.options.cloud_cred,
        }

    def run(self) -> str | None:
        """Delegate, ``POST /jobs`` with ``delete``; or with ``--dry-run`` print the body only."""
        from fts3sdk.easy.client.submitter import Submitter

        context = self._create_context()
        submitter = Submitter(context)
        if self.options.dry_run:
            print(submitter.build_submission(**self._job()))
            return None
        from fts3sdk.easy.client.delegator import Delegator

        Delegator(context).delegate(timedelta(minutes=self.options.proxy_lifetime))
        job_id = submitter.submit(**self._job())
        if self.options.json:
            self.logger.info(json.dumps(job_id))
        else:
            self.logger.info("Job successfully submitted.")
            self.logger.info("Job id: %s", job_id)
        if job_id and self.options.blocking:
            self.wait(context, job_id, _WAITING)
        return job_id
