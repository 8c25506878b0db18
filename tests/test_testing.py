"""Contract test: every recording of the real server, replayed against FakeFTS brought into the same state.

`CASES` says, per recording, who makes the request and which steps of the recording run must happen first.
A new recording without an entry fails (it is never skipped). Answers must match the recording: status,
content type (or its absence), the same keys with the same JSON types, and equal values, except times (same
format only), random hashes, token ids, PEM bodies (same block types) and run-specific values a case names
inside a text. Ids are mapped both ways: the recorded job and file ids in the request become the fake's, and
the fake's in the answer become the recorded ones again. The only other exceptions are the recordings listed
by ``FakeFTS.known_differences``. `check_answer` is shared with the other recording sets' contract tests.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from fts3sdk.credentials import Credential, load_credential
from fts3sdk.proxy import create_proxy, sign_proxy_request
from fts3sdk.testing import FakeClock, FakeFTS, Identity, IssuedCertificate, KeyPool, KnownDifference, ThrowawayPKI
from tests.recordings import Recording, load, names

ALICE = "/DC=org/DC=example/O=Test/CN=Alice"
BOB = "/DC=org/DC=example/O=Test/CN=Bob"
HOST = "/DC=org/DC=example/O=Test/CN=localhost"
ALICE_DLG = "b039e71fde61be6f"
PROXY_CN = "1795814629"
START = datetime(2026, 11, 27, 21, 38, 44, tzinfo=timezone.utc)
FIRST_FILE_ID = 8872390218
TOKEN = "harness-access-token"
EXPIRED = "harness-expired-token"
OFFICIAL_UA = "fts-python-bindings/3.13.4"
SIM_REASON = "SOURCE [2] Result HTTP 404 : File not found  after 1 attempts"
SERVER_METADATA_LIMITS = {"job": 2048}
"""The recorded server's ``JobMetadataSizeLimit`` (the others kept their default, 1024)."""


JOB1 = load("submit_job").body["job_id"]
JOB2 = load("submit_job_2").body["job_id"]
JOB3 = "ebb3226a-eaaa-11f1-9da6-02fc00000001"
JOB4 = "ebcad0a4-eaaa-11f1-b458-02fc00000001"
STAGE = load("submit_staging_job").body["job_id"]
HOP = load("submit_multihop_job").body["job_id"]
SID = load("submit_job_deterministic_id").body["job_id"]
TOKEN_JOB = load("submit_job_token").body["job_id"]
BOB_JOB = "eae8b6b0-eaaa-11f1-970e-02fc00000001"
FIN = "ee535724-eaaa-11f1-b0bb-02fc00000001"
FAIL = "ee73d738-eaaa-11f1-b2b3-02fc00000001"


@dataclass(frozen=True)
class Case:
    """How to replay one recording: the caller, the steps of the recording run before it, request details."""

    identity: str
    steps: tuple[str, ...] = ()
    user_agent: str | None = None
    body: str | None = None
    """A `World` method making a run-specific request body (a proxy signed for this run's request)."""
    masks: tuple[str, ...] = ()
    """Regular expressions of run-specific values inside texts (a random hash in an SQL error message)."""


