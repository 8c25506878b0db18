"""``fts-rest-ban``: ban and unban storages and users (official ``fts3.cli.banning``)."""

from __future__ import annotations

from typing import Any

from fts3sdk.rest_cli.base import Base

__all__ = ["Banning"]


class Banning(Base):
    """Exactly one of ``--storage`` or ``--user``; ``--unban`` lifts the ban; prints the jobs it affected."""

    def __init__(self) -> None:
        super().__init__(
            description="Ban and unban storage elements and users",
            example="""
                $ %(prog)s -s https://fts3-devel.cern.ch:8446 --storage https://sample
                No jobs affected
                $ %(prog)s -s https://fts3-devel.cern.ch:8446 --storage https://sample --unban
                $
            """,
        )
        add = self.opt_parser.add_option
        add("--storage", dest="storage", help="storage element")
        add("--user", dest="user_dn", help="user dn")
        add("--unban", dest="unban", default=False, action="store_true", help="unban instead of ban")
        add("--status", dest="status", default="cancel",
            help="status of the jobs that are already in the queue: cancel or wait")  # fmt: skip
        add("--timeout", dest="timeout", default=0,
            help="the timeout for the jobs that are already in the queue if status is wait")  # fmt: skip
        add("--allow-submit", dest="allow_submit", default=False, action="store_true",
            help="allow submissions if status is wait")  # fmt: skip

    def validate(self) -> None:
        """The official checks, in the official order (the server makes them too)."""
        options = self.options
        options.status = options.status.lower()
        if options.status not in ("cancel", "wait"):
            self.fail("Status can only be cancel or wait")
        if options.status == "cancel" and options.allow_submit:
            self.fail("--allow-submit can only be used with --status=wait")
        if options.status == "wait" and options.user_dn:
            self.fail("--user only accept cancel")
        if bool(options.storage) == bool(options.user_dn):
            self.fail("Need to specify only one of --storage or --user")

    def run(self) -> Any:
        """``POST``/``DELETE`` ``/ban/se`` or ``/ban/dn``."""
        from fts3sdk.easy.client.ban import Ban

        ban = Ban(self._create_context())
        options = self.options
        affected = None
        if options.storage and options.unban:
            ban.unban_se(options.storage)
        elif options.storage:
            affected = ban.ban_se(options.storage, options.status, options.timeout, options.allow_submit)
        elif options.unban:
            ban.unban_dn(options.user_dn)
        else:
            affected = ban.ban_dn(options.user_dn)
        if affected:
            self.logger.info("Affected jobs:")
            for job_id in affected:
                self.logger.info(job_id)
        elif not options.unban:
            self.logger.info("No jobs affected")
        return None
