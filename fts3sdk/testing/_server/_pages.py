"""What the configuration pages answer: HTML or JSON by the ``Accept`` header, as the server's ``accept`` helper.

The server offers ``["text/html", "application/json"]`` and takes Werkzeug's best match; on a tie the first
offer wins, so ``Accept: */*`` (curl, requests and httpx by default) and a missing header get the HTML page.
Only an explicit preference for JSON gets JSON, pretty-printed with an indent of 2.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fts3sdk.testing._server._wire import HTML, JSON, WireRequest, WireResponse

__all__ = ["accept_response", "page", "pretty", "prefers_html"]

_OFFERS = ("text/html", "application/json")


def _quality(offer: str, accepted: list[tuple[str, float]]) -> tuple[float, int]:
    """The quality of ``offer`` under the most specific matching range, and how specific that range is."""
    kind = offer.split("/", 1)[0]
    best = (0.0, -1)
    for pattern, quality in accepted:
        if pattern == offer:
            specific = 2
        elif pattern == f"{kind}/*":
            specific = 1
        elif pattern == "*/*":
            specific = 0
        else:
            continue
        if specific > best[1]:
            best = (quality, specific)
    return best


def _accepted(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        parts = [part.strip() for part in item.split(";")]
        if not parts[0]:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((parts[0].lower(), quality))
    return ranges


def prefers_html(request: WireRequest) -> bool:
    """Whether the best match of the ``Accept`` header among (HTML, JSON) is HTML."""
    header = request.header("accept")
    if not header:
        return True
    accepted = _accepted(header)
    qualities = [_quality(offer, accepted)[0] for offer in _OFFERS]
    if max(qualities) <= 0:
        return False
    return qualities[0] >= qualities[1]


def pretty(value: Any) -> bytes:
    """JSON as the ``accept`` helper writes it (indent 2)."""
    return json.dumps(value, indent=2).encode()


def page(title: str, value: Any) -> str:
    """The configuration page titled ``title``: the site's heading and the data it shows."""
    data = html.escape(json.dumps(value, indent=2))
    return (
        '<!DOCTYPE HTML>\n<html lang="en">\n<head>\n'
        f"    <title>fts3sdk FTS3 - {html.escape(title)}</title>\n"
        '    <meta http-equiv="content-type" content="text/html; charset=utf-8" />\n'
        f"</head>\n<body>\n<h2>{html.escape(title)}</h2>\n<pre>{data}</pre>\n</body>\n</html>\n"
    )


def accept_response(request: WireRequest, title: str, value: Any) -> WireResponse:
    """The answer of an ``accept``-decorated GET: the HTML page, or the JSON of ``value``."""
    if prefers_html(request):
        return WireResponse(200, page(title, value).encode(), HTML)
    return WireResponse(200, pretty(value), JSON)
