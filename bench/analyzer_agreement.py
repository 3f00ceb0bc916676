#!/usr/bin/env python
"""How far do two careful readers agree on the analyzer's text rules? (issue #10)

    .venv/bin/python bench/analyzer_agreement.py sample     # writes /tmp/agree_sample.txt
    .venv/bin/python bench/analyzer_agreement.py compare    # the agreement tables

The labelled corpus (tests/analyzer/eval/okrs.yaml and corpus/*.yaml) was labelled by ONE
reader. `sample` draws a fixed stratified random sample of about 450 of its items (every
organisation, both roles, enriched so that each target rule has at least ~40 of the first
reader's positives) and writes only what a second reader may see: id, role, organisation,
the objective of a key result (its context) and the text. No flag, no reason: the second
reader labels it blind into tests/analyzer/eval/second_reader.json.

`compare` then measures, per rule and on the sampled items: the second reader against the
first (precision, recall, Cohen's kappa, raw agreement, counts), the analyzer's own
leave-one-organisation-out verdicts (`bench/analyzer_eval.py`'s folds) against each reader
and against the items where both readers agree, and everything split by the first reader's
`judgement: true` marks.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import analyzer_eval  # noqa: E402  (the corpus loader, folds and model fitting)

SECOND_READER_FILE = analyzer_eval.EVAL_DIR / "second_reader.json"
SAMPLE_FILE = Path("/tmp/agree_sample.txt")
SEED = 20261207
SAMPLE_SIZE = 450
# Per target rule: the first reader's positives the sample holds at least (or all there are).
MIN_POSITIVES = 45
# Per organisation and role: items the sample holds at least (or all there are).
MIN_PER_STRATUM = 3
ROLES = {"krs": "key result", "objectives": "objective"}
CODES_BY_ROLE = {"key result": analyzer_eval.KR_CODES,
                 "objective": analyzer_eval.OBJECTIVE_CODES}
ALL_CODES = tuple(dict.fromkeys(analyzer_eval.KR_CODES + analyzer_eval.OBJECTIVE_CODES))


def corpus_items(data: dict | None = None) -> list[dict]:
    """Every key result and objective of the corpus as {id, role, org, context, text, flags,
    judgement}, in corpus order; a key result's context is its objective's text."""
    data = data or analyzer_eval.load()
    objectives = {(o["file"], o["id"]): o["text"] for o in data["objectives"]}
    out = []
    for key, role in ROLES.items():
        for item in data[key]:
            context = objectives.get((item["file"], item.get("obj")), "") if key == "krs" \
                else ""
            out.append({"id": item["id"], "role": role, "org": item["org"],
                        "context": context, "text": item["text"],
                        "flags": list(item["flags"]), "judgement": bool(item.get("judgement")),
                        "why": item.get("why", "")})
    return out


def _positive(item: dict, code: str) -> bool:
    return code in item["flags"] and code in CODES_BY_ROLE[item["role"]]


def draw_sample(items: list[dict], size: int = SAMPLE_SIZE, seed: int = SEED) -> list[dict]:
    """The sample, in (organisation, role, corpus) order so that nothing in the order tells
    which stage picked an item. Stages: (1) for each target rule, rarest first, random
    first-reader positives until MIN_POSITIVES; (2) every organisation x role stratum up to
    MIN_PER_STRATUM; (3) the rest filled at random, each stratum in proportion to its size."""
    rng = random.Random(seed)
    order = list(range(len(items)))
    rng.shuffle(order)
    chosen: set[int] = set()

    targets = sorted(analyzer_eval.TARGETS,
                     key=lambda c: sum(_positive(i, c) for i in items))
    for code in targets:
        have = sum(_positive(items[i], code) for i in chosen)
        for i in order:
            if have >= MIN_POSITIVES:
                break
            if i not in chosen and _positive(items[i], code):
                chosen.add(i)
                have += 1

    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in order:
        strata[(items[i]["org"], items[i]["role"])].append(i)
    for key in sorted(strata):
        members = strata[key]
        have = sum(i in chosen for i in members)
        for i in members:
            if have >= MIN_PER_STRATUM:
                break
            if i not in chosen:
                chosen.add(i)
                have += 1

    # Fill: each stratum's share of what is left, largest remainders first, then at random.
    left = size - len(chosen)
    if left > 0:
        free = {k: [i for i in m if i not in chosen] for k, m in strata.items()}
        total = sum(len(m) for m in free.values())
        quotas = {k: left * len(m) / total for k, m in free.items()} if total else {}
        take = {k: int(q) for k, q in quotas.items()}
        for k in sorted(quotas, key=lambda k: (-(quotas[k] - take[k]), k)):
            if sum(take.values()) >= left:
                break
            take[k] += 1
        for k, members in free.items():
            chosen.update(members[:take[k]])
    position = {id(item): n for n, item in enumerate(items)}
    picked = [items[i] for i in chosen]
    return sorted(picked, key=lambda it: (it["org"], it["role"] != "objective",
                                          position[id(it)]))


def blind_text(sample: list[dict]) -> str:
    """What the second reader sees: no flag, no reason, no judgement mark."""
    lines = [f"# {len(sample)} items; label each with the codes that apply "
             f"(key result: {', '.join(analyzer_eval.KR_CODES)}; objective: "
             f"{', '.join(analyzer_eval.OBJECTIVE_CODES)})", ""]
    for item in sample:
        lines.append(f"[{item['id']}] {item['role']} | {item['org']}")
        if item["role"] == "key result":
            lines.append(f"  objective: {item['context'] or '(none given)'}")
        lines.append(f"  text: {item['text']}")
        lines.append("")
    return "\n".join(lines)


def cmd_sample(args) -> int:
    sample = draw_sample(corpus_items())
    Path(args.out).write_text(blind_text(sample), encoding="utf-8")
    roles = defaultdict(int)
    orgs = defaultdict(int)
    for item in sample:
        roles[item["role"]] += 1
        orgs[item["org"]] += 1
    print(f"wrote {args.out}: {len(sample)} items ({dict(roles)}), {len(orgs)} organisations")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample", help="write the blind sample for the second reader")
    p.add_argument("--out", default=str(SAMPLE_FILE))
    args = parser.parse_args(argv)
    return {"sample": cmd_sample}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
