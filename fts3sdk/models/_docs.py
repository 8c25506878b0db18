"""Field descriptions from attribute docstrings, read once per module instead of once per model, from a table.

The models document each field with a string under it. pydantic's ``use_attribute_docstrings`` finds a model's
source again for every class it builds (frame inspection, ``inspect.getblock`` and a parse per class), about a
third of the time a command spends building models. `add_attribute_docs`, called as each model class is made,
gives a field without a description the string written under it, as pydantic does: before the model's schema is
built (models defer it), so schemas and ``model_fields`` read the same.

Reading a module's source and parsing it still cost 3 to 4 ms per module, paid by every command before its answer
is shown; so the strings of fts3sdk's own modules are read from ``_field_docs.json``, written from the sources by
``python -m fts3sdk._schemas`` (tests/test_model_docs.py fails when it differs from them). A model defined elsewhere
(a subclass in a user's module) is read from its source, as before.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["TABLE", "add_attribute_docs", "own_models", "render_table", "source_docs"]

TABLE = Path(__file__).with_name("_field_docs.json")
"""The attribute docstrings of fts3sdk's own models, by module, class and field (generated)."""


def add_attribute_docs(model: Any) -> None:
    """Give ``model``'s fields that have no description the docstring written under them in its class body."""
    docs = _class_docs(model.__module__).get(model.__qualname__)
    if not docs:
        return
    for name, field in model.__pydantic_fields__.items():
        if field.description is None and name in docs:
            field.description = docs[name]


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    try:
        loaded: dict[str, dict[str, dict[str, str]]] = json.loads(TABLE.read_bytes())
    except (OSError, ValueError):  # not generated yet: every module is read from its source
        return {}
    return loaded


@cache
def _class_docs(module_name: str) -> dict[str, dict[str, str]]:
    known = _table().get(module_name)
    return known if known is not None else source_docs(module_name)


def source_docs(module_name: str) -> dict[str, dict[str, str]]:
    """Attribute docstrings of every class of a module, by qualified name (empty without a readable source)."""
    module = sys.modules.get(module_name)
    try:
        source = inspect.getsource(module) if module is not None else ""
    except (OSError, TypeError):
        return {}
    found: dict[str, dict[str, str]] = {}
    _collect(ast.parse(source).body, "", found)
    return found


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, dict[str, str]]) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            name = f"{prefix}{node.name}"
            found[name] = _attribute_docs(node.body)
            _collect(node.body, f"{name}.", found)


def _attribute_docs(body: list[ast.stmt]) -> dict[str, str]:
    # As pydantic reads them: a string statement right after an annotated assignment to a plain name.
    docs: dict[str, str] = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(following.value.value)
    return docs


def own_models() -> list[type[Any]]:
    """Every model class of fts3sdk.models and fts3sdk.events (their modules all imported first)."""
    import importlib
    import pkgutil

    import fts3sdk.events
    import fts3sdk.models
    from fts3sdk.models._types import FTSModel, SpecModel

    for package in (fts3sdk.models, fts3sdk.events):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(info.name)
    found: list[type[Any]] = []
    pending: list[type[Any]] = [FTSModel, SpecModel]
    while pending:
        model = pending.pop()
        if model.__module__.startswith(("fts3sdk.models.", "fts3sdk.events.")) and model not in found:
            found.append(model)
        pending.extend(model.__subclasses__())
    return found


def render_table() -> str:
    """The text of `TABLE` as the sources say it now."""
    table = {name: source_docs(name) for name in sorted({model.__module__ for model in own_models()})}
    return json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
