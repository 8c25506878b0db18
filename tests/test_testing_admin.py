"""Contract test of the admin API: every admin-api recording replayed against FakeFTS brought into the same state.

`RUN` is the recording run in its order (reconstructed from the README and the audit's timestamps), with the
set-up it did outside the API (``@...`` steps) and the times it happened at (``@at HH:MM:SS``). Before each
recording, every earlier step of the run that changes state (non-GET requests that succeeded, set-up steps,
clock moves) is replayed on a fresh fake, each as its recorded caller with its recorded headers and body. The
answer must then match the recording: status, headers (content type, the announced length of a broken body),
the same JSON keys, types and values except times, and for bodies the server broke off, the same bytes and the
same transport error. HTML pages are compared by their title (the site's name aside).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from fts3sdk.testing import Identity, IssuedCertificate, KeyPool
from tests.recordings import Recording, SetName, load, names
from tests.test_testing import HOST, Credentials, World, assert_same_shape, assert_same_text, expected_content_type
from tests.test_testing import credentials as credentials

ADMIN: SetName = "admin-api"
START = datetime(2026, 12, 1, 13, 37, 25, tzinfo=timezone.utc)
FIRST_FILE_ID = 8872390197
JOB_A = "afbaee0c-ed8c-11f1-b6ea-02fc00000001"
FORCE_JOB = "afc0be72-ed8c-11f1-b192-02fc00000001"
ARCHIVED_JOB = "afcc3a90-ed8c-11f1-ad2e-02fc00000001"
TOKEN_DELEGATION_ID = "4dfd0f1df0913fca"
UNORDERED = frozenset({"autocomplete_storage"})
"""Answers built from a Python set on the server: their order means nothing."""

_ALICE = """
config_index_forbidden_403 config_index_forbidden_html_403 config_drain_forbidden_403 config_global_forbidden_403
config_links_list_forbidden_403 config_links_delete_forbidden_403 config_se_forbidden_403
config_authorize_forbidden_403 config_cloud_storage_forbidden_403 optimizer_enabled optimizer_trailing_slash_404
optimizer_evolution_empty optimizer_current_empty optimizer_current_set optimizer_current_400_missing
optimizer_current_400_not_int optimizer_current_400_negative optimizer_current_set_unknown_key optimizer_current
optimizer_current_filtered optimizer_current_filtered_none optimizer_evolution optimizer_evolution_filtered
force_start_files_after force_start_forbidden_403 jobs_cancel_vo_forbidden_403 jobs_cancel_vo_after
archive_index_no_slash sim_archive_get_moved sim_archive_get_field_files sim_archive_get_field_reason
sim_archive_get_field_404 sim_archive_job_get_404 archive_get_multiple_404 delegation_voms_no_voms_500
delegation_voms_400_not_list delegation_voms_400_bad_json delegation_voms_403_other_id delegation_get_after_voms
autocomplete_dn_forbidden_403 dm_list dm_list_empty_list_400 dm_list_not_dir_400 dm_list_400_missing_surl
dm_list_400_file_scheme dm_list_unknown_scheme dm_stat dm_stat_404 dm_stat_403 dm_stat_503 dm_stat_500_other_errno
dm_stat_400_missing_surl dm_stat_post_405 dm_unlink dm_unlink_404 dm_unlink_empty_surl_500 dm_unlink_missing_surl_500
dm_unlink_400_charset dm_unlink_400_bad_json dm_unlink_not_object_500 dm_unlink_get_404 dm_mkdir_mock_unsupported_400
dm_mkdir_empty_surl_500 dm_rmdir_mock_unsupported_400 dm_rmdir_missing_surl_500 dm_rename_mock_unsupported_400
dm_rename_missing_new_500 dm_rename_empty_old_500
"""
_BOB = """
config_audit_forbidden_403 config_audit_bob_granted config_audit_bob_revoked_403 whoami_bob_granted_config
config_shares_forbidden_403 status_hosts_forbidden_403 sim_archive_get_403_other_user
delegation_voms_no_credential_500 dm_stat_no_delegation_419 dm_mkdir_no_delegation_419
"""
_TOKEN = """
config_index_token config_global_get_token config_links_set_token config_authorize_forbidden_token_403
config_activity_shares_token_403 optimizer_current_token status_hosts_token_403 force_start_token_403
jobs_cancel_vo_token_403 sim_archive_get_token whoami_certificate_token_403 delegation_voms_token_403
autocomplete_vo_token dm_stat_token_419 dm_mkdir_token_419
"""
_ANONYMOUS = """
config_index_anonymous_403 optimizer_enabled_anonymous optimizer_current_set_anonymous sim_archive_get_anonymous_403
whoami_certificate_anonymous_403 dm_stat_anonymous_403
"""
WHO: dict[str, str] = {
    **dict.fromkeys(_ALICE.split(), "alice"),
    **dict.fromkeys(_BOB.split(), "bob"),
    **dict.fromkeys(_TOKEN.split(), "token"),
    **dict.fromkeys(_ANONYMOUS.split(), "anon"),
    **dict.fromkeys(["whoami_certificate_proxy", "dm_list_proxy"], "alice_proxy"),
}
"""Who made each request; root (the host certificate) for every other one."""

_RUN = """
@delegations
config_index config_index_html config_index_forbidden_403 config_index_forbidden_html_403 config_index_token
config_index_anonymous_403
@at:13:38:16
config_drain config_index_after_drain config_undrain config_drain_400_host_not_found config_drain_400_invalid
config_drain_400_text_plain config_drain_forbidden_403 config_index_accept_any
config_global_get config_global_set
@at:13:38:21
config_global_set_vo config_global_get_after_set
@at:13:38:26
config_global_set_form config_global_400_unknown_field config_global_400_wrong_type config_global_400_wrong_type_list
config_global_400_not_object config_global_400_bad_json config_global_html config_global_delete
config_global_delete_atlas config_global_delete_400_missing_vo config_global_delete_400_star
config_global_delete_unknown_vo config_global_forbidden_403 config_global_get_token
config_audit config_audit_html config_audit_forbidden_403
@at:13:38:31
config_global_set_accept_any config_global_delete_dteam_again
@at:13:39:15
config_links_set config_links_set_defaults config_links_set_update config_links_400_missing_symbolicname
config_links_400_min_gt_max config_links_400_active_not_int config_links_400_unknown_field
config_links_400_no_delegation_type config_links_list config_links_list_html config_links_get config_links_get_404
config_links_list_forbidden_403 config_links_set_token
config_shares_set config_shares_set_2 config_shares_list config_shares_400_bad_share config_shares_400_negative
config_shares_400_missing config_shares_400_invalid_url config_shares_400_invalid_dest config_shares_delete
config_shares_delete_400_missing config_shares_delete_unknown config_shares_list_after_delete
config_shares_forbidden_403
config_se_set config_se_set_ops_only config_se_get config_se_get_one config_se_get_unknown config_se_get_html
config_se_400_bad_tpc config_se_400_wrong_type config_se_400_unknown_field config_se_400_malformed config_se_delete
config_se_delete_400_missing config_se_forbidden_403
config_authorize_add config_authorize_add_existing config_authorize_400_admin config_authorize_400_missing
config_authorize_list config_authorize_list_filtered config_authorize_list_html whoami_bob_granted_config
config_audit_bob_granted config_authorize_forbidden_token_403 config_authorize_forbidden_403
@at:13:39:16
config_authorize_remove config_authorize_remove_400_missing config_authorize_remove_400_admin
config_audit_bob_revoked_403
config_activity_shares_set config_activity_shares_set_list config_activity_shares_list
config_activity_shares_list_html config_activity_shares_get config_activity_shares_get_unknown_500
config_activity_shares_400_missing_vo config_activity_shares_400_missing_share config_activity_shares_400_weight
config_activity_shares_delete config_activity_shares_delete_404 config_activity_shares_token_403
config_cloud_storage_set config_cloud_storage_400_missing config_cloud_storage_list config_cloud_storage_get
config_cloud_storage_add_user config_cloud_storage_add_vo config_cloud_storage_add_400_both
config_cloud_storage_add_400_none config_cloud_storage_get_users config_cloud_storage_list_with_users
config_cloud_storage_list_html config_cloud_storage_get_404 config_cloud_storage_remove_user
config_cloud_storage_remove_user_404 config_cloud_storage_remove config_cloud_storage_remove_404
config_cloud_storage_forbidden_403
@at:13:39:51
optimizer_enabled optimizer_enabled_anonymous optimizer_trailing_slash_404 optimizer_evolution_empty
optimizer_current_empty optimizer_current_set optimizer_current_set_anonymous optimizer_current_set_form
optimizer_current_400_missing optimizer_current_400_not_int optimizer_current_400_negative
optimizer_current_set_unknown_key optimizer_current optimizer_current_filtered optimizer_current_filtered_none
optimizer_evolution optimizer_evolution_filtered optimizer_current_token
@at:13:39:52
@jobs
status_hosts_forbidden_403
@sim_hosts
sim_status_hosts status_hosts_token_403
@sim_null_host
sim_status_hosts_null_host
force_start force_start_files_after force_start_again force_start_empty_list force_start_400_not_ints
force_start_400_not_list force_start_400_malformed force_start_400_charset force_start_forbidden_403
force_start_token_403
@at:13:39:53
jobs_cancel_vo_forbidden_403 jobs_cancel_vo_token_403 jobs_cancel_vo_root jobs_cancel_vo_after jobs_cancel_vo_nothing
archive_index_no_slash
@archive
sim_archive_get_moved sim_archive_get_field_files sim_archive_get_field_reason sim_archive_get_field_404
sim_archive_get_403_other_user sim_archive_get_root sim_archive_get_token sim_archive_get_anonymous_403
sim_archive_job_get_404 archive_get_multiple_404
whoami_certificate_proxy whoami_certificate_root whoami_certificate_token_403 whoami_certificate_anonymous_403
delegation_voms_no_voms_500 delegation_voms_400_not_list delegation_voms_400_bad_json delegation_voms_403_other_id
delegation_voms_no_credential_500 delegation_voms_token_403 delegation_get_after_voms
autocomplete_dn_default autocomplete_dn autocomplete_source autocomplete_source_default autocomplete_destination
autocomplete_storage autocomplete_vo_default autocomplete_vo autocomplete_vo_token autocomplete_dn_forbidden_403
autocomplete_unknown_kind_404
dm_list dm_list_empty_list_400 dm_list_not_dir_400 dm_list_400_missing_surl dm_list_400_file_scheme
dm_list_unknown_scheme dm_list_proxy dm_list_root dm_stat dm_stat_404 dm_stat_403 dm_stat_503 dm_stat_500_other_errno
dm_stat_400_missing_surl dm_stat_post_405 dm_stat_no_delegation_419 dm_stat_token_419 dm_stat_anonymous_403 dm_unlink
dm_unlink_404 dm_unlink_empty_surl_500 dm_unlink_missing_surl_500 dm_unlink_400_charset dm_unlink_400_bad_json
dm_unlink_not_object_500 dm_unlink_get_404 dm_mkdir_mock_unsupported_400 dm_mkdir_empty_surl_500
dm_mkdir_no_delegation_419 dm_rmdir_mock_unsupported_400 dm_rmdir_missing_surl_500 dm_rename_mock_unsupported_400
dm_rename_missing_new_500 dm_rename_empty_old_500 dm_mkdir_token_419
@at:13:41:35
config_links_delete config_links_delete_unknown config_links_get_after_delete_404 config_links_delete_forbidden_403
config_audit_after_all
"""
RUN = _RUN.split()


def _changes_state(step: str) -> bool:
    if step.startswith("@"):
        return True
    rec = load(step, ADMIN)
    return rec.method != "GET" and rec.status < 400


@dataclass(frozen=True)
class Answer:
    """What came back: the response (its body possibly cut short), the bytes received, the transport error."""

    response: httpx.Response
    body: bytes
    transport_error: str | None


class AdminWorld(World):
    """The fake as the admin-api recording run left it, step by step."""

    def __init__(self, credentials: Credentials, keys: KeyPool, host: IssuedCertificate) -> None:
        super().__init__(credentials, keys, start=START, first_file_id=FIRST_FILE_ID, voms_clients=False)
        ca = credentials.pki.ca_cert.public_bytes(Encoding.PEM).decode()
        self.identities["alice_proxy"] = Identity.from_chain(credentials.proxy.chain)
        self.identities["root"] = Identity.certificate(HOST, chain_pem=host.cert_path.read_text() + ca)
        # The token of this run came from another issuer: its delegation id is run-specific.
        self.ids[TOKEN_DELEGATION_ID] = self.call("token", "GET", "/whoami").json()["delegation_id"]

    def send(self, rec: Recording) -> Answer:
        """The recorded request, with the run's ids, as its recorded caller with its recorded headers."""
        headers = dict(rec.request_headers)
        content = None if rec.request_text is None else self.to_fake(rec.request_text).encode()
        params = {key: self.to_fake(value) for key, value in rec.query.items()}
        client = self.client(WHO.get(rec.name, "root"))
        request = client.build_request(
            rec.method, self.to_fake(rec.path), params=params, content=content, headers=headers
        )
        response = client.send(request, stream=True)
        received, error = bytearray(), None
        try:
            for chunk in response.iter_bytes():
                received += chunk
        except httpx.RemoteProtocolError as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            response.close()
        return Answer(response, bytes(received), error)

    def step(self, step: str) -> None:
        if step.startswith("@at:"):
            hours, minutes, seconds = (int(part) for part in step[4:].split(":"))
            target = START.replace(hour=hours, minute=minutes, second=seconds)
            self.fake.clock.advance(max(target - self.fake.clock.now(), timedelta(0)))
        elif step.startswith("@"):
            getattr(self, step[1:])()
        else:
            rec = load(step, ADMIN)
            assert self.send(rec).response.status_code == rec.status, f"step {step}"

    # --- set-up done outside the API ---

    def delegations(self) -> None:
        """Alice and root delegated a 12 h proxy with the official client before the recordings."""
        self.fake.add_delegation(self.identities["alice"])
        self.fake.add_delegation(self.identities["root"])

    def jobs(self) -> None:
        """Alice's jobs of the admin chapter (two transfers, two to force-start, one to archive) and one of root."""
        self.submit("alice", _job("hosts", 2), JOB_A)
        self.submit("alice", _job("force", 2), FORCE_JOB)
        self.submit("alice", _job("arch", 1), ARCHIVED_JOB)
        assert self.call("root", "POST", "/jobs", json=_job("root", 1)).status_code == 200

    def sim_hosts(self) -> None:
        """As the daemon would: one file ACTIVE on fts-node1, the other STARTED on fts-node2."""
        job_id = self.ids[JOB_A]
        self.fake.update_file(job_id, FIRST_FILE_ID, file_state="ACTIVE", transfer_host="fts-node1.example.org")
        self.fake.update_file(job_id, FIRST_FILE_ID + 1, file_state="STARTED", staging_host="fts-node2.example.org")

    def sim_null_host(self) -> None:
        self.fake.update_file(self.ids[JOB_A], FIRST_FILE_ID, transfer_host=None)

    def archive(self) -> None:
        """The db cleaner's move of the canceled job into the archive tables."""
        self.fake.archive(self.ids[ARCHIVED_JOB])


