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

"Read" is the share of items seen that became an objective or a key result. Whether the
type is the right one is measured against a reader's labels: the corpus
(tests/analyzer/eval/corpus/<org>.yaml, and tests/analyzer/eval/okrs.yaml for the Sourcegraph
fixture) says, for most pages, which published lines are objectives and which are key
results. Each labelled item is found on its page by its text (compared with case, markup
and punctuation removed), then judged by what the importer made of that line: **right**
(imported with the labelled type), **wrong** (imported with the other type) or **missed**
(not imported: not understood or skipped). When the labelled line itself was not imported
but the same text was imported from another line of the page (Chromium states each key
result twice, as an Overview bullet and as a Details heading), that import is judged.

    .venv/bin/python bench/markdown_import_eval.py --types           # per page, per org
    .venv/bin/python bench/markdown_import_eval.py --types --misses  # and every miss

Two sets are measured and printed apart:

* the **development set**: the pages above, on which the parser's rules were written (its
  figures flatter the parser);
* the **held-out set**: tests/planfile/fixtures/heldout/<org>/*.md, real pages from
  organisations in neither folder above, saved and labelled by hand
  (tests/planfile/heldout_labels.json) before the importer was first run on them. Its labels
  say, for each item a reader sees, objective, key result or neither (an initiative or a
  note under a key result), and for a key result the kinds a reader accepts and its target,
  baseline and unit. An item is **right** when imported with the labelled type and, for a
  key result, with an accepted kind and the labelled target, baseline and unit (those given);
  the report also gives the share right by type alone, the items imported that a reader does
  not take for OKR items, and the page lines not accounted for.

    .venv/bin/python bench/markdown_import_eval.py --heldout           # held-out figures only
    .venv/bin/python bench/markdown_import_eval.py --heldout --misses  # and every item not right

A second held-out set, tests/planfile/fixtures/heldout2/ with tests/planfile/heldout2_labels.json
(other organisations, labelled by a session that had not read the parser), is scored alone with

    .venv/bin/python bench/markdown_import_eval.py --heldout-set heldout2 [--misses]

and `--heldout-set NAME --write-right` writes tests/planfile/NAME_right.json (the ids of its
labels imported right: a regression set once the set is no longer held out).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from hoshin.planfile.markdown import parse  # noqa: E402

PAGES = ROOT / "tests" / "analyzer" / "eval" / "pages"
FIXTURES = ROOT / "tests" / "planfile" / "fixtures" / "markdown"
EVAL = ROOT / "tests" / "analyzer" / "eval"
HELDOUT = ROOT / "tests" / "planfile" / "fixtures" / "heldout"
HELDOUT_LABELS = ROOT / "tests" / "planfile" / "heldout_labels.json"


def pages() -> list[Path]:
    found = sorted(PAGES.glob("*/*.md")) if PAGES.is_dir() else []
    found += sorted(p for p in FIXTURES.glob("*.md") if p.name != "SOURCES.md")
    return [p for p in found if p.name.upper() not in ("SOURCES.MD", "README.MD")]


def heldout_pages() -> list[Path]:
    return sorted(p for p in HELDOUT.glob("*/*.md")) if HELDOUT.is_dir() else []


def unaccounted(page, text: str) -> list[int]:
    """Non-blank lines of the page that are neither imported, nor listed as not understood,
    nor listed as skipped (the importer's promise: nothing dropped silently)."""
    listed = set(page.read_lines) | {u.line_no for u in page.skipped}
    for o in page.objectives:
        listed.update(range(o.line, max(o.end, o.line) + 1))
    for kr in page.key_results:
        listed.update(range(kr.line, max(kr.end, kr.line) + 1))
    for u in page.unparsed:
        listed.update(range(u.line_no, max(u.end, u.line_no) + 1))
    return [n for n, line in enumerate(text.split("\n"), start=1)
            if line.strip() and n not in listed]


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


# Type accuracy against the corpus labels ------------------------------------------------


