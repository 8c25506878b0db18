"""The official mid-level API (``fts3.rest.client``): `Context` and the classes the Easy functions call.

One module per official module: `context` (`Context`), `request` (`Request`), `inquirer`, `submitter`, `ban`,
`delegator`; ``exceptions`` is `fts3sdk.errors` itself, whose legacy classes keep the official names, bases and
texts. Every class sends its requests through the typed `fts3sdk.Client` of its context.
"""

from __future__ import annotations

from fts3sdk import errors as exceptions
from fts3sdk.easy.client.ban import Ban
from fts3sdk.easy.client.context import Context
from fts3sdk.easy.client.delegator import Delegator
from fts3sdk.easy.client.inquirer import Inquirer
from fts3sdk.easy.client.submitter import Submitter
from fts3sdk.errors import (
    BadEndpoint,
    ClientError,
    FailedDependency,
    FTS3ClientException,
    MethodNotAllowed,
    NeedDelegation,
    NotFound,
    ServerError,
    TryAgain,
    Unauthorized,
)

__all__ = [
    "BadEndpoint",
    "Ban",
    "ClientError",
    "Context",
    "Delegator",
    "FTS3ClientException",
    "FailedDependency",
    "Inquirer",
    "MethodNotAllowed",
    "NeedDelegation",
    "NotFound",
    "ServerError",
    "Submitter",
    "TryAgain",
    "Unauthorized",
    "exceptions",
]
