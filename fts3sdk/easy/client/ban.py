"""`Ban` (official ``fts3.rest.client.ban``): storage and user bans through the typed client's endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fts3sdk._base import raw_json
from fts3sdk.easy.client._shared import local_checks
from fts3sdk.resources._endpoints import _server as api

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["Ban"]


class Ban:
    """Ban and unban storages and users (official ``fts3.rest.client.Ban``)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def ban_se(self, se: str, status: str = "cancel", timeout: int = 0, allow_submit: bool = False) -> list[str]:
        """``POST /ban/se``: ids of the affected jobs.

        ``status`` cancel or wait (any case), ``allow_submit`` only with wait; ``timeout`` is sent, and ignored by
        the server.
        """
        mode = str(status).lower()
        with local_checks():
            endpoint = api.ban_storage(se, status=mode, allow_submit=allow_submit, message=None, timeout=timeout)  # type: ignore[arg-type]
        return self.context.client._send(endpoint.with_parse(raw_json))

    def ban_dn(self, dn: str) -> list[str]:
        """``POST /ban/dn``: ids of the user's jobs it canceled."""
        return self.context.client._send(api.ban_user(dn, message=None).with_parse(raw_json))

    def unban_se(self, se: str) -> None:
        """``DELETE /ban/se?storage=``."""
        self.context.client._send(api.unban_storage(se))

    def unban_dn(self, dn: str) -> None:
        """``DELETE /ban/dn?user_dn=``."""
        self.context.client._send(api.unban_user(dn))