BASE = ("base",)
CASES: dict[str, Case] = {
    "api_docs_schema_submit": Case("alice"),
    "archive_get_404": Case("alice", BASE),
    "archive_index": Case("alice"),
    "ban_dn": Case("root", ("bob_job",)),
    "ban_dn_list": Case("root", ("ban_bob",)),
    "ban_dn_self_409": Case("root"),
    "ban_se": Case("root", BASE),
    "ban_se_400_bad_status": Case("root"),
    "ban_se_forbidden_403": Case("alice"),
    "ban_se_list": Case("root", ("ban_storages",)),
    "ban_se_wait": Case("root", BASE),
    "banned_user_403": Case("bob", ("ban_bob",)),
    "cs_registered_anonymous_401": Case("anon"),
    "delegate_delegation_info": Case("alice", ("alice_delegation",)),
    "delegate_whoami": Case("alice"),
    "delegation_credential_put": Case("alice", ("alice_request",), body="signed_by_alice"),
    "delegation_credential_put_400": Case("alice", ("alice_request",)),
    "delegation_credential_put_proxy": Case("alice_proxy", ("proxy_request",), body="signed_by_proxy"),
    "delegation_delete": Case("bob", ("bob_delegation",)),
    "delegation_delete_404": Case("bob"),
    "delegation_get": Case("alice", ("alice_delegation",)),
    "delegation_get_403_other_id": Case("alice"),
    "delegation_get_none": Case("bob", user_agent=OFFICIAL_UA),
    "delegation_get_none_legacy": Case("bob", user_agent="python-requests/2.32.3"),
    "delegation_request": Case("alice"),
    "delegation_request_proxy": Case("alice_proxy"),
    "files_list": Case("alice", BASE),
    "files_list_filtered": Case("alice", BASE),
    "get_root": Case("alice"),
    "job_cancel": Case("alice", BASE),
    "job_cancel_404": Case("alice"),
    "job_cancel_files": Case("alice", BASE),
    "job_cancel_files_multiple": Case("alice", (*BASE, "cancel_first_file_of_job3")),
    "job_cancel_files_not_in_job": Case("alice", BASE),
    "job_cancel_terminal": Case("alice", (*BASE, "cancel_job1")),
    "job_cancel_token": Case("token", ("token_job",)),
    "job_dm": Case("alice", BASE),
    "job_field_404": Case("alice", BASE),
    "job_field_job_metadata": Case("alice", BASE),
    "job_field_job_state": Case("alice", BASE),
    "job_field_priority": Case("alice", BASE),
    "job_file_retries": Case("alice", BASE),
    "job_files": Case("alice", BASE),
    "job_files_multihop": Case("alice", BASE),
    "job_files_staging": Case("alice", BASE),
    "job_files_token": Case("token", ("token_job",)),
    "job_get": Case("alice", BASE),
    "job_get_403_other_user": Case("bob", BASE),
    "job_get_404": Case("alice"),
    "job_get_after_file_cancel": Case("alice", (*BASE, "cancel_first_file_of_job3")),
    "job_get_staging": Case("alice", BASE),
    "job_get_token": Case("token", ("token_job",)),
    "job_modify_400": Case("alice", BASE),
    "job_modify_priority": Case("alice", BASE),
    "job_modify_terminal": Case("alice", (*BASE, "cancel_job1")),
    "jobs_cancel_all_forbidden_403": Case("alice"),
    "jobs_cancel_all_root": Case("root"),
    "jobs_cancel_multiple_207": Case("alice", BASE),
    "jobs_get_multiple": Case("alice", BASE),
    "jobs_get_multiple_207": Case("alice", BASE),
    "jobs_get_multiple_with_files": Case("alice", BASE),
    "jobs_list": Case("alice", BASE),
    "jobs_list_anonymous_403": Case("anon"),
    "jobs_list_dlg_id_403": Case("alice"),
    "jobs_list_fields": Case("alice", BASE),
    "jobs_list_filtered": Case("alice", BASE),
    "jobs_list_limit": Case("alice", BASE),
    "jobs_list_limit_400": Case("alice"),
    "jobs_list_token_expired_403": Case("expired"),
    "jobs_list_user_dn_400": Case("alice"),
    "method_not_allowed_405": Case("alice"),
    "sim_archive_get": Case("alice", ("sim_jobs", "archive_finished")),
    "sim_archive_get_field": Case("alice", ("sim_jobs", "archive_finished")),
    "sim_job_file_retries": Case("alice", ("sim_jobs",)),
    "sim_job_files_failed": Case("alice", ("sim_jobs",)),
    "sim_job_files_finished": Case("alice", ("sim_jobs",)),
    "sim_job_get_failed": Case("alice", ("sim_jobs",)),
    "sim_job_get_finished": Case("alice", ("sim_jobs",)),
    "sim_jobs_list_finished": Case("alice", ("sim_jobs",)),
    "submit_400_bad_json": Case("alice", ("alice_delegation",)),
    "submit_400_invalid_url": Case("alice", ("alice_delegation",)),
    "submit_400_no_transfers": Case("alice", ("alice_delegation",)),
    "submit_409_duplicate_sid": Case("alice", BASE),
    "submit_419_no_delegation": Case("bob"),
    "submit_delete_job_405": Case("alice", ("alice_delegation",)),
    "submit_job": Case("alice", ("alice_delegation",)),
    "submit_job_2": Case("alice", ("alice_delegation",)),
    "submit_job_deterministic_id": Case("alice", ("alice_delegation",)),
    "submit_job_token": Case("token"),
    "submit_multihop_job": Case("alice", ("alice_delegation",)),
    "submit_staging_job": Case("alice", ("alice_delegation",)),
    "unban_dn": Case("root", ("ban_bob",)),
    "unban_se": Case("root", ("ban_storages",)),
    "unban_se_wait": Case("root", ("ban_storages",)),
    "unknown_route_404": Case("alice"),
    "whoami": Case("alice"),
    "whoami_anonymous": Case("anon"),
    "whoami_certificate": Case("alice"),
    "whoami_proxy": Case("alice_proxy"),
    "whoami_root": Case("root"),
    "whoami_token": Case("token"),
    "whoami_token_expired": Case("expired"),
}


