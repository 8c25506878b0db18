#!/usr/bin/env bash
# Set up a virtualenv with the development extras, then run every check: pytest, mypy --strict, ruff.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
.venv/bin/python -m mypy
.venv/bin/python -m ruff check --no-cache fts3sdk tests benchmarks compat
.venv/bin/python -m ruff format --no-cache --check fts3sdk tests benchmarks compat
