"""Every real OKR page kept with the evaluation corpus (tests/analyzer/eval/pages/<org>/,
plus the importer's own fixtures) goes through the Markdown importer as the bare command
would take it (`hoshin import page.md --cycle … --dry-run`: no --unit, no --owner): no page
is refused, and every non-blank line is read into an objective or key result, listed as not
understood, or listed as skipped (headings, prose, code), each with its line number.

These pages are the measuring set (bench/markdown_import_eval.py prints the figures). The
parser has no rule for one page or line, but its general rules were found by reading these
pages' misses: the type accuracy asserted here is measured on the development set.

The held-out pages (tests/planfile/fixtures/heldout/) were labelled before the importer was
first run on them (tests/planfile/heldout_labels.json); the rules added after that first
measure were written reading their misses too, so they are no longer held out: they stay
here as regression cases (every page accounted for and not refused, the share of labelled
items imported right, and every item right stays right).

The second held-out set (tests/planfile/fixtures/heldout2/, labels in heldout2_labels.json)
was labelled blind and measured once (79.6% of its objectives and key results with the right
type); rules were then written reading its misses, so it is a development set now and stays
here as regression cases the same way."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from hoshin.planfile.markdown import parse
from hoshin.planfile.markdown_import import MarkdownImportError, import_markdown

TESTS = Path(__file__).resolve().parents[1]
PAGES = sorted((TESTS / "analyzer" / "eval" / "pages").glob("*/*.md")) + sorted(
    p for p in (TESTS / "planfile" / "fixtures" / "markdown").glob("*.md")
    if p.name != "SOURCES.md")
PAGES = [p for p in PAGES if p.name.upper() not in ("SOURCES.MD", "README.MD")]
# The held-out pages (tests/planfile/fixtures/heldout/<org>/): organisations the parser's
# rules were not written on, labelled in tests/planfile/heldout_labels.json before the
# importer was first run on them.
HELDOUT = sorted((TESTS / "planfile" / "fixtures" / "heldout").glob("*/*.md"))
# The second held-out set, no longer held out (see the module's docstring).
HELDOUT2 = sorted((TESTS / "planfile" / "fixtures" / "heldout2").glob("*/*.md"))


def unaccounted(text: str) -> list[int]:
    page = parse(text)
    listed = set(page.read_lines) | {u.line_no for u in page.skipped}
    for o in page.objectives:
        listed.update(range(o.line, max(o.end, o.line) + 1))
    for kr in page.key_results:
        listed.update(range(kr.line, max(kr.end, kr.line) + 1))
    for u in page.unparsed:
        listed.update(range(u.line_no, max(u.end, u.line_no) + 1))
    return [n for n, line in enumerate(text.split("\n"), start=1)
            if line.strip() and n not in listed]


@pytest.mark.parametrize("path", PAGES + HELDOUT + HELDOUT2,
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_of_a_real_page_is_accounted_for(path):
    assert unaccounted(path.read_text(encoding="utf-8")) == []


def test_no_real_page_is_refused_by_the_bare_command(plan):
    assert PAGES and HELDOUT and HELDOUT2, "no pages to measure"
    refused = {}
    for path in PAGES + HELDOUT + HELDOUT2:
        try:
            # What `hoshin import page.md --cycle Q --dry-run` does: no actor, no unit, no
            # default owner.
            report = import_markdown(None, path.read_text(encoding="utf-8"),
                                     cycle=plan.quarter.key, dry_run=True)
        except MarkdownImportError as exc:
            refused[str(path.relative_to(TESTS))] = exc.report.errors[:3]
            continue
        if report.errors:
            refused[str(path.relative_to(TESTS))] = report.errors[:3]
    assert refused == {}


# Type accuracy against the corpus labels (bench/markdown_import_eval.py --types): the
# labelled objectives and key results of the pages, found by their text, imported with
# the labelled type. The floor is the figure reached when this test was last raised (941
# of 961, 97.9%) minus nothing: raise it when the parser improves.
TYPE_FLOOR = 0.979


def _bench():
    spec = importlib.util.spec_from_file_location(
        "markdown_import_eval", TESTS.parent / "bench" / "markdown_import_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def judged():
    return [j for items in _bench().type_accuracy().values() for j in items]


def test_labelled_items_import_with_the_readers_type(judged):
    pages = {j["src"] for j in judged}
    orgs = {j["org"] or "sourcegraph" for j in judged}
    assert len(pages) >= 30 and len(orgs) >= 15
    right = sum(j["verdict"] == "right" for j in judged)
    assert right / len(judged) >= TYPE_FLOOR, f"{right}/{len(judged)}"


# Every labelled item imported with the right type when this test was written keeps its
# type (a regression set; tests/planfile/real_pages_right.json lists their ids, written by
# `bench/markdown_import_eval.py --write-right`). Items still wrong are not asserted.
RIGHT = json.loads((Path(__file__).parent / "real_pages_right.json").read_text())


def test_items_imported_right_stay_right(judged):
    now = {j["id"]: j for j in judged}
    lost = [f"{i}: {now[i]['verdict']} ({now[i]['got'] or '-'}) {now[i]['text'][:60]}"
            if i in now else f"{i}: no longer found" for i in RIGHT
            if i not in now or now[i]["verdict"] != "right"]
    assert lost == []


# The held-out pages: each labelled item (objective, key result, or a list item that is
# neither) imported as a reader labelled it: the type, and for a key result an accepted kind
# and the target, baseline and unit given. 154 of 159 were right when this test was written
# (33 before the rules written for these pages); tests/planfile/heldout_right.json lists them.
HELDOUT_FLOOR = 0.96
HELDOUT_RIGHT = json.loads((Path(__file__).parent / "heldout_right.json").read_text())


@pytest.fixture(scope="module")
def heldout():
    return [j for r in _bench().heldout_results().values() for j in r["judged"]]


def test_heldout_items_import_as_a_reader_labelled_them(heldout):
    items = [j for j in heldout if j["type"] != "none"]
    assert len({j["page"] for j in items}) >= 10 and len({j["org"] for j in items}) >= 6
    right = sum(j["right"] for j in items)
    assert right / len(items) >= HELDOUT_FLOOR, f"{right}/{len(items)}"


def test_heldout_items_right_stay_right(heldout):
    now = {j["id"]: j for j in heldout}
    lost = [f"{i}: {now[i]['why'] or now[i]['got'] or '-'} | {now[i]['text'][:60]}"
            if i in now else f"{i}: no longer labelled" for i in HELDOUT_RIGHT
            if i not in now or not now[i]["right"]]
    assert lost == []


# The second held-out set, now a regression set: at least 95% of the objectives and key
# results a reader sees import with the reader's type (the target of issue #10 item 5; 451 of
# 456 when this test was written, 363 when the set was first measured blind), at least 96%
# fully right (type, and for a key result kind and numbers: 441), at most 18 of the 194 list
# items that are neither imported as objectives or key results (140 when first measured),
# and every label right then (tests/planfile/heldout2_right.json, written by
# `bench/markdown_import_eval.py --heldout-set heldout2 --write-right`) stays right.
HELDOUT2_TYPE_FLOOR = 0.95
HELDOUT2_FLOOR = 0.96
HELDOUT2_OTHERS_IMPORTED = 18
HELDOUT2_RIGHT = json.loads((Path(__file__).parent / "heldout2_right.json").read_text())


@pytest.fixture(scope="module")
def heldout2():
    bench = _bench()
    bench.HELDOUT = TESTS / "planfile" / "fixtures" / "heldout2"
    bench.HELDOUT_LABELS = TESTS / "planfile" / "heldout2_labels.json"
    return [j for r in bench.heldout_results().values() for j in r["judged"]]


def test_heldout2_items_import_with_the_readers_type(heldout2):
    items = [j for j in heldout2 if j["type"] != "none"]
    assert len({j["page"] for j in items}) >= 16 and len({j["org"] for j in items}) >= 7
    typed = sum(j["type_ok"] for j in items)
    right = sum(j["right"] for j in items)
    assert typed / len(items) >= HELDOUT2_TYPE_FLOOR, f"{typed}/{len(items)}"
    assert right / len(items) >= HELDOUT2_FLOOR, f"{right}/{len(items)}"
    others = [j for j in heldout2 if j["type"] == "none"]
    assert sum(not j["right"] for j in others) <= HELDOUT2_OTHERS_IMPORTED


def test_heldout2_items_right_stay_right(heldout2):
    now = {j["id"]: j for j in heldout2}
    lost = [f"{i}: {now[i]['why'] or now[i]['got'] or '-'} | {now[i]['text'][:60]}"
            if i in now else f"{i}: no longer labelled" for i in HELDOUT2_RIGHT
            if i not in now or not now[i]["right"]]
    assert lost == []
