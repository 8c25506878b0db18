"""``fts-rest-transfer-cancel``: cancel a job, or some of its files (official ``fts3.cli.jobcanceller``)."""

from __future__ import annotations

from typing import Any

from fts3sdk.rest_cli.base import Base, description

__all__ = ["JobCanceller"]


class JobCanceller(Base):
    """``JOB_ID`` prints the job's final state; ``JOB_ID:FILE_ID,FILE_ID`` prints each file's, one per line."""

    def __init__(self) -> None:
        super().__init__(
            extra_args="JOB_ID",
            description=description(
                "This command can be used to cancel a running job.  It returns the final state of the canceled job.",
                "Please, mind that if the job is already in a final state (FINISHEDDIRTY, FINISHED, FAILED),",
                "this command will return this state.",
                "You can additionally cancel only a subset appending a comma-separated list of file ids",
            ),
            example="""
            $ %(prog)s -s https://fts3-devel.cern.ch:8446 c079a636-c363-11e3-b7e5-02163e009f5a
            FINISHED
            $ %(prog)s -s https://fts3-devel.cern.ch:8446 c079a636-c363-11e3-b7e5-02163e009f5a:5658,5659,5670
            CANCELED, CANCELED, CANCELED
            """,
        )

    def validate(self) -> None:
        """A job id is needed."""
        if not self.args:
            self.fail("Need a job id")

    def run(self) -> Any:
        """``DELETE /jobs/<id>`` or ``/jobs/<id>/files/<ids>``."""
        from fts3sdk.easy.client.submitter import Submitter

        file_ids: list[str] | None = None
        job_id = self.args[0]
        if ":" in job_id:
            job_id, files = job_id.split(":")
            file_ids = files.split(",")
        result = Submitter(self._create_context()).cancel(job_id, file_ids)
        if not file_ids:
            self.logger.info(result["job_state"])
        else:
            self.logger.info(result if isinstance(result, str) else "\n".join(result))
        return None
