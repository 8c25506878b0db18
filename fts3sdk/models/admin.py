"""Answers of the operators' endpoints: host activity (``/status/hosts``) and force-start refusals."""

from __future__ import annotations

from fts3sdk.models._types import FTSModel

__all__ = ["ForceStartRefusal", "HostActivity"]


class HostActivity(FTSModel):
    """What one FTS node is doing (``GET /status/hosts``); the answer maps host names to these.

    Transfers without a host are counted under the key ``"null"``.
    """

    active: int = 0
    """Transfers running on the node (files ACTIVE with this transfer host)."""
    staging: int = 0
    """Bring-online requests running on the node (files STARTED with this staging host)."""


class ForceStartRefusal(FTSModel):
    """A file that ``POST /admin/force-start`` did not start (files that were started are not listed)."""

    file_id: int
    """The file id that was given."""
    error: str
    """Why: ``File does not exist`` or ``File is not in SUBMITTED state``."""
