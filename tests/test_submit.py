"""Submission models: every server 400 that the body alone decides is refused locally, naming the field."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, get_args
from urllib.parse import urlparse

import jsonschema
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fts3sdk.models._limits import url_text_problem
from fts3sdk.models._submit_fields import storage_of, url_problem
from fts3sdk.models.states import ChecksumMode
from fts3sdk.models.submit import DEFAULT_METADATA_SIZE_LIMIT, JobSpec, SelectionStrategy, Transfer
from tests.recordings import SUBMIT_SCHEMA, load

SUCCESSFUL_SUBMITS = [
    "submit_job",
    "submit_job_2",
    "submit_job_deterministic_id",
    "submit_job_token",
    "submit_multihop_job",
    "submit_staging_job",
]

SRC = "gsiftp://source.example.org/data/file1"
DST = "https://dest.example.org/data/file1"


def recorded_body(name: str) -> dict[str, Any]:
    """The request body the official client sent in a recording."""
    body: dict[str, Any] = load(name).request_body
    return body


def without_null_params(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the SDK sends it: the official client's null params dropped (null means "default")."""
    params = {key: value for key, value in body.get("params", {}).items() if value is not None}
    return {"files": body["files"], "params": params}


def transfer(**kwargs: Any) -> Transfer:
    """A valid transfer, with fields overridden."""
    return Transfer.model_validate({"sources": SRC, "destinations": DST, **kwargs})


def refused(match: str, build: Any, *args: Any, **kwargs: Any) -> ValidationError:
    """Assert that build(...) raises a ValidationError whose text matches; return it."""
    with pytest.raises(ValidationError, match=match) as info:
        build(*args, **kwargs)
    return info.value


# --- Transfer ----------------------------------------------------------------------------------------------------


def test_transfer_accepts_a_single_url_or_a_tuple() -> None:
    made = Transfer(sources=SRC, destinations=(DST, "davs://other.example.org/x"))
    assert made.sources == [SRC]
    assert made.destinations == [DST, "davs://other.example.org/x"]
    assert isinstance(made.destinations, list)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "Missing scheme"),
        ("/data/file", "Missing scheme"),
        ("file:///etc/passwd", "Can not transfer local files"),
        ("FILE://host/etc/passwd", "Can not transfer local files"),
        ("gsiftp://host.example.org", "Missing path"),
        ("gsiftp://host.example.org/", "Missing path"),
        ("gsiftp:///data/file", "Missing host"),
        ("https://[::1/data", "Invalid IPv6 URL"),
    ],
)
@pytest.mark.parametrize("field", ["sources", "destinations"])
def test_bad_urls_are_refused_naming_the_field(field: str, url: str, message: str) -> None:
    error = refused(message, transfer, **{field: [DST, url] if field == "destinations" else url})
    assert error.errors()[0]["loc"] == (field,)
    assert url in str(error)


@pytest.mark.parametrize(
    "url",
    [
        "gsiftp://host.example.org/?query",  # "/" is a path when a query follows
        "root://eos.example.org//eos/data/file",
        "https://user@host.example.org:8443/data",
        "davs://[::1]:8443/data",
        "srm://tape.example.org:8446/srm/managerv2?SFN=/data/file",
        "S3://Bucket.Example.org/key;v=1",
        "mock://host/path?size=10",
    ],
)
def test_legitimate_urls_are_accepted(url: str) -> None:
    assert transfer(sources=url, destinations=url).sources == [url]


@pytest.mark.parametrize("field", ["sources", "destinations"])
def test_empty_url_list_is_refused(field: str) -> None:
    error = refused("at least 1 item", transfer, **{field: []})
    assert error.errors()[0]["loc"] == (field,)


def test_misspelt_field_is_refused() -> None:
    refused("checksumm", transfer, checksumm="adler32:1")


@pytest.mark.parametrize("field", ["metadata", "staging_metadata", "archive_metadata"])
def test_metadata_over_the_default_limit_is_refused(field: str) -> None:
    big = {"k": "x" * DEFAULT_METADATA_SIZE_LIMIT}
    error = refused("over the limit of 1024", transfer, **{field: big})
    assert error.errors()[0]["loc"][0] == field
    transfer(**{field: {"k": "x" * 1000}})  # under the limit


def test_metadata_limit_can_be_raised_for_a_server_configured_higher() -> None:
    big = {"k": "x" * 2000}
    made = Transfer.model_validate(
        {"sources": SRC, "destinations": DST, "metadata": big}, context={"metadata_size_limit": 4096}
    )
    assert made.metadata == big
    body = {"files": [{"sources": [SRC], "destinations": [DST], "metadata": big}]}
    assert JobSpec.from_body(body, metadata_size_limit=4096).transfers[0].metadata == big
    refused("over the limit of 1024", JobSpec.from_body, body)


