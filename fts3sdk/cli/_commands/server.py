"""``whoami``, ``server-info``, ``delegate``, ``proxy-init``, ``ban``, ``unban`` and the hidden ``schemas``."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._parsing.options import CONNECTION, OUTPUT, Connection, fail, with_options
from fts3sdk.cli._parsing.parser import Exit
from fts3sdk.cli._parsing.preload import SERVER_MODELS
from fts3sdk.cli._parsing.spec import Opt
from fts3sdk.cli._printing.output import print_json, print_pairs, when

if TYPE_CHECKING:
    from fts3sdk import Client

__all__ = ["ban", "delegate", "proxy_init", "schemas", "server_info", "unban", "whoami"]


def _expiry(moment: datetime) -> str:
    left = moment - datetime.now(timezone.utc)
    hours, rest = divmod(max(int(left.total_seconds()), 0), 3600)
    return f"{when(moment)} UTC (in {hours}h{rest // 60:02d}m)"


@with_options(CONNECTION)
def whoami(*, conn: Connection) -> None:
    """Show who the server thinks you are: DN, VOs, delegation id, access levels."""
    with conn.client(preload=SERVER_MODELS) as client:
        who = client.whoami()
    if conn.json:
        print_json(who)
        return
    levels = [f"{name}={level or 'own'}" for name, level in sorted(who.level.items())]
    print_pairs(
        [
            ("DN", who.user_dn),
            ("VOs", who.vos),
            ("Roles", who.roles),
            ("Delegation id", who.delegation_id),
            ("Authenticated by", who.method),
            ("Access", levels),
            ("Root", "yes" if who.is_root else None),
        ]
    )


@with_options(CONNECTION)
def server_info(*, conn: Connection) -> None:
    """Show the endpoint's versions (REST API, delegation, schema, core)."""
    with conn.client(preload=SERVER_MODELS) as client:
        info = client.endpoint_info()
        endpoint = client.endpoint
    if conn.json:
        print_json(info)
        return
    print_pairs(
        [
            ("Endpoint", endpoint),
            ("REST API", info.api),
            ("Delegation", info.delegation),
            ("Schema", info.schema_version),
            ("Core", [str(version) for version in info.core_versions]),
        ]
    )


@with_options(CONNECTION)
def delegate(
    lifetime: Annotated[float, Opt("--hours", "-H", min=0.1, help="Lifetime of the delegated proxy.")] = 12,
    force: Annotated[bool, Opt("--force", "-f", help="Delegate even if the stored proxy is fresh.")] = False,
    renew: Annotated[
        float, Opt("--renew-if-less-than", min=0, help="Hours left under which the proxy is renewed.")
    ] = 2,
    *,
    conn: Connection,
) -> None:
    """Delegate a proxy of your X.509 credential to the server (request, sign, upload).

    Nothing is sent when the server's copy is still valid for --renew-if-less-than hours, unless --force;
    the command then says so.
    """
    from fts3sdk.resources.delegation import needs_delegation

    with conn.client(preload=SERVER_MODELS) as client:
        if client.uses_token:
            raise ValueError("token clients do not delegate: the server uses the token itself")
        renewed = needs_delegation(client.delegation.info(), force=force, renew_if_less_than=timedelta(hours=renew))
        delegation_id = client.delegation.delegate(
            lifetime=timedelta(hours=lifetime), force=force, renew_if_less_than=timedelta(hours=renew)
        )
        info = client.delegation.info(delegation_id)
    expires = info.termination_time if info is not None else None
    if conn.json:
        print_json({"delegation_id": delegation_id, "termination_time": expires, "renewed": renewed})
        return
    if not renewed:
        print(
            f"nothing delegated: the server's proxy is valid for more than {renew:g} hour(s); --force renews it",
            file=sys.stderr,
        )
    print_pairs([("Delegation id", delegation_id), ("Expires", _expiry(expires) if expires else "unknown")])


def _default_proxy_path() -> Path:
    return Path(os.environ.get("X509_USER_PROXY") or f"/tmp/x509up_u{os.geteuid()}")  # noqa: S108 - grid convention


def _user_credential(cert: Path | None, key: Path | None) -> tuple[Path, Path]:
    globus = Path.home() / ".globus"
    chosen_cert = cert or Path(os.environ.get("X509_USER_CERT") or globus / "usercert.pem")
    chosen_key = key or (Path(os.environ["X509_USER_KEY"]) if os.environ.get("X509_USER_KEY") else None)
    return chosen_cert, chosen_key or (globus / "userkey.pem" if cert is None else chosen_cert)


