#!/usr/bin/env bash
# Upgrade the pinned versions: resolve the newest releases that pyproject.toml's ranges
# allow, in a fresh virtual environment, and rewrite requirements/constraints.txt.
# Run ./scripts/test.sh afterwards and commit both files together.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
{
  sed -n '/^#/p;/^$/q' requirements/constraints.txt
  "$scratch/venv/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check \
    | grep -v -E '^(pip|setuptools|wheel)=='
} > requirements/constraints.txt.new
mv requirements/constraints.txt.new requirements/constraints.txt
git --no-pager diff --stat -- requirements/constraints.txt || true
