"""Options shared by commands, added to each command's signature, and the error handling every command gets.

The parser reads a command's options from its signature (`fts3sdk.cli._parsing.spec`). `with_options` appends a
table of options to that signature and hands their values to the command as one object, so the connection options
(``--endpoint``, ``--cert``...) are written once yet accepted after any command: ``fts3sdk status ID --json -s URL``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NamedTuple, TypeVar

import httpx

from fts3sdk import Client, InsecureRequestWarning, errors
from fts3sdk._version import __version__
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._parsing.errors import classify
from fts3sdk.cli._parsing.parser import Exit, Invocation
from fts3sdk.cli._parsing.preload import Preloader
from fts3sdk.cli._parsing.spec import Opt

__all__ = [
    "CONNECTION",
    "OUTPUT",
    "Connection",
    "Exit",
    "Interval",
    "MaxWait",
    "Runtime",
    "Table",
    "option",
    "fail",
    "inject",
    "plain_mapping",
    "with_options",
]

F = TypeVar("F", bound=Callable[..., Any])


class Row(NamedTuple):
    """An option to inject into a command's signature."""

    name: str
    """The parameter name the command receives."""
    annotation: Any
    """Its type, annotated with its `Opt`."""
    default: Any
    """Its value when not given."""
    flag: str = ""
    """Its long flag (``--priority``), to name it in messages."""


Table = Sequence[Row]

_CONTEXT = "fts3sdk_context"
_PANEL = "Connection"
_OUTPUT_PANEL = "Output"


@dataclass(frozen=True)
class Runtime:
    """What the command line takes from its caller instead of options (``main(argv, transport=...)``)."""

    transport: httpx.BaseTransport | None = None
    """Replaces the network for every client the commands create (tests pass a FakeFTS)."""
    passphrases: dict[str, str | bytes] = field(default_factory=dict, repr=False)
    """Passphrases typed at the prompt, kept so one run asks once."""
    preloader: Preloader | None = None
    """Imports the models of the answer while the request is sent (the process's own command line only)."""


@dataclass(frozen=True)
class Connection:
    """Where the server is, who we are, and how to print: the options every server command accepts."""

    endpoint: str | None = None
    cert: Path | None = None
    key: Path | None = None
    capath: Path | None = None
    token: str | None = field(default=None, repr=False)
    insecure: bool = False
    retries: int = 2
    json: bool = False
    debug: bool = False
    runtime: Runtime = field(default_factory=Runtime)
    endpoint_origin: str = "--endpoint"
    """Where ``endpoint`` came from (``--endpoint`` or ``FTS3_ENDPOINT``), for messages."""

    def client(self, *, preload: Sequence[str] = ()) -> Client:
        """A `Client` for these options; raises ValueError without an endpoint, CredentialError for bad files.

        ``preload``: the model modules the answers will be parsed into, imported meanwhile (`Preloader`).
        """
        if not self.endpoint:
            raise ValueError("no endpoint: give --endpoint https://fts.example.org:8446 or set FTS3_ENDPOINT")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)  # --insecure was asked for explicitly
            try:
                client = Client(  # it checks the files, naming the options they came from
                    self.endpoint,
                    cert=_named(self.cert, "--cert"),
                    key=_named(self.key, "--key"),
                    passphrase=self.passphrase,
                    token=self.token or None,
                    verify=not self.insecure,
                    ca_path=_named(self.capath, "--capath"),
                    retries=self.retries,
                    user_agent=f"fts3sdk-cli/{__version__}",
                    transport=self.runtime.transport,
                )
            except OSError as exc:
                raise errors.CredentialError(f"cannot read the credential or CA files: {_os_error(exc)}") from exc
            except errors.BadEndpoint as exc:
                if type(exc) is not errors.BadEndpoint:  # only the URL itself is checked while building a client
                    raise
                raise ValueError(self._bad_endpoint()) from exc
        if self.runtime.preloader is not None:  # from here on the main thread mostly waits for the network
            self.runtime.preloader.start(preload)
        return client

    def _bad_endpoint(self) -> str:
        endpoint = self.endpoint or ""
        plausible = "://" not in endpoint and not any(char.isspace() for char in endpoint)
        guess = f"; did you mean https://{endpoint}?" if plausible else ""
        return f"bad endpoint {endpoint!r} (from {self.endpoint_origin}): an https:// URL is expected{guess}"

    def passphrase(self) -> str | bytes:
        """The private key passphrase, asked once on the terminal (only called for an encrypted key)."""
        cache = self.runtime.passphrases
        if "key" not in cache:
            if not sys.stdin.isatty():
                raise errors.CredentialError("the private key is encrypted: run in a terminal, or make a proxy first")
            import getpass

            cache["key"] = getpass.getpass("Private key passphrase: ")
        return cache["key"]


def _named(path: Path | None, flag: str) -> os.PathLike[str] | None:
    from fts3sdk._config import NamedPath

    return None if path is None else NamedPath(str(path), f"from {flag}")


def _os_error(exc: OSError) -> str:
    return f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename else str(exc)


