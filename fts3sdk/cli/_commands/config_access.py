"""``fts3sdk config se``, ``authorize`` and ``activity-shares``: storages, grants, activity weights."""

from __future__ import annotations

from typing import Annotated, Literal

from fts3sdk import ActivityShares, StorageConfig, StorageInfo, StorageSettings
from fts3sdk.cli._parsing.options import CONNECTION, Connection, with_options
from fts3sdk.cli._parsing.parser import Group
from fts3sdk.cli._parsing.spec import Arg, Opt
from fts3sdk.cli._printing.tables import emit, print_table

__all__ = ["activity_app", "authorize_app", "parse_limits", "parse_weights", "se_app"]

se_app = Group(help="Storage settings and per-VO operation limits.")
authorize_app = Group(help="Access levels granted to DNs (certificate only).")
activity_app = Group(help="The weight of each activity within a VO (certificate only).")

Se = Annotated[str, Arg(help="The storage, e.g. gsiftp://host (* for the defaults).")]
Dn = Annotated[str, Arg(help="The user's DN.")]
Vo = Annotated[str, Arg(help="The VO.")]
_SE_COLUMNS = ("Storage", "In active", "In MB/s", "Out active", "Out MB/s", "TPC", "IPv6", "Site", "Limits")


def parse_limits(items: list[str]) -> dict[str, dict[str, int]]:
    """``VO:OPERATION=LIMIT`` items as the nested mapping ``storages.set`` takes."""
    limits: dict[str, dict[str, int]] = {}
    for item in items:
        target, sep, value = item.partition("=")
        vo, colon, operation = target.partition(":")
        if not sep or not colon or not vo or not operation or not value.strip().isdigit():
            raise ValueError(f"--limit takes VO:OPERATION=LIMIT, e.g. dteam:delete=10, not {item!r}")
        limits.setdefault(vo, {})[operation] = int(value)
    return limits


def parse_weights(items: list[str]) -> dict[str, float]:
    """``ACTIVITY=WEIGHT`` items as a mapping."""
    weights: dict[str, float] = {}
    for item in items:
        activity, sep, value = item.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not activity or weight < 0:
            raise ValueError(f"give ACTIVITY=WEIGHT with a non-negative number, e.g. express=10, not {item!r}")
        weights[activity] = int(weight) if weight.is_integer() else weight
    return weights


def _limits_text(config: StorageConfig) -> str:
    parts = [f"{vo}:{op}={n}" for vo, ops in (config.operations or {}).items() for op, n in ops.items()]
    return " ".join(parts)


def _storages(configs: dict[str, StorageConfig]) -> None:
    rows = []
    for storage, config in configs.items():
        info = config.se_info or StorageInfo()
        rows.append(
            (
                storage, info.inbound_max_active, info.inbound_max_throughput, info.outbound_max_active,
                info.outbound_max_throughput, info.tpc_support, info.ipv6, info.site, _limits_text(config),
            )
        )  # fmt: skip
    print_table(_SE_COLUMNS, rows, right=_SE_COLUMNS[1:5])


@with_options(CONNECTION)
def se_list(*, conn: Connection) -> None:
    """List the storages with settings or limits (* holds the defaults)."""
    with conn.client() as client:
        configs = client.config.storages.list()
    emit(conn, configs, lambda: _storages(configs))


@with_options(CONNECTION)
def se_show(se: Se, *, conn: Connection) -> None:
    """Show one storage's settings and limits."""
    with conn.client() as client:
        config = client.config.storages.get(se)
    if config is None:
        raise ValueError(f"{se} has no settings nor limits of its own")
    emit(conn, config, lambda: _storages({se: config}))


@with_options(CONNECTION)
def se_set(
    se: Se,
    inbound_max_active: Annotated[int | None, Opt("--inbound-max-active", min=0)] = None,
    inbound_max_throughput: Annotated[float | None, Opt("--inbound-max-throughput", min=0)] = None,
    outbound_max_active: Annotated[int | None, Opt("--outbound-max-active", min=0)] = None,
    outbound_max_throughput: Annotated[float | None, Opt("--outbound-max-throughput", min=0)] = None,
    tpc_support: Annotated[Literal["FULL", "PULL", "PUSH", "NONE"] | None, Opt("--tpc-support")] = None,
    ipv6: Annotated[bool | None, Opt("--ipv6/--no-ipv6")] = None,
    udt: Annotated[bool | None, Opt("--udt/--no-udt")] = None,
    site: Annotated[str | None, Opt("--site")] = None,
    metadata: Annotated[str | None, Opt("--metadata", help="Free text about the storage.")] = None,
    debug_level: Annotated[int | None, Opt("--debug-level", min=0)] = None,
    eviction: Annotated[bool | None, Opt("--eviction/--no-eviction")] = None,
    skip_eviction: Annotated[bool | None, Opt("--skip-eviction/--no-skip-eviction")] = None,
    overwrite_disk: Annotated[bool | None, Opt("--overwrite-disk/--no-overwrite-disk")] = None,
    limit: Annotated[
        list[str] | None, Opt("--limit", help="VO:OPERATION=LIMIT, e.g. dteam:delete=10 (0 removes it).")
    ] = None,
    *,
    conn: Connection,
) -> None:
    """Change a storage's settings (throughputs in MB/s) and/or its operation limits per VO."""
    settings = StorageSettings(
        inbound_max_active=inbound_max_active, inbound_max_throughput=inbound_max_throughput,
        outbound_max_active=outbound_max_active, outbound_max_throughput=outbound_max_throughput,
        tpc_support=tpc_support, ipv6=ipv6, udt=udt, site=site, se_metadata=metadata, debug_level=debug_level,
        eviction=eviction, skip_eviction=skip_eviction, overwrite_disk_enabled=overwrite_disk,
    )  # fmt: skip
    with conn.client() as client:
        stored = client.config.storages.set(se, settings=settings, operations=parse_limits(limit or []) or None)
    emit(conn, stored, lambda: _storages({se: stored}))


