"""``fts-rest-server-status``: what each FTS node is doing (official ``fts3.cli.serverstatus``)."""

from __future__ import annotations

from typing import Any

from fts3sdk.rest_cli.base import Base

__all__ = ["ServerStatus"]


class ServerStatus(Base):
    """Per host, its counts; with ``--is-active`` the exit status says what is running (0 none to 3 both)."""

    def __init__(self) -> None:
        super().__init__(description="Use this command to check on the service status.")
        add = self.opt_parser.add_option
        add("-H", "--host", dest="host", default=None, help="limit the output to a given host")
        add("--is-active", dest="is_active", default=False, action="store_true",
            help="the tool will return < 0 on error, 0 if nothing is active, "
            "1 if there are active transfers, 2 if there are active staging, 3 if there are both ")  # fmt: skip

    def run(self) -> int:
        """``GET /status/hosts``; gives the exit status."""
        from fts3sdk._base import raw_json
        from fts3sdk.resources._endpoints import _admin as admin_api

        context = self._create_context()
        activity: dict[str, Any] = context.client._send(admin_api.host_activity().with_parse(raw_json))
        hosts = [self.options.host] if self.options.host else list(activity)
        totals = {"active": 0, "staging": 0}
        for host in hosts:
            self.logger.info(host)
            for state, count in activity.get(host, {}).items():
                self.logger.info("\t%s: %d", state, count)
                totals[state] += count
        if not self.options.is_active:
            return 0
        return (totals["active"] > 0) * 1 + (totals["staging"] > 0) * 2