@dataclass(frozen=True)
class Credentials:
    """The test PKI's credentials used by the recording run: Alice's certificate and a proxy of it."""

    pki: ThrowawayPKI
    alice: Credential
    proxy: Credential


@pytest.fixture(scope="module")
def credentials(
    fts_pki: ThrowawayPKI, fts_user_cert: IssuedCertificate, tmp_path_factory: pytest.TempPathFactory
) -> Credentials:
    alice = load_credential(fts_user_cert.cert_path, fts_user_cert.key_path)
    proxy_path = create_proxy(alice, tmp_path_factory.mktemp("proxy") / "x509up")
    return Credentials(fts_pki, alice, load_credential(proxy_path))


def _body(name: str) -> dict[str, Any]:
    body = load(name).request_body
    assert isinstance(body, dict)
    copy: dict[str, Any] = json.loads(json.dumps(body))
    return copy


def _renamed(name: str, old: str, new: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(_body(name)).replace(old, new))
    body["params"].update(params)
    return body


class World:
    """A FakeFTS reproducing the recording run step by step, and the recorded-id ↔ fake-id mapping."""

    def __init__(
        self,
        credentials: Credentials,
        keys: KeyPool,
        *,
        start: datetime = START,
        first_file_id: int = FIRST_FILE_ID,
        **options: Any,
    ) -> None:
        self.credentials = credentials
        self.fake = FakeFTS(
            clock=FakeClock(start), pki=credentials.pki, seed=1, first_file_id=first_file_id, key_pool=keys,
            **{"metadata_size_limit": SERVER_METADATA_LIMITS, "database_name": "ftsharness", **options},
        )  # fmt: skip
        self.fake.add_token(TOKEN, sub="harness-token-user", groups=["/harness"], scope=_scope())
        self.fake.add_token(EXPIRED, sub="harness-token-user", groups=["/harness"], expired=True)
        self.ids: dict[str, str] = {}
        self.file_ids: dict[int, int] = {}
        pem = (
            b"".join(cert.public_bytes(Encoding.PEM) for cert in credentials.alice.chain)
            + credentials.pki.ca_path.read_bytes()
        )
        self.identities = {
            "alice": Identity.certificate(ALICE, chain_pem=pem.decode()),
            "alice_proxy": Identity.proxy(ALICE, cns=[PROXY_CN]),
            "bob": Identity.certificate(BOB),
            "root": Identity.certificate(HOST),
            "anon": Identity.anonymous(),
            "token": Identity.bearer(TOKEN),
            "expired": Identity.bearer(EXPIRED),
        }
        self._clients: dict[str, httpx.Client] = {}

    def client(self, who: str) -> httpx.Client:
        if who not in self._clients:
            transport = self.fake.transport(self.identities[who])
            self._clients[who] = httpx.Client(base_url="https://fts.example.org:8446", transport=transport)
        return self._clients[who]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def call(self, who: str, method: str, path: str, **options: Any) -> httpx.Response:
        return self.client(who).request(method, path, **options)

    # --- id mapping ---

    def to_fake(self, text: str) -> str:
        for old, new in self.ids.items():
            text = text.replace(old, new)
        for old_id, new_id in self.file_ids.items():
            text = re.sub(rf"\b{old_id}\b", str(new_id), text)
        return text

    def to_recorded(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self.to_recorded(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.to_recorded(item) for item in value]
        if isinstance(value, str):
            for old, new in self.ids.items():
                value = value.replace(new, old)
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return next((old for old, new in self.file_ids.items() if new == value), value)
        return value

    # --- steps of the recording run ---

    def submit(self, who: str, body: dict[str, Any], recorded_id: str, recorded_files: tuple[int, ...] = ()) -> str:
        response = self.call(who, "POST", "/jobs", json=body)
        assert response.status_code == 200, response.text
        job_id = str(response.json()["job_id"])
        self.ids[recorded_id] = job_id
        for old, item in zip(recorded_files, self.fake.files(job_id), strict=False):
            self.file_ids[old] = item.file_id
        return job_id

    def alice_delegation(self) -> None:
        self.fake.add_delegation(self.identities["alice"])

    def bob_delegation(self) -> None:
        self.fake.add_delegation(self.identities["bob"])

    def base(self) -> None:
        """Alice's seven jobs, submitted as in the recording run (the last two one second later)."""
        self.alice_delegation()
        self.submit("alice", _body("submit_job"), JOB1, (8872390218, 8872390219))
        self.submit("alice", _body("submit_job_2"), JOB2, (8872390220, 8872390221))
        self.submit("alice", _renamed("submit_job_2", "-job2/", "-job3/", retry=2), JOB3, (8872390222, 8872390223))
        self.submit("alice", _renamed("submit_job_2", "-job2/", "-job4/"), JOB4, (8872390224, 8872390225))
        self.submit("alice", _body("submit_staging_job"), STAGE, (8872390226,))
        self.fake.clock.advance(1)
        self.submit("alice", _body("submit_multihop_job"), HOP, (8872390227, 8872390228))
        self.submit("alice", _body("submit_job_deterministic_id"), SID, (8872390229,))

    def bob_job(self) -> None:
        self.bob_delegation()
        self.submit("bob", _body("submit_419_no_delegation"), BOB_JOB)

    def token_job(self) -> None:
        self.submit("token", _body("submit_job_token"), TOKEN_JOB, (8872390230, 8872390231))

    def sim_jobs(self) -> None:
        """The two jobs the recording run finished and failed by hand (the daemon is simulated here)."""
        self.alice_delegation()
        body = _renamed("submit_job", "-job1/", "-fin/", verify_checksum=False, job_metadata={"sim": "finished"})
        finished = self.submit("alice", body, FIN, (8872390232, 8872390233))
        self.fake.finish(finished, duration=12.5)
        body = _renamed(
            "submit_job", "-job1/", "-fail/", verify_checksum=False, job_metadata={"sim": "failed"}, retry=1
        )
        body["files"] = body["files"][:1]
        failed = self.submit("alice", body, FAIL, (8872390234,))
        for _ in range(2):
            self.fake.start(failed)
            self.fake.fail(failed, reason=SIM_REASON, recoverable=True)

    def archive_finished(self) -> None:
        self.fake.archive(self.ids[FIN])

    def ban_bob(self) -> None:
        assert self.call("root", "POST", "/ban/dn", json={"user_dn": BOB}).status_code == 200

    def ban_storages(self) -> None:
        for name in ("ban_se", "ban_se_wait"):
            assert self.call("root", "POST", "/ban/se", json=load(name).request_body).status_code == 200

    def cancel_job1(self) -> None:
        assert self.call("alice", "DELETE", f"/jobs/{self.ids[JOB1]}").status_code == 200

    def cancel_first_file_of_job3(self) -> None:
        path = f"/jobs/{self.ids[JOB3]}/files/{self.file_ids[8872390222]}"
        assert self.call("alice", "DELETE", path).json() == "CANCELED"

    def alice_request(self) -> None:
        assert self.call("alice", "GET", f"/delegation/{ALICE_DLG}/request").status_code == 200

    def proxy_request(self) -> None:
        assert self.call("alice_proxy", "GET", f"/delegation/{ALICE_DLG}/request").status_code == 200

    # --- run-specific request bodies ---

    def signed_by_alice(self) -> bytes:
        request = self.call("alice", "GET", f"/delegation/{ALICE_DLG}/request").text
        return sign_proxy_request(request, self.credentials.alice)

    def signed_by_proxy(self) -> bytes:
        request = self.call("alice_proxy", "GET", f"/delegation/{ALICE_DLG}/request").text
        return sign_proxy_request(request, self.credentials.proxy)


def _scope() -> str:
    return "openid offline_access storage.read:/ storage.modify:/"


@pytest.fixture
def world(credentials: Credentials, fts_key_pool: KeyPool) -> Iterator[World]:
    built = World(credentials, fts_key_pool)
    yield built
    built.close()


def replay(world: World, recording: Recording, case: Case) -> httpx.Response:
    """Send the recorded request (ids mapped to the fake's) as ``case.identity``."""
    headers = {"User-Agent": case.user_agent} if case.user_agent else {}
    content: bytes | None = None
    if case.body is not None:
        content = getattr(world, case.body)()
    elif recording.request_body is not None:
        text = recording.request_text or ""
        content = world.to_fake(text).encode()
        if not recording.path.startswith("/delegation/"):
            headers["Content-Type"] = "application/json"
    params = {key: world.to_fake(value) for key, value in recording.query.items()}
    path = world.to_fake(recording.path)
    return world.call(case.identity, recording.method, path, params=params, content=content, headers=headers)


_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4})?")
_RUN_SPECIFIC = frozenset({"hashed_id", "src_token_id", "dst_token_id", "tx_duration"})
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----")


