"""The import contract (pyproject.toml [tool.importlinter]) is declared, complete and
checked. The check itself is `lint-imports` in scripts/test.sh, before the tests; these
tests only read files, so they cost nothing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "hoshin"


def importlinter() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def contracts() -> dict[str, dict]:
    return {c["id"]: c for c in importlinter()["contracts"]}


def layer_modules(layer: str) -> set[str]:
    """`api | (backup)` -> {"api", "backup"}: siblings split, optional ones unwrapped."""
    return {name.strip().strip("()") for name in re.split(r"[|:]", layer)}


def test_the_three_contracts_are_declared_on_hoshin():
    assert importlinter()["root_package"] == "hoshin"
    assert {"layers", "workflow-independence", "engine-no-django"} <= contracts().keys()
    assert contracts()["layers"]["containers"] == ["hoshin"]
    assert contracts()["layers"]["layers"][-1] == "engine"


def test_every_module_of_hoshin_sits_in_a_layer():
    placed = set().union(*map(layer_modules, contracts()["layers"]["layers"]))
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.name != "__init__.py"}
    modules |= {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert modules - placed == set(), "place the new module in a layer of pyproject.toml"


def test_every_ignored_import_says_what_would_remove_it():
    """Inside an ignore_imports list, each group of entries (separated by blank lines)
    starts with a `# debt:` comment."""
    lines = (ROOT / "pyproject.toml").read_text().splitlines()
    inside, group_has_debt, unexplained = False, False, []
    for line in lines:
        text = line.strip()
        if text.startswith("ignore_imports"):
            inside, group_has_debt = True, False
        elif inside and text == "]":
            inside = False
        elif inside and not text:
            group_has_debt = False
        elif inside and text.startswith("# debt:"):
            group_has_debt = True
        elif inside and text.startswith('"') and not group_has_debt:
            unexplained.append(text)
    assert unexplained == []


def test_the_test_script_checks_the_layers_before_the_tests():
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "set -euo pipefail" in script  # a broken contract stops the script
    lint = script.index(".venv/bin/lint-imports")
    assert lint < script.index(".venv/bin/pytest")