def norm(text: str) -> str:
    """Text compared without case, Markdown or punctuation: 'word word word'."""
    text = re.sub(r"\]\([^)]*\)", " ", text)  # link targets
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def labels() -> list[dict]:
    """Every labelled objective and key result: {id, type, text, src, org}."""
    found = []
    files = sorted((EVAL / "corpus").glob("*.yaml")) + [EVAL / "okrs.yaml"]
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, kind in (("objectives", "objective"), ("krs", "kr")):
            for item in data.get(key) or []:
                found.append({"id": item["id"], "type": kind, "text": item["text"],
                              "src": item["src"], "org": item.get("org") or ""})
    return found


def _locate(texts: list[str], wanted: list[dict]) -> dict[str, int]:
    """The line of each labelled item on a page (id -> line number), found by its text: the
    line as written first (labels keep the indentation and markers), then the line with
    case, markup and punctuation removed, then a line containing it; items with the same
    text take the lines holding it in order."""
    lines = [norm(t) for t in texts]
    tests = (lambda item, n: texts[n - 1] == item["text"],
             lambda item, n: texts[n - 1].strip() == item["text"].strip(),
             lambda item, n: lines[n - 1] == item["norm"],
             lambda item, n: len(item["norm"]) >= 12
             and f" {item['norm']} " in f" {lines[n - 1]} ")
    where: dict[str, int] = {}
    used: set[int] = set()
    for test in tests:
        for item in wanted:
            item.setdefault("norm", norm(item["text"]))
            if item["id"] in where or not item["norm"]:
                continue
            for n in range(1, len(texts) + 1):
                if n not in used and test(item, n):
                    where[item["id"]] = n
                    used.add(n)
                    break
    return where


def page_labels(paths: list[Path]) -> dict[Path, list[dict]]:
    """The labelled items of each page, with their line: a source (`src`) belongs to the
    page of its organisation's folder (any page for okrs.yaml) that holds most of its
    items."""
    by_src: dict[str, list[dict]] = defaultdict(list)
    for item in labels():
        by_src[item["src"]].append(item)
    texts = {p: p.read_text(encoding="utf-8").split("\n") for p in paths}
    result: dict[Path, list[dict]] = defaultdict(list)
    for _src, items in by_src.items():
        org = items[0]["org"]
        candidates = [p for p in paths if not org or p.parent.name == org]
        best, best_where = None, {}
        for p in candidates:
            where = _locate(texts[p], items)
            if len(where) > len(best_where):
                best, best_where = p, where
        if best is None or len(best_where) * 2 < len(items):
            continue  # not a Markdown page kept here (CSV, JSON, pages not saved)
        for item in items:
            if item["id"] in best_where:
                result[best].append({**item, "line": best_where[item["id"]]})
    return result


def judge(page, wanted: list[dict]) -> list[dict]:
    """Each labelled item with `got`: 'objective', 'kr' or '' (not imported), and
    `verdict`: 'right', 'wrong' or 'missed'."""
    spans = [(o.line, max(o.end, o.line), "objective", norm(o.title)) for o in page.objectives]
    spans += [(k.line, max(k.end, k.line), "kr", norm(k.title)) for k in page.key_results]
    judged = []
    for item in wanted:
        got = ""
        for first, last, kind, _ in spans:
            if first <= item["line"] <= last:
                got = kind
                break
        if not got:
            n_text = norm(item["text"])
            same = [kind for _, _, kind, title in spans if title and (
                title == n_text or (min(len(title), len(n_text)) >= 12 and (
                    f" {title} " in f" {n_text} " or f" {n_text} " in f" {title} ")))]
            if same:
                got = item["type"] if item["type"] in same else same[0]
        verdict = "missed" if not got else ("right" if got == item["type"] else "wrong")
        judged.append({**item, "got": got, "verdict": verdict})
    return judged


