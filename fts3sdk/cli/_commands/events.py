"""``fts3sdk events``: follow FTS monitoring messages live from the brokers (filters, ``--json`` lines)."""

from __future__ import annotations

import functools
import json
import sys
import typing
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

from fts3sdk.cli._parsing.options import Row, Table, _errors, _logging, inject, option
from fts3sdk.cli._parsing.spec import Opt

if TYPE_CHECKING:
    from fts3sdk.events import Delivery, EventConsumer

__all__ = ["BROKER", "broker_names", "events", "json_line", "make_consumer", "raw_line"]

_PANEL = "Broker"


def _opt(name: str, kind: Any, flag: str, env: str, text: str, default: Any = None, **extra: Any) -> Row:
    return option(name, kind, flag, help=text, default=default, panel=_PANEL, envvar=env, **extra)


BROKER: Table = (
    _opt("broker_hosts", list[str] | None, "--broker", "FTS3_BROKERS",
         "A broker or DNS alias (all its addresses are used); repeat, or comma-separate in FTS3_BROKERS.",
         metavar="HOST[:PORT]"),
    _opt("broker_port", int, "--broker-port", "FTS3_BROKER_PORT", "STOMP port of brokers given without one.", 61613),
    _opt("broker_user", str | None, "--broker-user", "FTS3_BROKER_USER", "STOMP login."),
    _opt("broker_password", str | None, "--broker-password", "FTS3_BROKER_PASSWORD", "STOMP passcode."),
    _opt("broker_cert", Path | None, "--broker-cert", "FTS3_BROKER_CERT", "TLS client certificate (TLS on)."),
    _opt("broker_key", Path | None, "--broker-key", "FTS3_BROKER_KEY", "Its key (default: in the cert file)."),
    _opt("broker_ca", Path | None, "--broker-ca", "FTS3_BROKER_CA", "CA bundle for the brokers."),
    _opt("broker_tls", bool, "--broker-tls", "FTS3_BROKER_TLS", "Use TLS without a client certificate.", False),
)  # fmt: skip
"""Where the brokers are and how to log in: the options of ``events`` and ``status --watch --events``."""

DurableOpt = Annotated[
    Optional[str],  # noqa: UP045
    Opt("--durable", envvar="FTS3_BROKER_SUBSCRIPTION", panel=_PANEL,
                 help="Durable subscription name."),
]  # fmt: skip
QueueOpt = Annotated[
    bool,
    Opt("--queues", envvar="FTS3_BROKER_QUEUES", panel=_PANEL,
                 help="FTS publishes to queues, not topics."),
]  # fmt: skip


def broker_names(broker: Mapping[str, Any]) -> list[str]:
    """The broker names of ``--broker``/``FTS3_BROKERS`` (comma-separated values split)."""
    return [name.strip() for value in broker["broker_hosts"] or [] for name in value.split(",") if name.strip()]


def make_consumer(
    broker: Mapping[str, Any],
    *,
    durable: str | None = None,
    queues: bool = False,
    kinds: list[str] | None = None,
    vo: list[str] | None = None,
    job_ids: list[str] | None = None,
    states: list[str] | None = None,
    idle: float | None = None,
) -> EventConsumer:
    """The consumer the `BROKER` options describe (``fts3sdk events`` and ``status --watch --events``)."""
    from fts3sdk.events import BrokerAuth, EventConsumer

    auth = BrokerAuth(
        username=broker["broker_user"], password=broker["broker_password"], cert=broker["broker_cert"],
        key=broker["broker_key"], ca_file=broker["broker_ca"], tls=True if broker["broker_tls"] else None,
    )  # fmt: skip
    return EventConsumer(
        broker_names(broker), auth=auth, kinds=kinds or None, topic=not queues, durable=durable, vo=vo or (),
        job_id=job_ids or (), state=states or (), port=broker["broker_port"], idle_timeout=idle,
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


def json_line(delivery: Delivery) -> str:
    """``--json``: kind, broker, message id, destination and the message's fields as sent, times as ISO 8601 UTC."""
    from fts3sdk.cli._printing.output import model_jsonable

    event = delivery.event
    fields = model_jsonable(event, exclude_unset=True)
    for name in _time_fields(type(event)) & fields.keys():
        if getattr(event, name) is None:
            fields[name] = None  # sent as 0: did not happen
    record = {"kind": event.kind.value, "broker": delivery.broker, "message_id": delivery.message_id,
              "destination": delivery.destination, "event": fields}  # fmt: skip
    return json.dumps(record, allow_nan=True)


@functools.cache
def _time_fields(model: type[Any]) -> frozenset[str]:
    return frozenset(name for name, info in model.model_fields.items() if datetime in typing.get_args(info.annotation))


def raw_line(delivery: Delivery) -> str:
    """``--raw``: the frame body as received, its line breaks dropped (JSON strings hold none, so JSON stays JSON)."""
    text = delivery.body.decode("utf-8", errors="replace")
    return text.replace("\r", "").replace("\n", "")


@inject(BROKER, "broker")
def events(
    kind: Annotated[
        list[str] | None,
        Opt("--kind", "-k", help="start, complete, state or optimizer (repeat); default all."),
    ] = None,
    vo: Annotated[Optional[list[str]], Opt("--vo", help="Only this VO (repeat).")] = None,  # noqa: UP045
    job: Annotated[Optional[list[str]], Opt("--job", help="Only this job id (repeat).")] = None,  # noqa: UP045
    state: Annotated[list[str] | None, Opt("--state", help="Only this file state, e.g. FAILED (repeat).")] = None,
    count: Annotated[Optional[int], Opt("--count", "-n", help="Stop after this many messages.")] = None,  # noqa: UP045
    idle: Annotated[Optional[float], Opt("--idle", help="Stop after this many seconds without one.")] = None,  # noqa: UP045
    as_json: Annotated[
        bool, Opt("--json", help="One JSON object per line: kind, broker, message id, message (times in UTC, Z).")
    ] = False,
    raw: Annotated[
        bool, Opt("--raw", help="Each message's frame body as received, on one line (line breaks dropped).")
    ] = False,
    durable: DurableOpt = None,
    queues: QueueOpt = False,
    debug: Annotated[bool, Opt("--debug", help="Show tracebacks and DEBUG logs.")] = False,
    *,
    broker: dict[str, Any],
) -> None:
    """Follow FTS monitoring messages live: transfer starts, completions, state changes, optimizer decisions."""
    with _logging(debug), _errors(debug):
        if not broker_names(broker):
            raise ValueError("no broker: give --broker HOST[:PORT] or set FTS3_BROKERS")
        if as_json and raw:
            raise ValueError("--json and --raw print different things: give one of them")
        show = raw_line if raw else json_line if as_json else _line
        consumer = make_consumer(
            broker, durable=durable, queues=queues, kinds=kind, vo=vo, job_ids=job, states=state, idle=idle
        )
        seen = 0
        with consumer:
            for delivery in consumer.deliveries():
                sys.stdout.write(show(delivery) + "\n")
                sys.stdout.flush()
                seen += 1
                if count is not None and seen >= count:
                    break
