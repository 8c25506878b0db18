"""Every recorded server answer validates into the models; the wire quirks are converted at the edge."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from fts3sdk import errors
from fts3sdk.models import (
    ArchivedJob,
    CancelAllResult,
    ChecksumMode,
    DataManagement,
    Delegation,
    EndpointInfo,
    File,
    FileRetry,
    FileState,
    Job,
    JobState,
    JobStatusEntry,
    JobType,
    OverwriteMode,
    PartialJob,
    StorageBan,
    UserBan,
    Version,
    WhoAmI,
)
from tests.recordings import Recording, load, names

JobOrEntry = TypeAdapter(list[Job | JobStatusEntry])


def _adapter_for(rec: Recording) -> TypeAdapter[Any] | None:
    """The model a successful answer to this request must validate into (None: not a JSON model)."""
    parts = [p for p in rec.path.split("/") if p]
    method = rec.method
    if rec.is_text or (not parts and method != "GET"):
        return None
    if not parts:
        return TypeAdapter(EndpointInfo)
    head = parts[0]
    if head == "whoami" and len(parts) == 1:
        return TypeAdapter(WhoAmI)
    if head == "delegation" and len(parts) == 2:
        return TypeAdapter(Delegation | None) if rec.body != [] else TypeAdapter(list[Any])
    if head == "ban":
        model = StorageBan if parts[1] == "se" else UserBan
        return TypeAdapter(list[model] if method == "GET" else list[str])  # type: ignore[valid-type]
    if head == "files":
        return TypeAdapter(list[File])
    if head == "archive":
        return TypeAdapter(ArchivedJob) if len(parts) == 2 else TypeAdapter(Any)
    if head == "jobs":
        return _jobs_adapter(rec, parts)
    return TypeAdapter(Any)


def _jobs_adapter(rec: Recording, parts: list[str]) -> TypeAdapter[Any]:
    if len(parts) == 1:
        if rec.method == "POST":
            return TypeAdapter(dict[str, str])
        return TypeAdapter(list[PartialJob] if "fields" in rec.query else list[Job])
    if parts[1] == "all" and rec.method == "DELETE":
        return TypeAdapter(CancelAllResult)
    if len(parts) == 2:
        if "," in parts[1]:
            partial = "files" in rec.query
            return TypeAdapter(list[PartialJob | JobStatusEntry]) if partial else JobOrEntry
        return TypeAdapter(Job)
    tail = parts[2:]
    if tail == ["files"]:
        return TypeAdapter(list[File])
    if tail == ["dm"]:
        return TypeAdapter(list[DataManagement])
    if tail[-1] == "retries":
        return TypeAdapter(list[FileRetry])
    if tail[0] == "files":
        return TypeAdapter(str | list[str])
    return TypeAdapter(Any)


def _extras(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, BaseModel):
        found += [f"{type(value).__name__}.{key}" for key in value.model_extra or {}]
        for field in type(value).model_fields:
            found += _extras(getattr(value, field))
    elif isinstance(value, list):
        for item in value:
            found += _extras(item)
    return found


@pytest.mark.parametrize("name", names())
def test_every_recording_validates(name: str) -> None:
    rec = load(name)
    if rec.status >= 400 or (rec.status == 207 and rec.method != "GET"):
        error = errors.from_response(_response(rec))
        assert isinstance(error, errors.FTS3ClientException)
        assert error.status_code == rec.status
        return
    adapter = _adapter_for(rec)
    if adapter is None:
        assert isinstance(rec.body, dict)
        assert set(rec.body) == {"text"}
        return
    from_python = adapter.validate_python(rec.body)
    from_json = adapter.validate_json(rec.body_text)
    assert from_python == from_json
    assert _extras(from_python) == [], "current recordings must have no unknown fields (drift alarm)"
    assert adapter.dump_python(from_python, mode="json", exclude_unset=True) == rec.body


def _response(rec: Recording) -> httpx.Response:
    request = httpx.Request(rec.method, f"https://fts.example.org:8446{rec.path}")
    return httpx.Response(rec.status, text=rec.body_text, headers=rec.headers, request=request)


EXPECTED_ERRORS: dict[int, type[errors.FTS3ClientException]] = {
    400: errors.ClientError,
    401: errors.Unauthorized,
    403: errors.Unauthorized,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    409: errors.ClientError,
    419: errors.NeedDelegation,
    207: errors.ClientError,
}


@pytest.mark.parametrize("name", [n for n in names() if load(n).status >= 400 or load(n).status == 207])
def test_error_recordings_map_to_the_official_classes(name: str) -> None:
    rec = load(name)
    error = errors.from_response(_response(rec))
    assert type(error) is EXPECTED_ERRORS[rec.status]
    assert error is not None
    assert error.body == rec.body_text
    assert error.message, "the server's explanation is kept"


def test_job_quirks_are_converted_at_the_edge() -> None:
    job = Job.model_validate(load("job_get").body)
    assert job.job_state is JobState.SUBMITTED
    assert not job.is_terminal
    assert job.job_type is JobType.REGULAR
    assert job.verify_checksum is ChecksumMode.BOTH
    assert job.submit_time == datetime(2026, 11, 27, 21, 38, 44, tzinfo=timezone.utc)
    assert job.overwrite_flag is None
    assert job.http_status_code == 200
    assert isinstance(job.job_metadata, dict)


def test_unknown_state_is_kept_and_dumped_again() -> None:
    body = dict(load("job_get").body, job_state="TELEPORTING", brand_new_field={"x": 1})
    for job in (Job.model_validate(body), Job.model_validate_json(json.dumps(body))):
        assert isinstance(job.job_state, JobState)
        assert job.job_state == "TELEPORTING"
        assert not job.job_state.is_known
        assert not job.job_state.is_terminal
        assert job.job_state.name == "UNKNOWN_TELEPORTING"
        assert job.model_extra == {"brand_new_field": {"x": 1}}
        assert job.model_dump(mode="json", exclude_unset=True) == body


@pytest.mark.parametrize(
    ("wire", "mode"),
    [
        ("b", ChecksumMode.BOTH),
        (True, ChecksumMode.BOTH),
        (False, ChecksumMode.NONE),
        ("target", ChecksumMode.TARGET),
        ("d", ChecksumMode.DESTINATION),
        (None, None),
    ],
)
def test_verify_checksum_forms(wire: object, mode: ChecksumMode | None) -> None:
    body = dict(load("job_get").body, verify_checksum=wire)
    assert Job.model_validate(body).verify_checksum == mode


def test_unknown_checksum_letter_is_kept() -> None:
    job = Job.model_validate(dict(load("job_get").body, verify_checksum="Y"))
    assert job.verify_checksum == "Y"
    assert job.verify_checksum is not None
    assert not job.verify_checksum.is_known


@pytest.mark.parametrize(
    ("wire", "mode"),
    [
        ("Y", OverwriteMode.OVERWRITE),
        (True, OverwriteMode.OVERWRITE),
        (False, None),
        ("Q", OverwriteMode.HOP_AND_WHEN_ONLY_ON_DISK),
    ],
)
def test_overwrite_flag_forms(wire: object, mode: OverwriteMode | None) -> None:
    assert Job.model_validate(dict(load("job_get").body, overwrite_flag=wire)).overwrite_flag == mode


@pytest.mark.parametrize(("wire", "value"), [("Y", True), ("N", False), ("", False), (None, False), (True, True)])
def test_yes_no_flags(wire: object, value: bool) -> None:
    assert Job.model_validate(dict(load("job_get").body, dst_file_report=wire)).dst_file_report is value


def test_metadata_takes_every_json_form() -> None:
    for metadata in ({"a": 1}, "plain text", None, 3, [1, "x"], True):
        job = Job.model_validate(dict(load("job_get").body, job_metadata=metadata))
        assert job.job_metadata == metadata


def test_aware_timestamps_are_converted_to_utc() -> None:
    info = Delegation.model_validate({"termination_time": "2024-05-01T14:00:00+0200", "voms_attrs": [""]})
    assert info.termination_time == datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert info.model_dump(mode="json")["termination_time"] == "2024-05-01T12:00:00"


def test_endpoint_info_versions_are_comparable() -> None:
    info = EndpointInfo.model_validate(load("get_root").body)
    assert info.api == Version(major=3, minor=13, patch=4)
    assert info.api >= (3, 12)
    assert info.api < Version.model_validate("3.14.0")
    assert info.core_versions == []
    core = EndpointInfo.model_validate({**load("get_root").body, "core": {"major": "3", "minor": "12", "patch": "1"}})
    assert core.core_versions == [Version(major=3, minor=12, patch=1)]
    several = EndpointInfo.model_validate(
        {**load("get_root").body, "core": [{"major": "3", "minor": "1", "patch": "0"}]}
    )
    assert several.core_versions[0] < (3, 12)


def test_anonymous_whoami_has_no_levels() -> None:
    who = WhoAmI.model_validate(load("whoami_anonymous").body)
    assert who.level == {}
    assert who.vo is None


def test_multi_status_answer_mixes_jobs_and_entries() -> None:
    items = JobOrEntry.validate_python(load("jobs_get_multiple_207").body)
    assert isinstance(items[0], Job)
    assert isinstance(items[1], JobStatusEntry)
    assert items[1].status_code == 404


def test_archived_job_files_keep_integer_failures() -> None:
    archived = ArchivedJob.model_validate(load("sim_archive_get").body)
    assert all(f.file_state is FileState.FINISHED for f in archived.files)
    assert archived.files[0].tx_duration == 12.5


def test_retry_embeds_the_whole_file() -> None:
    retries = TypeAdapter(list[FileRetry]).validate_python(load("sim_job_file_retries").body)
    assert retries[0].file is not None
    assert retries[0].file.file_id == retries[0].file_id


def test_models_are_immutable_and_picklable() -> None:
    job = Job.model_validate(load("job_get").body)
    with pytest.raises(ValidationError):
        job.priority = 5  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(job)) == job


def test_missing_required_field_is_an_error() -> None:
    body = dict(load("job_get").body)
    del body["job_state"]
    with pytest.raises(ValidationError, match="job_state"):
        Job.model_validate(body)
    assert PartialJob.model_validate(body).job_state is None


@given(st.text())
def test_unknown_state_strings_never_fail(value: str) -> None:
    state = FileState(value)
    assert state == value
    assert state.is_known == (value in FileState.__members__.values())
    assert str(state) == value


def test_committed_schemas_are_current() -> None:
    from fts3sdk._schemas import stale

    assert stale() == [], "run: python -m fts3sdk._schemas"


@pytest.mark.parametrize(
    ("schema", "recording"),
    [
        ("Job", "job_get"),
        ("WhoAmI", "whoami_anonymous"),
        ("WhoAmI", "whoami_token"),
        ("EndpointInfo", "get_root"),
        ("ArchivedJob", "sim_archive_get"),
        ("Delegation", "delegation_get"),
    ],
)
def test_schemas_accept_recorded_answers(schema: str, recording: str) -> None:
    import jsonschema

    from fts3sdk._schemas import SCHEMA_DIR

    document = json.loads((SCHEMA_DIR / f"{schema}.json").read_text())
    jsonschema.validate(load(recording).body, document)


def test_schemas_reject_wrong_types() -> None:
    import jsonschema

    from fts3sdk._schemas import SCHEMA_DIR

    document = json.loads((SCHEMA_DIR / "Job.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dict(load("job_get").body, priority="high"), document)


def test_public_api_surface() -> None:
    import fts3sdk
    import fts3sdk.models

    assert set(fts3sdk.__all__) == set(fts3sdk._WHERE) | {"errors", "__version__"}
    exported_models = set(fts3sdk.models.__all__) - {"FTSModel", "SpecModel", "OpenEnum", "UTCDateTime", "YNBool"}
    assert exported_models <= set(fts3sdk.__all__)
    for name in fts3sdk.__all__:
        assert getattr(fts3sdk, name) is not None
    with pytest.raises(AttributeError):
        fts3sdk.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018


def test_import_is_lazy() -> None:
    import subprocess
    import sys

    code = "import sys, fts3sdk; print(sorted(m for m in ('httpx', 'pydantic', 'cryptography') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = "import sys; from fts3sdk import Client, Job; print('cryptography' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "cryptography is loaded only when delegation or credentials need it"


@given(st.one_of(st.text(max_size=40), st.datetimes(), st.datetimes(timezones=st.timezones())))
def test_timestamps_are_aware_utc_or_refused(value: object) -> None:
    body = dict(load("job_get").body, submit_time=value)
    try:
        job = Job.model_validate(body)
    except ValidationError as exc:
        assert "submit_time" in str(exc)
    else:
        assert job.submit_time.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    ["2024-05-01T12:00:00", "2024-05-01T14:00:00+0200", "2024-05-01T12:00:00Z", "2024-05-01 12:00:00.000000",
     " 2024-05-01T12:00:00 ", "2024-05-01T08:00:00-0400"],
)  # fmt: skip
def test_every_server_time_form_reads_as_the_same_instant(text: str) -> None:
    job = Job.model_validate(dict(load("job_get").body, submit_time=text))
    assert job.submit_time == datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
