"""What the configuration API and the optimizer keep (``t_hosts``, ``t_config_audit``, ``t_link_config``...).

Rows are fts3sdk models where the model reads like the wire; storage rows keep the server's own column values
(integers and one-character strings), which the `StorageInfo` model reads as booleans.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Number
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._server._wire import HTTPError

if TYPE_CHECKING:
    from datetime import datetime

    from fts3sdk.models import (
        CloudStorage,
        CloudStorageUser,
        ConfigAudit,
        GlobalConfig,
        Host,
        LinkConfig,
        Optimizer,
        OptimizerEvolution,
        ShareConfig,
    )
    from fts3sdk.testing._state._identity import Caller
    from fts3sdk.testing._state._store import State

__all__ = ["ConfigState", "OptimizerState", "audit", "typed"]

AUDIT_LIMIT = 100
DEFAULT_STORAGE = {"storage": "*", "inbound_max_active": 200, "outbound_max_active": 200}
"""The ``*`` row the schema creates in ``t_se``."""
SERVICES = ("fts_rest", "fts_token_refresh_daemon")
"""The heartbeat rows the REST server itself writes (the transfer daemons add theirs)."""


@dataclass
class ConfigState:
    """The configuration tables of the fake server."""

    hosts: list[Host] = field(default_factory=list)
    audit: list[ConfigAudit] = field(default_factory=list)
    globals: dict[str, GlobalConfig] = field(default_factory=dict)
    links: dict[tuple[str, str], LinkConfig] = field(default_factory=dict)
    """Keyed by (source, destination), the table's primary key."""
    shares: dict[tuple[str, str, str], ShareConfig] = field(default_factory=dict)
    storages: dict[str, dict[str, Any]] = field(default_factory=lambda: {"*": dict(DEFAULT_STORAGE)})
    limits: dict[tuple[str, str, str], int] = field(default_factory=dict)
    """Operation limits by (storage, vo, operation)."""
    activity: dict[str, tuple[list[dict[str, float]], bool]] = field(default_factory=dict)
    clouds: dict[str, CloudStorage] = field(default_factory=dict)
    """Registered cloud storages, without their users."""
    cloud_users: dict[tuple[str, str, str], CloudStorageUser] = field(default_factory=dict)
    """Credentials by (storage, user_dn, vo_name)."""

    @classmethod
    def initial(cls, state: State) -> ConfigState:
        """A fresh configuration: the REST server's own heartbeat rows and the defaults ``*``."""
        from fts3sdk.models import GlobalConfig, Host

        now = state.now()
        hosts = [Host(hostname=state.settings.submit_host, service_name=name, beat=now) for name in SERVICES]
        return cls(hosts=hosts, globals={"*": GlobalConfig()})


@dataclass
class OptimizerState:
    """``t_optimizer`` (one row per link) and ``t_optimizer_evolution`` (one row per link and second)."""

    enabled: bool = True
    current: dict[tuple[str, str], Optimizer] = field(default_factory=dict)
    history: dict[tuple[str, str, datetime], OptimizerEvolution] = field(default_factory=dict)


def audit(state: State, caller: Caller, action: str, config: str) -> None:
    """Add an entry to the configuration audit (``t_config_audit``)."""
    from fts3sdk.models import ConfigAudit

    entry = ConfigAudit(datetime=state.now(), dn=caller.user_dn, config=config, action=action)
    state.config.audit.append(entry)
    del state.config.audit[:-AUDIT_LIMIT]


def audit_json(value: Any) -> str:
    """A request body as the audit stores it (Python's ``json.dumps``)."""
    return json.dumps(value)


def typed(columns: Mapping[str, type], key: str, value: Any) -> Any:
    """The server's ``validate_type``: the column must exist; strings are cast, anything else must fit."""
    expected = columns.get(key)
    if expected is None:
        raise HTTPError(400, f"Field {key} unknown")
    if isinstance(value, expected):
        return value
    if isinstance(value, str):
        try:
            if expected is bool:
                return value.lower() in ("true", "yes", "on")
            return float(value) if expected is Number else expected(value)
        except ValueError:
            pass
    raise HTTPError(400, f"Field {key} is expected to be {expected.__name__}")