def option(name: str, kind: Any, *flags: str, help: str, default: Any = None, panel: str = _PANEL, **extra: Any) -> Row:
    """One row of an option table: parameter ``name`` of type ``kind`` given as ``flags``."""
    annotation = Annotated[kind, Opt(*flags, help=help, panel=panel, **extra)]
    return Row(name, annotation, default, next((flag for flag in flags if flag.startswith("--")), flags[0]))


CONNECTION: Table = (
    option("endpoint", str | None, "--endpoint", "-s", help="FTS REST endpoint, e.g. https://fts:8446.",
           envvar="FTS3_ENDPOINT"),
    option("cert", Path | None, "--cert",
           help="Certificate or proxy file. Default: X509_USER_PROXY, /tmp/x509up_u<uid>, X509_USER_CERT."),
    option("key", Path | None, "--key", help="Private key file (default: the --cert file)."),
    option("capath", Path | None, "--capath",
           help="CA directory or bundle. Default: X509_CERT_DIR, /etc/grid-security/certificates."),
    option("token", str | None, "--token", help="OAuth2 bearer token instead of X.509.", envvar="FTS3_TOKEN"),
    option("insecure", bool, "--insecure", help="Do not verify the server's certificate.", default=False),
    option("retries", int, "--retries", min=0, default=2,
           help="Resend a request this many times after a connection failure or a 502/503/504."),
    option("json", bool, "--json", "-j", help="Print JSON for scripts.", default=False, panel=_OUTPUT_PANEL),
    option("debug", bool, "--debug", help="Log HTTP exchanges; show tracebacks.", default=False, panel=_OUTPUT_PANEL),
)  # fmt: skip
"""The options of every command that talks to a server."""

OUTPUT: Table = CONNECTION[-2:]
"""``--json`` and ``--debug`` alone, for commands that need no server."""


def _extend(command: Callable[..., Any], drop: str, table: Table) -> inspect.Signature:
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != drop]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, annotation, default, _ in table
    ]
    return signature.replace(parameters=[*own, *added])


def _install(wrapper: Callable[..., Any], signature: inspect.Signature) -> None:
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}


def inject(table: Table, into: str) -> Callable[[F], F]:
    """Add ``table``'s options to a command, which receives their values as one dict argument ``into``."""

    def decorate(command: F) -> F:
        signature = _extend(command, into, table)

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {row.name: kwargs.pop(row.name) for row in table}
            return command(*args, **{into: values}, **kwargs)

        _install(wrapper, signature)
        return wrapper  # type: ignore[return-value]

    return decorate


def with_options(table: Table) -> Callable[[F], F]:
    """Add ``table``'s options to a command; it receives them as ``conn`` (a `Connection`) and gets error handling.

    Failures the user can act on print one line and exit with their `ExitCode`; ``--debug`` adds the
    traceback and DEBUG logging of the ``fts3sdk`` logger.
    """

    def decorate(command: F) -> F:
        signature = _extend(command, "conn", (*table, Row(_CONTEXT, Invocation, inspect.Parameter.empty)))

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            invocation: Invocation = kwargs.pop(_CONTEXT)
            values = {row.name: kwargs.pop(row.name) for row in table}
            runtime = invocation.runtime if isinstance(invocation.runtime, Runtime) else Runtime()
            origin = invocation.origin("endpoint", "--endpoint")
            conn = Connection(runtime=runtime, endpoint_origin=origin, **values)
            try:
                with _logging(conn.debug), _errors(conn.debug):
                    return command(*args, conn=conn, **kwargs)
            finally:
                if runtime.preloader is not None:
                    runtime.preloader.join()

        _install(wrapper, signature)
        return wrapper  # type: ignore[return-value]

    return decorate


def fail(code: ExitCode, message: str) -> Exit:
    """Print ``error: <line>`` on stderr for each line of ``message``; give the exception that exits with ``code``."""
    for line in message.splitlines() or [""]:
        print(f"error: {line}", file=sys.stderr)
    return Exit(int(code))


@contextlib.contextmanager
def _errors(debug: bool) -> Iterator[None]:
    try:
        yield
    except Exit:
        raise
    except KeyboardInterrupt:
        raise fail(ExitCode.INTERRUPTED, "interrupted (jobs already submitted go on)") from None
    except Exception as exc:
        if debug:
            traceback.print_exc(file=sys.stderr)
        known = classify(exc)
        if known is None:
            hint = "" if debug else " (run with --debug for the traceback)"
            raise fail(ExitCode.ERROR, f"unexpected {type(exc).__name__}: {exc}{hint}") from None
        raise fail(*known) from None


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


@contextlib.contextmanager
def _logging(debug: bool) -> Iterator[None]:
    """Show the SDK's warnings (and with ``debug`` its DEBUG log) on stderr for the time of one command."""
    logger = logging.getLogger("fts3sdk")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def plain_mapping(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the entries left unset (``None`` or ``False``): only what the user gave."""
    return {name: value for name, value in values.items() if value is not None and value is not False}


# Watching options, shared by status and submit (here, so that submit does not import the job commands' module).
Interval = Annotated[float, Opt("--interval", "-i", min=0.05, help="Seconds between polls when watching.")]
MaxWait = Annotated[
    float | None, Opt("--max-wait", min=0, help="Give up watching after this many seconds (exit code 8).")
]
