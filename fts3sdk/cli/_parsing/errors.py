"""The one place that maps an exception to an exit code and the line printed for it."""

from __future__ import annotations

import ssl
import sys
from typing import TYPE_CHECKING

from fts3sdk import errors
from fts3sdk.cli._exit import ExitCode
from fts3sdk.cli._input.problems import capped, problem_lines

if TYPE_CHECKING:
    from pydantic import ValidationError

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


def _instance_of(exc: BaseException, module: str, name: str) -> bool:
    # Only a module already imported can have raised its exception: checking never imports it (cryptography,
    # pydantic), so that a command that needs neither does not load them.
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, getattr(loaded, name))


def classify(exc: BaseException) -> tuple[ExitCode, str] | None:
    """The exit code and the line(s) to print for an expected failure (one per input problem); ``None`` for a bug."""
    if isinstance(exc, errors.FTS3ClientException):
        return _sdk_error(exc), exc.describe()
    if isinstance(exc, ImportError) and (exc.name or "").split(".")[0] == "rich":  # the cli extra is not installed
        return ExitCode.ERROR, "this output needs rich: pip install 'fts3sdk[cli]'"
    if _instance_of(exc, "fts3sdk.credentials", "CredentialError") or _instance_of(exc, "fts3sdk.proxy", "ProxyError"):
        return ExitCode.AUTH, str(exc)
    if isinstance(exc, ssl.SSLError):
        return ExitCode.AUTH, f"cannot use the credential or CA files: {getattr(exc, 'reason', None) or exc}"
    if _instance_of(exc, "pydantic_core", "ValidationError"):
        return ExitCode.USAGE, _validation_lines(exc)  # type: ignore[arg-type]
    if isinstance(exc, ValueError):
        return ExitCode.USAGE, str(exc)
    if isinstance(exc, TimeoutError):
        return ExitCode.WAIT_TIMEOUT, str(exc)
    if isinstance(exc, OSError):
        return ExitCode.USAGE, f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return None
