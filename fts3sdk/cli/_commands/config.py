"""``fts3sdk config``: hosts and drain, the audit, global settings, links and shares.

Storages, grants and activity shares are in `_commands_config_access`, registered here as sub-groups.
"""

from __future__ import annotations

from typing import Annotated

from fts3sdk import GlobalConfig, Host, LinkConfig
from fts3sdk.cli._commands.config_access import activity_app, authorize_app, se_app
from fts3sdk.cli._parsing.options import CONNECTION, Connection, with_options
from fts3sdk.cli._parsing.parser import Group
from fts3sdk.cli._parsing.spec import Arg, Opt
from fts3sdk.cli._printing.tables import emit, print_table

__all__ = ["config_app"]

config_app = Group(
    name="config",
    help="The server's configuration (needs the config access level): hosts, drain, audit, settings, links...",
)
global_app = Group(help="Server-wide settings per VO (* holds the defaults).")
links_app = Group(help="Link configurations: transfer limits between two storages.")
shares_app = Group(help="VO shares on links.")
config_app.add_group(global_app, name="global")
config_app.add_group(links_app, name="links")
config_app.add_group(shares_app, name="shares")
config_app.add_group(se_app, name="se")
config_app.add_group(authorize_app, name="authorize")
config_app.add_group(activity_app, name="activity-shares")

Hostname = Annotated[str, Arg(help="The FTS node, as GET /config lists it.")]
Vo = Annotated[str, Opt("--vo", help="The VO (* for the defaults).")]
Name = Annotated[str, Arg(help="The link's symbolic name.")]
Storage = Annotated[str, Arg(help="Storage URL, e.g. gsiftp://host (reduced to scheme://host).")]
VoArgument = Annotated[str, Arg(help="The VO.")]


def _hosts(rows: list[Host]) -> None:
    print_table(
        ("Host", "Service", "Last beat (UTC)", "Draining"),
        [(h.hostname, h.service_name, h.beat, h.drain) for h in rows],
    )


@with_options(CONNECTION)
def hosts(*, conn: Connection) -> None:
    """List the FTS nodes' services with their last heartbeat and drain flag."""
    with conn.client() as client:
        rows = client.config.hosts()
    emit(conn, rows, lambda: _hosts(rows))


@with_options(CONNECTION)
def drain(
    hostname: Hostname,
    undo: Annotated[bool, Opt("--undo", help="Put the node back to work instead.")] = False,
    *,
    conn: Connection,
) -> None:
    """Drain an FTS node: it finishes its transfers and takes no new ones (--undo ends the drain)."""
    with conn.client() as client:
        rows = client.config.undrain(hostname) if undo else client.config.drain(hostname)
    emit(conn, rows, lambda: _hosts(rows))


_AUDIT_COLUMNS = ("When (UTC)", "Who", "Action", "Change")


@with_options(CONNECTION)
def audit(
    limit: Annotated[int, Opt("--limit", "-n", min=1, help="Show the newest N changes.")] = 20,
    action: Annotated[str | None, Opt("--action", help="Only changes of this kind, e.g. link.")] = None,
    *,
    conn: Connection,
) -> None:
    """Show the latest configuration changes (the server keeps 100), newest first."""
    with conn.client() as client:
        entries = [e for e in client.config.audit() if action is None or e.action == action][:limit]
    emit(conn, entries, lambda: print_table(_AUDIT_COLUMNS, [(e.datetime, e.dn, e.action, e.config) for e in entries]))


# --- global -------------------------------------------------------------------------------------------------

_GLOBAL_COLUMNS = ("VO", "Retries", "Max queue (h)", "Timeout (s)", "s/MB", "Show DN", "No streams")


def _globals(entries: dict[str, GlobalConfig]) -> None:
    rows = [
        (vo, e.retry, e.max_time_queue, e.global_timeout, e.sec_per_mb, e.show_user_dn, e.no_streaming)
        for vo, e in entries.items()
    ]
    print_table(_GLOBAL_COLUMNS, rows, right=_GLOBAL_COLUMNS[1:5])


@with_options(CONNECTION)
def global_show(*, conn: Connection) -> None:
    """Show the settings of every VO that has its own, and the defaults (*)."""
    with conn.client() as client:
        entries = client.config.globals.list()
    emit(conn, entries, lambda: _globals(entries))


@with_options(CONNECTION)
def global_set(
    vo: Vo = "*",
    retry: Annotated[int | None, Opt("--retry", min=0, help="Retries per transfer.")] = None,
    max_time_queue: Annotated[
        int | None, Opt("--max-time-queue", min=0, help="Hours a job may wait in the queue.")
    ] = None,
    global_timeout: Annotated[int | None, Opt("--global-timeout", min=0, help="Transfer timeout in seconds.")] = None,
    sec_per_mb: Annotated[int | None, Opt("--sec-per-mb", min=0, help="Timeout seconds added per MB.")] = None,
    show_user_dn: Annotated[
        bool | None, Opt("--show-user-dn/--hide-user-dn", help="User DNs in monitoring messages.")
    ] = None,
    no_streaming: Annotated[bool | None, Opt("--no-streaming/--streaming", help="Disable streams.")] = None,
    *,
    conn: Connection,
) -> None:
    """Change settings of a VO or of the defaults; prints them as stored."""
    with conn.client() as client:
        entry = client.config.globals.set(
            vo,
            retry=retry,
            max_time_queue=max_time_queue,
            global_timeout=global_timeout,
            sec_per_mb=sec_per_mb,
            show_user_dn=show_user_dn,
            no_streaming=no_streaming,
        )
    emit(conn, entry, lambda: _globals({vo: entry}))


