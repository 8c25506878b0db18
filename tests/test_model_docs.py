"""Field descriptions come from the attribute docstrings, as pydantic's ``use_attribute_docstrings`` gives them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from pydantic import BaseModel
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

import fts3sdk.events
import fts3sdk.models
from fts3sdk.models import FTSModel, SpecModel


def every_model() -> list[type[BaseModel]]:
    for package in (fts3sdk.models, fts3sdk.events):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found: list[type[BaseModel]] = []
    pending: list[type[Any]] = [FTSModel, SpecModel]
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def expected_description(model: type[BaseModel], name: str) -> str | None:
    """pydantic's answer: the docstring in the class that last annotated the field, read from its source."""
    owner = next(klass for klass in model.__mro__ if name in inspect.get_annotations(klass))
    return extract_docstrings_from_cls(owner, use_inspect=True).get(name)


def test_every_field_has_the_description_pydantic_would_read() -> None:
    models = every_model()
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
