"""Route matching as Flask 2.0 / Werkzeug 2.0 do it for fts-rest-flask, for every route of every module.

* Rules are tried in Werkzeug's order (rules without variables first, then more static parts, longer static
  parts, more variables), whatever order they are registered in; a rule matching the path but not the method
  only counts towards the 405.
* A variable is one non-empty segment (``<name>``) or the rest of the path (``<path:name>``); trailing slashes
  are part of the rule (``/jobs/<id>/`` is not ``/jobs/<id>``).
* fts-rest-flask serves its static files at the root (``static_url_path=""``): a ``GET``-only rule
  ``/<path:filename>`` matches every path but ``/``. Hence a path no route serves is a 404 for ``GET``/``HEAD``
  (no such file) and a 405 for any other method, and a path served by a route with other methods only is a 404
  for ``GET`` too.
* ``HEAD`` is served by the ``GET`` handler; ``OPTIONS`` is Flask's automatic answer listing every allowed method.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fts3sdk.testing._server._wire import HTML, ROUTE_NOT_FOUND, HTTPError, WireResponse

__all__ = ["METHOD_NOT_ALLOWED", "NOT_FOUND", "Router", "Rule", "rule"]

Handler = Callable[..., WireResponse]
NOT_FOUND = ROUTE_NOT_FOUND
METHOD_NOT_ALLOWED = "The method is not allowed for the requested URL."
_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")
_CONVERTERS = {None: ("[^/]+", 100), "path": ("[^/].*?", 200)}


@dataclass(frozen=True)
class Rule:
    """One URL rule: a template such as ``/jobs/<job_id>/files`` and its handlers by method."""

    template: str
    methods: Mapping[str, Handler]
    pattern: re.Pattern[str] = field(repr=False, compare=False)
    order: tuple[Any, ...] = field(repr=False, compare=False)
    """Werkzeug's ``match_compare_key``: sorts the rules the way Werkzeug tries them."""

    def allows(self) -> set[str]:
        """The methods this rule answers, with Flask's automatic ``HEAD`` and ``OPTIONS``."""
        methods = set(self.methods) | {"OPTIONS"}
        return methods | {"HEAD"} if "GET" in methods else methods


def rule(template: str, **methods: Handler) -> Rule:
    """A rule for ``template`` answering ``methods`` (``GET=handler, DELETE=...``)."""
    regex: list[str] = []
    static: list[tuple[int, int]] = []
    variables: list[int] = []
    for index, part in enumerate(template.split("/")[1:]):
        match = _VARIABLE.fullmatch(part)
        if match is None:
            regex.append(re.escape(part))
            if part:
                static.append((index, -len(part)))
            continue
        converter, weight = _CONVERTERS[match[1]]
        regex.append(f"(?P<{match[2]}>{converter})")
        variables.append(weight)
    pattern = re.compile("/" + "/".join(regex) + r"\Z")
    order = (bool(variables), -len(static), static, -len(variables), variables)
    return Rule(template, dict(methods), pattern, order)


def _static_file(ctx: object, filename: str) -> WireResponse:
    raise HTTPError(404, NOT_FOUND)


STATIC = rule("/<path:filename>", GET=_static_file)
"""fts-rest-flask's static files at the root; the fake has none of the web pages' files."""


class Router:
    """Finds the handler of a request among rules, answering 404 and 405 as Werkzeug does."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = sorted([*rules, STATIC], key=lambda item: item.order)

    def find(self, method: str, path: str) -> tuple[Rule, dict[str, str]]:
        """The rule serving ``method path`` and its variables; HTTPError 404 or 405 (with ``Allow``) otherwise."""
        wanted = "GET" if method == "HEAD" else method
        allowed: set[str] = set()
        for candidate in self.rules:
            found = candidate.pattern.match(path)
            if found is None:
                continue
            if wanted in candidate.methods:
                return candidate, found.groupdict()
            allowed |= candidate.allows()
        if allowed:
            raise MethodNotAllowed(allowed)
        raise HTTPError(404, NOT_FOUND)

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and path variables for ``method path`` (see `find`)."""
        found, variables = self.find(method, path)
        return found.methods["GET" if method == "HEAD" else method], variables

    def allowed(self, path: str) -> set[str]:
        """Every method some rule answers for ``path``."""
        methods: set[str] = set()
        for candidate in self.rules:
            if candidate.pattern.match(path):
                methods |= candidate.allows()
        return methods

    def options(self, path: str) -> WireResponse:
        """Flask's automatic ``OPTIONS`` answer: empty, with the allowed methods."""
        return WireResponse(200, b"", HTML, (("Allow", ", ".join(sorted(self.allowed(path)))),))


class MethodNotAllowed(HTTPError):
    """405, with the ``Allow`` header Werkzeug sends."""

    def __init__(self, allowed: set[str]) -> None:
        super().__init__(405, METHOD_NOT_ALLOWED)
        self.allowed = allowed

    def response(self) -> WireResponse:
        """The JSON error, plus ``Allow``."""
        base = super().response()
        return WireResponse(base.status, base.body, base.content_type, (("Allow", ", ".join(sorted(self.allowed))),))