@with_options(CONNECTION)
def se_delete(se: Se, *, conn: Connection) -> None:
    """Drop a storage's settings and limits."""
    with conn.client() as client:
        client.config.storages.delete(se)
    emit(conn, {"deleted": se}, lambda: print(f"deleted the settings of {se}"))


se_app.command("list")(se_list)
se_app.command("show")(se_show)
se_app.command("set")(se_set)
se_app.command("delete")(se_delete)


# --- authorize ----------------------------------------------------------------------------------------------

Operation = Annotated[str, Arg(help="config, transfer, deleg or datamanagement.")]


@with_options(CONNECTION)
def authorize_list(
    dn: Annotated[str | None, Opt("--dn", help="Only this DN.")] = None,
    operation: Annotated[str | None, Opt("--operation", help="Only this operation.")] = None,
    *,
    conn: Connection,
) -> None:
    """List the access levels granted to DNs."""
    with conn.client() as client:
        grants = client.config.authorizations.list(dn=dn, operation=operation)
    emit(conn, grants, lambda: print_table(("DN", "Operation"), [(grant.dn, grant.operation) for grant in grants]))


@with_options(CONNECTION)
def authorize_grant(dn: Dn, operation: Operation, *, conn: Connection) -> None:
    """Grant an operation at level all to a DN (admin only through the database)."""
    with conn.client() as client:
        grant = client.config.authorizations.grant(dn, operation)
    emit(conn, grant, lambda: print(f"granted {grant.operation} to {grant.dn}"))


@with_options(CONNECTION)
def authorize_revoke(
    dn: Dn,
    operation: Annotated[str | None, Arg(help="The operation (default: every grant).")] = None,
    *,
    conn: Connection,
) -> None:
    """Revoke an operation of a DN, or all its grants."""
    with conn.client() as client:
        client.config.authorizations.revoke(dn, operation)
    emit(
        conn,
        {"revoked": dn, "operation": operation},
        lambda: print(f"revoked {operation or 'every grant'} of {dn}"),
    )


authorize_app.command("list")(authorize_list)
authorize_app.command("grant")(authorize_grant)
authorize_app.command("revoke")(authorize_revoke)


# --- activity shares ----------------------------------------------------------------------------------------


def _activities(shares: dict[str, ActivityShares]) -> None:
    rows = [(vo, entry.active, " ".join(f"{a}={w:g}" for a, w in entry.share.items())) for vo, entry in shares.items()]
    print_table(("VO", "Active", "Weights"), rows)


@with_options(CONNECTION)
def activity_list(*, conn: Connection) -> None:
    """List the activity weights of every VO."""
    with conn.client() as client:
        shares = client.config.activity_shares.list()
    emit(conn, shares, lambda: _activities(shares))


@with_options(CONNECTION)
def activity_show(vo: Vo, *, conn: Connection) -> None:
    """Show the activity weights of one VO."""
    with conn.client() as client:
        shares = client.config.activity_shares.get(vo)
    emit(conn, shares, lambda: _activities({vo: shares}))


@with_options(CONNECTION)
def activity_set(
    vo: Vo,
    weights: Annotated[list[str], Arg(help="ACTIVITY=WEIGHT ...")],
    inactive: Annotated[bool, Opt("--inactive", help="Store the weights without applying them.")] = False,
    *,
    conn: Connection,
) -> None:
    """Set a VO's activity weights, replacing the previous ones."""
    with conn.client() as client:
        stored = client.config.activity_shares.set(vo, parse_weights(weights), active=not inactive)
    emit(conn, stored, lambda: _activities({stored.vo: ActivityShares(share=stored.shares, active=stored.active)}))


@with_options(CONNECTION)
def activity_delete(vo: Vo, *, conn: Connection) -> None:
    """Drop a VO's activity weights."""
    with conn.client() as client:
        client.config.activity_shares.delete(vo)
    emit(conn, {"deleted": vo}, lambda: print(f"deleted the activity shares of {vo}"))


activity_app.command("list")(activity_list)
activity_app.command("show")(activity_show)
activity_app.command("set")(activity_set)
activity_app.command("delete")(activity_delete)
