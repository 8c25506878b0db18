"""Access to the requests and responses recorded from a real FTS3 REST server, carried in ``tests/reference``.

Three sets, each ``<set>/NAME.json`` in the format described by ``tests/reference/README.md``:

* ``responses``: the first set (users' API: jobs, files, delegation, bans, whoami);
* ``admin-api``: configuration, optimizer, status, data management and admin operations;
* ``differences``: cases where an imitation of the server is easily wrong (recorded behind Apache httpd).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

REFERENCE = Path(__file__).resolve().parent / "reference"
SETS: dict[str, Path] = {
    "responses": REFERENCE / "responses",
    "admin-api": REFERENCE / "admin-api" / "responses",
    "differences": REFERENCE / "differences" / "responses",
}
RESPONSES = SETS["responses"]
SUBMIT_SCHEMA = REFERENCE / "submit-schema.json"

SetName = Literal["responses", "admin-api", "differences"]


@dataclass(frozen=True)
class Recording:
    """One recorded exchange."""

    name: str
    method: str
    path: str
    query: dict[str, str]
    request_body: Any
    status: int
    headers: dict[str, str]
    """The answer's headers as sent; a header the server did not send (``null`` or ``""`` in the file) is absent."""
    body: Any
    request_headers: dict[str, str] = field(default_factory=dict)
    transport_error: str | None = None
    set: str = "responses"

    @property
    def content_type(self) -> str:
        """The answer's Content-Type, ``""`` where the server sent none."""
        return self.headers.get("content-type") or ""

    @property
    def is_text(self) -> bool:
        """Whether the body was not JSON (PEM, HTML, empty, cut short): it is then ``{"text": ...}``.

        The recorder parsed every body that was JSON, whatever its Content-Type (some JSON answers of the admin API
        are labelled ``text/html``).
        """
        return self.status == 204 or (isinstance(self.body, dict) and set(self.body) == {"text"})

    @property
    def body_text(self) -> str:
        """The body as the server sent it, as text."""
        if self.is_text:
            return str(self.body["text"])
        return json.dumps(self.body)

    @property
    def request_text(self) -> str | None:
        """The request body as text, if any."""
        if self.request_body is None:
            return None
        if isinstance(self.request_body, dict) and set(self.request_body) == {"text"}:
            return str(self.request_body["text"])
        return json.dumps(self.request_body)


def load(name: str, set: SetName = "responses") -> Recording:
    """Load one recording by file name (without ``.json``) from one set."""
    raw = json.loads((SETS[set] / f"{name}.json").read_text())
    request = raw["request"]
    return Recording(
        name=name,
        method=request["method"],
        path=request["path"],
        query=dict(request.get("query") or {}),
        request_body=request.get("body"),
        status=raw["status"],
        headers={key: value for key, value in raw["headers"].items() if value},
        body=raw["body"],
        request_headers=dict(request.get("headers") or {}),
        transport_error=raw.get("transport_error"),
        set=set,
    )


@cache
def names(set: SetName = "responses") -> tuple[str, ...]:
    """Names of every recording of one set, sorted."""
    return tuple(sorted(path.stem for path in SETS[set].glob("*.json")))
