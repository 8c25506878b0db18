"""``fts3sdk dm``: ls, stat, mkdir, rm, rmdir and mv on storage URLs, through the server's gfal2.

They need a delegated proxy on the server (``fts3sdk delegate``): without one the server answers 419.
"""

from __future__ import annotations

from typing import Annotated

from fts3sdk import DirectoryEntry
from fts3sdk.cli._parsing.options import CONNECTION, Connection, with_options
from fts3sdk.cli._parsing.parser import Group
from fts3sdk.cli._parsing.spec import Arg
from fts3sdk.cli._printing.output import console, print_json, print_pairs

__all__ = ["dm_app", "ls_lines"]

dm_app = Group(
    name="dm",
    help="Files and directories on storages, through the FTS server (needs a delegated proxy).",
)
Url = Annotated[str, Arg(help="Storage URL, e.g. davs://host/path.")]


def _mtime(entry: DirectoryEntry) -> str:
    modified = entry.modified
    return modified.strftime("%Y-%m-%d %H:%M") if modified is not None else "-"


def ls_lines(listing: dict[str, DirectoryEntry]) -> list[str]:
    """The listing as ``ls -l`` shows it: mode, size, modification time (UTC), name; sorted by name."""
    width = max((len(str(entry.size)) for entry in listing.values()), default=1)
    return [
        f"{entry.permissions} {entry.size:>{width}} {_mtime(entry):>16} {name}"
        for name, entry in sorted(listing.items())
    ]


@with_options(CONNECTION)
def ls(url: Url, *, conn: Connection) -> None:
    """List a directory like ls -l: mode, size, modification time (UTC), name (directories end with /)."""
    with conn.client() as client:
        listing = client.dm.list(url)
    if conn.json:
        print_json(listing)
        return
    out = console()
    for line in ls_lines(listing):
        out.print(line, markup=False, highlight=False)


@with_options(CONNECTION)
def stat(url: Url, *, conn: Connection) -> None:
    """Show the mode, size and times of a file or directory."""
    with conn.client() as client:
        info = client.dm.stat(url)
    if conn.json:
        print_json(info)
        return
    kind = "directory" if info.is_dir else "file" if info.is_file else "other"
    times = {name: getattr(info, name) for name in ("mtime", "atime", "ctime")}
    from datetime import datetime, timezone

    def utc(seconds: int) -> str | None:
        return f"{datetime.fromtimestamp(seconds, tz=timezone.utc):%Y-%m-%d %H:%M:%S} UTC" if seconds else None

    print_pairs(
        [
            ("URL", url),
            ("Type", kind),
            ("Mode", f"{info.permissions} ({info.mode & 0o7777:04o})"),
            ("Size", f"{info.size} bytes"),
            ("Links", info.nlink or None),
            ("Modified", utc(times["mtime"])),
            ("Accessed", utc(times["atime"])),
            ("Changed", utc(times["ctime"])),
        ]
    )


def _done(conn: Connection, operation: str, **urls: str) -> None:
    if conn.json:
        print_json({"done": operation, **urls})


@with_options(CONNECTION)
def mkdir(url: Url, *, conn: Connection) -> None:
    """Create a directory (mode 0775; its parent must exist)."""
    with conn.client() as client:
        client.dm.mkdir(url)
    _done(conn, "mkdir", surl=url)


@with_options(CONNECTION)
def rm(url: Url, *, conn: Connection) -> None:
    """Delete a file."""
    with conn.client() as client:
        client.dm.unlink(url)
    _done(conn, "unlink", surl=url)


@with_options(CONNECTION)
def rmdir(url: Url, *, conn: Connection) -> None:
    """Delete an empty directory."""
    with conn.client() as client:
        client.dm.rmdir(url)
    _done(conn, "rmdir", surl=url)


@with_options(CONNECTION)
def mv(
    old: Annotated[str, Arg(help="The file or directory.")],
    new: Annotated[str, Arg(help="Its new URL, on the same storage.")],
    *,
    conn: Connection,
) -> None:
    """Rename or move a file or directory within one storage."""
    with conn.client() as client:
        client.dm.rename(old, new)
    _done(conn, "rename", old=old, new=new)


dm_app.command("ls")(ls)
dm_app.command("stat")(stat)
dm_app.command("mkdir")(mkdir)
dm_app.command("rm")(rm)
dm_app.command("rmdir")(rmdir)
dm_app.command("mv")(mv)
