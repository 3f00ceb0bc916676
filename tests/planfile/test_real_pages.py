"""Every real OKR page kept with the evaluation corpus (tests/analyzer/eval/pages/<org>/,
plus the importer's own fixtures) goes through the Markdown importer as the bare command
would take it (`hoshin import page.md --cycle … --dry-run`: no --unit, no --owner): no page
is refused, and every non-blank line is read into an objective or key result, listed as not
understood, or listed as skipped (headings, prose, code), each with its line number.

These pages are the measuring set (bench/markdown_import_eval.py prints the figures): the
parser is not tuned on them line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoshin.planfile.markdown import parse
from hoshin.planfile.markdown_import import MarkdownImportError, import_markdown

TESTS = Path(__file__).resolve().parents[1]
PAGES = sorted((TESTS / "analyzer" / "eval" / "pages").glob("*/*.md")) + sorted(
    p for p in (TESTS / "planfile" / "fixtures" / "markdown").glob("*.md")
    if p.name != "SOURCES.md")
PAGES = [p for p in PAGES if p.name.upper() not in ("SOURCES.MD", "README.MD")]


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


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_of_a_real_page_is_accounted_for(path):
    assert unaccounted(path.read_text(encoding="utf-8")) == []


# Pages refused today, with the shape the parser does not read; each one is a miss counted
# in the report, not hidden: remove it from here when the shape is read.
KNOWN_REFUSED = {
    # Objectives as paragraph lines "A.  Title" with key results as lines "i …", "ii …"
    # (no list, no heading): nothing reads as an objective, so the page has none.
    "analyzer/eval/pages/oregon/ogic-okrs-excerpt.md",
    # Text copied from a web page with its Markdown lost: no list, heading or marker.
    "analyzer/eval/pages/wikimedia/pt-okrs-2023-24-excerpt.md",
}


def test_no_real_page_is_refused_by_the_bare_command(plan):
    assert PAGES, "no pages to measure"
    refused = {}
    for path in PAGES:
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
    assert set(refused) <= KNOWN_REFUSED, refused