def _json_type(value: Any) -> str:
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _masked(text: str, masks: tuple[str, ...]) -> str:
    for mask in masks:
        text = re.sub(mask, "<run-specific>", text)
    return text


def assert_same_shape(expected: Any, actual: Any, where: str = "body", masks: tuple[str, ...] = ()) -> None:
    """Same keys, same JSON types, equal values except times (format only), run-specific keys and masks."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        missing, extra = sorted(expected.keys() - actual.keys()), sorted(actual.keys() - expected.keys())
        assert (missing, extra) == ([], []), f"{where}: missing keys {missing}, unexpected keys {extra}"
        for key in expected:
            assert_same_shape(expected[key], actual[key], f"{where}.{key}", masks)
        return
    if isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(expected) == len(actual), f"{where}: {len(expected)} items expected, got {len(actual)}"
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            assert_same_shape(left, right, f"{where}[{index}]", masks)
        return
    assert _json_type(expected) == _json_type(actual), f"{where}: {expected!r} expected, got {actual!r}"
    if isinstance(expected, str) and _TIME.fullmatch(expected):
        assert _TIME.fullmatch(actual), f"{where}: a time like {expected!r} expected, got {actual!r}"
    elif isinstance(expected, str) and masks:
        assert _masked(expected, masks) == _masked(actual, masks), f"{where}: {expected!r} expected, got {actual!r}"
    elif where.rsplit(".", 1)[-1] not in _RUN_SPECIFIC:
        assert expected == actual, f"{where}: {expected!r} expected, got {actual!r}"


def assert_same_text(expected: str, actual: str) -> None:
    """Text bodies: PEM bodies by their block types, anything else exactly."""
    if expected.startswith("-----BEGIN"):
        assert _PEM_BLOCK.findall(actual) == _PEM_BLOCK.findall(expected)
    else:
        assert actual == expected


def _map_new_job(world: World, recorded: str, actual: str) -> None:
    """A new random (version 1) job id stands for the recorded one; a deterministic id must be equal."""
    if uuid.UUID(recorded).version == 1 and uuid.UUID(actual).version == 1:
        world.ids[recorded] = actual


DIFFERENCES: dict[str, KnownDifference] = {
    recording: difference for difference in FakeFTS.known_differences for recording in difference.recordings
}
"""The recordings (``set/name``) the fake answers differently on purpose, and why."""


def expected_content_type(recording: Recording) -> str | None:
    """The Content-Type the fake must send: the recorded one, none for a 204 (Apache), or the documented one."""
    recorded = recording.content_type or None
    if recording.status == 204 and recorded is not None:
        difference = DIFFERENCES.get(f"{recording.set}/{recording.name}")
        where = f"{recording.set}/{recording.name}"
        assert difference is not None, f"{where}: a 204 with a Content-Type is not a documented difference"
        assert difference.name == "no-content-type-on-204", where
        return None
    return recorded


def check_answer(world: World, recording: Recording, case: Case, response: httpx.Response) -> None:
    """The fake's answer is the recorded one: status, content type, other headers, body (as the module says)."""
    assert response.status_code == recording.status, response.text
    assert response.headers.get("content-type") == expected_content_type(recording), "content-type"
    for header, value in recording.headers.items():
        if header != "content-type":
            assert response.headers.get(header) == value, header
    if recording.path == "/jobs" and recording.status == 200 and recording.method != "GET":
        _map_new_job(world, recording.body["job_id"], response.json()["job_id"])
    if recording.is_text:
        assert_same_text(recording.body_text, response.text)
    else:
        assert_same_shape(recording.body, world.to_recorded(response.json()), masks=case.masks)


@pytest.mark.parametrize("name", names())
def test_recording(name: str, world: World) -> None:
    if name not in CASES:
        pytest.fail(f"recording {name!r} has no setup: add it to CASES in tests/test_testing.py")
    recording, case = load(name), CASES[name]
    for step in case.steps:
        getattr(world, step)()
    check_answer(world, recording, case, replay(world, recording, case))


def test_known_differences_name_real_recordings() -> None:
    for recording in DIFFERENCES:
        set_name, name = recording.split("/")
        assert name in names(set_name), recording


def test_every_case_is_a_recording() -> None:
    assert sorted(CASES.keys() - set(names())) == []


def test_comparison_is_strict() -> None:
    assert_same_shape({"a": 1, "t": "2026-11-27T21:38:44"}, {"a": 1, "t": "2030-01-01T00:00:00"})
    for wrong in ({"a": 1.0, "t": "x"}, {"a": 2, "t": "2026-11-27T21:38:44"}, {"a": 1}, {"a": None, "t": "x"}):
        with pytest.raises(AssertionError):
            assert_same_shape({"a": 1, "t": "2026-11-27T21:38:44"}, wrong)
