"""The server's configuration (``/config/*``): hosts, audit, global settings, links, shares, storages, grants."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, JsonValue, NonNegativeFloat, NonNegativeInt, model_validator

from fts3sdk.models._types import FTSModel, OpenEnum, SpecModel, UTCDateTime

__all__ = [
    "ActivityShareConfig",
    "ActivityShares",
    "AuthorizationByDn",
    "CloudStorage",
    "CloudStorageUser",
    "ConfigAudit",
    "GlobalConfig",
    "Host",
    "LinkConfig",
    "ShareConfig",
    "StorageConfig",
    "StorageInfo",
    "StorageSettings",
    "TpcSupport",
]


class Host(FTSModel):
    """One service of one FTS node, as its heartbeat row shows it (``GET /config``)."""

    hostname: str
    """The node's host name."""
    service_name: str
    """The service, e.g. ``fts_server``, ``fts_rest``, ``fts_token_refresh_daemon``."""
    beat: UTCDateTime | None = None
    """Last heartbeat of the service."""
    drain: bool = False
    """Whether the node is draining: it takes no new transfers (every service row of a host moves together)."""


class ConfigAudit(FTSModel):
    """One configuration change (``GET /config/audit``, newest first)."""

    datetime: UTCDateTime
    """When the change was made."""
    dn: str
    """Who made it (a DN, or the token's ``sub``)."""
    config: str
    """What was changed: a sentence, or the JSON the change was made with (see `config_json`)."""
    action: str
    """Kind of change, e.g. ``link``, ``link-delete``, ``share-set``, ``set-globals``, ``drain``, ``authorize``."""

    @property
    def config_json(self) -> JsonValue:
        """`config` parsed as JSON when it is JSON (changes made with a body), else ``None``."""
        try:
            value: JsonValue = json.loads(self.config)
        except ValueError:
            return None
        return value


class GlobalConfig(FTSModel):
    """Server-wide settings for one VO, or the defaults (``*``) (``GET /config/global``).

    A server where nobody set anything answers an empty entry for ``*``: every field is then ``None``.
    """

    vo_name: str | None = None
    """The VO these settings apply to (``*``: the defaults)."""
    retry: int | None = None
    """Retries per transfer."""
    max_time_queue: int | None = None
    """Hours a job may wait in the queue (0: no limit)."""
    global_timeout: int | None = None
    """Transfer timeout in seconds (0: the server's own)."""
    sec_per_mb: int | None = None
    """Seconds added to the timeout per MB transferred."""
    show_user_dn: bool | None = None
    """Whether user DNs appear in the monitoring messages."""
    no_streaming: bool | None = None
    """Whether streams are disabled."""


class LinkConfig(FTSModel):
    """Settings of one link between two storages, or a wildcard link (``/config/links``).

    The answer to a *new* link holds only the fields that were given (with ``source``/``destination`` and the
    active limits filled in); the other fields are then ``None`` until the link is read again.
    """

    symbolicname: str
    """The link's name: it identifies the link in the API."""
    source: str
    """Source storage (``scheme://host``) or ``*``."""
    destination: str
    """Destination storage or ``*``."""
    min_active: int
    """Fewest concurrent transfers the optimizer may go down to."""
    max_active: int
    """Most concurrent transfers the optimizer may go up to."""
    optimizer_mode: int | None = None
    """Optimizer aggressiveness (1 conservative, 2 normal, 3 aggressive)."""
    tcp_buffer_size: int | None = None
    """TCP buffer size in bytes (null: the default)."""
    nostreams: int | None = None
    """Streams per transfer (0: let the optimizer choose)."""
    no_delegation: bool | None = None
    """Whether transfers on this link are done without delegating the user's proxy to the storage."""


class ShareConfig(FTSModel):
    """The share of a VO on a link (``GET /config/shares``)."""

    source: str
    """Source storage, reduced to ``scheme://host``."""
    destination: str
    """Destination storage, reduced to ``scheme://host``."""
    vo: str
    """The VO."""
    share: int
    """Its weight on the link."""


class TpcSupport(OpenEnum):
    """Which third-party-copy modes a storage supports."""

    FULL = "FULL"
    PULL = "PULL"
    PUSH = "PUSH"
    NONE = "NONE"


class StorageInfo(FTSModel):
    """Settings of one storage (``se_info`` of ``/config/se``).

    Flags come as integers or one-character strings; they are read as booleans here.
    """

    storage: str | None = None
    """The storage (only in the answer to a change)."""
    site: str | None = None
    """Site name."""
    se_metadata: str | None = None
    """Free text about the storage."""
    ipv6: bool | None = None
    """Whether transfers use IPv6."""
    udt: bool | None = None
    """Whether transfers use UDT."""
    debug_level: int | None = None
    """Debug level of the transfer logs for this storage."""
    eviction: bool | None = None
    """Whether files are evicted from the disk buffer after a transfer from tape."""
    skip_eviction: bool | None = None
    """Whether eviction is skipped."""
    inbound_max_active: int | None = None
    """Most concurrent transfers into the storage."""
    inbound_max_throughput: float | None = None
    """Most throughput into the storage (MB/s)."""
    outbound_max_active: int | None = None
    """Most concurrent transfers out of the storage."""
    outbound_max_throughput: float | None = None
    """Most throughput out of the storage (MB/s)."""
    tpc_support: TpcSupport | None = None
    """Third-party-copy modes supported."""
    overwrite_disk_enabled: bool | None = None
    """Whether files on disk may be overwritten."""


