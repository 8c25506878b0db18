"""``python -m fts3sdk.testing``: the fake FTS server as a program, to try a client against it by hand.

It writes a throwaway PKI into a directory (a CA directory with hashed names for ``X509_CERT_DIR``, a user
certificate and key, a proxy of it, and the server's host certificate, which authenticates as root), starts
`FakeFTS` over HTTPS on 127.0.0.1, prints the ``export`` lines a shell needs and serves until Ctrl-C or
SIGTERM. It needs no optional extra, so any client (ours, the official ``fts-rest-*`` commands, curl, another
language) can be pointed at it. See ``docs/testing.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

from fts3sdk.credentials import load_credential
from fts3sdk.proxy import create_proxy
from fts3sdk.testing._fake import FakeFTS
from fts3sdk.testing.pki import IssuedCertificate, ThrowawayPKI

__all__ = ["main"]

MARKER = ".fts3sdk-fake-fts"
"""The file that marks a directory as written by this program; it lists the files written there."""
ENV_FILE = "env.sh"
"""The export lines, also written into the directory for ``source``."""
PROXY_FILE = "x509up"
_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(_USAGE, f"error: {message} (see 'python -m fts3sdk.testing --help')\n")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = _Parser(
        prog="python -m fts3sdk.testing",
        description="Run the fake FTS server over HTTPS on 127.0.0.1 with a throwaway PKI, until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one, printed at start)")
    parser.add_argument(
        "--dir",
        type=Path,
        help="where to write the PKI and env.sh, kept at exit (default: a temporary directory removed at exit); "
        "an existing directory must be empty or written by this program before",
    )
    parser.add_argument("--user", default="Alice", help="common name of the user certificate (default: Alice)")
    parser.add_argument("--proxy-hours", type=float, default=12.0, help="lifetime of the proxy (default: 12)")
    parser.add_argument(
        "--auto-progress",
        type=float,
        metavar="SECONDS",
        help="let jobs progress by themselves: a round of transfers every SECONDS (default: jobs stay queued)",
    )
    parser.add_argument("--batch", type=int, default=2, help="transfers moved per job and round (default: 2)")
    parser.add_argument(
        "--fail", action="append", default=[], metavar="SURL", help="make transfers from or to SURL fail (repeat)"
    )
    arguments = parser.parse_args(argv)
    if not 0 <= arguments.port <= 65535:
        parser.error(f"--port {arguments.port}: must be from 0 to 65535")
    if arguments.proxy_hours <= 0 or (arguments.auto_progress is not None and arguments.auto_progress <= 0):
        parser.error("--proxy-hours and --auto-progress must be positive")
    return arguments


@dataclass(frozen=True)
class Credentials:
    """The files the program wrote."""

    pki: ThrowawayPKI
    user: IssuedCertificate
    proxy: Path
    host: IssuedCertificate


def claim(directory: Path) -> None:
    """Make ``directory`` ours: create it, or empty what an earlier run wrote; refuse anything else in it.

    Raises FileExistsError naming the first file this program did not write.
    """
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / MARKER
    ours = set(marker.read_text(encoding="utf-8").split()) if marker.is_file() else set()
    found = sorted(str(path.relative_to(directory)) for path in directory.rglob("*") if not path.is_dir())
    foreign = [name for name in found if name != MARKER and name not in ours]
    if foreign:
        raise FileExistsError(f"{directory} holds files this program did not write ({foreign[0]}...)")
    for name in found:
        (directory / name).unlink()


def write_credentials(directory: Path, user: str, proxy_hours: float) -> Credentials:
    """A throwaway PKI in ``directory``: CA, user certificate, proxy and host certificate (keys 0600)."""
    pki = ThrowawayPKI(directory)
    person = pki.issue_user(user)
    proxy = create_proxy(
        load_credential(person.cert_path, person.key_path),
        directory / PROXY_FILE,
        lifetime=timedelta(hours=proxy_hours),
    )
    return Credentials(pki, person, proxy, pki.issue_host("localhost"))


def export_lines(url: str, credentials: Credentials) -> list[str]:
    """The shell lines that point clients at the server, then comments on the other credentials."""
    quote = shlex.quote
    user, host = credentials.user, credentials.host
    return [
        f"export FTS3_ENDPOINT={quote(url)}",
        f"export X509_USER_PROXY={quote(str(credentials.proxy))}",
        f"export X509_CERT_DIR={quote(str(credentials.pki.ca_dir))}",
        f"# user {user.dn}: certificate {quote(str(user.cert_path))}, key {quote(str(user.key_path))}",
        f"# root {host.dn}: --cert {quote(str(host.cert_path))} --key {quote(str(host.key_path))}",
    ]


def _record(directory: Path) -> None:
    written = sorted(str(path.relative_to(directory)) for path in directory.rglob("*") if not path.is_dir())
    (directory / MARKER).write_text("\n".join(name for name in written if name != MARKER) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _signals() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM while inside the block (installed first, so no signal is lost)."""
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _fake(arguments: argparse.Namespace, pki: ThrowawayPKI) -> FakeFTS:
    progress = timedelta(seconds=arguments.auto_progress) if arguments.auto_progress else None
    fake = FakeFTS(pki=pki, auto_progress=progress, auto_batch=arguments.batch)
    for surl in arguments.fail:
        fake.script_outcome(surl, state="FAILED")
    return fake


def serve(arguments: argparse.Namespace, directory: Path) -> int:
    """Write the credentials into ``directory``, serve until a signal, give the exit status."""
    with _signals() as stop:
        credentials = write_credentials(directory, arguments.user, arguments.proxy_hours)
        fake = _fake(arguments, credentials.pki)
        try:
            server = fake.serve_https(credentials.pki, host_cert=credentials.host, port=arguments.port)
        except OSError as exc:
            print(f"error: cannot listen on 127.0.0.1:{arguments.port}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        with server:
            _announce(arguments, directory, server.url, export_lines(server.url, credentials))
            while not stop.wait(1.0):
                pass
    print("fake FTS server stopped", file=sys.stderr)
    return 0


def _announce(arguments: argparse.Namespace, directory: Path, url: str, lines: list[str]) -> None:
    (directory / ENV_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _record(directory)
    moving = f"jobs progress every {arguments.auto_progress:g} s" if arguments.auto_progress else "jobs stay queued"
    print(f"fake FTS server on {url} ({moving}); files in {directory}", file=sys.stderr)
    print(f"in another shell: source {shlex.quote(str(directory / ENV_FILE))}; stop with Ctrl-C", file=sys.stderr)
    print("\n".join(lines), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the program with ``argv`` (default: the process arguments) and give its exit status."""
    arguments = _arguments(argv)
    if arguments.dir is None:
        directory = Path(tempfile.mkdtemp(prefix="fts3sdk-fake-"))
        try:
            return serve(arguments, directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    try:
        claim(arguments.dir)
    except (FileExistsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return _USAGE
    return serve(arguments, arguments.dir)


if __name__ == "__main__":
    raise SystemExit(main())
