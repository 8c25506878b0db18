#!/usr/bin/env bash
# Set up .venv with the command line, then run the self-contained demo: an embedded FTS test server on
# 127.0.0.1 over HTTPS with a throwaway PKI, a real delegation, a job watched to completion.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[cli]'
exec .venv/bin/fts3sdk demo "$@"
