"""The caller as the server sees it (official ``fts3.rest.client.easy.whoami``)."""

from __future__ import annotations

from typing import Any

from fts3sdk.easy.client import Inquirer
from fts3sdk.easy.client.context import Context

__all__ = ["Inquirer", "whoami"]


def whoami(context: Context) -> dict[str, Any]:
    """The caller as the server sees it (``GET /whoami``), as the official.

    Typed: ``client.whoami()``.
    """
    return Inquirer(context).whoami()
