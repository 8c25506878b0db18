"""What is generated from the models: the JSON Schemas in ``schemas/`` and the field docstrings' table.

``python -m fts3sdk._schemas`` writes both, ``--check`` reports what is stale (`fts3sdk.models._docs` says why the
table exists).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from fts3sdk import models
from fts3sdk.models import _docs, submit

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
_BASES = {"FTSModel", "SpecModel"}


def public_models() -> dict[str, type[BaseModel]]:
    """Every public model class, by name."""
    found: dict[str, type[BaseModel]] = {}
    for module in (models, submit):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseModel) and name not in _BASES:
                found[name] = value
    return dict(sorted(found.items()))


def render(model: type[BaseModel]) -> str:
    """The schema file's text: validation-mode JSON Schema, stable key order, trailing newline."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def docs_table_is_current() -> bool:
    """Whether the field docstrings' table (`fts3sdk.models._docs.TABLE`) is what the sources say."""
    return _docs.TABLE.is_file() and _docs.TABLE.read_text(encoding="utf-8") == _docs.render_table()


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of schema files that are missing, different from the models, or left over."""
    expected = {f"{name}.json": render(model) for name, model in public_models().items()}
    present = {path.name for path in directory.glob("*.json")} if directory.is_dir() else set()
    problems = [
        name for name, text in expected.items() if name not in present or (directory / name).read_text() != text
    ]
    return sorted(problems + [name for name in present - expected.keys()])


def write(directory: Path = SCHEMA_DIR) -> None:
    """Write one schema file per public model and remove files of models that no longer exist."""
    _docs.TABLE.write_text(_docs.render_table(), encoding="utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    expected = {f"{name}.json": render(model) for name, model in public_models().items()}
    for path in directory.glob("*.json"):
        if path.name not in expected:
            path.unlink()
    for name, text in expected.items():
        (directory / name).write_text(text)


def main(argv: list[str] | None = None) -> int:
    """Write or check ``schemas/``; with ``--check`` exit 1 when a schema is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale schemas")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    if args.check:
        problems = stale(args.dir) + ([] if docs_table_is_current() else [str(_docs.TABLE.name)])
        for name in problems:
            print(f"stale: {name}", file=sys.stderr)
        return 1 if problems else 0
    write(args.dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
