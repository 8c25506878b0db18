"""Every recorded answer of the admin API validates into its model, with no unknown field (the drift alarm)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from fts3sdk import errors
from fts3sdk.models import (
    ActivityShareConfig,
    ActivityShares,
    ArchivedFile,
    ArchivedJob,
    AuthorizationByDn,
    CancelAllResult,
    CloudStorage,
    CloudStorageUser,
    ConfigAudit,
    Delegation,
    DirectoryEntry,
    File,
    ForceStartRefusal,
    GlobalConfig,
    Host,
    HostActivity,
    Job,
    LinkConfig,
    Optimizer,
    OptimizerEvolution,
    OptimizerUpdate,
    ShareConfig,
    StatInfo,
    StorageConfig,
    TpcSupport,
    WhoAmI,
)
from tests.recordings import Recording, SetName, load, names
from tests.test_models import _extras, _response

ADMIN: SetName = "admin-api"
NO_MODEL = object()
"""An answer the SDK never reads: ``POST /config/global`` (cut short, or the HTML page in a JSON string)."""

_CONFIG: dict[tuple[str, str], Any] = {
    ("GET", ""): list[Host],
    ("POST", "drain"): None,
    ("GET", "audit"): list[ConfigAudit],
    ("GET", "global"): dict[str, GlobalConfig],
    ("POST", "global"): NO_MODEL,
    ("POST", "links"): LinkConfig,
    ("GET", "links"): list[LinkConfig],
    ("GET", "links/*"): LinkConfig,
    ("POST", "shares"): int,
    ("GET", "shares"): list[ShareConfig],
    ("POST", "se"): StorageConfig,
    ("GET", "se"): dict[str, StorageConfig],
    ("POST", "authorize"): AuthorizationByDn,
    ("GET", "authorize"): list[AuthorizationByDn],
    ("POST", "activity_shares"): ActivityShareConfig,
    ("GET", "activity_shares"): dict[str, ActivityShares],
    ("GET", "activity_shares/*"): ActivityShares,
    ("GET", "cloud_storage"): list[CloudStorage],
    ("GET", "cloud_storage/*"): list[CloudStorageUser],
    ("POST", "cloud_storage/*"): CloudStorageUser,
}
_OTHER: dict[tuple[str, str], Any] = {
    ("GET", "/optimizer"): bool,
    ("GET", "/optimizer/evolution"): list[OptimizerEvolution],
    ("GET", "/optimizer/current"): list[Optimizer],
    ("POST", "/optimizer/current"): OptimizerUpdate,
    ("GET", "/status/hosts"): dict[str, HostActivity],
    ("GET", "/dm/list"): dict[str, DirectoryEntry],
    ("GET", "/dm/stat"): StatInfo,
    ("POST", "/dm/unlink"): int,
    ("POST", "/admin/force-start"): list[ForceStartRefusal],
    ("GET", "/whoami"): WhoAmI,
    ("GET", "/archive"): dict[str, Any],
}
EXPECTED_EXTRAS = {
    # The caller sent an unknown key; the server echoes it back on both objects without storing it.
    "optimizer_current_set_unknown_key": ["OptimizerEvolution.colour", "Optimizer.colour"],
}
LOSSY = {
    # Flags sent as "0" strings are read as booleans; the [se_info, operations] pair is read as one object.
    "config_se_get",
    "config_se_get_one",
    "config_se_set",
    "config_se_set_ops_only",
    # The [evolution, optimizer] pair is read as one object, each side without the other's echoed keys.
    "optimizer_current_set",
    "optimizer_current_set_anonymous",
    "optimizer_current_set_form",
    "optimizer_current_set_unknown_key",
}


def _wildcard(parts: list[str]) -> str:
    return "/".join(parts[:1] + ["*"] * (len(parts) > 1))


def adapter_for(rec: Recording) -> TypeAdapter[Any] | None:
    """The type a successful answer of the admin API must validate into (None: not JSON)."""
    parts = [p for p in rec.path.split("/") if p]
    if rec.is_text:
        return None
    if parts[0] == "config":
        kind = _CONFIG[(rec.method, _wildcard(parts[1:]))]
        return None if kind is NO_MODEL else TypeAdapter(kind)
    if parts[0] == "autocomplete":
        return TypeAdapter(list[str])
    if parts[0] == "delegation":
        return TypeAdapter(Delegation)
    if parts[0] == "archive":
        field = list[ArchivedFile] if parts[-1] == "files" else Any
        return TypeAdapter({2: ArchivedJob, 3: field}.get(len(parts), Any))
    if parts[0] == "jobs":
        if rec.method == "DELETE":
            return TypeAdapter(CancelAllResult)
        return TypeAdapter(list[File] if parts[-1] == "files" else Job)
    return TypeAdapter(_OTHER[(rec.method, rec.path)])


@pytest.mark.parametrize("name", names(ADMIN))
def test_every_recording_validates(name: str) -> None:
    rec = load(name, ADMIN)
    if rec.status >= 400:
        error = errors.from_response(_response(rec))
        assert isinstance(error, errors.FTS3ClientException)
        assert error.status_code == rec.status
        assert error.message, "the server's explanation is kept"
        return
    adapter = adapter_for(rec)
    if adapter is None:
        assert rec.is_text or name == "config_global_set_accept_any", name
        return
    value = adapter.validate_python(rec.body)
    assert adapter.validate_json(rec.body_text) == value
    assert _extras(value) == EXPECTED_EXTRAS.get(name, []), "recordings must have no unknown fields (drift alarm)"
    dumped = adapter.dump_python(value, mode="json", exclude_unset=True)
    if name in LOSSY:
        assert adapter.validate_python(dumped) == value
    else:
        assert dumped == rec.body


def test_every_successful_json_answer_has_a_model() -> None:
    untyped = [
        n
        for n in names(ADMIN)
        if load(n, ADMIN).status < 400
        and adapter_for(load(n, ADMIN)) is None
        and not load(n, ADMIN).is_text
        and n != "config_global_set_accept_any"
    ]
    assert untyped == []


EXPECTED_ERRORS: dict[int, type[errors.FTS3ClientException]] = {
    400: errors.ClientError,
    403: errors.Unauthorized,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    419: errors.NeedDelegation,
    500: errors.ServerError,
    503: errors.TryAgain,
}


@pytest.mark.parametrize("name", [n for n in names(ADMIN) if load(n, ADMIN).status >= 400])
def test_error_recordings_map_to_the_official_classes(name: str) -> None:
    rec = load(name, ADMIN)
    error = errors.from_response(_response(rec))
    assert type(error) is EXPECTED_ERRORS[rec.status]


def test_flags_and_codes_are_read_for_their_meaning() -> None:
    storages = TypeAdapter(dict[str, StorageConfig]).validate_python(load("config_se_get", ADMIN).body)
    info = storages["gsiftp://se.example.org"].se_info
    assert info is not None
    assert (info.ipv6, info.udt, info.skip_eviction) == (True, False, False)
    assert info.tpc_support is TpcSupport.FULL
    assert storages["gsiftp://se2.example.org"].se_info is None
    assert storages["gsiftp://se2.example.org"].operations == {"atlas": {"delete": 5}}


def test_the_optimizer_echo_is_split_between_its_two_objects() -> None:
    update = OptimizerUpdate.model_validate(load("optimizer_current_set", ADMIN).body)
    assert update.optimizer.nostreams == 2
    assert update.evolution.rationale == "harness recording"
    form = OptimizerUpdate.model_validate(load("optimizer_current_set_form", ADMIN).body)
    assert form.optimizer.active == 3, "form values come back as strings"


def test_audit_config_text_is_parsed_when_it_is_json() -> None:
    entries = TypeAdapter(list[ConfigAudit]).validate_python(load("config_audit", ADMIN).body)
    assert entries[0].config_json == {"vo_name": "atlas", "retry": 2}
    assert entries[2].config_json is None


def test_listing_modes_read_like_ls() -> None:
    listing = TypeAdapter(dict[str, DirectoryEntry]).validate_python(load("dm_list", ADMIN).body)
    assert listing["subdir/"].is_dir
    assert listing["subdir/"].permissions == "drwxr-xr-x"
    assert listing["file2"].permissions == "-rw-------"
    assert listing["file1"].modified is None


def test_cloud_secrets_stay_out_of_reprs() -> None:
    storage = TypeAdapter(list[CloudStorage]).validate_python(load("config_cloud_storage_list_with_users", ADMIN).body)
    text = repr(storage)
    assert "harness-app-secret" not in text
    assert "alice-secret" not in text
    assert storage[0].users[1].access_token_secret == "alice-secret"
