"""``fts3sdk events``: follow FTS monitoring messages live from the brokers (filters, ``--json`` lines)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from fts3sdk.cli._options import _errors, _logging

if TYPE_CHECKING:
    from fts3sdk.events import BrokerAuth, Delivery, EventConsumer

__all__ = ["broker_options_given", "events", "make_consumer"]

_PANEL = "Broker"


def _opt(flag: str, env: str, text: str, metavar: str | None = None) -> Any:
    return typer.Option(flag, envvar=env, rich_help_panel=_PANEL, help=text, metavar=metavar)


_BROKER_HELP = "A broker or DNS alias (all its addresses are used); repeat, or comma-separate in FTS3_BROKERS."
BrokersOpt = Annotated[Optional[list[str]], _opt("--broker", "FTS3_BROKERS", _BROKER_HELP, metavar="HOST[:PORT]")]  # noqa: UP045
PortOpt = Annotated[int, _opt("--broker-port", "FTS3_BROKER_PORT", "STOMP port of brokers given without one.")]
UserOpt = Annotated[Optional[str], _opt("--broker-user", "FTS3_BROKER_USER", "STOMP login.")]  # noqa: UP045
PasswordOpt = Annotated[Optional[str], _opt("--broker-password", "FTS3_BROKER_PASSWORD", "STOMP passcode.")]  # noqa: UP045
CertOpt = Annotated[Optional[Path], _opt("--broker-cert", "FTS3_BROKER_CERT", "TLS client certificate (TLS on).")]  # noqa: UP045
KeyOpt = Annotated[Optional[Path], _opt("--broker-key", "FTS3_BROKER_KEY", "Its key (default: in the cert file).")]  # noqa: UP045
CaOpt = Annotated[Optional[Path], _opt("--broker-ca", "FTS3_BROKER_CA", "CA bundle for the brokers.")]  # noqa: UP045
TlsOpt = Annotated[bool, _opt("--broker-tls", "FTS3_BROKER_TLS", "Use TLS without a client certificate.")]
DurableOpt = Annotated[Optional[str], _opt("--durable", "FTS3_BROKER_SUBSCRIPTION", "Durable subscription name.")]  # noqa: UP045
QueueOpt = Annotated[bool, _opt("--queues", "FTS3_BROKER_QUEUES", "FTS publishes to queues, not topics.")]


def broker_options_given(brokers: list[str] | None) -> list[str]:
    """The broker names of ``--broker``/``FTS3_BROKERS`` (comma-separated values split)."""
    return [name.strip() for value in brokers or [] for name in value.split(",") if name.strip()]


def make_consumer(
    brokers: list[str],
    *,
    port: int,
    user: str | None,
    password: str | None,
    cert: Path | None,
    key: Path | None,
    ca: Path | None,
    tls: bool,
    durable: str | None,
    queues: bool,
    kinds: list[str] | None,
    vo: list[str],
    job_ids: list[str],
    states: list[str],
    idle: float | None,
) -> EventConsumer:
    """The consumer the broker options describe (``fts3sdk events`` and ``status --watch --events``)."""
    from fts3sdk.events import BrokerAuth, EventConsumer

    auth: BrokerAuth = BrokerAuth(
        username=user, password=password, cert=cert, key=key, ca_file=ca, tls=True if tls else None
    )
    return EventConsumer(
        brokers, auth=auth, kinds=kinds or None, topic=not queues, durable=durable, vo=vo, job_id=job_ids,
        state=states, port=port, idle_timeout=idle,
    )  # fmt: skip


def _line(delivery: Delivery) -> str:
    event = delivery.event
    what = str(getattr(event, "file_state", "") or "")
    where = f"{getattr(event, 'job_id', '')} {getattr(event, 'file_id', '')}".strip()
    if event.kind.value == "optimizer":
        where = f"{getattr(event, 'source_se', '')} -> {getattr(event, 'dest_se', '')}"
        what = f"connections={getattr(event, 'connections', '')}"
    when = getattr(event, "timestamp", None) or getattr(event, "tr_timestamp_complete", None)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else "-"
    return f"{stamp} {event.kind.value:<9} {what:<10} {where}"


def events(
    brokers: BrokersOpt = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="start, complete, state or optimizer (repeat); default all."),
    ] = None,
    vo: Annotated[Optional[list[str]], typer.Option("--vo", help="Only this VO (repeat).")] = None,  # noqa: UP045
    job: Annotated[Optional[list[str]], typer.Option("--job", help="Only this job id (repeat).")] = None,  # noqa: UP045
    state: Annotated[
        list[str] | None, typer.Option("--state", help="Only this file state, e.g. FAILED (repeat).")
    ] = None,
    count: Annotated[Optional[int], typer.Option("--count", "-n", help="Stop after this many messages.")] = None,  # noqa: UP045
    idle: Annotated[Optional[float], typer.Option("--idle", help="Stop after this many seconds without one.")] = None,  # noqa: UP045
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line: kind, broker, message id, message.")
    ] = False,
    port: PortOpt = 61613,
    user: UserOpt = None,
    password: PasswordOpt = None,
    cert: CertOpt = None,
    key: KeyOpt = None,
    ca: CaOpt = None,
    tls: TlsOpt = False,
    durable: DurableOpt = None,
    queues: QueueOpt = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and DEBUG logs.")] = False,
) -> None:
    """Follow FTS monitoring messages live: transfer starts, completions, state changes, optimizer decisions."""
    with _logging(debug), _errors(debug):
        names = broker_options_given(brokers)
        if not names:
            raise ValueError("no broker: give --broker HOST[:PORT] or set FTS3_BROKERS")
        consumer = make_consumer(
            names, port=port, user=user, password=password, cert=cert, key=key, ca=ca, tls=tls, durable=durable,
            queues=queues, kinds=kind, vo=vo or [], job_ids=job or [], states=state or [], idle=idle,
        )  # fmt: skip
        seen = 0
        with consumer:
            for delivery in consumer.deliveries():
                if as_json:
                    record = {"kind": delivery.event.kind.value, "broker": delivery.broker,
                              "message_id": delivery.message_id, "destination": delivery.destination,
                              "event": delivery.event.model_dump(mode="json", exclude_unset=True)}  # fmt: skip
                    sys.stdout.write(json.dumps(record) + "\n")
                else:
                    sys.stdout.write(_line(delivery) + "\n")
                sys.stdout.flush()
                seen += 1
                if count is not None and seen >= count:
                    break
