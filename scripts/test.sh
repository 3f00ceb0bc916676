#!/usr/bin/env bash
# Install everything the tests need and run the whole suite on SQLite, then again on
# PostgreSQL when HOSHIN_TEST_POSTGRES=1 (server at 127.0.0.1:5432, database "test").
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[test]"

# Browser tests drive Debian's Chromium; a test tool's own browser download is never used.
# The board pack (WeasyPrint) needs Pango and a font at run time; its tests turn the PDF
# into images and text with poppler-utils (pdftoppm, pdftotext).
APT_PACKAGES=""
[ -x /usr/bin/chromium ] || APT_PACKAGES="$APT_PACKAGES chromium"
[ -x /usr/bin/pdftoppm ] || APT_PACKAGES="$APT_PACKAGES poppler-utils"
compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null || APT_PACKAGES="$APT_PACKAGES libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || APT_PACKAGES="$APT_PACKAGES fonts-dejavu-core"
if [ -n "$APT_PACKAGES" ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  # shellcheck disable=SC2086  (a list of package names)
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $APT_PACKAGES >/dev/null
fi

# The single sign-on tests start a real OpenID provider (oidc-provider, under Node) from
# tests/sso/provider; its packages come from the npm registry at the locked versions.
if command -v npm >/dev/null; then
  npm ci --prefix tests/sso/provider --no-audit --no-fund --loglevel=error
else
  echo "node/npm not found: the single sign-on tests (tests/sso, tests/e2e/test_sso.py) will fail" >&2
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