def test_metadata_string_is_kept_and_the_string_limit_applies() -> None:
    assert transfer(metadata="a label").metadata == "a label"
    refused("metadata", transfer, metadata="x" * 2000)


@pytest.mark.parametrize("field", ["staging_metadata", "archive_metadata"])
def test_tape_metadata_must_be_an_object(field: str) -> None:
    refused(field, transfer, **{field: "a string"})


def test_metadata_must_be_json() -> None:
    refused("metadata", transfer, metadata={"when": object()})
    refused("metadata", transfer, metadata=["a", "list"])


def test_filesize_must_not_be_negative() -> None:
    assert transfer(filesize=0).filesize == 0
    refused("filesize", transfer, filesize=-1)


@pytest.mark.parametrize("value", [64, 65536, -1, True, False, "100", 100.0])
def test_scitag_outside_the_range_or_not_an_int_is_refused(value: object) -> None:
    refused("scitag", transfer, scitag=value)


@pytest.mark.parametrize("value", [65, 1000, 65535])
def test_scitag_in_range_is_accepted(value: int) -> None:
    assert transfer(scitag=value).scitag == value


def test_selection_strategy_is_one_the_scheduler_knows() -> None:
    scheduler = {"auto", "queue", "orderly", "success", "throughput", "file-throughput", "pending-data"}
    scheduler |= {"waiting-time", "waiting-time-with-error", "duration"}
    assert set(get_args(SelectionStrategy)) == scheduler
    for name in scheduler:
        assert transfer(selection_strategy=name).selection_strategy == name
    refused("selection_strategy", transfer, selection_strategy="fastest")


def test_tokens_come_in_pairs_of_the_right_length() -> None:
    made = transfer(source_tokens="tok-a", destination_tokens=["tok-b"])
    assert made.source_tokens == ["tok-a"]
    refused("source_tokens and destination_tokens", transfer, source_tokens=["tok-a"])
    refused("source_tokens and destination_tokens", transfer, destination_tokens=["tok-b"])
    refused("source_tokens has 2 token", transfer, source_tokens=["a", "b"], destination_tokens=["b"])
    refused("destination_tokens has 0 token", transfer, source_tokens=["a"], destination_tokens=[])
    refused("destination_tokens: the token for", transfer, source_tokens=["a"], destination_tokens=[""])
    with pytest.raises(ValidationError, match="given together"):
        made.source_tokens = None
    assert made.source_tokens == ["tok-a"]


# --- JobSpec validation rules -------------------------------------------------------------------------------------


def hop(source: str, destination: str) -> Transfer:
    """One hop (or one plain transfer)."""
    return Transfer(sources=source, destinations=destination)


HOPS = [hop("https://a.example.org/x", "https://b.example.org/x"), hop("https://b.example.org/x", DST)]


def test_a_job_needs_at_least_one_transfer() -> None:
    error = refused("a job needs at least one transfer", JobSpec, transfers=[])
    assert error.errors()[0]["loc"] == ("transfers",)
    assert isinstance(error, ValueError)


OVERWRITE_FLAGS = ["overwrite", "overwrite_on_retry", "overwrite_hop", "overwrite_when_only_on_disk"]


@pytest.mark.parametrize("pair", list(itertools.combinations(OVERWRITE_FLAGS, 2)))
def test_two_overwrite_flags_are_refused_except_hop_and_disk(pair: tuple[str, str]) -> None:
    flags = dict.fromkeys(pair, True)
    build = {"transfers": HOPS, "multihop": True, "archive_timeout": 3600, **flags}
    if set(pair) == {"overwrite_hop", "overwrite_when_only_on_disk"}:
        assert JobSpec.model_validate(build).overwrite_hop
    else:
        refused("incompatible overwrite flags", JobSpec.model_validate, build)


def test_three_overwrite_flags_are_refused_even_with_hop_and_disk() -> None:
    flags = {"overwrite_hop": True, "overwrite_when_only_on_disk": True, "overwrite_on_retry": True}
    refused("incompatible overwrite flags", JobSpec, transfers=HOPS, multihop=True, archive_timeout=1, **flags)


def test_reuse_is_not_counted_as_an_overwrite_flag() -> None:
    # The server counts the four overwrite flags only (with safe_flag); reuse + overwrite is a valid job.
    assert JobSpec(transfers=[transfer()], reuse=True, overwrite=True).overwrite


