"""The blind second labelling of the analyzer corpus (bench/analyzer_agreement.py, issue #10):
the sample is the same on every run, it is drawn from the corpus and shows the second reader
no label, it holds enough of each rule's positives to measure agreement, and
tests/analyzer/eval/second_reader.json labels exactly that sample with the codes each role
allows."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def agreement():
    spec = importlib.util.spec_from_file_location("analyzer_agreement",
                                                  ROOT / "bench" / "analyzer_agreement.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["analyzer_agreement"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def items(agreement):
    return agreement.corpus_items()


@pytest.fixture(scope="module")
def sample(agreement, items):
    return agreement.draw_sample(items)


def test_the_sample_is_the_same_on_every_draw(agreement, items, sample):
    again = agreement.draw_sample(agreement.corpus_items())
    assert [i["id"] for i in again] == [i["id"] for i in sample]
    other_seed = agreement.draw_sample(items, seed=agreement.SEED + 1)
    assert {i["id"] for i in other_seed} != {i["id"] for i in sample}


def test_the_sample_comes_from_the_corpus_and_covers_it(agreement, items, sample):
    by_id = {i["id"]: i for i in items}
    ids = [i["id"] for i in sample]
    assert len(ids) == len(set(ids)) == agreement.SAMPLE_SIZE
    assert all(i in by_id for i in ids)
    assert {i["org"] for i in sample} == {i["org"] for i in items}
    assert {i["role"] for i in sample} == {"key result", "objective"}
    for code in agreement.analyzer_eval.TARGETS:
        in_corpus = sum(agreement._positive(i, code) for i in items)
        in_sample = sum(agreement._positive(i, code) for i in sample)
        assert in_sample >= min(40, in_corpus), code


def test_the_blind_text_shows_no_label(agreement, sample):
    shown = agreement.blind_text(sample)
    assert all(f"[{i['id']}]" in shown and i["text"] in shown for i in sample)
    body = shown.split("\n", 1)[1]  # the first line lists the codes to choose from
    assert not any(code in body for code in agreement.ALL_CODES)
    assert "judgement" not in body
    reasons = [i["why"] for i in sample if len(i["why"]) > 25]
    assert reasons and not any(why in shown for why in reasons)


def test_the_second_reader_labels_exactly_the_sample_with_valid_codes(agreement, sample):
    rows = json.loads(agreement.SECOND_READER_FILE.read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in rows) == sorted(i["id"] for i in sample)
    role = {i["id"]: i["role"] for i in sample}
    for row in rows:
        allowed = agreement.CODES_BY_ROLE[role[row["id"]]]
        assert set(row["flags"]) <= set(allowed), row
        assert len(row["flags"]) == len(set(row["flags"])), row
        assert row["why"].strip(), row


def test_cohens_kappa_and_the_counts(agreement):
    a = agreement.Agreement()
    for ref, cand, times in ((True, True, 20), (True, False, 5), (False, True, 10),
                             (False, False, 15)):
        for _ in range(times):
            a.add(ref, cand)
    assert a.n == 50
    assert a.precision == pytest.approx(20 / 30)
    assert a.recall == pytest.approx(20 / 25)
    assert a.raw == pytest.approx(0.7)
    assert a.kappa == pytest.approx(0.4)  # chance agreement 0.5*0.6 + 0.5*0.4 = 0.5


def test_the_analyzer_verdicts_are_the_leave_one_out_bench_s(agreement, items):
    """The verdicts compared are the ones bench/analyzer_eval.py scores for that fold."""
    evaluation = agreement.analyzer_eval
    data = evaluation.load(evaluation.FIRST_CORPUS)
    org = "countable"
    fold = [i for i in items if i["org"] == org]
    verdicts = agreement.analyzer_verdicts(data, fold)
    from hoshin.analyzer import semantic

    with semantic.using(False):
        model = evaluation.fit_model(evaluation.training_items(data, exclude=org))
        scores = evaluation.judge_items(data, model, org)
    for code in evaluation.TARGETS:
        expected_errors = {(kind, item_id) for kind, _, item_id, _, _ in scores[code].errors}
        errors = set()
        for item in fold:
            if code not in agreement.CODES_BY_ROLE[item["role"]]:
                continue
            labelled, got = code in item["flags"], code in verdicts[item["id"]]
            if labelled != got:
                errors.add(("FN" if labelled else "FP", item["id"]))
        assert errors == expected_errors, code
