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
# The event tests run a private ActiveMQ (Debian package activemq); install it when we can, else they skip.
if [ ! -f /usr/share/activemq/bin/activemq.jar ] && [ -z "${ACTIVEMQ_HOME:-}" ] && [ "$(id -u)" = 0 ] \
    && command -v apt-get >/dev/null; then
    (apt-get -o DPkg::Lock::Timeout=600 update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
            activemq) >/dev/null || echo "could not install activemq: the broker tests will skip" >&2
fi
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
.venv/bin/python -m mypy
.venv/bin/python -m ruff check --no-cache fts3sdk tests benchmarks compat
.venv/bin/python -m ruff format --no-cache --check fts3sdk tests benchmarks compat