def test_false_overwrite_flags_do_not_count() -> None:
    assert JobSpec(transfers=[transfer()], overwrite=True, overwrite_on_retry=False, overwrite_hop=False).overwrite


def test_overwrite_hop_requires_multihop() -> None:
    refused("overwrite_hop requires multihop", JobSpec, transfers=[transfer()], overwrite_hop=True)
    assert JobSpec(transfers=HOPS, multihop=True, overwrite_hop=True).overwrite_hop


@pytest.mark.parametrize("archive_timeout", [None, 0, -1])
def test_overwrite_when_only_on_disk_requires_archive_timeout(archive_timeout: int | None) -> None:
    refused(
        "overwrite_when_only_on_disk requires archive_timeout",
        JobSpec,
        transfers=[transfer()],
        overwrite_when_only_on_disk=True,
        archive_timeout=archive_timeout,
    )


@pytest.mark.parametrize("destination", ["https://tape.example.org/x", "davs://tape.example.org/x"])
def test_overwrite_when_only_on_disk_accepts_https_and_davs(destination: str) -> None:
    spec = JobSpec(transfers=[transfer(destinations=destination)], overwrite_when_only_on_disk=True, archive_timeout=60)
    assert spec.overwrite_when_only_on_disk


# mock:// too: recorded (submit_400_overwrite_disk_not_https in the third set).
@pytest.mark.parametrize("destination", ["gsiftp://tape.example.org/x", "root://tape.example.org//x", "mock://t/x"])
def test_overwrite_when_only_on_disk_refuses_other_destinations(destination: str) -> None:
    transfers = [transfer(), transfer(destinations=destination)]
    refused(
        "overwrite_when_only_on_disk requires every destination",
        JobSpec,
        transfers=transfers,
        overwrite_when_only_on_disk=True,
        archive_timeout=60,
    )


def test_overwrite_when_only_on_disk_checks_the_last_hop_of_a_multihop_job() -> None:
    hops = [hop(SRC, "gsiftp://disk.example.org/x"), hop("gsiftp://disk.example.org/x", DST)]
    JobSpec(transfers=hops, multihop=True, overwrite_when_only_on_disk=True, archive_timeout=60)
    reverse = [hop(DST, "https://disk.example.org/x"), hop("https://disk.example.org/x", SRC)]
    refused(
        "last hop's destination",
        JobSpec,
        transfers=reverse,
        multihop=True,
        overwrite_when_only_on_disk=True,
        archive_timeout=60,
    )


REPLICA = Transfer(sources=[SRC, "gsiftp://mirror.example.org/data/file1"], destinations=DST)


def test_a_multiple_replica_job_is_accepted_alone() -> None:
    assert JobSpec(transfers=[REPLICA], reuse=False, multihop=False).transfers == [REPLICA]
    JobSpec(transfers=[transfer(destinations=[DST, "davs://other.example.org/x"])])


@pytest.mark.parametrize("flag", ["multihop", "reuse"])
def test_multiple_replica_with_multihop_or_reuse_is_refused(flag: str) -> None:
    refused("transfers\\[0\\] has several sources.*multihop or reuse", JobSpec, transfers=[REPLICA], **{flag: True})
    several_destinations = transfer(destinations=[DST, "https://other.example.org/x"])
    refused("transfers\\[1\\] has several", JobSpec, transfers=[HOPS[0], several_destinations], **{flag: True})


def test_multiple_replica_job_with_several_transfers_is_refused() -> None:
    refused("transfers\\[1\\].*only one transfer", JobSpec, transfers=[transfer(), REPLICA])


def test_reuse_requires_one_source_and_one_destination_storage() -> None:
    same = [
        transfer(sources="gsiftp://Source.example.org:2811/a", destinations="https://dest.example.org/a"),
        transfer(sources="gsiftp://source.example.org/b", destinations="https://DEST.example.org:443/b"),
    ]
    assert JobSpec(transfers=same, reuse=True).reuse
    other_source = [*same, transfer(sources="gsiftp://elsewhere.example.org/c")]
    refused("reuse requires one source storage.*elsewhere", JobSpec, transfers=other_source, reuse=True)
    other_scheme = [*same, transfer(destinations="davs://dest.example.org/c")]
    refused("reuse requires", JobSpec, transfers=other_scheme, reuse=True)
    JobSpec(transfers=other_source, reuse=False)
    JobSpec(transfers=HOPS, reuse=True, multihop=True)  # a multihop job is not a reuse job


