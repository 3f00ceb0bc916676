#!/usr/bin/env python
"""How much of real published OKR pages the Markdown importer reads (issue #10, item 5).

    .venv/bin/python bench/markdown_import_eval.py              # every page, then the total
    .venv/bin/python bench/markdown_import_eval.py --lines      # also list what it did not read

Reads every page under tests/analyzer/eval/pages/<org>/*.md (and the importer's own
fixtures in tests/planfile/fixtures/markdown/) with the pure parser the importer uses
(hoshin.planfile.markdown: no database) and prints per page: the items a reader sees (list
items, table rows, objective headings and lines), how many were read as objectives and as
key results, how many items are listed as not understood, and the page's other non-blank
lines listed as skipped (headings, prose, code). Whether the database import refuses a
page is tested by tests/planfile/test_real_pages.py (a dry run of the bare command).

"Read" is the share of items seen that became an objective or a key result. It does not say
that the type is the right one: that needs a reader's labels.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from hoshin.planfile.markdown import parse  # noqa: E402

PAGES = ROOT / "tests" / "analyzer" / "eval" / "pages"
FIXTURES = ROOT / "tests" / "planfile" / "fixtures" / "markdown"


def pages() -> list[Path]:
    found = sorted(PAGES.glob("*/*.md")) if PAGES.is_dir() else []
    found += sorted(p for p in FIXTURES.glob("*.md") if p.name != "SOURCES.md")
    return [p for p in found if p.name.upper() not in ("SOURCES.MD", "README.MD")]


def figures(path: Path) -> dict:
    page = parse(path.read_text(encoding="utf-8"))
    read = {o.line for o in page.objectives} | {k.line for k in page.key_results}
    not_understood = set()
    for u in page.unparsed:
        lines = set(range(u.line_no, max(u.end, u.line_no) + 1))
        not_understood |= (lines & page.items) - read if u.end else {u.line_no} - read
    return {"items": len(page.items | read), "objectives": len(page.objectives),
            "key_results": len(page.key_results), "not_understood": len(not_understood),
            "skipped": len(page.skipped), "units": len(page.units), "page": page}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", action="store_true", help="list the lines not understood")
    args = parser.parse_args()
    rows = []
    print(f"{'page':58} {'items':>5} {'obj':>4} {'KRs':>4} {'not u.':>6} {'read':>6} "
          f"{'skipped':>7}")
    orgs = set()
    for path in pages():
        f = figures(path)
        name = str(path.relative_to(ROOT / "tests"))
        orgs.add(path.parent.name)
        share = (f["objectives"] + f["key_results"]) / f["items"] if f["items"] else 0.0
        rows.append(f)
        print(f"{name[-58:]:58} {f['items']:5} {f['objectives']:4} {f['key_results']:4} "
              f"{f['not_understood']:6} {share:6.0%} {f['skipped']:7}")
        if args.lines:
            for u in f["page"].unparsed:
                span = f"{u.line_no}-{u.end}" if u.end and u.end != u.line_no else u.line_no
                print(f"      line {span}: {u.why[:70]} | {u.text[:60]}")
    items = sum(r["items"] for r in rows)
    read = sum(r["objectives"] + r["key_results"] for r in rows)
    nu = sum(r["not_understood"] for r in rows)
    print(f"\n{len(rows)} pages from {len(orgs)} folders: {items} items seen, "
          f"{sum(r['objectives'] for r in rows)} objectives and "
          f"{sum(r['key_results'] for r in rows)} key results read "
          f"({read / items:.1%} of items), {nu} items not understood; "
          f"{sum(r['skipped'] for r in rows)} lines skipped as the pages' furniture; "
          f"{sum(1 for r in rows if not r['objectives'])} pages with no objective read")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
