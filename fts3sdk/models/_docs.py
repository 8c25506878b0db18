"""Field descriptions from attribute docstrings, read once per module instead of once per model.

The models document each field with a string under it. pydantic's ``use_attribute_docstrings`` finds a model's
source again for every class it builds (frame inspection, ``inspect.getblock`` and a parse per class), about a
third of the time a command spends building models. `add_attribute_docs`, called as each model class is made,
parses each module's source once and gives a field without a description the string written under it, as
pydantic does: before the model's schema is built (models defer it), so schemas and ``model_fields`` read the same.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import sys
from functools import cache
from typing import Any

__all__ = ["add_attribute_docs"]


def add_attribute_docs(model: Any) -> None:
    """Give ``model``'s fields that have no description the docstring written under them in its class body."""
    docs = _class_docs(model.__module__).get(model.__qualname__)
    if not docs:
        return
    for name, field in model.__pydantic_fields__.items():
        if field.description is None and name in docs:
            field.description = docs[name]


@cache
def _class_docs(module_name: str) -> dict[str, dict[str, str]]:
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
