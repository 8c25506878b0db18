"""Storage and user bans (official ``fts3.rest.client.easy.ban``)."""

from __future__ import annotations

from fts3sdk.easy.client import Ban
from fts3sdk.easy.client.context import Context

__all__ = ["Ban", "ban_dn", "ban_se", "unban_dn", "unban_se"]


def ban_se(
    context: Context, storage: str, status: str = "cancel", timeout: int = 0, allow_submit: bool = False
) -> list[str]:
    """Ban a storage for the caller's VO (``POST /ban/se``, config level): ids of the affected jobs.

    ``status``: ``"cancel"`` or ``"wait"``; ``allow_submit`` only with ``"wait"`` (checked locally here,
    ClientError "Bad request: ..."); ``timeout`` is sent and ignored by the server.
    Typed: ``client.storage.ban(storage, status=..., allow_submit=...)``.
    """
    return Ban(context).ban_se(storage, status, timeout, allow_submit)


def ban_dn(context: Context, dn: str) -> list[str]:
    """Ban a user (``POST /ban/dn``): ids of the user's jobs it canceled; banning oneself is ClientError("409").

    Typed: ``client.users.ban(dn)``.
    """
    return Ban(context).ban_dn(dn)


def unban_se(context: Context, storage: str) -> None:
    """Lift a storage ban (``DELETE /ban/se?storage=``). Typed: ``client.storage.unban(storage)``."""
    Ban(context).unban_se(storage)


def unban_dn(context: Context, dn: str) -> None:
    """Lift a user ban (``DELETE /ban/dn?user_dn=``). Typed: ``client.users.unban(dn)``."""
    Ban(context).unban_dn(dn)
