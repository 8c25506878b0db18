"""``fts-rest-whoami``: the caller as the server sees it (official ``fts3.cli.whoami``)."""

from __future__ import annotations

import json
from typing import Any

from fts3sdk.rest_cli.base import Base, description

__all__ = ["WhoAmI"]


class WhoAmI(Base):
    """Print the DN, VOs, VO ids, delegation id and base id (``-j``: the whole ``/whoami`` answer)."""

    def __init__(self) -> None:
        super().__init__(
            description=description(
                "This command exists for convenience. It can be used to check, as the name suggests,",
                "who are we for the server.",
            ),
            example="""
            $ %(prog)s -s https://fts3-pilot.cern.ch:8446
            User DN: /DC=ch/DC=cern/OU=Organic Units/OU=Users/CN=ftssuite/CN=678523/CN=Robot: fts3 testsuite
            VO: dteam
            VO: dteam/cern
            Delegation id: 7d42924a9ce352c1
            """,
        )

    def run(self) -> Any:
        """``GET /whoami``."""
        from fts3sdk.easy.client.inquirer import Inquirer

        whoami = Inquirer(self._create_context()).whoami()
        if self.options.json:
            print(json.dumps(whoami, indent=2))
            return None
        self.logger.info("User DN: %s", whoami["dn"][0])
        for vo in whoami["vos"]:
            self.logger.info("VO: %s", vo)
        for vo_id in whoami["vos_id"]:
            self.logger.info("VO id: %s", vo_id)
        self.logger.info("Delegation id: %s", whoami["delegation_id"])
        self.logger.info("Base id: %s", whoami["base_id"])
        return None
