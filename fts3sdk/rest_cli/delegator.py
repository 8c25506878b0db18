"""``fts-rest-delegate``: (re)delegate the X.509 credential (official ``fts3.cli.delegator``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from fts3sdk.rest_cli.base import Base

__all__ = ["Delegator"]


class Delegator(Base):
    """Delegate for ``-H`` hours (12) unless a delegation with 2 hours left exists (``-f``: anyway)."""

    def __init__(self) -> None:
        super().__init__(
            description="This command can be used to (re)delegate your credentials to the FTS3 server",
            example="""
            $ %(prog)s -s https://fts3-devel.cern.ch:8446
            Delegation id: 9a4257f435fa2010"
            """,
        )
        add = self.opt_parser.add_option
        add("-f", "--force", dest="force", default=False, action="store_true", help="force the delegation")
        add("-H", "--hours", dest="duration", default=12, type="int",
            help="Duration of the delegation in hours (Default: 12)")  # fmt: skip
        add("--legacy-mode", dest="legacy_mode", default=False, action="store_true",
            help="Conserve the Globus legacy delegation behavior for proxies (will not add the RFC3820 "
            "extension)")  # fmt: skip

    def run(self) -> str:
        """The delegation flow; prints the delegation id."""
        from fts3sdk.easy.client.delegator import Delegator as Delegation

        delegator = Delegation(self._create_context())
        delegation_id = delegator.delegate(
            lifetime=timedelta(hours=self.options.duration),
            force=self.options.force,
            legacy_mode=self.options.legacy_mode,
        )
        self.logger.info("Delegation id: %s", delegation_id)
        if self.logger.isEnabledFor(logging.DEBUG):  # two more requests, for a line only -v shows
            self.logger.debug("Termination time: %s", delegator.get_info()["termination_time"])
        return delegation_id
