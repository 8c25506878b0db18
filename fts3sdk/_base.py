"""Requests described as data, multi-step operations as generators, and the parsing both clients share.

Nothing here does I/O: `Client` and `AsyncClient` send what an `Endpoint` describes and drive a `Flow`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from types import FunctionType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar
from urllib.parse import quote

import httpx

from fts3sdk import errors

if TYPE_CHECKING:
    from pydantic import JsonValue, TypeAdapter, ValidationError

T = TypeVar("T")
R = TypeVar("R")

Method = Literal["GET", "POST", "PUT", "DELETE"]
Parser = Callable[[httpx.Response], T]

RETRIES_EXTENSION = "fts3sdk.retries"


@dataclass(frozen=True, slots=True)
class Endpoint(Generic[T]):
    """One HTTP exchange: what to send, which statuses count as success, and how to read the answer."""

    method: Method
    path: str
    parse: Parser[T]
    params: Mapping[str, str] = field(default_factory=dict)
    json: object = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    accept: frozenset[int] = frozenset()
    """Error statuses handed to `parse` instead of being raised (e.g. 207 for multi-job answers)."""
    may_resend: bool = True
    """Whether a retry after the request may have reached the server is safe (False for job submission)."""

    def with_parse(self, parse: Parser[R]) -> Endpoint[R]:
        """The same exchange read by another parser (the Easy facade reads raw JSON)."""
        return dataclasses.replace(self, parse=parse)  # type: ignore[arg-type, return-value]


@dataclass(frozen=True, slots=True)
class Sleep:
    """A pause a flow asks for between two requests."""

    seconds: float


DELEGATION_CHECK_SECONDS = 300.0
"""How long a client trusts what it last learnt of its delegated credential (5 minutes)."""


@dataclass
class DelegationCache:
    """What a client last learnt of its delegated credential, so that a batch of submits checks it once.

    ``client.jobs.submit(delegate="auto")`` asks the server (``GET /whoami``, ``GET /delegation/{id}``) only
    when this is stale: after `ttl` seconds, or sooner when the credential would by then be due for renewal.
    A 419 (`NeedDelegation`) answer forgets it. Shared by a client's `with_options` copies.
    """

    ttl: float = DELEGATION_CHECK_SECONDS
    """Seconds a check stays trusted; 0 checks before every submit, as without a cache."""
    clock: Callable[[], float] = time.monotonic
    delegation_id: str | None = None
    """The delegation id last checked."""
    valid_until: float = float("-inf")

    def fresh(self) -> str | None:
        """The delegation id when the last check is still trusted, else None."""
        return self.delegation_id if self.clock() < self.valid_until else None

    def remember(self, delegation_id: str, good_for: float) -> None:
        """Trust a check for ``good_for`` seconds at most (and `ttl` at most)."""
        self.delegation_id = delegation_id
        self.valid_until = self.clock() + max(0.0, min(self.ttl, good_for))

    def forget(self) -> None:
        """Check again next time."""
        self.valid_until = float("-inf")


Step = Endpoint[Any] | Sleep
Flow = Generator[Step, Any, R]
"""A multi-request operation: yields steps, receives each step's result (or has its error thrown in)."""


def segment_problem(text: str) -> str | None:
    """Why ``text`` cannot travel as exactly one path segment to the server (None when it can).

    An empty segment, ``.`` and ``..`` change the path itself: httpx and then Apache resolve dot segments (also
    percent-encoded ones) before routing, so ``/jobs/..`` is ``/`` and ``/jobs/x/..`` is the job list. A ``/``
    cannot be sent inside a segment either: encoded as ``%2F`` it is refused by Apache or decoded back into a
    separator before the server routes the request.
    """
    if not text:
        return "is empty, which would make the request reach another resource"
    if text in (".", ".."):
        return "is a dot segment: the HTTP layer and the server resolve it, so the request would reach another resource"
    if "/" in text:
        return "contains '/', which the server reads as a path separator even when encoded"
    return None


def segment(value: str | int, what: str) -> str:
    """Quote a caller's value as exactly one path segment; ValueError when it would change the route.

    ``what`` says what the value is, for the error (``job id``, ``VO name``, ``link name``...).
    """
    text = str(value)
    problem = segment_problem(text)
    if problem is not None:
        raise ValueError(f"not a {what}: {text!r} {problem} (nothing was sent)")
    return quote(text, safe="")


def path_problem(path: str) -> str | None:
    """Why a whole path given by a caller is not the path the server would see (None when it is)."""
    if any(part in (".", "..") for part in path.split("/")):
        return "holds a dot segment, which the HTTP layer resolves before sending: write the path it stands for"
    return None


def invalid_response(response: httpx.Response, reason: str) -> errors.InvalidResponse:
    """An `InvalidResponse` carrying the request and the raw body."""
    return errors.InvalidResponse(
        reason,
        status_code=response.status_code,
        method=response.request.method,
        url=str(response.request.url),
        body=errors.response_text(response),
    )


@functools.cache
def type_adapter(type_: Any) -> TypeAdapter[Any]:
    """The pydantic validator of ``type_``, built once per type (for ``list[SomeModel]`` that takes 1-2 ms)."""
    from pydantic import TypeAdapter

    return TypeAdapter(type_)


def model(type_: Any) -> Parser[Any]:
    """A parser validating the JSON body into ``type_`` (a model, or any type pydantic understands).

    ``type_`` may also be a function giving the type: it is called, and the validator built, on the first
    answer, so that describing an endpoint imports neither pydantic nor the models (the Easy facade and the
    ``fts-rest-*`` commands read raw JSON and never need them).
    """
    resolved: list[TypeAdapter[Any]] = []

    def parse(response: httpx.Response) -> Any:
        from pydantic import ValidationError

        if not resolved:
            resolved.append(type_adapter(type_() if isinstance(type_, FunctionType) else type_))
        try:
            return resolved[0].validate_json(response.content)
        except ValidationError as exc:
            raise invalid_response(response, _validation_summary(exc)) from exc

    return parse


def _validation_summary(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_input=False)[0]
    location = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"unexpected answer at {location}: {first['msg']}{more}"


def raw_json(response: httpx.Response) -> Any:
    """Parse the body as JSON exactly as sent, without models (an empty body reads as ``None``)."""
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise invalid_response(response, f"the body is not JSON: {exc}") from exc


def json_value(response: httpx.Response) -> JsonValue:
    """Parse the body as any JSON value."""
    value: JsonValue = raw_json(response)
    return value


def text(response: httpx.Response) -> str:
    """Read the body as text."""
    return errors.response_text(response)


def nothing(response: httpx.Response) -> None:
    """Ignore the body (204 and 201 answers)."""
    return None


def check(endpoint: Endpoint[Any], response: httpx.Response) -> None:
    """Raise the exception the response's status calls for, unless the endpoint accepts that status."""
    if response.status_code in endpoint.accept:
        return
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "?")
        raise invalid_response(response, f"the server redirected to {location}; redirects are not followed")
    error = errors.from_response(response)
    if error is not None:
        raise error


def read(endpoint: Endpoint[T], response: httpx.Response) -> T:
    """Check the status, then parse; no parse failure escapes as anything but `InvalidResponse`."""
    check(endpoint, response)
    try:
        return endpoint.parse(response)
    except errors.FTS3ClientException:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise invalid_response(response, f"cannot read the answer: {exc}") from exc
