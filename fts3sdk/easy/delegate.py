"""Credential delegation (official ``fts3.rest.client.easy.delegate``)."""

from __future__ import annotations

from datetime import timedelta

from fts3sdk.easy.client import Delegator
from fts3sdk.easy.client.context import Context

__all__ = ["Delegator", "delegate", "timedelta"]


def delegate(
    context: Context,
    lifetime: timedelta = timedelta(hours=7),
    force: bool = False,
    delegate_when_lifetime_lt: timedelta = timedelta(hours=2),
    legacy_mode: bool = False,
) -> str:
    """Delegate the X.509 credential unless the server holds one with ``delegate_when_lifetime_lt`` left.

    As the official: gives the delegation id, or ``""`` without any request when the context does not use
    X.509 (token or no credentials); every failure is raised as ClientError. The proxy is made by
    `fts3sdk.proxy` (its expiry is the true minimum over the local chain, which the official missed).
    Typed: ``client.delegation.delegate(lifetime=..., force=..., renew_if_less_than=..., legacy=...)``.
    """
    if context.access_method != "X509":
        return ""
    return Delegator(context).delegate(lifetime, force, delegate_when_lifetime_lt, legacy_mode)
