"""Field descriptions come from the attribute docstrings, as pydantic's ``use_attribute_docstrings`` gives them."""

from __future__ import annotations

import inspect
import json

import pytest
from pydantic import BaseModel
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from fts3sdk._schemas import docs_table_is_current
from fts3sdk.models import _docs
from fts3sdk.models._docs import own_models


def expected_description(model: type[BaseModel], name: str) -> str | None:
    """pydantic's answer: the docstring in the class that last annotated the field, read from its source."""
    owner = next(klass for klass in model.__mro__ if name in inspect.get_annotations(klass))
    return extract_docstrings_from_cls(owner, use_inspect=True).get(name)


def test_every_field_has_the_description_pydantic_would_read() -> None:
    models = own_models()
    assert len(models) > 40
    checked = 0
    for model in models:
        for name, field in model.model_fields.items():
            assert field.description == expected_description(model, name), f"{model.__qualname__}.{name}"
            checked += field.description is not None
    assert checked > 200


def test_descriptions_reach_the_json_schema() -> None:
    from fts3sdk.models import Job

    schema = Job.model_json_schema()
    assert schema["properties"]["job_id"]["description"] == Job.model_fields["job_id"].description
    assert Job.model_fields["job_id"].description


def test_the_docstring_table_is_what_the_sources_say() -> None:
    assert docs_table_is_current(), "run: python -m fts3sdk._schemas"


def test_own_modules_are_read_from_the_table_and_others_from_their_source(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []

    def from_source(module_name: str) -> dict[str, dict[str, str]]:
        read.append(module_name)
        return {"Mine": {"field": "from the source"}}

    monkeypatch.setattr(_docs, "source_docs", from_source)
    _docs._class_docs.cache_clear()
    try:
        table = json.loads(_docs.TABLE.read_text(encoding="utf-8"))
        assert _docs._class_docs("fts3sdk.models.jobs") == table["fts3sdk.models.jobs"]
        assert _docs._class_docs("site_models") == {"Mine": {"field": "from the source"}}
        assert read == ["site_models"]
    finally:
        _docs._class_docs.cache_clear()
