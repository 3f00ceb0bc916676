"""Quality gate for the analyzer's text rules on the labelled corpus of published OKRs
(tests/analyzer/eval/okrs.yaml, tests/analyzer/eval/corpus/*.yaml and the 23 organisations
labelled blind in tests/analyzer/eval/blind/*.yaml).

* the corpus is large and varied enough, and well formed;
* leaving one organisation out (the model fitted on the others, scored on the one left
  out), each rule keeps at least the figures reached when this gate was written (a floor
  against regressions, not the issue's targets, which are not met: see
  docs/analyzer-text-rules.md);
* every (item, rule) the shipped model judged as labelled when it was fitted
  (tests/analyzer/eval/agreeing.json, written by `bench/analyzer_eval.py --write-model`)
  is still judged so. Items the rules get wrong are not asserted.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from hoshin.analyzer import text, textmodel

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "tests" / "analyzer" / "eval"


def _bench():
    spec = importlib.util.spec_from_file_location("analyzer_eval",
                                                  ROOT / "bench" / "analyzer_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["analyzer_eval"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evaluation():
    return _bench()


@pytest.fixture(scope="module")
def corpus(evaluation):
    return evaluation.load()


def test_the_corpus_is_large_varied_and_well_formed(evaluation, corpus):
    items = corpus["krs"] + corpus["objectives"]
    assert len(items) >= 2000
    assert len(evaluation.organisations(corpus)) >= 40
    codes = set(evaluation.KR_CODES) | set(evaluation.OBJECTIVE_CODES)
    ids = [item["id"] for key in corpus for item in corpus[key]]
    assert len(ids) == len(set(ids))
    for item in items:
        assert set(item["flags"]) <= codes and item["why"] and item["src"], item["id"]


# Leave-one-organisation-out floors: (macro precision, macro recall, micro precision,
# micro recall) reached when this gate was written, minus a small margin for platform
# rounding. Raise them when the rules improve.
FLOORS = {
    # Over 43 organisations (the first 20 and the 23 of the blind set), measured 2026-12-07.
    "output-kr": (0.74, 0.78, 0.82, 0.83),
    "bau-okr": (0.52, 0.20, 0.58, 0.22),
    "unmeasurable-kr": (0.50, 0.30, 0.45, 0.32),
    "vague-objective": (0.78, 0.13, 0.70, 0.11),
    "overspecified-objective": (0.60, 0.32, 0.58, 0.26),
    "fake-cascade": (0.80, 0.55, 0.85, 0.70),
}


@pytest.fixture(scope="module")
def leave_one_out(evaluation, corpus):
    return evaluation.summarise(evaluation.leave_one_out(corpus))


@pytest.mark.parametrize("code", sorted(FLOORS))
def test_leave_one_organisation_out_floor(evaluation, leave_one_out, code):
    row = leave_one_out[code]
    floor = FLOORS[code]
    got = (row.macro_p or 0, row.macro_r or 0, row.micro.precision or 0,
           row.micro.recall or 0)
    assert all(g >= f for g, f in zip(got, floor)), (
        f"{code}: {got} below {floor}\n{evaluation.loo_table(leave_one_out)}")


def test_kpi_in_disguise_finds_some_held_levels(leave_one_out):
    # Too few labelled examples (43) for a stable floor on precision; it must still find some
    # (10 held out over 43 organisations: see docs/analyzer-text-rules.md).
    assert leave_one_out["kpi-in-disguise"].micro.tp >= 6


_AGREEING = json.loads((EVAL_DIR / "agreeing.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def items_by_id(corpus):
    out = {}
    for role, key in (("kr", "krs"), ("objective", "objectives")):
        for item in corpus[key]:
            out[item["id"]] = (role, item["text"])
    return out


def test_every_agreeing_item_stays_agreeing(items_by_id):
    # One test over the 7,995 cases (not one test each: pytest's overhead per test would be
    # most of the cost); the message lists every case that changed.
    changed = []
    for item_id, code, expected in _AGREEING:
        role, title = items_by_id[item_id]
        judge = text.kr_verdicts if role == "kr" else text.objective_verdicts
        if (code in {v.code for v in judge(title)}) != expected:
            changed.append(f"{item_id} {code} expected={expected}: {title[:80]}")
    assert not changed, f"{len(changed)} cases changed:\n" + "\n".join(changed[:50])


def test_the_shipped_model_is_the_one_the_corpus_gives(evaluation, corpus):
    # Fitting is deterministic: refitting on the whole corpus gives the committed file
    # (regenerate it with `bench/analyzer_eval.py --write-model` after changing the corpus
    # or the features).
    fitted = textmodel.fit(evaluation.training_items(corpus))
    assert textmodel.dumps(fitted) == textmodel.MODEL_FILE.read_text(encoding="utf-8")
