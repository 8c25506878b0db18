"""Retries as an httpx transport wrapper: one pure decision, a sync loop and an async loop."""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx

from fts3sdk._base import RETRIES_EXTENSION
from fts3sdk._http._faults import Kind, as_transport_error, classify

__all__ = ["RESEND_EXTENSION", "RetryPolicy", "RetryTransport"]

logger = logging.getLogger("fts3sdk")

RESEND_EXTENSION = "fts3sdk.may_resend"
"""Request extension: ``False`` when the request must not be sent twice (a job submission)."""

_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
_RETRY_STATUSES = frozenset({502, 503, 504})
# The server dropped the connection under the request (typically a kept-alive one it had closed): an
# idempotent request can go again on a fresh connection.
_DROPPED = frozenset({Kind.RESET, Kind.DISCONNECTED})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to send a request again, and after how long.

    Idempotent requests (GET, PUT, DELETE) are retried after a connection failure, after the server dropped the
    connection before answering (a kept-alive connection it had closed, a reset: the first time at once, on a
    new connection) and after a 502/503/504 answer.
    Other requests (job submission, or any request whose ``fts3sdk.may_resend`` extension is ``False``) are
    retried only when nothing was sent. Failures that would only repeat (the server refused the certificate,
    the server's certificate is not trusted, http:// to a TLS port) are never retried.
    """

    retries: int = 2
    backoff: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 60.0

    def delay(self, request: httpx.Request, outcome: httpx.Response | Exception, attempt: int) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` to stop here."""
        allowed: int = request.extensions.get(RETRIES_EXTENSION, self.retries)
        if attempt >= allowed:
            return None
        if isinstance(outcome, Exception):
            if not _may_retry(request, outcome):
                return None
            # A kept-alive connection the server had closed: a new one will do, at once.
            return 0.0 if attempt == 0 and _dropped(outcome) else self._backoff(attempt)
        if outcome.status_code not in _RETRY_STATUSES or not _resendable(request):
            return None
        after = _retry_after(outcome.headers.get("retry-after"))
        return min(after, self.retry_after_cap) if after is not None else self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        ceiling: float = min(self.backoff_cap, self.backoff * float(2**attempt))
        return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography


def _resendable(request: httpx.Request) -> bool:
    return request.method in _IDEMPOTENT and request.extensions.get(RESEND_EXTENSION, True) is not False


def _may_retry(request: httpx.Request, exc: Exception) -> bool:
    if not isinstance(exc, httpx.TransportError):
        return False
    fault = classify(exc)
    if fault.final:
        return False
    return not fault.sent or (fault.kind in _DROPPED and _resendable(request))


def _dropped(exc: Exception) -> bool:
    return isinstance(exc, httpx.TransportError) and classify(exc).kind in _DROPPED


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _reason(outcome: httpx.Response | Exception) -> str:
    if isinstance(outcome, Exception):
        return f"{type(outcome).__name__}: {outcome}"
    return f"HTTP {outcome.status_code}"


def _log_retry(request: httpx.Request, outcome: httpx.Response | Exception, attempt: int, delay: float) -> None:
    logger.debug(
        "retrying %s %s in %.2f s (attempt %d) after %s",
        request.method,
        request.url.copy_with(query=None),
        delay,
        attempt + 2,
        _reason(outcome),
    )


async def _anyio_sleep(seconds: float) -> None:
    import anyio  # only async clients need it

    await anyio.sleep(seconds)


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wrap a transport so that requests are retried according to a `RetryPolicy`.

    Set ``request.extensions["fts3sdk.retries"]`` to override the number of retries of one request.
    """

    def __init__(
        self,
        wrapped: httpx.BaseTransport | httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.wrapped = wrapped
        self.policy = policy
        self._sleep = sleep
        self._async_sleep = async_sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy says."""
        assert isinstance(self.wrapped, httpx.BaseTransport), "a sync client needs a sync transport"
        attempt = 0
        while True:
            outcome: httpx.Response | Exception
            try:
                outcome = self.wrapped.handle_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            except ssl.SSLError as exc:
                outcome = as_transport_error(exc, request)
            delay = self.policy.delay(request, outcome, attempt)
            if delay is None:
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
            if isinstance(outcome, httpx.Response):
                outcome.close()
            _log_retry(request, outcome, attempt, delay)
            self._sleep(delay)
            attempt += 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy says."""
        assert isinstance(self.wrapped, httpx.AsyncBaseTransport), "an async client needs an async transport"
        attempt = 0
        while True:
            outcome: httpx.Response | Exception
            try:
                outcome = await self.wrapped.handle_async_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            except ssl.SSLError as exc:
                outcome = as_transport_error(exc, request)
            delay = self.policy.delay(request, outcome, attempt)
            if delay is None:
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
            if isinstance(outcome, httpx.Response):
                await outcome.aclose()
            _log_retry(request, outcome, attempt, delay)
            await (self._async_sleep or _anyio_sleep)(delay)
            attempt += 1

    def close(self) -> None:
        """Close the wrapped transport."""
        if isinstance(self.wrapped, httpx.BaseTransport):
            self.wrapped.close()

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        if isinstance(self.wrapped, httpx.AsyncBaseTransport):
            await self.wrapped.aclose()
