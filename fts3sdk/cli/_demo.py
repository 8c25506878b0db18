"""``fts3sdk demo``: the whole SDK against the embedded test server (placeholder until fts3sdk.testing lands)."""

from __future__ import annotations


def demo() -> None:
    """Run a self-contained demo against the embedded test server."""
