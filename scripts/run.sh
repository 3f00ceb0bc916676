#!/usr/bin/env bash
# Install Hoshin into .venv, prepare the SQLite database with the demo organisation and
# serve the web app on http://127.0.0.1:8000 (the login is printed before the server starts),
# with the background worker and the scheduler (reminders, notifications) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e .

# The board pack's PDF (WeasyPrint) needs Pango and a font from the system; everything
# else runs without them, so say what is missing instead of stopping.
if ! compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null; then
  echo "Note: the board pack needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0" \
       "libharfbuzz-subset0 fonts-dejavu-core (docs/boardpack.md)." >&2
fi

export HOSHIN_DATA_DIR=${HOSHIN_DATA_DIR:-$PWD/var}
# Quietly: a first run applies about 75 migrations, whose lines would push the login that
# `hoshin demo` prints out of sight.
echo "Preparing the database in $HOSHIN_DATA_DIR ..."
.venv/bin/hoshin migrate --noinput --verbosity 0
.venv/bin/hoshin demo --if-empty
# The worker runs queued tasks; the scheduler enqueues periodic jobs. Both stop with the
# web server.
.venv/bin/hoshin worker &
worker=$!
.venv/bin/hoshin scheduler &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null; wait $worker $scheduler 2>/dev/null' EXIT INT TERM
.venv/bin/hoshin serve --no-migrate --host "${HOSHIN_HOST:-127.0.0.1}" --port "${HOSHIN_PORT:-8000}"
