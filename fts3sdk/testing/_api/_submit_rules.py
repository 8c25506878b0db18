"""Rules of the submission that stand on their own: overwrite flags, transfer parameters, tokens, bans."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fts3sdk.testing._server._wire import HTTPError

if TYPE_CHECKING:
    from fts3sdk.testing._state._store import State

__all__ = ["apply_banning", "internal_params", "overwrite_flag", "safe_flag", "safe_int", "validate_transfer_tokens"]

_TAPE_REST = ("https://", "davs://")


def safe_flag(flag: Any) -> bool:
    """The server's reading of a yes/no parameter: strings starting with Y/y, else truthiness."""
    if isinstance(flag, str):
        return len(flag) > 0 and flag[0].upper() == "Y"
    return bool(flag)


def safe_int(value: Any) -> int:
    """``int(value)``, or -1 when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def internal_params(params: Mapping[str, Any]) -> str | None:
    """``internal_job_params``: the transfer options, comma-joined in the server's order (None when empty)."""
    parts = []
    for key, name in (("nostreams", "nostreams"), ("timeout", "timeout"), ("buffer_size", "buffersize")):
        if params.get(key):
            parts.append(f"{name}:{int(params[key])}")
    for key, name in (("strict_copy", "strict"), ("disable_cleanup", "disable-cleanup")):
        if params.get(key, False):
            parts.append(name)
    if params.get("ipv4", False):
        parts.append("ipv4")
    elif params.get("ipv6", False):
        parts.append("ipv6")
    if params.get("s3alternate", False):
        parts.append("s3alternate")
    return ",".join(parts) or None


def overwrite_flag(params: Mapping[str, Any], job_type: str, files_list: Any) -> str | None:
    """The ``overwrite_flag`` letter, after the server's compatibility checks (400 otherwise)."""
    names = ("overwrite", "overwrite_on_retry", "overwrite_when_only_on_disk", "overwrite_hop")
    count = sum(safe_flag(params[name]) for name in names)
    hop, disk = params["overwrite_hop"], params["overwrite_when_only_on_disk"]
    if count > 1 and not (count == 2 and hop and disk):
        raise HTTPError(400, "Incompatible overwrite flags used at the same time")
    if disk and safe_int(params["archive_timeout"]) <= 0:
        raise HTTPError(400, "'overwrite-when-only-on-disk' requires 'archive-timeout' to be set")
    flag = "Y" if params["overwrite"] else "R" if params["overwrite_on_retry"] else None
    if flag is None:
        flag = "Q" if hop and disk else "M" if hop else "D" if disk else None
    if flag in ("M", "Q") and job_type != "H":
        raise HTTPError(400, "'overwrite-hop' requires multihop job submission")
    if flag in ("D", "Q"):
        items = files_list[-1:] if job_type == "H" else files_list
        if not all(url.startswith(_TAPE_REST) for item in items for url in item["destinations"]):
            raise HTTPError(
                400, "'overwrite-when-only-on-disk' requires destination to be HTTPs endpoint (Tape REST API required)"
            )
    return flag


def validate_transfer_tokens(files_list: Any) -> None:
    """Per-transfer token lists of token submissions: both present, one token per URL, none empty."""
    for item in files_list:
        sources, destinations = item.get("sources", []), item.get("destinations", [])
        source_tokens, destination_tokens = item.get("source_tokens", []), item.get("destination_tokens", [])
        if not (source_tokens or destination_tokens):
            continue
        if not (source_tokens and destination_tokens):
            raise HTTPError(400, "Both source_tokens and destination_tokens are required if one of them is present.")
        if len(source_tokens) != len(sources):
            raise HTTPError(400, "Length of source_tokens should be equal to the length of sources.")
        if len(destination_tokens) != len(destinations):
            raise HTTPError(400, "Length of destination_tokens should be equal to the length of destinations.")
        for source, token in zip(sources, source_tokens, strict=False):
            if not token:
                raise HTTPError(400, f"Token for source '{source}' is missing.")
        for destination, token in zip(destinations, destination_tokens, strict=False):
            if not token:
                raise HTTPError(400, f"Token for destination '{destination}' is missing.")


def apply_banning(state: State, files: list[dict[str, Any]]) -> None:
    """Refuse files touching a banned storage (403), or put them on hold for a ``WAIT_AS`` ban."""
    for row in files:
        held = False
        for storage in (row["source_se"], row["dest_se"]):
            for (se, vo), ban in state.se_bans.items():
                if se != storage or vo not in (row["vo_name"], "*"):
                    continue
                if ban.status != "WAIT_AS":
                    raise HTTPError(403, f"{storage} is banned")
                held = True
        if held and row["file_state"] in ("SUBMITTED", "STAGING"):
            row["file_state"] = "ON_HOLD" if row["file_state"] == "SUBMITTED" else "ON_HOLD_STAGING"
