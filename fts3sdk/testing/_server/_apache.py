"""What Apache httpd does to a request path before the application sees it (the production front of FTS).

In order: percent-encoded *unreserved* characters are decoded (so ``%2e%2e`` is ``..``), repeated slashes are
merged (``MergeSlashes On``), dot segments are removed as RFC 3986 §5.2.4 says (a path climbing above the root
is a 400 from Apache itself), and mod_wsgi hands the application the fully decoded path (``PATH_INFO``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from fts3sdk.testing._server._wire import WireResponse

__all__ = ["ApacheError", "request_path"]

_UNRESERVED = re.compile(r"%(2[dDeE]|5[fF]|7[eE]|[46][1-9a-fA-F]|[57][0-9aA]|3[0-9])")
_BAD_REQUEST = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>400 Bad Request</title>\n'
    "</head><body>\n<h1>Bad Request</h1>\n<p>Your browser sent a request that this server could not understand."
    "<br />\n</p>\n</body></html>\n"
)


class ApacheError(Exception):
    """A request Apache refuses itself (its own HTML page, before the application)."""

    def response(self) -> WireResponse:
        """Apache's 400 page."""
        return WireResponse(400, _BAD_REQUEST.encode(), "text/html; charset=iso-8859-1")


def _decode_unreserved(path: str) -> str:
    return _UNRESERVED.sub(lambda match: chr(int(match[1], 16)), path)


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if not output:
                raise ApacheError(path)
            output.pop()
            if last:
                output.append("")
        elif segment == ".":
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def request_path(raw: str) -> str:
    """The path the application sees for a request target's path ``raw`` (still percent-encoded)."""
    if not raw.startswith("/"):
        raw = "/" + raw
    merged = re.sub(r"/{2,}", "/", _decode_unreserved(raw))
    return unquote(_remove_dot_segments(merged))
