"""Access to the requests and responses recorded from a real FTS3 REST server (../shared/reference)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
RESPONSES = REFERENCE / "responses"


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
    body: Any

    @property
    def is_text(self) -> bool:
        """Whether the body was not JSON (PEM, HTML, empty): it is then ``{"text": ...}``."""
        return not self.headers.get("content-type", "").startswith("application/json") or self.status == 204

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


def load(name: str) -> Recording:
    """Load one recording by file name (without ``.json``)."""
    raw = json.loads((RESPONSES / f"{name}.json").read_text())
    request = raw["request"]
    return Recording(
        name=name,
        method=request["method"],
        path=request["path"],
        query=dict(request.get("query") or {}),
        request_body=request.get("body"),
        status=raw["status"],
        headers=raw["headers"],
        body=raw["body"],
    )


@cache
def names() -> tuple[str, ...]:
    """Names of every recording, sorted."""
    return tuple(sorted(path.stem for path in RESPONSES.glob("*.json")))
