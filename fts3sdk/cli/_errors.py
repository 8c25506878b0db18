"""The one place that maps an exception to an exit code and the line printed for it."""

from __future__ import annotations

import ssl

from pydantic import ValidationError

from fts3sdk import errors
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._problems import capped, problem_lines
from fts3sdk.credentials import CredentialError
from fts3sdk.proxy import ProxyError

__all__ = ["classify"]


def _sdk_error(exc: errors.FTS3ClientException) -> ExitCode:
    # Unauthorized covers CertificateRejected and every local CredentialError.
    if isinstance(exc, (errors.Unauthorized, errors.NeedDelegation, errors.BadCALocation)):
        return ExitCode.AUTH
    if isinstance(exc, errors.NotFound):
        return ExitCode.NOT_FOUND
    if isinstance(exc, errors.ServerError):
        return ExitCode.SERVER
    if isinstance(exc, (errors.BadEndpoint, errors.RequestTimeout)):
        return ExitCode.CONNECTION
    return ExitCode.ERROR


def _validation_lines(exc: ValidationError) -> str:
    return "\n".join(capped(problem_lines(exc)))


def classify(exc: BaseException) -> tuple[ExitCode, str] | None:
    """The exit code and the line(s) to print for an expected failure (one per input problem); ``None`` for a bug."""
    if isinstance(exc, errors.FTS3ClientException):
        return _sdk_error(exc), exc.describe()
    if isinstance(exc, (CredentialError, ProxyError)):
        return ExitCode.AUTH, str(exc)
    if isinstance(exc, ssl.SSLError):
        return ExitCode.AUTH, f"cannot use the credential or CA files: {getattr(exc, 'reason', None) or exc}"
    if isinstance(exc, ValidationError):
        return ExitCode.USAGE, _validation_lines(exc)
    if isinstance(exc, ValueError):
        return ExitCode.USAGE, str(exc)
    if isinstance(exc, TimeoutError):
        return ExitCode.WAIT_TIMEOUT, str(exc)
    if isinstance(exc, OSError):
        return ExitCode.USAGE, f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return None