def test_deterministic_id_needs_sid() -> None:
    refused("id_generator='deterministic' requires sid", JobSpec, transfers=[transfer()], id_generator="deterministic")
    assert JobSpec(transfers=[transfer()], id_generator="deterministic", sid="my-sid-1").sid == "my-sid-1"
    refused("id_generator", JobSpec, transfers=[transfer()], id_generator="random")


TOKENS = {"source_tokens": ["tok-s"], "destination_tokens": ["tok-d"]}


@pytest.mark.parametrize("param", ["bring_online", "archive_timeout"])
def test_token_transfers_can_not_use_tape(param: str) -> None:
    refused(f"{param} > 0 is not supported", JobSpec, transfers=[transfer(**TOKENS)], **{param: 3600})
    JobSpec.model_validate({"transfers": [transfer(**TOKENS)], param: -1})
    JobSpec.model_validate({"transfers": [transfer()], param: 3600})  # X.509 or single-token submissions may


def test_ipv4_and_ipv6_are_exclusive() -> None:
    refused("ipv4 and ipv6", JobSpec, transfers=[transfer()], ipv4=True, ipv6=True)
    assert JobSpec(transfers=[transfer()], ipv4=True, ipv6=False).ipv4


@pytest.mark.parametrize("priority", [0, 6, -3])
def test_priority_outside_1_to_5_is_refused(priority: int) -> None:
    error = refused("priority", JobSpec, transfers=[transfer()], priority=priority)
    assert error.errors()[0]["loc"] == ("priority",)


@pytest.mark.parametrize("param", ["retry_delay", "timeout", "nostreams", "buffer_size"])
def test_negative_counts_are_refused(param: str) -> None:
    refused(param, JobSpec, transfers=[transfer()], **{param: -1})


def test_bring_online_with_max_time_in_queue_is_left_to_the_server() -> None:
    JobSpec(transfers=[transfer()], bring_online=3600, max_time_in_queue="1h")


def test_several_problems_are_reported_together() -> None:
    error = refused(
        "ipv4 and ipv6.*|requires sid",
        JobSpec,
        transfers=[transfer()],
        ipv4=True,
        ipv6=True,
        id_generator="deterministic",
    )
    assert "ipv4 and ipv6" in str(error)
    assert "requires sid" in str(error)


def test_assignment_is_validated() -> None:
    spec = JobSpec(transfers=[transfer()])
    with pytest.raises(ValidationError, match="overwrite_hop requires multihop"):
        spec.overwrite_hop = True
    assert spec.overwrite_hop is None  # a refused assignment leaves the spec as it was
    assert spec.model_fields_set == {"transfers"}
    with pytest.raises(ValidationError, match="priority"):
        spec.priority = 9
    assert spec.priority is None
    spec.multihop = True
    spec.overwrite_hop = True
    assert spec.to_body()["params"] == {"multihop": True, "overwrite_hop": True}


def test_deletion_is_not_modelled() -> None:
    refused("delete", JobSpec, transfers=[transfer()], delete=["gsiftp://host/x"])


# --- Parameters with several accepted forms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "sent"),
    [
        ("both", "both"),
        ("source", "source"),
        ("target", "target"),
        ("none", "none"),
        ("b", "both"),
        ("s", "source"),
        ("t", "target"),
        ("n", "none"),
        (ChecksumMode.TARGET, "target"),
        (True, True),
        (False, False),
    ],
)
def test_verify_checksum_forms(given_value: Any, sent: str | bool) -> None:
    spec = JobSpec(transfers=[transfer()], verify_checksum=given_value)
    assert spec.to_body()["params"]["verify_checksum"] == sent


@pytest.mark.parametrize("value", ["destination", "d", ChecksumMode.DESTINATION, "yes", "", "BOTH", 1, 0])
def test_verify_checksum_refuses_other_values(value: Any) -> None:
    refused("verify_checksum", JobSpec, transfers=[transfer()], verify_checksum=value)


@pytest.mark.parametrize(
    ("given_value", "sent"),
    [
        (2, "7200s"),
        (timedelta(minutes=30), "1800s"),
        ("30m", "1800s"),
        ("30M", "1800s"),
        ("45s", "45s"),
        ("3h", "10800s"),
        ("1d", "86400s"),
        (" 2h ", "7200s"),
    ],
)
def test_max_time_in_queue_is_always_sent_in_seconds(given_value: Any, sent: str) -> None:
    spec = JobSpec(transfers=[transfer()], max_time_in_queue=given_value)
    assert spec.to_body()["params"]["max_time_in_queue"] == sent
    assert spec.max_time_in_queue == timedelta(seconds=int(sent[:-1]))


