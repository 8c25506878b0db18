"""Contract test of the third recording set (behind Apache httpd): each exchange replayed against FakeFTS.

Same machinery and rules as `tests/test_testing.py` (`World`, `replay`, `check_answer`); the users of this set
are throwaway ones, Carol and Dave, whose jobs are built here as the recording run built them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fts3sdk.testing import Identity, KeyPool
from tests.recordings import load, names
from tests.test_testing import Case, Credentials, World, check_answer, replay
from tests.test_testing import credentials as credentials  # the fixture: Alice's certificate and proxy

CAROL = "/DC=org/DC=example/O=Test/CN=Carol-05438ca0"
DAVE = "/DC=org/DC=example/O=Test/CN=Dave-05438ca0"
JOB_ONE_FILE = "36b0d624-ed8d-11f1-993b-02fc00000001"
JOB_TWO_FILES = "36b230be-ed8d-11f1-92b4-02fc00000001"
UUID1 = r"[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"
SQL_HASH = r"(?<=\[parameters: \()\d+"
"""The random ``hashed_id``, first parameter of the ``t_file`` insert in an SQL error message."""

CAROL_DLG = ("carol_delegation",)
CASES: dict[str, Case] = {
    "ban_post_405": Case("alice"),
    "delegation_delete_204_apache": Case("dave", ("dave_delegation",)),
    "delegation_page_500": Case("alice"),
    "files_list_anonymous_403": Case("anon"),
    "job_cancel_files_trailing_slash_405": Case("carol", ("carol_jobs",)),
    "job_cancel_trailing_slash_405": Case("carol", ("carol_jobs",)),
    "jobs_get_duplicate_ids_with_files": Case("carol", ("carol_jobs",)),
    "jobs_get_repeated_ids_with_files_3": Case("carol", ("carol_jobs",)),
    "jobs_list_token_bad_signature_403": Case("bad_signature"),
    "jobs_list_token_unverifiable_403": Case("unverifiable"),
    "path_dot_segments_merged": Case("alice"),
    "submit_400_empty_sources_no_destinations": Case("carol", CAROL_DLG),
    "submit_400_job_metadata_too_large": Case("carol", CAROL_DLG),
    "submit_400_overwrite_disk_not_https": Case("carol", CAROL_DLG),
    "submit_409_source_tokens_only_cert_user": Case("carol", CAROL_DLG, masks=(SQL_HASH, UUID1)),
    "submit_500_files_item_list": Case("carol", CAROL_DLG),
    "submit_500_files_string": Case("carol", CAROL_DLG),
    "submit_500_filesize_out_of_range": Case("carol", CAROL_DLG),
    "submit_500_non_ascii_url": Case("carol", CAROL_DLG),
    "submit_500_retry_out_of_range": Case("carol", CAROL_DLG),
    "submit_token_unverifiable_403": Case("unverifiable"),
    "unban_dn_204_apache": Case("root", ("ban_dave",)),
    "unban_se_204_apache": Case("root", ("ban_storage",)),
    "unban_se_not_banned_204_apache": Case("root"),
    "whoami_token_bad_signature_anonymous": Case("bad_signature"),
    "whoami_token_unverifiable_anonymous": Case("unverifiable"),
}


def _transfer(tag: str, index: int) -> dict[str, Any]:
    return {
        "sources": [f"mock://src-05438ca0.example.org/diff/{tag}/f{index}"],
        "destinations": [f"mock://dst-05438ca0.example.org/diff/{tag}/f{index}"],
    }


class ApacheWorld(World):
    """The recording run of the third set: Carol's and Dave's jobs, delegations and bans."""

    def __init__(self, credentials: Credentials, keys: KeyPool) -> None:
        super().__init__(credentials, keys)
        self.identities |= {
            "carol": Identity.certificate(CAROL),
            "dave": Identity.certificate(DAVE),
            "unverifiable": Identity.bearer("not-a-jwt"),
            "bad_signature": Identity.bearer("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"),
        }

    def carol_delegation(self) -> None:
        self.fake.add_delegation(self.identities["carol"])

    def dave_delegation(self) -> None:
        self.fake.add_delegation(self.identities["dave"])

    def carol_jobs(self) -> None:
        """Two jobs of Carol's: one with one transfer, one with two (the ids the recordings ask for)."""
        self.carol_delegation()
        self.submit("carol", {"files": [_transfer("dup", 0)]}, JOB_ONE_FILE, (8872392251,))
        self.submit(
            "carol", {"files": [_transfer("dup3", 0), _transfer("dup3", 1)]}, JOB_TWO_FILES, (8872392252, 8872392253)
        )

    def ban_dave(self) -> None:
        assert self.call("root", "POST", "/ban/dn", json={"user_dn": DAVE}).status_code == 200

    def ban_storage(self) -> None:
        storage = load("unban_se_204_apache", "differences").query["storage"]
        assert self.call("root", "POST", "/ban/se", json={"storage": storage}).status_code == 200


@pytest.fixture
def apache_world(credentials: Credentials, fts_key_pool: KeyPool) -> Iterator[ApacheWorld]:
    built = ApacheWorld(credentials, fts_key_pool)
    yield built
    built.close()


@pytest.mark.parametrize("name", names("differences"))
def test_recording(name: str, apache_world: ApacheWorld) -> None:
    if name not in CASES:
        pytest.fail(f"recording {name!r} has no setup: add it to CASES in tests/test_testing_differences.py")
    recording, case = load(name, "differences"), CASES[name]
    for step in case.steps:
        getattr(apache_world, step)()
    check_answer(apache_world, recording, case, replay(apache_world, recording, case))


def test_every_case_is_a_recording() -> None:
    assert sorted(CASES.keys() - set(names("differences"))) == []
