"""The official ``fts3`` 3.14.2 module tree, and which fts3sdk module stands in for each official module."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OFFICIAL_TREE", "OfficialModule"]


@dataclass(frozen=True, slots=True)
class OfficialModule:
    """One official module: where its names come from, and what the official package imports with it."""

    source: str | None
    """The fts3sdk module whose ``__all__`` the stand-in shows (``None``: a package with no names of its own)."""
    submodules: tuple[str, ...] = ()
    """Submodules the official ``__init__`` imports, registered together with the package."""
    exceptions: bool = False
    """Whether the official module also shows every exception class (it star-imports its exceptions module)."""


_CLIENT = "fts3.rest.client"
_EASY = "fts3.rest.client.easy"
_CLI = "fts3.cli"
_CLI_MODULES = (
    "banning",
    "base",
    "delegator",
    "jobcanceller",
    "jobdeletionsubmitter",
    "joblister",
    "jobshower",
    "jobsubmitter",
    "serverstatus",
    "utils",
    "whoami",
)

OFFICIAL_TREE: dict[str, OfficialModule] = {
    "fts3": OfficialModule(None),
    "fts3.rest": OfficialModule(None),
    _CLIENT: OfficialModule(
        "fts3sdk.easy.client",
        ("ban", "context", "delegator", "exceptions", "inquirer", "request", "submitter"),
        exceptions=True,
    ),
    f"{_CLIENT}.ban": OfficialModule("fts3sdk.easy.client.ban"),
    f"{_CLIENT}.context": OfficialModule("fts3sdk.easy.client.context", exceptions=True),
    f"{_CLIENT}.delegator": OfficialModule("fts3sdk.easy.client.delegator", exceptions=True),
    f"{_CLIENT}.exceptions": OfficialModule("fts3sdk.errors", exceptions=True),
    f"{_CLIENT}.inquirer": OfficialModule("fts3sdk.easy.client.inquirer", exceptions=True),
    f"{_CLIENT}.request": OfficialModule("fts3sdk.easy.client.request", exceptions=True),
    f"{_CLIENT}.submitter": OfficialModule("fts3sdk.easy.client.submitter"),
    _EASY: OfficialModule("fts3sdk.easy", ("ban", "delegate", "state", "submission", "whoami")),
    f"{_EASY}.ban": OfficialModule("fts3sdk.easy.ban"),
    f"{_EASY}.delegate": OfficialModule("fts3sdk.easy.delegate"),
    f"{_EASY}.state": OfficialModule("fts3sdk.easy.state"),
    f"{_EASY}.submission": OfficialModule("fts3sdk.easy.submission"),
    f"{_EASY}.whoami": OfficialModule("fts3sdk.easy.whoami"),
    _CLI: OfficialModule("fts3sdk.rest_cli", _CLI_MODULES),
    **{f"{_CLI}.{name}": OfficialModule(f"fts3sdk.rest_cli.{name}") for name in _CLI_MODULES},
}
"""Every importable module of the official package, by its official name."""
