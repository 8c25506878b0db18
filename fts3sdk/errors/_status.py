"""From an HTTP answer to its exception: the one table from status to class, and the server's message."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx

from fts3sdk.errors._official import (
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

_HTML_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.IGNORECASE | re.DOTALL)
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]+>")


def server_message(text: str) -> str | None:
    """Extract the server's explanation from an error body (JSON, per-job entry, list of entries, HTML)."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "http_message"):
            if isinstance(data.get(key), str):
                return str(data[key])
    if isinstance(data, list):
        messages = [e["http_message"] for e in data if isinstance(e, dict) and isinstance(e.get("http_message"), str)]
        return "\n".join(messages) if messages else None
    for pattern in (_HTML_PARAGRAPH, _HTML_TITLE):
        match = pattern.search(text)
        if match:
            return html.unescape(_HTML_TAG.sub("", match.group(1))).strip()
    stripped = text.strip()
    return stripped[:500] if stripped else None


def _legacy_message(text: str) -> str | None:
    # The official client takes a JSON "message" key, else the whole body.
    try:
        data = json.loads(text)
    except ValueError:
        return text or None
    if isinstance(data, dict) and "message" in data:
        return str(data["message"])
    return text or None


def _multi_status_reason(text: str) -> str:
    try:
        entries = json.loads(text)
        return "\n".join(entry["http_message"] for entry in entries)
    except (ValueError, TypeError, KeyError):
        return text


def from_status(
    code: int,
    text: str = "",
    *,
    method: str | None = None,
    url: str | None = None,
) -> FTS3ClientException | None:
    """The exception the official client raises for an answer with this status and body text (``None``: success)."""
    if code < 400 and code != 207:
        return None
    context: dict[str, Any] = {
        "message": server_message(text),
        "status_code": code,
        "method": method,
        "url": url,
        "body": text,
    }
    legacy = _legacy_message(text)
    if code == 207:
        return ClientError(_multi_status_reason(text), **context)
    if code == 400:
        return ClientError(f"Bad request: {legacy}" if legacy else "Bad request", **context)
    if code in (401, 402, 403):
        return Unauthorized(legacy, **context)
    if code == 404:
        return NotFound(url or "", legacy, **context)
    return _other_status(code, context)


def _other_status(code: int, context: dict[str, Any]) -> FTS3ClientException:
    if code == 419:
        return NeedDelegation("Need delegation", **context)
    if code == 424:
        return FailedDependency("Failed dependency", **context)
    if code == 405:
        return MethodNotAllowed(_legacy_message(context["body"]), **context)
    if code < 500:
        return ClientError(str(code), **context)
    if code == 503:
        return TryAgain(str(code), **context)
    return ServerError(str(code), **context)


def response_text(response: httpx.Response) -> str:
    """The body as text, with undecodable bytes replaced rather than raising."""
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")


def from_response(response: httpx.Response) -> FTS3ClientException | None:
    """The exception the official client raises for this response, or ``None`` when it succeeded."""
    if response.status_code < 400 and response.status_code != 207:
        return None
    text = response_text(response)
    return from_status(response.status_code, text, method=response.request.method, url=str(response.request.url))
