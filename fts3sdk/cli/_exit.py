"""Exit codes of the ``fts3sdk`` command (kept free of heavy imports: scripts may import it)."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """What the exit status of ``fts3sdk`` means; scripts may rely on these values."""

    OK = 0
    """The command did what was asked."""
    ERROR = 1
    """Any other failure: the server refused the request (400, 409...), an answer could not be read."""
    USAGE = 2
    """Bad command line, input file or job parameters; nothing was sent."""
    AUTH = 3
    """Authentication failed: refused (401, 403, 419) or the certificate refused in the TLS handshake; or the local
    credential or CA location is unusable (found before connecting: nothing was sent)."""
    NOT_FOUND = 4
    """The job (or other resource) does not exist (404)."""
    SERVER = 5
    """The server failed (5xx) or is unavailable (503)."""
    CONNECTION = 6
    """The server could not be reached (DNS, refused, wrong protocol, its certificate not trusted), the connection
    was lost before an answer, or the server did not answer in time."""
    JOB_FAILED = 7
    """A watched job ended FAILED, FINISHEDDIRTY (some transfers failed) or CANCELED."""
    WAIT_TIMEOUT = 8
    """A watched job was still running when ``--max-wait`` ran out."""
    INTERRUPTED = 130
    """Interrupted with Ctrl-C (the job itself goes on)."""