def test_max_time_in_queue_zero_hours_means_no_limit_as_on_the_server() -> None:
    assert "max_time_in_queue" not in JobSpec(transfers=[transfer()], max_time_in_queue=0).to_body()["params"]


@pytest.mark.parametrize(
    "value", [-1, "0s", "-5m", "5", "5w", "1.5h", "PT1H", timedelta(0), timedelta(seconds=1.5), 1.5, True]
)
def test_max_time_in_queue_refuses_other_values(value: Any) -> None:
    refused("max_time_in_queue", JobSpec, transfers=[transfer()], max_time_in_queue=value)


def test_flags_are_sent_as_json_booleans() -> None:
    spec = JobSpec.from_body({"files": [{"sources": [SRC], "destinations": [DST]}], "params": {"reuse": "Y"}})
    assert spec.to_body()["params"] == {"reuse": True}
    spec = JobSpec.model_validate({"transfers": [transfer()], "dst_file_report": "N"})
    assert spec.to_body()["params"] == {"dst_file_report": False}


# --- to_body ----------------------------------------------------------------------------------------------------


def test_to_body_sends_only_what_is_set() -> None:
    assert JobSpec(transfers=[transfer()]).to_body() == {
        "files": [{"sources": [SRC], "destinations": [DST]}],
        "params": {},
    }


def test_to_body_keeps_nulls_inside_metadata() -> None:
    body = JobSpec(transfers=[transfer(metadata={"a": None})], job_metadata={"b": None}).to_body()
    assert body["files"][0]["metadata"] == {"a": None}
    assert body["params"]["job_metadata"] == {"b": None}


def specs() -> Iterator[JobSpec]:
    """A varied set of specs that together set every parameter of JobSpec and Transfer."""
    yield JobSpec(transfers=[transfer()])
    yield JobSpec(
        transfers=[transfer(checksum="adler32:1a2b3c4d", filesize=1048576, activity="express", metadata={"n": 1})],
        verify_checksum=True,
        overwrite=True,
        retry=3,
        retry_delay=60,
        priority=5,
        job_metadata={"campaign": "x", "nested": {"a": [1, 2, None]}},
    )
    yield JobSpec(transfers=[transfer(metadata="a label", scitag=200)], verify_checksum="source", job_metadata="job")
    yield JobSpec(
        transfers=HOPS, multihop=True, overwrite_hop=True, overwrite_when_only_on_disk=True, archive_timeout=1
    )
    yield JobSpec(transfers=[REPLICA.model_copy(update={"selection_strategy": "orderly"})], overwrite_on_retry=True)
    yield JobSpec.staging(
        ["srm://tape.example.org/a", "srm://tape.example.org/b"],
        bring_online=3600,
        copy_pin_lifetime=7200,
        source_spacetoken="TAPE",
        destination_spacetoken="DISK",
    )
    yield JobSpec(
        transfers=[transfer(destinations="davs://tape.example.org/x", archive_metadata={"class": "raw"})],
        archive_timeout=86400,
        overwrite_when_only_on_disk=True,
        dst_file_report=True,
        target_qos="tape",
    )
    yield JobSpec(
        transfers=[
            transfer(sources=f"gsiftp://s.example.org/{i}", destinations=f"https://d.example.org/{i}") for i in range(3)
        ],
        reuse=True,
        max_time_in_queue="2h",
        timeout=600,
        nostreams=4,
        buffer_size=65536,
        strict_copy=True,
        disable_cleanup=True,
        ipv6=True,
        s3alternate=True,
    )
    yield JobSpec(
        transfers=[transfer(source_tokens=["tok-s"], destination_tokens=["tok-d"], staging_metadata={"t": 1})],
        unmanaged_tokens=False,
        ipv4=True,
        credential="my-s3",
        gridftp="",
        verify_checksum="none",
    )
    yield JobSpec(
        transfers=[transfer()],
        id_generator="deterministic",
        sid="my-sid-1",
        max_time_in_queue=timedelta(days=1),
        verify_checksum="target",
    )
    yield JobSpec(transfers=[transfer()], id_generator="standard", bring_online=-1, copy_pin_lifetime=-1, retry=-1)


# The schema served by /api-docs/schema/submit is documentation only and incomplete: it declares
# verify_checksum boolean-only and metadata/job_metadata object-only, while the server takes a mode name and a
# string (stored as {"label": ...}). Those values are checked here against the server's rules, not the schema.
SCHEMA_GAPS = {"verify_checksum": str, "job_metadata": str, "metadata": str}