def type_accuracy(paths: list[Path] | None = None) -> dict[Path, list[dict]]:
    """Every labelled item of every page, judged (see `judge`)."""
    paths = paths or pages()
    located = page_labels(paths)
    return {p: judge(parse(p.read_text(encoding="utf-8")), located[p])
            for p in paths if located.get(p)}


def _tally(judged: list[dict]) -> tuple[int, int, int, int]:
    right = sum(j["verdict"] == "right" for j in judged)
    wrong = sum(j["verdict"] == "wrong" for j in judged)
    missed = sum(j["verdict"] == "missed" for j in judged)
    return len(judged), right, wrong, missed


def print_types(results: dict[Path, list[dict]], misses: bool = False) -> None:
    print(f"\n{'page (labelled items)':58} {'items':>5} {'right':>5} {'wrong':>5} "
          f"{'missed':>6} {'right':>6}")
    orgs: dict[str, list[dict]] = defaultdict(list)
    for path, judged in results.items():
        n, right, wrong, missed = _tally(judged)
        org = path.parent.name if path.parent.parent == PAGES else "sourcegraph"
        orgs[org] += judged
        name = str(path.relative_to(ROOT / "tests"))
        print(f"{name[-58:]:58} {n:5} {right:5} {wrong:5} {missed:6} {right / n:6.1%}")
        if misses:
            for j in judged:
                if j["verdict"] != "right":
                    print(f"      {j['verdict']:6} line {j['line']:4} labelled {j['type']:9} "
                          f"got {j['got'] or '-':9} | {j['text'][:70]}")
    print(f"\n{'organisation':20} {'pages':>5} {'items':>5} {'right':>5} {'wrong':>5} "
          f"{'missed':>6} {'right':>6}")
    shares = []
    for org in sorted(orgs):
        n, right, wrong, missed = _tally(orgs[org])
        count = sum(1 for p in results if (p.parent.name if p.parent.parent == PAGES
                                           else "sourcegraph") == org)
        shares.append(right / n)
        print(f"{org:20} {count:5} {n:5} {right:5} {wrong:5} {missed:6} {right / n:6.1%}")
    everything = [j for judged in results.values() for j in judged]
    n, right, wrong, missed = _tally(everything)
    print(f"\n{len(results)} labelled pages from {len(orgs)} organisations: {n} labelled items,"
          f" {right} imported with the right type ({right / n:.1%}), {wrong} with the wrong "
          f"type, {missed} not imported; mean over organisations "
          f"{sum(shares) / len(shares):.1%}")


# The held-out set ------------------------------------------------------------------------

_UNIT_SAME = {"usd": "$", "us$": "$", "dollar": "$", "dollars": "$", "percent": "%",
              "days": "day", "d": "day", "chf": "chf", "fr": "chf"}


def _unit(u: str | None) -> str:
    u = (u or "").strip().lower()
    return _UNIT_SAME.get(u, u)


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


def heldout_labels() -> list[dict]:
    data = json.loads(HELDOUT_LABELS.read_text(encoding="utf-8"))
    return data["items"]


