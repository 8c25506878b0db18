"""Operators' endpoints: ``/status/hosts``, ``/autocomplete/<kind>`` and ``/admin/force-start``."""

from __future__ import annotations

import json
from typing import Any

from fts3sdk.testing._server._wire import JSON, ROUTE_NOT_FOUND, Ctx, HTTPError, WireResponse, json_response

__all__ = ["AUTOCOMPLETE_KINDS", "autocomplete", "force_start", "status_hosts"]

AUTOCOMPLETE_KINDS = ("dn", "source", "destination", "storage", "vo")
_DEFAULT_TERMS = {"dn": "/DC=cern.ch"}
"""The server's default terms: ``srm://`` for every other kind (also for ``vo``, where it finds nothing)."""


def status_hosts(ctx: Ctx) -> WireResponse:
    """``GET /status/hosts``: files STARTED per staging host, then files ACTIVE per transfer host (null: ``"null"``)."""
    from fts3sdk.models import HostActivity

    ctx.require_certificate()
    ctx.authorize("config")
    staging: dict[str, int] = {}
    active: dict[str, int] = {}
    for record in ctx.state.records():
        for item in record.files:
            if item.file_state == "STARTED":
                key = str(item.staging_host) if item.staging_host is not None else "null"
                staging[key] = staging.get(key, 0) + 1
            elif item.file_state == "ACTIVE":
                key = str(item.transfer_host) if item.transfer_host is not None else "null"
                active[key] = active.get(key, 0) + 1
    counts: dict[str, dict[str, int]] = {host: {"staging": n} for host, n in staging.items()}
    for host, n in active.items():
        counts.setdefault(host, {})["active"] = n
    return json_response(
        {host: HostActivity(**numbers).model_dump(exclude_unset=True) for host, numbers in counts.items()}
    )


def _candidates(ctx: Ctx, kind: str) -> list[str]:
    state = ctx.state
    if kind == "dn":
        return [dn for _, dn in sorted(state.credentials)]
    if kind == "vo":
        return sorted({record.job.vo_name for record in state.records()})
    links = state.config.links.values()
    sources = sorted({link.source for link in links})
    destinations = sorted({link.destination for link in links})
    if kind == "source":
        return sources
    if kind == "destination":
        return destinations
    return list(set(sources) | set(destinations))  # a set on the server too: the order means nothing


def autocomplete(ctx: Ctx, kind: str) -> WireResponse:
    """``GET /autocomplete/<kind>?term=``: known values starting with the term."""
    if kind not in AUTOCOMPLETE_KINDS:
        raise HTTPError(404, ROUTE_NOT_FOUND)
    ctx.authorize("config")
    term = ctx.request.values.get("term", _DEFAULT_TERMS.get(kind, "srm://"))
    found = [value for value in _candidates(ctx, kind) if value.startswith(term)]
    return json_response(list(dict.fromkeys(found)))


def _locate(ctx: Ctx, file_id: int) -> tuple[Any, int] | None:
    for record in ctx.state.records():
        position = record.index_of(file_id)
        if position is not None:
            return record, position
    return None


def force_start(ctx: Ctx) -> WireResponse:
    """``POST /admin/force-start``: SUBMITTED files move to FORCE_START; answers the files it refused."""
    from fts3sdk.models import ForceStartRefusal

    ctx.require_certificate()
    ctx.authorize("admin")
    if ctx.request.content_type != JSON:
        raise HTTPError(400, "Only accepts 'Content-Type: application/json'")
    try:
        file_ids: Any = json.loads(ctx.request.body)
    except ValueError:
        raise HTTPError(400, "Malformed input") from None
    if not isinstance(file_ids, list) or not all(isinstance(file_id, int) for file_id in file_ids):
        raise HTTPError(400, "Only accepts a list of integer fileIDs")
    refused = []
    for file_id in file_ids:
        found = next(
            (
                (record, position)
                for record in ctx.state.records()
                if (position := record.index_of(file_id)) is not None
            ),
            None,
        )
        if found is None:
            refused.append(ForceStartRefusal(file_id=file_id, error="File does not exist"))
        elif found[0].files[found[1]].file_state != "SUBMITTED":
            refused.append(ForceStartRefusal(file_id=file_id, error="File is not in SUBMITTED state"))
        else:
            found[0].update_file(found[1], file_state="FORCE_START")
    return WireResponse(200, json.dumps([item.model_dump(mode="json") for item in refused]).encode(), JSON)
