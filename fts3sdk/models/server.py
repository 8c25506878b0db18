"""What the server says about itself and the caller: endpoint info, whoami, delegations, bans."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, field_serializer

from fts3sdk.models._types import FTSModel, OpenEnum, UTCDateTime, Version
from fts3sdk.models.states import BanStatus

__all__ = ["AuthMethod", "Delegation", "EndpointInfo", "StorageBan", "UserBan", "WhoAmI"]


class EndpointInfo(FTSModel):
    """Versions and links of an FTS REST endpoint (``GET /``)."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    api: Version
    """Version of the REST API, e.g. 3.13.4."""
    delegation: Version | None = None
    """Version of the delegation protocol."""
    schema_version: Version | None = Field(default=None, alias="schema")
    """Version of the database schema (``schema`` on the wire; null when unknown)."""
    core: Version | list[Version] | None = None
    """Version of the installed FTS core packages: one, several, or unknown."""
    links: dict[str, Any] | None = Field(default=None, alias="_links")
    """HAL links (``_links`` on the wire)."""

    @property
    def core_versions(self) -> list[Version]:
        """`core` as a list, empty when unknown."""
        if self.core is None:
            return []
        return self.core if isinstance(self.core, list) else [self.core]


class AuthMethod(OpenEnum):
    """How the server authenticated the caller."""

    CERTIFICATE = "certificate"
    OAUTH2 = "oauth2"
    UNAUTHENTICATED = "unauthenticated"


def _levels(value: object) -> object:
    # Anonymous callers get an empty JSON list instead of an empty object.
    return {} if value == [] else value


_LEVEL_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "array", "maxItems": 0},
    ],
    "description": "Access level per operation; an empty list for anonymous callers",
}


class WhoAmI(FTSModel):
    """The caller as the server sees it (``GET /whoami``)."""

    user_dn: str
    """Caller's DN (certificate), ``sub`` (token), or ``anon``."""
    dn: list[str] = []
    """Every DN seen: the end-entity certificate first, then proxy DNs."""
    voms_cred: list[str] = []
    """VOMS FQANs of the credential (or token scopes in some fallbacks)."""
    vos: list[str] = []
    """The caller's VOs; the first one is used for new jobs."""
    vos_id: list[str] = []
    """UUIDv5 of each VO under `base_id`, as used for deterministic job ids."""
    base_id: str | None = None
    """Namespace UUID of deterministic job ids."""
    roles: list[str] = []
    """VOMS role names."""
    level: Annotated[dict[str, str], BeforeValidator(_levels), WithJsonSchema(_LEVEL_SCHEMA)] = {}
    """Granted access level per operation (``""``, ``"vo"`` or ``"all"``); empty for anonymous callers."""
    delegation_id: str | None = None
    """The caller's delegation id: 16 hex digits derived from the DN and FQANs."""
    method: AuthMethod | None = None
    """How the caller was authenticated."""
    is_root: bool = False
    """Whether the caller is the server's own host certificate."""
    oauth2_scope: str | None = None
    """Token scopes, space-separated (token callers only)."""
    wlcg_profile: bool | None = None
    """Whether the token follows the WLCG profile (token callers only)."""
    get_granted_level_for: dict[str, Any] | None = None
    """Serialization artefact of token callers (always ``{}``); kept so it is not mistaken for a new field."""
    get_granted_level_for_overriden: dict[str, Any] | None = None
    """Serialization artefact of token callers (always ``{}``)."""

    @field_serializer("level")
    def _level_as_sent(self, level: dict[str, str]) -> dict[str, str] | list[str]:
        return [] if not level and self.method is AuthMethod.UNAUTHENTICATED else level

    @property
    def vo(self) -> str | None:
        """The caller's first VO, the one new jobs are submitted for."""
        return self.vos[0] if self.vos else None


class Delegation(FTSModel):
    """A delegated credential stored on the server (``GET /delegation/{id}``)."""

    termination_time: UTCDateTime
    """When the delegated credential expires."""
    voms_attrs: list[str] = []
    """VOMS attributes recorded with the credential (normally one space-joined string, maybe empty)."""

    def remaining(self, now: datetime | None = None) -> timedelta:
        """Time left before `termination_time` (negative when already expired)."""
        return self.termination_time - (now or datetime.now(timezone.utc))


class StorageBan(FTSModel):
    """A banned storage element (``GET /ban/se``)."""

    se: str
    """The storage, e.g. ``gsiftp://host``."""
    vo: str | None = None
    """VO the ban applies to (the banning admin's VO), or ``*``."""
    status: BanStatus | None = None
    """What the ban does to queued transfers."""
    message: str | None = None
    """Message given with the ban."""
    addition_time: UTCDateTime | None = None
    """When the ban was added."""
    admin_dn: str | None = None
    """Who added the ban."""


class UserBan(FTSModel):
    """A banned user (``GET /ban/dn``)."""

    dn: str
    """The banned DN."""
    message: str | None = None
    """Message given with the ban."""
    addition_time: UTCDateTime | None = None
    """When the ban was added."""
    admin_dn: str | None = None
    """Who added the ban."""
    status: str | None = None
    """Ban status (null for bans made through REST)."""