@with_options(OUTPUT)
def proxy_init(
    cert: Annotated[
        Path | None, Opt("--cert", help="User certificate (default: X509_USER_CERT, ~/.globus/usercert.pem).")
    ] = None,
    key: Annotated[Path | None, Opt("--key", help="User key (default: X509_USER_KEY, ~/.globus/userkey.pem).")] = None,
    out: Annotated[
        Path | None, Opt("--out", "-o", help="Proxy file (default: X509_USER_PROXY, /tmp/x509up_u<uid>).")
    ] = None,
    hours: Annotated[float, Opt("--hours", "-H", min=0.1, help="Lifetime of the proxy.")] = 12,
    key_type: Annotated[Literal["rsa", "ec"], Opt("--key-type", help="Key of the new proxy.")] = "rsa",
    bits: Annotated[int, Opt("--bits", min=2048, help="RSA key size.")] = 2048,
    legacy: Annotated[bool, Opt("--legacy", help="A legacy Globus proxy instead of RFC 3820.")] = False,
    *,
    conn: Connection,
) -> None:
    """Create a local proxy of your certificate (like grid-proxy-init, without VOMS)."""
    from fts3sdk.credentials import load_credential
    from fts3sdk.proxy import create_proxy

    cert_path, key_path = _user_credential(cert, key)
    credential = load_credential(cert_path, key_path, passphrase=conn.passphrase)
    path = create_proxy(
        credential,
        out or _default_proxy_path(),
        lifetime=timedelta(hours=hours),
        key_type=key_type,
        bits=bits,
        legacy=legacy,
    )
    proxy = load_credential(path)
    if conn.json:
        print_json(
            {"path": str(path), "subject": proxy.subject_dn, "identity": proxy.user_dn, "not_after": proxy.not_after}
        )
    else:
        print_pairs([("Proxy", path), ("Identity", proxy.user_dn), ("Expires", _expiry(proxy.not_after))])


def _target(storage: str | None, user: str | None) -> tuple[str, str]:
    if (storage is None) == (user is None):
        raise ValueError("give exactly one of --storage SE or --user DN")
    return ("storage", storage) if storage is not None else ("user", user or "")


Storage = Annotated[str | None, Opt("--storage", "--se", help="Storage element, e.g. gsiftp://host.")]
User = Annotated[str | None, Opt("--user", "--dn", help="User DN.")]


@with_options(CONNECTION)
def ban(
    storage: Storage = None,
    user: User = None,
    status: Annotated[
        Literal["cancel", "wait"], Opt("--status", help="Storage: cancel queued transfers, or hold them.")
    ] = "cancel",
    allow_submit: Annotated[
        bool, Opt("--allow-submit", help="Storage with --status wait: accept new jobs on hold.")
    ] = False,
    message: Annotated[str | None, Opt("--message", help="Why (stored with the ban).")] = None,
    *,
    conn: Connection,
) -> None:
    """Ban a storage element or a user (needs the config access level); prints the affected job ids."""
    kind, target = _target(storage, user)
    with conn.client() as client:
        if kind == "storage":
            affected = client.storage.ban(target, status=status, allow_submit=allow_submit, message=message)
        elif status != "cancel" or allow_submit:
            raise ValueError("--status and --allow-submit apply to storage bans only")
        else:
            affected = client.users.ban(target, message=message)
    if conn.json:
        print_json({"banned": target, "kind": kind, "affected_jobs": affected})
    else:
        print(f"banned {kind} {target}; {len(affected)} job(s) affected", file=sys.stderr)
        for job_id in affected:
            print(job_id)


def _banned(client: Client, kind: str, target: str) -> list[str]:
    """Who holds a ban on ``target``: the VOs of a storage ban, ``["*"]`` for a user ban; empty: not banned."""
    if kind == "storage":
        return [ban.vo or "*" for ban in client.storage.list_banned() if ban.se == target]
    return ["*" for ban in client.users.list_banned() if ban.dn == target]


@with_options(CONNECTION)
def unban(storage: Storage = None, user: User = None, *, conn: Connection) -> None:
    """Lift a storage or user ban; held transfers of a storage are queued again.

    The server answers the same whether or not there was a ban, so the bans are listed before and after: the
    command says when there was nothing to lift (exit 0) and when a ban remains (another VO's; exit 1).
    """
    kind, target = _target(storage, user)
    with conn.client() as client:
        before = _banned(client, kind, target)
        if kind == "storage":
            client.storage.unban(target)
        else:
            client.users.unban(target)
        after = _banned(client, kind, target) if before else []
    if conn.json:
        print_json({"unbanned": target, "kind": kind, "was_banned": bool(before), "still_banned": bool(after)})
    elif not before:
        print(f"{kind} {target} was not banned: nothing to lift", file=sys.stderr)
    elif not after:
        print(f"unbanned {kind} {target}")
    if after:
        vos = ", ".join(sorted(set(after)))
        raise fail(ExitCode.ERROR, f"{kind} {target} is still banned (VO {vos}): the server lifts your VO's ban only")


def schemas(
    write: Annotated[bool, Opt("--write", help="Rewrite schemas/ from the models.")] = False,
    check: Annotated[bool, Opt("--check", help="Exit 1 if schemas/ is stale.")] = False,
    directory: Annotated[Path | None, Opt("--dir", help="Schema directory (default: schemas/).")] = None,
) -> None:
    """Write or check the JSON Schemas of the public models (for maintainers)."""
    from fts3sdk import _schemas

    target = directory or _schemas.SCHEMA_DIR
    if write == check:
        raise fail(ExitCode.USAGE, "give --write or --check")
    if write:
        _schemas.write(target)
        print(f"wrote {target}")
        return
    problems = _schemas.stale(target)
    for name in problems:
        print(f"stale: {name}", file=sys.stderr)
    if problems:
        raise Exit(int(ExitCode.ERROR))