def judge_heldout(page, labels: list[dict]) -> list[dict]:
    """Each label with `got` ('objective', 'kr' or '') and the imported item, `type_ok` (the
    type a reader gives it: objective, key result, or not imported for 'none') and `right`
    (type right and, for a key result, an accepted kind and the labelled numbers)."""
    spans = [(o.line, max(o.end, o.line), "objective", o) for o in page.objectives]
    spans += [(k.line, max(k.end, k.line), "kr", k) for k in page.key_results]
    judged = []
    for label in labels:
        lines = [label["line"], *label.get("also_lines", [])]
        found = [(kind, item) for first, last, kind, item in spans
                 if any(first <= n <= last for n in lines)]
        if len(found) > 1:  # several items on the line (a flattened table row): the closest
            want = set(norm(label["text"]).split())
            found.sort(key=lambda f: -len(want & set(norm(f[1].title).split())))
        got, item = found[0] if found else ("", None)
        if label["type"] == "none":
            type_ok = right = not got
            why = "" if right else f"imported as {got}"
        else:
            type_ok = got == label["type"]
            right, why = type_ok, "" if type_ok else (f"imported as {got}" if got
                                                      else "not imported")
            if type_ok and got == "kr":
                problems = []
                if item.kind not in label["kind"]:
                    problems.append(f"kind {item.kind} (reader: {'/'.join(label['kind'])})")
                if label.get("target") is not None and not _close(item.target, label["target"]):
                    problems.append(f"target {item.target} (reader: {label['target']})")
                if label.get("baseline") is not None and not _close(item.baseline,
                                                                     label["baseline"]):
                    problems.append(f"baseline {item.baseline} (reader: {label['baseline']})")
                if label.get("unit") is not None and label.get("target") is not None \
                        and _unit(item.unit) != _unit(label["unit"]):
                    problems.append(f"unit '{item.unit}' (reader: '{label['unit']}')")
                right = not problems
                why = "; ".join(problems)
        judged.append({**label, "got": got, "type_ok": type_ok, "right": right, "why": why,
                       "got_kind": getattr(item, "kind", ""), "got_target":
                       getattr(item, "target", None), "got_unit": getattr(item, "unit", "")})
    return judged


def heldout_results() -> dict[Path, dict]:
    """Per held-out page: its judged labels and its unaccounted lines."""
    by_page: dict[str, list[dict]] = defaultdict(list)
    for label in heldout_labels():
        by_page[label["page"]].append(label)
    results = {}
    for path in heldout_pages():
        text = path.read_text(encoding="utf-8")
        page = parse(text)
        rel = str(path.relative_to(HELDOUT))
        labelled = {n for lb in by_page.get(rel, [])
                    for n in [lb["line"], *lb.get("also_lines", [])]}
        imported = {o.line for o in page.objectives} | {k.line for k in page.key_results}
        results[path] = {"judged": judge_heldout(page, by_page.get(rel, [])),
                         "unaccounted": unaccounted(page, text),
                         # imported from lines no label covers (process lists, prose the
                         # labels do not cover): objectives or key results a reader would
                         # not see there
                         "unlabelled": sorted(imported - labelled)}
    return results


def heldout_tally(judged: list[dict]) -> dict:
    okr = [j for j in judged if j["type"] != "none"]
    none = [j for j in judged if j["type"] == "none"]
    krs = [j for j in okr if j["type"] == "kr"]
    return {"items": len(okr), "right": sum(j["right"] for j in okr),
            "type_right": sum(j["type_ok"] for j in okr),
            "missed": sum(not j["got"] for j in okr),
            "krs": len(krs), "krs_right": sum(j["right"] for j in krs),
            "others": len(none), "others_imported": sum(not j["right"] for j in none)}


