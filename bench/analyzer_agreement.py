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
    # The sample was drawn from the first corpus (20 organisations), before the blind set
    # joined it: the same items on every run.
    data = data or analyzer_eval.load(analyzer_eval.FIRST_CORPUS)
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


def second_reader(path: Path = SECOND_READER_FILE) -> dict[str, dict]:
    """{id: {"flags", "why"}} of the second reader's labels."""
    return {row["id"]: row for row in json.loads(path.read_text(encoding="utf-8"))}


def analyzer_verdicts(data: dict, items: list[dict]) -> dict[str, set[str]]:
    """{id: codes the text rules raise} for `items`, each judged by the model fitted on the
    other organisations only (bench/analyzer_eval.py's leave-one-organisation-out folds,
    semantic extra off as in its default table)."""
    from hoshin.analyzer import semantic, text

    out: dict[str, set[str]] = {}
    with semantic.using(False):
        for org in sorted({i["org"] for i in items}):
            model = analyzer_eval.fit_model(analyzer_eval.training_items(data, exclude=org))
            for item in items:
                if item["org"] != org:
                    continue
                judge = text.kr_verdicts if item["role"] == "key result" \
                    else text.objective_verdicts
                out[item["id"]] = {v.code for v in judge(item["text"], model=model)}
    return out


def inclusion_weights(items: list[dict], draws: int = 400) -> dict[str, float]:
    """{id: 1 / probability that `draw_sample` picks the item}, the probability estimated
    over `draws` other seeds: weighting by it undoes the enrichment, so the weighted figures
    estimate what the whole corpus would show."""
    counts: dict[str, int] = defaultdict(int)
    for seed in range(draws):
        for item in draw_sample(items, seed=SEED + 1 + seed):
            counts[item["id"]] += 1
    return {i["id"]: draws / counts[i["id"]] for i in items if counts[i["id"]]}


class Agreement:
    """Two raters' yes/no verdicts on the same items (a reference and a candidate), with
    weights (1 for plain counts)."""

    def __init__(self):
        self.both = self.ref_only = self.cand_only = self.neither = 0.0
        self.n = 0

    def add(self, ref: bool, cand: bool, weight: float = 1.0):
        self.n += 1
        if ref and cand:
            self.both += weight
        elif ref:
            self.ref_only += weight
        elif cand:
            self.cand_only += weight
        else:
            self.neither += weight

    @property
    def total(self) -> float:
        return self.both + self.ref_only + self.cand_only + self.neither

    @property
    def precision(self) -> float | None:
        fired = self.both + self.cand_only
        return self.both / fired if fired else None

    @property
    def recall(self) -> float | None:
        support = self.both + self.ref_only
        return self.both / support if support else None

    @property
    def raw(self) -> float | None:
        return (self.both + self.neither) / self.total if self.total else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: agreement beyond what the two raters' base rates give by chance."""
        t = self.total
        if not t:
            return None
        p_ref = (self.both + self.ref_only) / t
        p_cand = (self.both + self.cand_only) / t
        chance = p_ref * p_cand + (1 - p_ref) * (1 - p_cand)
        return None if chance >= 1 else ((self.raw or 0) - chance) / (1 - chance)


