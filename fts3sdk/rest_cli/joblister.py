"""``fts-rest-transfer-list``: the unfinished jobs (official ``fts3.cli.joblister``)."""

from __future__ import annotations

from typing import Any

from fts3sdk.rest_cli.base import Base
from fts3sdk.rest_cli.utils import job_list_as_json, job_list_human_readable

__all__ = ["JobLister"]


class JobLister(Base):
    """List the jobs the server shows the caller, filtered by user, VO, source or destination storage."""

    def __init__(self) -> None:
        super().__init__(
            description="This command can be used to list the running jobs, allowing to filter by user dn or vo name",
            example="""
            $ %(prog)s -s https://fts3-devel.cern.ch:8446 -o atlas
            Request ID: ff294db7-655a-4c0a-9efb-44a994677bb3
            Status: ACTIVE
            Client DN: /DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=ddmadmin/CN=531497/CN=Robot: ATLAS Data Management
            Reason: None
            Submission time: 2014-04-15T07:05:38
            Priority: 3
            VO Name: atlas

            Request ID: a2e4586c-760a-469e-8303-d0f3d5aadc73
            Status: READY
            Client DN: /DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=ddmadmin/CN=531497/CN=Robot: ATLAS Data Management
            Reason: None
            Submission time: 2014-04-15T07:07:33
            Priority: 3
            VO Name: atlas
            """,
        )
        add = self.opt_parser.add_option
        add("-u", "--userdn", dest="user_dn", help="query only for the given user")
        add("-o", "--voname", dest="vo_name", help="query only for the given VO")
        add("--source", dest="source_se", help="query only for the given source storage element")
        add("--destination", dest="dest_se", help="query only for the given destination storage element")

    def run(self) -> Any:
        """``GET /jobs`` with the filters given."""
        from fts3sdk.easy.client.inquirer import Inquirer

        inquirer = Inquirer(self._create_context())
        options = self.options
        jobs = inquirer.get_job_list(options.user_dn, options.vo_name, options.source_se, options.dest_se)
        self.logger.info(job_list_as_json(jobs) if options.json else job_list_human_readable(jobs))
        return None