def print_heldout(results: dict[Path, dict], misses: bool = False) -> None:
    print(f"\nHELD-OUT SET ({HELDOUT.relative_to(ROOT)}: organisations the parser was not "
          "written on)")
    print(f"{'page':52} {'items':>5} {'right':>5} {'type':>5} {'missed':>6} {'others':>6} "
          f"{'unacc.':>6} {'unlab.':>6}")
    orgs: dict[str, list[dict]] = defaultdict(list)
    lost = unlabelled = 0
    for path, r in results.items():
        unlabelled += len(r["unlabelled"])
        t = heldout_tally(r["judged"])
        orgs[path.parent.name] += r["judged"]
        lost += len(r["unaccounted"])
        name = str(path.relative_to(HELDOUT))
        print(f"{name[-52:]:52} {t['items']:5} {t['right']:5} {t['type_right']:5} "
              f"{t['missed']:6} {t['others_imported']:3}/{t['others']:<2} "
              f"{len(r['unaccounted']):6} {len(r['unlabelled']):6}")
        if misses:
            for j in r["judged"]:
                if not j["right"]:
                    print(f"      line {j['line']:4} {j['type']:9} {j['why'][:60]:60} | "
                          f"{j['text'][:50]}")
    print(f"\n{'organisation':20} {'items':>5} {'right':>6} {'type right':>10}")
    shares = []
    for org in sorted(orgs):
        t = heldout_tally(orgs[org])
        if t["items"]:
            shares.append(t["right"] / t["items"])
            print(f"{org:20} {t['items']:5} {t['right'] / t['items']:6.1%} "
                  f"{t['type_right'] / t['items']:10.1%}")
    t = heldout_tally([j for r in results.values() for j in r["judged"]])
    print(f"\nheld-out: {len(results)} pages from {len(orgs)} organisations, {t['items']} "
          f"labelled objectives and key results: {t['right']} right ({t['right'] / t['items']:.1%}"
          f": type, and for a key result kind and numbers), {t['type_right']} with the right "
          f"type ({t['type_right'] / t['items']:.1%}), {t['missed']} not imported; key results "
          f"right {t['krs_right']}/{t['krs']}; mean over organisations "
          f"{sum(shares) / len(shares):.1%}; {t['others_imported']} of {t['others']} other "
          f"list items (initiatives, notes) imported as OKR items; {unlabelled} items imported "
          f"from lines no label covers; {lost} lines unaccounted for")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", action="store_true", help="list the lines not understood")
    parser.add_argument("--types", action="store_true",
                        help="also judge the types against the corpus labels")
    parser.add_argument("--write-right", action="store_true",
                        help="write tests/planfile/real_pages_right.json and heldout_right.json "
                             "(with --heldout-set NAME: NAME_right.json): the ids of the "
                             "labelled items imported right (a regression set)")
    parser.add_argument("--misses", action="store_true",
                        help="with --types or --heldout: list every labelled item not right")
    parser.add_argument("--heldout", action="store_true",
                        help="only the held-out set (tests/planfile/fixtures/heldout)")
    parser.add_argument("--heldout-set", metavar="NAME",
                        help="only the held-out set tests/planfile/fixtures/NAME, labelled in "
                             "tests/planfile/NAME_labels.json (e.g. heldout2)")
    args = parser.parse_args()
    if args.heldout_set:
        global HELDOUT, HELDOUT_LABELS
        HELDOUT = ROOT / "tests" / "planfile" / "fixtures" / args.heldout_set
        HELDOUT_LABELS = ROOT / "tests" / "planfile" / f"{args.heldout_set}_labels.json"
        held = heldout_results()
        print_heldout(held, misses=args.misses)
        if args.write_right:
            right = sorted(j["id"] for r in held.values() for j in r["judged"] if j["right"])
            out = ROOT / "tests" / "planfile" / f"{args.heldout_set}_right.json"
            out.write_text(json.dumps(right, indent=0) + "\n", encoding="utf-8")
            print(f"{len(right)} ids written to {out.relative_to(ROOT)}")
        return 0
    if args.heldout:
        print_heldout(heldout_results(), misses=args.misses)
        return 0
    print("DEVELOPMENT SET (tests/analyzer/eval/pages and tests/planfile/fixtures/markdown: the "
          "pages the parser's rules were written on)")
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
    if args.types or args.write_right:
        results = type_accuracy()
        print_types(results, misses=args.misses)
        if args.write_right:
            right = sorted(j["id"] for judged in results.values() for j in judged
                           if j["verdict"] == "right")
            out = ROOT / "tests" / "planfile" / "real_pages_right.json"
            out.write_text(json.dumps(right, indent=0) + "\n", encoding="utf-8")
            print(f"{len(right)} ids written to {out.relative_to(ROOT)}")
    held = heldout_results()
    print_heldout(held, misses=args.misses)
    if args.write_right:
        right = sorted(j["id"] for r in held.values() for j in r["judged"] if j["right"])
        out = ROOT / "tests" / "planfile" / "heldout_right.json"
        out.write_text(json.dumps(right, indent=0) + "\n", encoding="utf-8")
        print(f"{len(right)} held-out ids written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