def _f(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def _row(name: str, a: Agreement) -> str:
    return (f"{name:<24} {a.n:>4} {a.both + a.ref_only:>5.0f} {a.both + a.cand_only:>5.0f} "
            f"{a.both:>5.0f} | {_f(a.precision):>5} {_f(a.recall):>5} {_f(a.kappa):>6} "
            f"{_f(a.raw):>5}")


HEAD = (f"{'rule':<24} {'n':>4} {'ref+':>5} {'cand+':>5} {'both':>5} | {'P':>5} {'R':>5} "
        f"{'kappa':>6} {'agree':>5}")


def comparisons(sample: list[dict], second: dict[str, dict], machine: dict[str, set[str]],
                weights: dict[str, float] | None = None) -> dict[str, dict[str, Agreement]]:
    """{comparison: {rule: Agreement}} over the sampled items the rule is judged on."""
    names = ("second vs first", "analyzer vs first", "analyzer vs second",
             "analyzer vs agreed", "second vs first, judgement", "second vs first, clear",
             "analyzer vs first, judgement", "analyzer vs first, clear")
    out = {name: {code: Agreement() for code in ALL_CODES} for name in names}
    for item in sample:
        w = weights[item["id"]] if weights else 1.0
        for code in CODES_BY_ROLE[item["role"]]:
            first = code in item["flags"]
            two = code in second[item["id"]]["flags"]
            got = code in machine[item["id"]]
            out["second vs first"][code].add(first, two, w)
            out["analyzer vs first"][code].add(first, got, w)
            out["analyzer vs second"][code].add(two, got, w)
            if first == two:
                out["analyzer vs agreed"][code].add(first, got, w)
            mark = "judgement" if item["judgement"] else "clear"
            out[f"second vs first, {mark}"][code].add(first, two, w)
            out[f"analyzer vs first, {mark}"][code].add(first, got, w)
    return out


def intervals(sample: list[dict], second: dict[str, dict], draws: int = 1000,
              level: float = 0.9) -> dict[str, tuple]:
    """{rule: ((P low, P high), (R low, R high))}: the second reader's precision and recall
    against the first, percentile bootstrap over the sampled items (fixed seed)."""
    rng = random.Random(SEED)
    found: dict[str, tuple[list, list]] = {code: ([], []) for code in ALL_CODES}
    for _ in range(draws):
        resample = [sample[rng.randrange(len(sample))] for _ in sample]
        table = comparisons(resample, second, defaultdict(set))["second vs first"]
        for code, a in table.items():
            if a.precision is not None:
                found[code][0].append(a.precision)
            if a.recall is not None:
                found[code][1].append(a.recall)
    out = {}
    for code, (ps, rs) in found.items():
        bounds = []
        for values in (sorted(ps), sorted(rs)):
            lo = values[int((1 - level) / 2 * len(values))]
            hi = values[min(len(values) - 1, int((1 + level) / 2 * len(values)))]
            bounds.append((lo, hi))
        out[code] = tuple(bounds)
    return out


def report(sample: list[dict], second: dict[str, dict], machine: dict[str, set[str]],
           weights: dict[str, float]) -> str:
    plain = comparisons(sample, second, machine)
    weighted = comparisons(sample, second, machine, weights)
    lines = [f"{len(sample)} sampled items ({sum(i['role'] == 'key result' for i in sample)} "
             f"key results, {sum(i['role'] == 'objective' for i in sample)} objectives, "
             f"{len({i['org'] for i in sample})} organisations); seed {SEED}",
             "ref = the rater taken as right (recall is over its positives), cand = the "
             "other; P/R = the candidate's precision/recall against the reference; kappa = "
             "Cohen's kappa; agree = raw agreement.",
             "bau-okr pools key results and objectives. Targets of issue #10: P >= 0.90, "
             "R >= 0.85. Intervals: percentile bootstrap over the sampled items.", ""]
    blocks = (
        ("(1) second reader (cand) against the first reader (ref), on the sample", plain,
         "second vs first"),
        ("(2) the analyzer, leave one organisation out (cand), against the first reader",
         plain, "analyzer vs first"),
        ("(3) the analyzer against the second reader", plain, "analyzer vs second"),
        ("(4) the analyzer against the items where both readers agree (ref = their common "
         "label)", plain, "analyzer vs agreed"),
        ("(5) second vs first on the items the first reader marked `judgement: true`",
         plain, "second vs first, judgement"),
        ("(6) second vs first on the other items", plain, "second vs first, clear"),
        ("(7) the analyzer vs the first reader, items marked `judgement: true`", plain,
         "analyzer vs first, judgement"),
        ("(8) the analyzer vs the first reader, the other items", plain,
         "analyzer vs first, clear"),
        ("(9) = (1) weighted by 1/P(sampled): the enrichment undone, an estimate for the "
         "whole corpus (counts are weighted)", weighted, "second vs first"),
        ("(10) = (2) weighted likewise", weighted, "analyzer vs first"),
        ("(11) = (4) weighted likewise", weighted, "analyzer vs agreed"),
    )
    ci = intervals(sample, second)
    for title, table, name in blocks:
        first_block = name == "second vs first" and table is plain
        lines += [title, HEAD + ("  | P 90% interval  R 90% interval" if first_block else "")]
        for code in ALL_CODES:
            row = _row(code, table[name][code])
            if first_block:
                (plo, phi), (rlo, rhi) = ci[code]
                row += f"  |   {plo:.2f}-{phi:.2f}       {rlo:.2f}-{rhi:.2f}"
            lines.append(row)
        lines.append("")
    return "\n".join(lines)


def disagreements(sample: list[dict], second: dict[str, dict], code: str | None) -> str:
    lines = []
    for item in sample:
        for c in CODES_BY_ROLE[item["role"]]:
            if code and c != code:
                continue
            first, two = c in item["flags"], c in second[item["id"]]["flags"]
            if first != two:
                kind = "first only" if first else "second only"
                mark = " (judgement)" if item["judgement"] else ""
                lines.append(f"{c} | {kind}{mark} | {item['id']}: {item['text'][:150]}\n"
                             f"    first: {item['why']}\n    second: "
                             f"{second[item['id']]['why']}")
    return "\n".join(lines)


def cmd_compare(args) -> int:
    data = analyzer_eval.load(analyzer_eval.FIRST_CORPUS)
    items = corpus_items(data)
    sample = draw_sample(items)
    second = second_reader()
    missing = [i["id"] for i in sample if i["id"] not in second]
    if missing:
        print(f"second_reader.json lacks {len(missing)} sampled items: {missing[:5]}",
              file=sys.stderr)
        return 1
    if args.disagreements:
        print(disagreements(sample, second, args.rule))
        return 0
    machine = analyzer_verdicts(data, sample)
    text_out = report(sample, second, machine, inclusion_weights(items))
    print(text_out)
    if args.out:
        Path(args.out).write_text(text_out + "\n", encoding="utf-8")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample", help="write the blind sample for the second reader")
    p.add_argument("--out", default=str(SAMPLE_FILE))
    p = sub.add_parser("compare", help="agreement of the readers and the analyzer")
    p.add_argument("--out", help="also write the tables to this file")
    p.add_argument("--disagreements", action="store_true",
                   help="list the items where the readers disagree, with both reasons")
    p.add_argument("--rule", help="only this rule's disagreements")
    args = parser.parse_args(argv)
    return {"sample": cmd_sample, "compare": cmd_compare}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
