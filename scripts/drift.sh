#!/usr/bin/env bash
# Run the suite against the newest releases pyproject.toml allows (not the pinned set),
# in a separate virtual environment, and report what changed. This is a warning for the
# people who upgrade the pins (./scripts/lock.sh), never part of CI: main stays green on
# the pinned set whatever is released upstream. Exits 0 unless the install itself fails;
# the report says which versions differ and whether the suite passed.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
venv=${HOSHIN_DRIFT_VENV:-.venv-latest}
[ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade \
  --upgrade-strategy eager -e ".[test]" || exit 1

newest=$(mktemp)
trap 'rm -f "$newest"' EXIT
"$venv/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check \
  | grep -v -E '^(pip|setuptools|wheel)==' > "$newest"

echo "== releases newer than the pins (requirements/constraints.txt)"
python3 - requirements/constraints.txt "$newest" <<'PY'
import sys
def pins(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#") and "==" in line:
            name, version = line.split("==", 1)
            out[name.lower().replace("_", "-")] = version
    return out
pinned, latest = pins(sys.argv[1]), pins(sys.argv[2])
changed = [(n, pinned.get(n, "-"), latest.get(n, "-")) for n in sorted(set(pinned) | set(latest))
           if pinned.get(n) != latest.get(n)]
for name, old, new in changed:
    print(f"  {name}: {old} -> {new}")
if not changed:
    print("  none: the pins are the newest releases")
PY

echo "== test suite on the newest releases (SQLite)"
scratch=$(mktemp -d)
HOSHIN_DATA_DIR="$scratch" HOSHIN_TEST_POSTGRES=0 "$venv/bin/pytest" -q -n "${HOSHIN_TEST_WORKERS:-auto}" "$@"
status=$?
rm -rf "$scratch"
if [ "$status" = 0 ]; then
  echo "== drift: the suite passes on the newest releases; ./scripts/lock.sh may upgrade the pins"
else
  echo "== drift: the suite FAILS on the newest releases (exit $status); the pins keep main green"
fi
exit 0
