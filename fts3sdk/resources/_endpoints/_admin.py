"""The optimizer, host status, autocompletion and admin job endpoints, described as data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

from fts3sdk import models
from fts3sdk._base import Endpoint, model, segment, text

if TYPE_CHECKING:
    from fts3sdk.models import ForceStartRefusal, HostActivity, Optimizer, OptimizerEvolution, OptimizerUpdate

AutocompleteKind = Literal["dn", "source", "destination", "storage", "vo"]
OPTIMIZER_INTS = ("active", "nostreams", "diff", "actual_active", "queue_size")
OPTIMIZER_FLOATS = ("ema", "throughput", "success", "filesize_avg", "filesize_stddev")


def _filters(source_se: str | None, dest_se: str | None) -> dict[str, str]:
    return {key: value for key, value in (("source_se", source_se), ("dest_se", dest_se)) if value}


def optimizer_enabled() -> Endpoint[bool]:
    """``GET /optimizer``: whether the server's optimizer is on (a bare JSON boolean)."""
    return Endpoint("GET", "/optimizer", model(bool))


def optimizer_evolution(source_se: str | None, dest_se: str | None) -> Endpoint[list[OptimizerEvolution]]:
    """``GET /optimizer/evolution``: the last 50 optimizer steps, newest first, optionally for one link."""
    return Endpoint(
        "GET", "/optimizer/evolution", model(lambda: list[models.OptimizerEvolution]), _filters(source_se, dest_se)
    )


def optimizer_current(source_se: str | None, dest_se: str | None) -> Endpoint[list[Optimizer]]:
    """``GET /optimizer/current``: the current decision per link, optionally filtered."""
    return Endpoint("GET", "/optimizer/current", model(lambda: list[models.Optimizer]), _filters(source_se, dest_se))


def optimizer_body(source_se: str, dest_se: str, values: Mapping[str, object]) -> dict[str, Any]:
    """The ``POST /optimizer/current`` body, refused locally where the server would refuse it."""
    body: dict[str, Any] = {}
    endpoints: tuple[tuple[str, object], ...] = (("source_se", source_se), ("dest_se", dest_se))
    for name, given in endpoints:
        if not isinstance(given, str) or not given:
            raise ValueError(f"{name} must be a storage such as gsiftp://host, not {given!r}")
        body[name] = given
    for name, value in values.items():
        if value is None:
            continue
        if name in OPTIMIZER_INTS:
            ok = type(value) is int and value >= 0
            kind = "a non-negative integer"
        elif name in OPTIMIZER_FLOATS:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
            kind = "a non-negative number"
        elif name == "rationale":
            ok, kind = isinstance(value, str), "a string"
        else:
            raise ValueError(f"unknown optimizer value {name!r}")
        if not ok:
            raise ValueError(f"{name} must be {kind}, not {value!r}")
        body[name] = value
    return body


def set_optimizer(source_se: str, dest_se: str, values: Mapping[str, object]) -> Endpoint[OptimizerUpdate]:
    """``POST /optimizer/current``: store a decision for a link; gives the history step and the current values."""
    body = optimizer_body(source_se, dest_se, values)
    return Endpoint("POST", "/optimizer/current", model(lambda: models.OptimizerUpdate), json=body)


def host_activity() -> Endpoint[dict[str, HostActivity]]:
    """``GET /status/hosts``: transfers and bring-online requests running per FTS node."""
    return Endpoint("GET", "/status/hosts", model(lambda: dict[str, models.HostActivity]))


def autocomplete(kind: AutocompleteKind, term: str | None) -> Endpoint[list[str]]:
    """``GET /autocomplete/{kind}?term=``: known DNs, link sources/destinations, storages or VOs starting with term."""
    if kind not in get_args(AutocompleteKind):
        raise ValueError(f"kind must be one of {', '.join(get_args(AutocompleteKind))}, not {kind!r}")
    params = {} if term is None else {"term": term}
    return Endpoint("GET", f"/autocomplete/{segment(kind, 'autocomplete kind')}", model(list[str]), params)


def force_start(file_ids: Iterable[int]) -> Endpoint[list[ForceStartRefusal]]:
    """``POST /admin/force-start``: move SUBMITTED files to FORCE_START; gives the files it refused."""
    ids = list(file_ids)
    for file_id in ids:
        if type(file_id) is not int or file_id < 0:
            raise ValueError(f"file ids must be non-negative integers, not {file_id!r}")
    return Endpoint("POST", "/admin/force-start", model(lambda: list[models.ForceStartRefusal]), json=ids)


def client_certificate() -> Endpoint[str]:
    """``GET /whoami/certificate``: the certificate chain the server received from the client, as PEM."""
    return Endpoint("GET", "/whoami/certificate", text)
