#!/usr/bin/env bash
# Install everything the tests need and run the whole suite on SQLite, then again on
# PostgreSQL when HOSHIN_TEST_POSTGRES=1 (server at 127.0.0.1:5432, database "test").
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[test]"

# Browser tests drive Debian's Chromium; a test tool's own browser download is never used.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOSHIN_DATA_DIR="$scratch"

echo "== migrations are up to date"
HOSHIN_DATABASE_URL="sqlite:///$scratch/check.sqlite3" .venv/bin/hoshin makemigrations --check --dry-run

echo "== import layers (pyproject.toml [tool.importlinter], docs/architecture.md)"
.venv/bin/lint-imports --no-cache --no-logo

# One test process per core (pytest-xdist); HOSHIN_TEST_WORKERS=0 runs in this process.
WORKERS=${HOSHIN_TEST_WORKERS:-auto}

echo "== test suite on SQLite"
HOSHIN_TEST_POSTGRES=0 .venv/bin/pytest -n "$WORKERS" "$@"

if [ "${HOSHIN_TEST_POSTGRES:-0}" = 1 ]; then
  echo "== test suite on PostgreSQL"
  HOSHIN_TEST_POSTGRES=1 .venv/bin/pytest -n "$WORKERS" "$@"
fi