@with_options(CONNECTION)
def global_delete(vo: VoArgument, *, conn: Connection) -> None:
    """Drop a VO's own settings: the defaults (*) apply to it again."""
    with conn.client() as client:
        client.config.globals.delete(vo)
    emit(conn, {"deleted": vo}, lambda: print(f"deleted the settings of {vo}"))


global_app.command("show")(global_show)
global_app.command("set")(global_set)
global_app.command("delete")(global_delete)


# --- links --------------------------------------------------------------------------------------------------

_LINK_COLUMNS = ("Link", "Source", "Destination", "Min", "Max", "Optimizer", "Streams", "TCP buffer", "No delegation")


def _links(rows: list[LinkConfig]) -> None:
    print_table(
        _LINK_COLUMNS,
        [
            (
                link.symbolicname, link.source, link.destination, link.min_active, link.max_active,
                link.optimizer_mode, link.nostreams, link.tcp_buffer_size, link.no_delegation,
            )
            for link in rows
        ],
        right=_LINK_COLUMNS[3:8],
    )  # fmt: skip


@with_options(CONNECTION)
def links_list(*, conn: Connection) -> None:
    """List the configured links."""
    with conn.client() as client:
        rows = client.config.links.list()
    emit(conn, rows, lambda: _links(rows))


@with_options(CONNECTION)
def links_show(name: Name, *, conn: Connection) -> None:
    """Show one link."""
    with conn.client() as client:
        link = client.config.links.get(name)
    emit(conn, link, lambda: _links([link]))


@with_options(CONNECTION)
def links_set(
    name: Name,
    source: Annotated[str | None, Opt("--source", help="Source storage or * (new links: *).")] = None,
    destination: Annotated[str | None, Opt("--destination", help="Destination storage or * (new links: *).")] = None,
    min_active: Annotated[int | None, Opt("--min-active", min=0, help="Fewest concurrent transfers.")] = None,
    max_active: Annotated[int | None, Opt("--max-active", min=0, help="Most concurrent transfers.")] = None,
    optimizer_mode: Annotated[
        int | None, Opt("--optimizer-mode", min=0, help="1 conservative, 2 normal, 3 aggressive.")
    ] = None,
    nostreams: Annotated[int | None, Opt("--nostreams", min=0, help="Streams (0: optimizer).")] = None,
    tcp_buffer_size: Annotated[int | None, Opt("--tcp-buffer-size", min=0, help="Bytes.")] = None,
    no_delegation: Annotated[
        bool | None, Opt("--no-delegation/--delegation", help="Transfer without delegating the proxy.")
    ] = None,
    *,
    conn: Connection,
) -> None:
    """Create a link or change the one of that name (the server takes 2 for an active limit not given)."""
    with conn.client() as client:
        link = client.config.links.set(
            name,
            source=source,
            destination=destination,
            min_active=min_active,
            max_active=max_active,
            optimizer_mode=optimizer_mode,
            nostreams=nostreams,
            tcp_buffer_size=tcp_buffer_size,
            no_delegation=no_delegation,
        )
    emit(conn, link, lambda: _links([link]))


@with_options(CONNECTION)
def links_delete(name: Name, *, conn: Connection) -> None:
    """Delete a link (an unknown name is not an error)."""
    with conn.client() as client:
        client.config.links.delete(name)
    emit(conn, {"deleted": name}, lambda: print(f"deleted link {name}"))


links_app.command("list")(links_list)
links_app.command("show")(links_show)
links_app.command("set")(links_set)
links_app.command("delete")(links_delete)


# --- shares -------------------------------------------------------------------------------------------------


_SHARE_COLUMNS = ("Source", "Destination", "VO", "Share")


@with_options(CONNECTION)
def shares_list(*, conn: Connection) -> None:
    """List the VO shares on links."""
    with conn.client() as client:
        rows = client.config.shares.list()
    emit(conn, rows, lambda: print_table(_SHARE_COLUMNS, [(s.source, s.destination, s.vo, s.share) for s in rows]))


@with_options(CONNECTION)
def shares_set(
    source: Storage,
    destination: Storage,
    vo: VoArgument,
    share: Annotated[int, Arg(min=0, help="The VO's weight on the link.")],
    *,
    conn: Connection,
) -> None:
    """Set a VO's share on a link."""
    with conn.client() as client:
        stored = client.config.shares.set(source, destination, vo, share=share)
    emit(
        conn,
        stored,
        lambda: print(f"{stored.vo} has share {stored.share} on {stored.source} -> {stored.destination}"),
    )


@with_options(CONNECTION)
def shares_delete(source: Storage, destination: Storage, vo: VoArgument, *, conn: Connection) -> None:
    """Delete a VO's share on a link."""
    with conn.client() as client:
        client.config.shares.delete(source, destination, vo)
    deleted = {"source": source, "destination": destination, "vo": vo}
    emit(conn, {"deleted": deleted}, lambda: print(f"deleted the share of {vo}"))


shares_app.command("list")(shares_list)
shares_app.command("set")(shares_set)
shares_app.command("delete")(shares_delete)

config_app.command("hosts")(hosts)
config_app.command("drain")(drain)
config_app.command("audit")(audit)
