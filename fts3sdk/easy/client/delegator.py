"""`Delegator` (official ``fts3.rest.client.delegator``): X.509 delegation through the typed delegation flow."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fts3sdk import errors
from fts3sdk._base import raw_json
from fts3sdk.easy.client._shared import local_checks
from fts3sdk.resources._endpoints import _server as api

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["Delegator"]


class Delegator:
    """Delegate X.509 credentials (official ``fts3.rest.client.Delegator``)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def get_info(self, delegation_id: str | None = None) -> Any:
        """``GET /delegation/<id>`` (default: the caller's id from ``/whoami``): a dict, or ``None``/``[]``."""
        if delegation_id is None:
            whoami = self.context.client._send(api.whoami().with_parse(raw_json))
            delegation_id = str(whoami["delegation_id"])
        with local_checks():
            endpoint = api.delegation_info(delegation_id).with_parse(raw_json)
        return self.context.client._send(endpoint)

    def delegate(
        self,
        lifetime: timedelta = timedelta(hours=7),
        force: bool = False,
        delegate_when_lifetime_lt: timedelta = timedelta(hours=2),
        legacy_mode: bool = False,
    ) -> str:
        """Delegate a proxy unless the stored one has ``delegate_when_lifetime_lt`` left (or ``force``).

        Gives the delegation id. Every failure is raised as ClientError(str(error)), as the official.
        """
        from fts3sdk.resources.delegation import delegate_flow

        flow = delegate_flow(
            self.context.client.load_credential,
            lifetime=lifetime,
            force=force,
            renew_if_less_than=delegate_when_lifetime_lt,
            legacy=legacy_mode,
        )
        try:
            return self.context.client._run(flow)
        except Exception as exc:
            raise errors.ClientError(str(exc)) from exc