class StorageSettings(SpecModel):
    """Settings of a storage to send with ``client.config.storages.set``; fields left ``None`` are not sent."""

    site: str | None = None
    """Site name."""
    se_metadata: str | None = None
    """Free text about the storage."""
    ipv6: bool | None = None
    """Use IPv6."""
    udt: bool | None = None
    """Use UDT."""
    debug_level: NonNegativeInt | None = None
    """Debug level of the transfer logs."""
    eviction: bool | None = None
    """Evict files from the disk buffer after a transfer from tape."""
    skip_eviction: bool | None = None
    """Skip eviction."""
    inbound_max_active: NonNegativeInt | None = None
    """Most concurrent transfers into the storage."""
    inbound_max_throughput: NonNegativeFloat | None = None
    """Most throughput into the storage (MB/s)."""
    outbound_max_active: NonNegativeInt | None = None
    """Most concurrent transfers out of the storage."""
    outbound_max_throughput: NonNegativeFloat | None = None
    """Most throughput out of the storage (MB/s)."""
    tpc_support: Literal["FULL", "PULL", "PUSH", "NONE"] | None = None
    """Third-party-copy modes supported (the server refuses any other value)."""
    overwrite_disk_enabled: bool | None = None
    """Allow overwriting files on disk."""

    def to_body(self) -> dict[str, Any]:
        """The ``se_info`` object: the fields given, flags as 0/1 as the server stores them."""
        body: dict[str, Any] = {}
        for name, value in self.model_dump(exclude_none=True).items():
            body[name] = int(value) if isinstance(value, bool) else value
        return body


class StorageConfig(FTSModel):
    """Settings and per-VO operation limits of one storage (``/config/se``).

    ``POST /config/se`` answers the pair ``[se_info or null, operations or null]``; it is read as this model too.
    """

    se_info: StorageInfo | None = None
    """The storage's settings (absent when only operation limits are set)."""
    operations: dict[str, dict[str, int]] | None = None
    """Concurrent operation limits: VO → operation (e.g. ``delete``, ``staging``) → limit."""

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        if isinstance(data, list) and len(data) == 2:
            return {"se_info": data[0], "operations": data[1]}
        return data


class AuthorizationByDn(FTSModel):
    """An access level granted to a DN by the configuration API (``/config/authorize``)."""

    dn: str
    """The user."""
    operation: str
    """The operation granted at level ``all``: ``config``, ``transfer``, ``deleg``, ``datamanagement``."""


class ActivityShares(FTSModel):
    """The activity weights of one VO (``GET /config/activity_shares``)."""

    share: dict[str, float]
    """Activity → weight."""
    active: bool
    """Whether the shares are applied."""


class ActivityShareConfig(FTSModel):
    """The activity shares of a VO as stored by ``POST /config/activity_shares``."""

    vo: str
    """The VO."""
    activity_share: list[dict[str, float]]
    """One ``{activity: weight}`` object per activity."""
    active: bool
    """Whether the shares are applied."""

    @property
    def shares(self) -> dict[str, float]:
        """`activity_share` as one mapping activity → weight."""
        merged: dict[str, float] = {}
        for item in self.activity_share:
            merged.update(item)
        return merged


class CloudStorageUser(FTSModel):
    """Credentials of one user or one VO on a cloud storage (``/config/cloud_storage/<name>``).

    Secrets are kept (the server sends them to administrators) but never shown in a repr.
    """

    storage_name: str
    """The cloud storage."""
    user_dn: str = ""
    """The user, or ``""`` for VO credentials."""
    vo_name: str = ""
    """The VO, or ``""`` for user credentials."""
    access_token: str | None = Field(default=None, repr=False)
    """Access key or token."""
    access_token_secret: str | None = Field(default=None, repr=False)
    """Secret of the access key or token."""
    request_token: str | None = Field(default=None, repr=False)
    """OAuth request token (Dropbox)."""
    request_token_secret: str | None = Field(default=None, repr=False)
    """Secret of the request token."""


class CloudStorage(FTSModel):
    """A registered cloud storage with its users (``GET /config/cloud_storage``)."""

    storage_name: str
    """The storage's name, e.g. ``DROPBOX``."""
    app_key: str | None = Field(default=None, repr=False)
    """Application key."""
    app_secret: str | None = Field(default=None, repr=False)
    """Application secret."""
    service_api_url: str | None = None
    """API URL of the service."""
    users: list[CloudStorageUser] = []
    """Credentials registered for users and VOs."""
