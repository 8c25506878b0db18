"""The general rules behind the recorded differences, checked beyond the recorded instances.

Routing is compared with Werkzeug 2.0.3 itself (the recorded server's), dot segments with the standard
library's RFC 3986 resolution, column ranges with the schema's limits, tokens with arbitrary strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.routing import Rule as WerkzeugRule

from fts3sdk.models._limits import BIGINT, INT
from fts3sdk.testing import FakeFTS, FakeRequestError, Identity
from fts3sdk.testing._server._apache import ApacheError, request_path
from fts3sdk.testing._server._router import Router
from fts3sdk.testing._server._routes import _ROUTER

CAROL = "/DC=org/DC=example/O=Test/CN=Carol"
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
SERVER_ERROR = {
    "status": "500 Internal Server Error",
    "message": "The server encountered an internal error and was unable to complete your request. Either the "
    "server is overloaded or there is an error in the application.",
}


# --- routing, against Werkzeug -----------------------------------------------------------------------------------


def _werkzeug(router: Router) -> Map:
    # As Flask builds it: OPTIONS on every rule (automatic answers), HEAD wherever GET is (Werkzeug's own).
    rules = [WerkzeugRule(r.template, endpoint=r.template, methods=[*r.methods, "OPTIONS"]) for r in router.rules]
    return Map(rules)


WERKZEUG = _werkzeug(_ROUTER).bind("fts.example.org")
_WORDS = sorted({part for r in _ROUTER.rules for part in r.template.split("/") if part and "<" not in part})
segments = st.one_of(st.sampled_from(_WORDS), st.text("abc0.-_%", min_size=1, max_size=6))


def _expected(method: str, path: str) -> tuple[str, Any]:
    try:
        endpoint, variables = WERKZEUG.match(path, method=method)
    except MethodNotAllowed as exc:
        return "405", sorted(exc.valid_methods or [])
    except NotFound:
        return "404", None
    return "rule", (endpoint, variables)


def _actual(method: str, path: str) -> tuple[str, Any]:
    from fts3sdk.testing._server._router import MethodNotAllowed as FakeNotAllowed
    from fts3sdk.testing._server._wire import HTTPError

    try:
        found, variables = _ROUTER.find(method, path)
    except FakeNotAllowed as exc:
        return "405", sorted(exc.allowed)
    except HTTPError as exc:
        assert exc.status == 404
        return "404", None
    return "rule", (found.template, variables)


@given(
    method=st.sampled_from([m for m in METHODS if m != "OPTIONS"]),
    parts=st.lists(segments, min_size=0, max_size=5),
    slash=st.booleans(),
)
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_routing_is_werkzeugs(method: str, parts: list[str], slash: bool) -> None:
    path = "/" + "/".join(parts) + ("/" if slash and parts else "")
    assert _actual(method, path) == _expected(method, path), path


def _filled(template: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: f"x-{match[1]}", template)


@pytest.mark.parametrize("template", sorted({r.template for r in _ROUTER.rules if r.template != "/<path:filename>"}))
@pytest.mark.parametrize("slash", [False, True])
def test_every_route_every_method_as_werkzeug(template: str, slash: bool) -> None:
    path = _filled(template).rstrip("/") + "/" if slash else _filled(template)
    for method in METHODS[:-1]:
        assert _actual(method, path) == _expected(method, path), (method, path)
    assert sorted(_ROUTER.allowed(path)) == sorted(WERKZEUG.allowed_methods(path))


def test_rules_registered_in_any_order_match_the_same() -> None:
    shuffled = Router(reversed(_ROUTER.rules[:-1]))
    for r in _ROUTER.rules:
        path = _filled(r.template)
        for method in METHODS[:-1]:
            try:
                expected: Any = _ROUTER.find(method, path)[0].template
            except Exception as exc:
                expected = type(exc).__name__
            try:
                actual: Any = shuffled.find(method, path)[0].template
            except Exception as exc:
                actual = type(exc).__name__
            assert actual == expected, (method, path)


# --- Apache's path rules -----------------------------------------------------------------------------------------


@given(st.lists(st.sampled_from(["a", "b", ".", "..", "%2e", "%2E%2e", "", "c%2Fd", "%7Euser"]), max_size=6))
def test_dot_segments_are_resolved_as_rfc_3986_says(parts: list[str]) -> None:
    raw = "/" + "/".join(parts)
    merged = re.sub(r"/{2,}", "/", raw.replace("%2e", ".").replace("%2E", ".").replace("%7E", "~"))
    climbs = False
    depth = 0
    for part in merged.split("/")[1:]:
        depth = depth - 1 if part == ".." else depth + (part not in ("", "."))
        climbs = climbs or depth < 0
    if climbs:
        with pytest.raises(ApacheError):
            request_path(raw)
        return
    resolved = urlsplit(urljoin("https://h/", merged)).path
    assert request_path(raw) == resolved.replace("%2F", "/")


@pytest.fixture
def fake() -> FakeFTS:
    fake = FakeFTS(default_identity=Identity.certificate(CAROL))
    fake.add_delegation()
    return fake


@pytest.fixture
def http(fake: FakeFTS) -> Iterator[httpx.Client]:
    with httpx.Client(base_url="https://fts.example.org:8446", transport=fake.transport()) as client:
        yield client


def test_encoded_dot_segments_reach_the_resolved_route(http: httpx.Client) -> None:
    assert http.get("/jobs/%2e%2e/whoami").json()["user_dn"] == CAROL
    assert http.get("/whoami/%2E").status_code == 404  # "/whoami/": no such rule, the static catch-all
    above = http.get("/%2e%2e/whoami")
    assert above.status_code == 400
    assert above.headers["content-type"].startswith("text/html")
    assert "<title>400 Bad Request</title>" in above.text


def test_trailing_slash_and_wrong_methods_over_the_whole_stack(http: httpx.Client) -> None:
    job_id = http.post("/jobs", json={"files": [{"sources": ["mock://a/x"], "destinations": ["mock://b/x"]}]}).json()
    for method, path in (("DELETE", f"/jobs/{job_id['job_id']}/"), ("POST", "/ban"), ("PUT", "/files")):
        answer = http.request(method, path)
        assert answer.status_code == 405
        assert answer.json()["message"] == "The method is not allowed for the requested URL."
        assert "GET" in answer.headers["allow"]
    for path in (f"/jobs/{job_id['job_id']}/files/1", "/ban", "/delegation/x/credential"):
        answer = http.get(path)
        assert (answer.status_code, answer.json()["status"]) == (404, "404 Not Found")
    assert http.get("/jobs/").status_code == 200  # its own rule
    assert http.options("/anything").headers["allow"] == "GET, HEAD, OPTIONS"


def test_no_content_type_on_any_204(fake: FakeFTS, http: httpx.Client) -> None:
    root = httpx.Client(base_url="https://fts.example.org:8446", transport=fake.transport(fake.root_identity()))
    dlg = fake.add_delegation()
    answers = [
        http.delete(f"/delegation/{dlg}"),
        root.delete("/ban/se", params={"storage": "mock://never"}),
        root.delete("/ban/dn", params={"user_dn": CAROL}),
    ]
    root.close()
    assert [(a.status_code, a.headers.get("content-type"), a.content) for a in answers] == [(204, None, b"")] * 3


# --- tokens ------------------------------------------------------------------------------------------------------


@given(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=80))
@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_token_that_does_not_verify_is_no_credential(token: str) -> None:
    fake = FakeFTS(default_identity=Identity.certificate(CAROL))
    fake.add_token("known-token", sub="someone")
    if token == "known-token":
        return
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url="https://f", transport=fake.transport(Identity.bearer(token))) as anonymous:
        assert anonymous.get("/whoami").json()["method"] == "unauthenticated"
        denied = anonymous.get("/jobs")
        assert (denied.status_code, denied.json()["message"]) == (403, "Not enough permissions")
    with httpx.Client(base_url="https://f", transport=fake.transport()) as certificate:
        assert certificate.get("/whoami", headers=headers).json()["user_dn"] == CAROL  # the certificate counts


# --- the database's columns --------------------------------------------------------------------------------------


def _submit(fake: FakeFTS, **changes: Any) -> str:
    transfer = {"sources": ["mock://a.example.org/x"], "destinations": ["mock://b.example.org/x"]}
    transfer |= changes.pop("transfer", {})
    return fake.submit({"files": [transfer], "params": changes})


INT_PARAMS = ("retry", "retry_delay", "bring_online", "copy_pin_lifetime", "archive_timeout")


@pytest.mark.parametrize("name", INT_PARAMS)
@pytest.mark.parametrize("value", [INT.high, INT.low, INT.high + 1, INT.low - 1, 10**12, -(10**30)])
def test_every_int_column_refuses_what_it_cannot_hold(fake: FakeFTS, name: str, value: int) -> None:
    if value in INT:
        assert getattr(fake.job(_submit(fake, **{name: value})), name) == value
        return
    with pytest.raises(FakeRequestError) as caught:
        _submit(fake, **{name: value})
    assert (caught.value.status, caught.value.message) == (500, SERVER_ERROR["message"])


@pytest.mark.parametrize(
    ("value", "stored"),
    [(2**53, 2**53), (2**53 + 1, 2**53), (2**63 - 1024, 2**63 - 1024), (2**63 - 1, None), (10**20, None)],
)
def test_filesize_goes_through_a_float_into_a_bigint(fake: FakeFTS, value: int, stored: int | None) -> None:
    # The server stores float(filesize): past 2**53 it rounds, past the last double below 2**63 the column refuses.
    if stored is not None:
        assert fake.files(_submit(fake, transfer={"filesize": value}))[0].user_filesize == stored
        return
    assert float(value) > BIGINT.high
    with pytest.raises(FakeRequestError, match=r"^500"):
        _submit(fake, transfer={"filesize": value})


def test_queue_expiry_beyond_2038_fails(fake: FakeFTS) -> None:
    assert _submit(fake, max_time_in_queue="10d")
    with pytest.raises(FakeRequestError, match=r"^500"):
        _submit(fake, max_time_in_queue=10**6)  # hours: the absolute expiry leaves the INT column


@pytest.mark.parametrize(
    ("transfer", "ok"),
    [
        ({"sources": ["mock://a.example.org/" + "x" * 1079]}, True),
        ({"sources": ["mock://a.example.org/" + "x" * 1080]}, False),
        ({"sources": ["mock://a.example.org/caf\u00e9"]}, True),
        ({"sources": ["mock://a.example.org/\u0444"]}, False),
        ({"activity": "x" * 256}, False),
        ({"checksum": "adler32:" + "0" * 93}, False),
    ],
)
def test_text_columns_refuse_too_long_or_foreign_text(fake: FakeFTS, transfer: dict[str, Any], ok: bool) -> None:
    if ok:
        assert _submit(fake, transfer=transfer)
        return
    with pytest.raises(FakeRequestError, match=r"^500"):
        _submit(fake, transfer=transfer)


def test_modify_priority_beyond_the_column_fails(fake: FakeFTS, http: httpx.Client) -> None:
    job_id = _submit(fake)
    assert http.post(f"/jobs/{job_id}", json={"params": {"priority": 99}}).json()["priority"] == 99
    answer = http.post(f"/jobs/{job_id}", json={"params": {"priority": 2**40}})
    assert (answer.status_code, answer.json()) == (500, SERVER_ERROR)


def test_transfer_tokens_of_a_certificate_user_break_the_foreign_key(fake: FakeFTS, http: httpx.Client) -> None:
    body = {"files": [{"sources": ["mock://a/x"], "destinations": ["mock://b/x"], "destination_tokens": ["t"]}]}
    answer = http.post("/jobs", json=body)
    assert answer.status_code == 409
    message = answer.json()["message"]
    assert "CONSTRAINT `dst_token_id` FOREIGN KEY" in message
    assert "`fts3`.`t_file`" in message
    two = {
        "files": [
            {**body["files"][0], "source_tokens": ["s"]},
            {"sources": ["mock://a/y"], "destinations": ["mock://b/y"]},
        ]
    }
    message = http.post("/jobs", json=two).json()["message"]
    assert "CONSTRAINT `src_token_id`" in message
    assert "[parameters: [(" in message  # two parameter sets, as SQLAlchemy shows an executemany


def test_files_items_that_are_not_objects_crash_the_server(http: httpx.Client) -> None:
    for files in ("abc", [[1, 2]], [{"sources": ["mock://a/x"], "destinations": ["mock://b/x"]}, 7], {"a": 1}):
        answer = http.post("/jobs", json={"files": files})
        assert (answer.status_code, answer.json()) == (500, SERVER_ERROR), files
    answer = http.post("/jobs", json={"files": 5})
    assert answer.json()["message"] == "Malformed request: 'int' object is not iterable"


def test_sources_without_pairs(http: httpx.Client) -> None:
    items: list[dict[str, list[str]]] = [
        {"sources": []},
        {"sources": [], "destinations": ["mock://b/x"]},
        {"sources": ["mock://a/x"], "destinations": []},
    ]
    for item in items:
        answer = http.post("/jobs", json={"files": [item]})
        assert (answer.status_code, answer.json()["message"]) == (400, "No valid pairs available")
    answer = http.post("/jobs", json={"files": [{"destinations": ["mock://b/x"]}]})
    assert answer.json()["message"] == "Missing parameter: 'sources'"


@pytest.mark.parametrize("kind", ["job", "file", "staging", "archive"])
def test_metadata_limits_are_configurable_per_kind(kind: str) -> None:
    fake = FakeFTS(metadata_size_limit={kind: 20})
    fake.add_delegation()
    value = {"k": "x" * 20}
    params: dict[str, Any] = {"job_metadata": value} if kind == "job" else {}
    transfer: dict[str, Any] = {} if kind == "job" else {"metadata" if kind == "file" else f"{kind}_metadata": value}
    with pytest.raises(FakeRequestError) as caught:
        _submit(fake, transfer=transfer, **params)
    expected = "Invalid value within the request: Job Submission Refused, metadata exceeds size limit of 20"
    assert (caught.value.status, caught.value.message) == (400, expected)
    assert _submit(FakeFTS(), transfer=transfer, **params)  # the default, 1024 each
    with pytest.raises(ValueError, match="unknown metadata kind"):
        FakeFTS(metadata_size_limit={"jobs": 1})


def test_known_differences_are_documented() -> None:
    names = [difference.name for difference in FakeFTS.known_differences]
    assert len(names) == len(set(names))
    docs = (__import__("pathlib").Path(__file__).parents[1] / "docs" / "testing.md").read_text()
    for difference in FakeFTS.known_differences:
        assert difference.summary
        assert difference.verified
        assert f"`{difference.name}`" in docs, difference.name