def drop_schema_gaps(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the values the published schema gets wrong."""

    def keep(item: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in item.items() if not isinstance(value, SCHEMA_GAPS.get(key, ()))}

    return {"files": [keep(item) for item in body["files"]], "params": keep(body["params"])}


def test_bodies_validate_against_the_published_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SUBMIT_SCHEMA.read_text()))
    for spec in specs():
        body = spec.to_body()
        assert json.loads(spec.to_json()) == body
        validator.validate(drop_schema_gaps(body))


def test_the_specs_cover_every_parameter() -> None:
    params: set[str] = set()
    fields: set[str] = set()
    for spec in specs():
        body = spec.to_body()
        params.update(body["params"])
        for item in body["files"]:
            fields.update(item)
    assert params == set(JobSpec.model_fields) - {"transfers"}
    assert fields == set(Transfer.model_fields)


def test_json_schema_can_be_generated() -> None:
    schema = JobSpec.model_json_schema()
    assert "transfers" in schema["required"]
    assert schema["$defs"]["Transfer"]["properties"]["sources"]["description"].startswith("Source URLs")


# --- Recorded official submissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SUCCESSFUL_SUBMITS)
def test_recorded_official_bodies_round_trip(name: str) -> None:
    body = recorded_body(name)
    assert JobSpec.from_body(body).to_body() == without_null_params(body)


def official_transfer(job: str, n: int) -> Transfer:
    """The transfers the recording harness submitted with the official client."""
    if n == 1:
        return Transfer(
            sources=f"gsiftp://source.example.org/harness/93a56c6e-{job}/file1",
            destinations=f"gsiftp://dest.example.org/harness/93a56c6e-{job}/file1",
            checksum="ADLER32:1a2b3c4d",
            filesize=1048576,
            activity="harness-test",
            metadata={"file": 1},
            selection_strategy="auto",
        )
    return Transfer(
        sources=f"https://source.example.org/harness/93a56c6e-{job}/file2",
        destinations=f"https://dest.example.org/harness/93a56c6e-{job}/file2",
        checksum="ADLER32",
        selection_strategy="auto",
    )


OFFICIAL_DEFAULTS: dict[str, Any] = {
    "dst_file_report": False,
    "overwrite": False,
    "overwrite_on_retry": False,
    "overwrite_when_only_on_disk": False,
    "overwrite_hop": False,
    "multihop": False,
    "retry": -1,
    "retry_delay": 0,
    "strict_copy": False,
    "disable_cleanup": False,
    "id_generator": "standard",
    "s3alternate": False,
    "nostreams": 1,
    "unmanaged_tokens": False,
}


def test_submit_job_is_reproduced() -> None:
    spec = JobSpec(
        transfers=[official_transfer("job1", 1), official_transfer("job1", 2)],
        verify_checksum=True,
        job_metadata={"test": "harness", "n": 1},
        priority=3,
        **OFFICIAL_DEFAULTS,
    )
    assert spec.to_body() == without_null_params(recorded_body("submit_job"))


def test_submit_job_deterministic_id_is_reproduced() -> None:
    spec = JobSpec(transfers=[official_transfer("sid", 1)], id_generator="deterministic", sid="93a56c6e-sid")
    assert spec.to_body() == without_null_params(recorded_body("submit_job_deterministic_id"))


def test_submit_multihop_job_is_reproduced() -> None:
    base = "harness/93a56c6e-hop/x"
    hops = [
        Transfer(
            sources=f"https://{a}.example.org/{base}",
            destinations=f"https://{b}.example.org/{base}",
            checksum="ADLER32",
            selection_strategy="auto",
        )
        for a, b in [("a", "b"), ("b", "c")]
    ]
    spec = JobSpec(transfers=hops, verify_checksum=False, **{**OFFICIAL_DEFAULTS, "multihop": True})
    assert spec.to_body() == without_null_params(recorded_body("submit_multihop_job"))


def test_submit_staging_job_is_reproduced() -> None:
    surl = "srm://tape.example.org/harness/93a56c6e-stage/tape1"
    spec = JobSpec(
        transfers=[Transfer(sources=surl, destinations=surl, checksum="ADLER32", selection_strategy="auto")],
        bring_online=3600,
        copy_pin_lifetime=7200,
        id_generator="standard",
    )
    assert spec.to_body() == without_null_params(recorded_body("submit_staging_job"))
    staged = JobSpec.staging(surl, bring_online=3600, copy_pin_lifetime=7200)
    assert staged.to_body()["files"] == [{"sources": [surl], "destinations": [surl]}]


def test_staging_needs_a_positive_bring_online_or_pin_lifetime() -> None:
    with pytest.raises(ValueError, match="bring_online > 0 or copy_pin_lifetime > 0"):
        JobSpec.staging(["srm://tape.example.org/a"], bring_online=0)
    assert JobSpec.staging(["srm://tape.example.org/a"], copy_pin_lifetime=60, priority=2).priority == 2


def test_recorded_refused_bodies_are_refused_locally() -> None:
    refused("Missing scheme \\(not a url\\)", JobSpec.from_body, recorded_body("submit_400_invalid_url"))
    refused("a job needs at least one transfer", JobSpec.from_body, recorded_body("submit_400_no_transfers"))
    with pytest.raises(ValueError, match="deletion jobs are no longer supported"):
        JobSpec.from_body(recorded_body("submit_delete_job_405"))


def test_from_body_treats_nulls_as_unset_and_refuses_unknown_keys() -> None:
    files = [{"sources": [SRC], "destinations": [DST], "activity": None, "metadata": None}]
    spec = JobSpec.from_body({"files": files, "params": None, "delete": None, "staging": None})
    assert spec.to_body() == {"files": [{"sources": [SRC], "destinations": [DST]}], "params": {}}
    with pytest.raises(ValueError, match="unknown key\\(s\\) in the job body: paramz"):
        JobSpec.from_body({"files": files, "paramz": {}})
    with pytest.raises(ValueError, match="params must be an object"):
        JobSpec.from_body({"files": files, "params": ["retry"]})
    with pytest.raises(ValueError, match="unknown parameter 'transfers'"):
        JobSpec.from_body({"files": files, "params": {"transfers": []}})
    refused("spacetoken", JobSpec.from_body, {"files": files, "params": {"spacetoken": "x"}})


# --- Properties ---------------------------------------------------------------------------------------------------


def server_url_problem(url: str) -> str | None:
    """The server's validate_url (fts-rest-flask JobBuilder_utils), for comparison."""
    try:
        parsed = urlparse(url.strip())
    except ValueError as exc:
        return str(exc)
    if not parsed.scheme:
        return "Missing scheme"
    if parsed.scheme == "file":
        return "Can not transfer local files"
    if not parsed.path or (parsed.path == "/" and not parsed.query):
        return "Missing path"
    if not parsed.hostname:
        return "Missing host"
    return None


URL_PIECES = ["gsiftp://", "https://", "FILE://", "s3://", "//", "/", "host", "H.example", ":8443", "?", "#", ";", "@"]
urlish = st.builds(
    "".join,
    st.lists(
        st.sampled_from([*URL_PIECES, "[::1]", "x"]) | st.text("aB0+-.:/?#;@[]% \t\nfile", max_size=3), max_size=6
    ),
) | st.from_regex(r"[a-zA-Z][a-zA-Z0-9+.-]{0,6}://[a-zA-Z0-9.-]{0,8}(:[0-9]{0,4})?(/.{0,12})?", fullmatch=True)
"""URL-like strings: pieces that hit every server check, and well-formed ones with any path (the fast path)."""


@settings(max_examples=300)
@given(st.text() | urlish)
def test_any_string_either_validates_or_raises_validation_error(url: str) -> None:
    try:
        made = Transfer(sources=url, destinations=url)
    except ValidationError:
        assert server_url_problem(url) is not None or url_text_problem(url) is not None
    else:
        assert made.sources == [url]
        assert server_url_problem(url) is None
        assert url_text_problem(url) is None  # sent as validated: printable ASCII, nothing to strip


@settings(max_examples=300)
@given(st.text() | urlish)
def test_url_checks_agree_with_the_server(url: str) -> None:
    assert (url_problem(url) is None) == (server_url_problem(url) is None)
    if server_url_problem(url) is None:
        parsed = urlparse(url.strip())
        assert storage_of(url) == f"{parsed.scheme}://{parsed.hostname}"


@given(st.integers(min_value=-(2**70), max_value=2**70) | st.booleans())
def test_scitag_property(value: int) -> None:
    if not isinstance(value, bool) and 65 <= value <= 65535:
        assert transfer(scitag=value).scitag == value
        return
    with pytest.raises(ValidationError) as info:
        transfer(scitag=value)
    assert info.value.errors()[0]["loc"] == ("scitag",)


json_leaf = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
json_object = st.dictionaries(
    st.text(max_size=5), st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3), max_leaves=5), max_size=3
)