def _job(name: str, files: int) -> dict[str, Any]:
    return {
        "files": [
            {
                "sources": [f"gsiftp://source.example.org/{name}/f{n}"],
                "destinations": [f"gsiftp://dest.example.org/{name}/f{n}"],
            }
            for n in range(files)
        ]
    }


@pytest.fixture(scope="module")
def host_certificate(credentials: Credentials) -> IssuedCertificate:
    return credentials.pki.issue_host("localhost")


@pytest.fixture
def admin_world(
    credentials: Credentials, fts_key_pool: KeyPool, host_certificate: IssuedCertificate
) -> Iterator[World]:
    built = AdminWorld(credentials, fts_key_pool, host_certificate)
    yield built
    built.close()


_TITLE = re.compile(r"<title>[^<]*?FTS3 - ([^<]*)</title>")


def _title(text: str) -> str | None:
    match = _TITLE.search(text)
    return match.group(1) if match else None


def _sorted(value: Any) -> Any:
    return sorted(value, key=repr) if isinstance(value, list) else value


@pytest.mark.parametrize("name", names(ADMIN))
def test_recording(name: str, admin_world: AdminWorld) -> None:
    assert name in RUN, f"recording {name!r} is not placed in RUN of tests/test_testing_admin.py"
    for step in RUN[: RUN.index(name)]:
        if _changes_state(step):
            admin_world.step(step)
    rec = load(name, ADMIN)
    answer = admin_world.send(rec)
    assert answer.response.status_code == rec.status, answer.body[:2000]
    assert answer.response.headers.get("content-type") == expected_content_type(rec), "content-type (none on a 204)"
    for header, value in rec.headers.items():
        assert answer.response.headers.get(header) == value, header
    assert answer.transport_error == rec.transport_error
    text = answer.body.decode()
    if rec.transport_error is not None:
        assert text == rec.body_text
    elif rec.is_text and _title(rec.body_text) is not None:
        assert _title(text) == _title(rec.body_text)
    elif rec.is_text:
        assert_same_text(rec.body_text, text)
    elif isinstance(rec.body, str) and _title(rec.body) is not None:
        assert _title(answer.response.json()) == _title(rec.body), "the HTML page inside a JSON string"
    elif name in UNORDERED:
        assert_same_shape(_sorted(rec.body), _sorted(admin_world.to_recorded(answer.response.json())))
    else:
        assert_same_shape(rec.body, admin_world.to_recorded(answer.response.json()))


def test_every_recording_is_placed_once() -> None:
    placed = [step for step in RUN if not step.startswith("@")]
    assert sorted(placed) == sorted(names(ADMIN))
    assert len(placed) == len(set(placed))
    assert set(WHO) <= set(placed)
