"""The floors the benchmarks compare against do the same work as what they measure, without the SDK."""

from __future__ import annotations

import json

from benchmarks.building import build_and_serialize, build_and_serialize_floor


def test_the_building_floor_encodes_the_same_submission_body_as_the_job_spec() -> None:
    assert json.loads(build_and_serialize_floor(7)) == json.loads(build_and_serialize(7))