def latin1(max_size: int) -> st.SearchStrategy[str]:
    """Texts the server's latin1 columns hold."""
    return st.text(st.characters(max_codepoint=0xFF, exclude_categories=["Cs"]), max_size=max_size)


urls = st.sampled_from([SRC, DST, "root://eos.example.org//eos/x", "davs://[::1]:8443/x", "https://h.example.org/?q"])
optional_flag = st.none() | st.booleans()


@st.composite
def transfers(draw: st.DrawFn) -> Transfer:
    """Transfers with one source and one destination and any optional field."""
    tokens = draw(st.booleans())
    return Transfer(
        sources=draw(urls),
        destinations=draw(urls),
        checksum=draw(st.none() | st.sampled_from(["ADLER32", "md5:0123abcd"])),
        filesize=draw(st.none() | st.integers(0, 2**50)),
        metadata=draw(st.none() | json_object | st.text(max_size=20)),
        activity=draw(st.none() | latin1(max_size=10)),
        selection_strategy=draw(st.none() | st.sampled_from(["auto", "orderly", "duration"])),
        scitag=draw(st.none() | st.integers(65, 65535)),
        staging_metadata=draw(st.none() | json_object),
        archive_metadata=draw(st.none() | json_object),
        source_tokens=["tok-s"] if tokens else None,
        destination_tokens=["tok-d"] if tokens else None,
    )


