"""``fts-rest-transfer-status``: one job (official ``fts3.cli.jobshower``)."""

from __future__ import annotations

from typing import Any

from fts3sdk.rest_cli.base import Base
from fts3sdk.rest_cli.utils import job_as_json, job_human_readable

__all__ = ["JobShower"]


class JobShower(Base):
    """Print a job's summary, or with ``-j`` the job, its files and its data management operations as JSON."""

    def __init__(self) -> None:
        super().__init__(
            extra_args="JOB_ID",
            description="This command can be used to check the current status of a given job",
            example="""
            $ %(prog)s -s https://fts3-devel.cern.ch:8446 c079a636-c363-11e3-b7e5-02163e009f5a
            Request ID: c079a636-c363-11e3-b7e5-02163e009f5a
            Status: FINISHED
            Client DN: /DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=ftssuite/CN=678523/CN=Robot: fts3 testsuite
            Reason:
            Submission time: 2014-04-13T23:31:34
            Priority: 3
            VO Name: dteam
            """,
        )

    def validate(self) -> None:
        """A job id is needed."""
        if not self.args:
            self.fail("Need a job id")

    def run(self) -> Any:
        """``GET /jobs/<id>`` (with ``-j`` also its files and dm)."""
        from fts3sdk.easy.client.inquirer import Inquirer

        job = Inquirer(self._create_context()).get_job_status(self.args[0], list_files=self.options.json)
        self.logger.info(job_as_json(job) if self.options.json else job_human_readable(job))
        return None