@st.composite
def job_specs(draw: st.DrawFn) -> JobSpec:
    """Job specs with free parameters; draws that break a rule are rejected (they are rare)."""
    overwrite = draw(st.sampled_from([None, *OVERWRITE_FLAGS]))
    deterministic = draw(st.booleans())
    kwargs: dict[str, Any] = {
        "transfers": draw(st.lists(transfers(), min_size=1, max_size=3)),
        "verify_checksum": draw(st.none() | st.booleans() | st.sampled_from(["both", "source", "target", "none"])),
        "multihop": draw(optional_flag),
        "dst_file_report": draw(optional_flag),
        "bring_online": draw(st.none() | st.integers(-1, 0)),
        "copy_pin_lifetime": draw(st.none() | st.integers(-1, 10**6)),
        "archive_timeout": 3600 if overwrite == "overwrite_when_only_on_disk" else draw(st.none() | st.just(-1)),
        "target_qos": draw(st.none() | latin1(max_size=5)),
        "job_metadata": draw(st.none() | json_object | st.text(max_size=20)),
        "retry": draw(st.none() | st.integers(-1, 10)),
        "retry_delay": draw(st.none() | st.integers(0, 3600)),
        "priority": draw(st.none() | st.integers(1, 5)),
        "max_time_in_queue": draw(
            st.none()
            | st.integers(1, 100)
            | st.timedeltas(timedelta(seconds=1)).map(lambda d: timedelta(seconds=int(d.total_seconds())))
        ),
        "timeout": draw(st.none() | st.integers(0, 10**5)),
        "nostreams": draw(st.none() | st.integers(0, 16)),
        "buffer_size": draw(st.none() | st.integers(0, 2**30)),
        "strict_copy": draw(optional_flag),
        "disable_cleanup": draw(optional_flag),
        "ipv4": draw(optional_flag),
        "reuse": draw(optional_flag),
        "gridftp": draw(st.none() | st.text(max_size=5)),
        "s3alternate": draw(optional_flag),
        "id_generator": "deterministic" if deterministic else draw(st.none() | st.just("standard")),
        "sid": draw(st.text(min_size=1, max_size=8)) if deterministic else None,
        "source_spacetoken": draw(st.none() | latin1(max_size=5)),
        "destination_spacetoken": draw(st.none() | latin1(max_size=5)),
        "credential": draw(st.none() | st.text(max_size=5)),
        "unmanaged_tokens": draw(optional_flag),
    }
    if not kwargs["ipv4"]:
        kwargs["ipv6"] = draw(optional_flag)
    if overwrite is not None:
        kwargs[overwrite] = True
    if overwrite == "overwrite_hop":
        kwargs["multihop"] = True
    try:
        return JobSpec(**kwargs)
    except ValidationError:
        assume(False)
        raise


@settings(deadline=None)
@given(job_specs())
def test_round_trip_through_the_body(spec: JobSpec) -> None:
    body = spec.to_body()
    assert JobSpec.from_body(body) == spec
    assert JobSpec.from_body(json.loads(spec.to_json())) == spec
