"""The analyzer's shortcuts find what the plain way finds (issue #10 item 6).

* The live check of a draft reads only the part of the quarter the draft is compared with
  (`collect.collect_near`); here every draft of a sample is also checked against the whole
  quarter read by `collect`, as the check did before, and the findings must be equal.
* It picks that part from a per-process index of the quarter (`collect.QuarterIndex`):
  the word index finds exactly the titles the rules' test keeps (hypothesis over random
  titles), the index gives the plan the database search gives, and it follows changes.
* The whole-plan run memoises text verdicts per title within a run, and the text module
  keeps the shipped model's verdicts per process; here the same plan is analysed with
  neither able to keep anything, and the findings must be equal.

The plans are generated (`synthetic_plan`: titles from templates, so many items share
words, owners, parents) and the demo's. Timings are bench/analyzer_speed.py's business,
never a test's."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.analyzer import collect, report, rules
from hoshin.analyzer import plan as p
from hoshin.analyzer.collect import (
    _postings,
    collect_near,
    collect_near_from_database,
    sharing_two,
)
from hoshin.okrs.models import Cycle
from hoshin.okrs.models import Objective as StoredObjective

TODAY = dt.date(2026, 5, 20)
FLIP = {"increase": "decrease", "decrease": "increase", "stay_above": "stay_below",
        "stay_below": "stay_above"}


def _import(kind: str) -> Cycle:
    from hoshin.demo.generate import demo_plan, synthetic_plan
    from hoshin.planfile.importer import import_plan

    import_plan(demo_plan(TODAY) if kind == "demo" else synthetic_plan(300, TODAY, seed=3))
    return Cycle.objects.get(kind="quarter", start__lte=TODAY, end__gte=TODAY)


def _whole_quarter(cycle, *, parent=None, editing=None, **_ignored) -> p.Plan:
    """The draft check's context as it was: the whole quarter, the parent added from
    anywhere when the quarter does not name it."""
    plan = collect.collect([cycle])
    known = ({o.id for o in plan.objectives if o.id != editing} | set(plan.outside_objectives)
             | {t.id for t in plan.themes} | {a.id for a in plan.annual_objectives}
             | {pr.id for pr in plan.priorities})
    if parent and parent not in known:
        row = (StoredObjective.objects.filter(key=parent)
               .values_list("title", "unit__key", "cycle__key").first())
        if row:
            plan.outside_objectives[parent] = p.Objective(id=parent, title=row[0],
                                                          unit=row[1], cycle=row[2])
    return plan


def _drafts(cycle, n: int) -> list[dict]:
    plan = collect.collect([cycle])
    rng = random.Random(7)
    units = sorted(plan.units)
    parents = sorted({o.parent for o in plan.objectives if o.parent}
                     | {o.id for o in plan.objectives})
    out = []

    def rows(o, keep_ids):
        return [{"id": k.id if keep_ids else None, "title": k.title,
                 "owner": (k.owner.id.upper() if i == 0 else k.owner.id) if k.owner else "",
                 "kind": k.kind, "baseline": k.baseline, "target": k.target,
                 "steps": ["a"] * k.steps} for i, k in enumerate(o.key_results)]

    for o in rng.sample(plan.objectives, min(n, len(plan.objectives))):
        base = {"cycle": cycle.key, "kind": o.kind}
        # As stored; a stored key result edited and a new one added.
        edited = rows(o, True)
        if edited:
            edited[0] = {**edited[0], "title": edited[0]["title"] + " for customers"}
        out.append({**base, "id": o.id, "unit": o.unit, "title": o.title, "parent": o.parent,
                    "key_results": [*edited, {"title": "Launch the new onboarding website",
                                              "owner": "a team", "kind": "milestone"}]})
        # Copied into another unit, under another parent (overlap, overloaded owners).
        out.append({**base, "unit": rng.choice(units), "title": o.title,
                    "parent": rng.choice(parents), "key_results": rows(o, False)})
        # Pulling one measure the other way, restating the objective (contradiction,
        # fake cascade), with the objective itself as parent.
        krs = rows(o, False)[:1]
        if krs:
            krs[0]["kind"] = FLIP.get(krs[0]["kind"], krs[0]["kind"])
            krs.append({**krs[0], "title": o.title, "kind": "milestone", "steps": ["a"]})
        out.append({**base, "unit": o.unit, "title": f"{o.title} for our customers",
                    "parent": o.id, "key_results": krs})
        out.append({**base, "unit": o.unit, "title": "", "parent": None, "key_results": krs})
    return out


def _found(findings) -> list[dict]:
    return [f.as_dict() for f in findings]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["synthetic", "demo"])
def test_a_draft_checked_against_its_neighbours_finds_what_the_whole_quarter_finds(
        kind, monkeypatch):
    cycle = _import(kind)
    drafts = _drafts(cycle, 12)
    near = [_found(report.check_draft(d)) for d in drafts]
    monkeypatch.setattr(report, "collect_near", _whole_quarter)
    whole = [_found(report.check_draft(d)) for d in drafts]

    for draft, a, b in zip(drafts, near, whole, strict=True):
        assert a == b, draft
    codes = {f["code"] for found in whole for f in found}
    # The sample reaches the rules that compare a draft with the rest of the quarter.
    assert {"overlap", "fake-cascade", "contradiction"} <= codes
    assert kind == "demo" or "overloaded-owner" in codes


class _Forgetful(dict):
    def __setitem__(self, key, value):
        pass


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["synthetic", "demo"])
def test_memoised_text_verdicts_change_no_finding_of_the_whole_plan(kind, monkeypatch):
    cycle = _import(kind)
    plan = collect.collect([cycle])
    limits = report.limits()
    memoised = _found(rules.analyze(plan, limits))
    original = rules.Context.__init__

    def forgetful(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.memo = _Forgetful()

    monkeypatch.setattr(rules.Context, "__init__", forgetful)
    # Nor the verdicts the text module keeps per process: each is worked out afresh.
    from hoshin.analyzer import semantic, text

    monkeypatch.setattr(text, "kr_verdicts", text._kr_verdicts)
    monkeypatch.setattr(text, "objective_verdicts", text._objective_verdicts)
    monkeypatch.setattr(text, "copies_parent", lambda child, parent: (
        text._copies_parent.__wrapped__(child, parent, semantic.enabled())))
    assert _found(rules.analyze(plan, limits)) == memoised
    assert memoised


# The quarter's index (collect.QuarterIndex) --------------------------------------------------
#
# A draft check picks its neighbours from an index of the quarter kept by the process. It
# must give the plan the database search gives, in the same order, and so the same
# findings; and it must follow the plan as it changes. The index is only kept outside a
# transaction, so these tests commit (transactional database).

_WORDS = ["data", "teams", "better", "customer", "customers", "onboarding", "churn", "rate",
          "reduce", "increase", "revenue", "launch", "website", "support", "tickets", "time",
          "first", "response", "quality", "deliver", "market", "share", "partner", "cost",
          "ab12", "x9yz", "Data", "TEAMS", "éclair", "naïve", "İstanbul", "Kelvin", "K"]


@settings(max_examples=300, deadline=None)
@given(titles=st.lists(st.lists(st.sampled_from(_WORDS + ["a", "of", "the", "to", "3%", "-"]),
                                max_size=9).map(" ".join), max_size=40),
       drafts=st.lists(st.lists(st.sampled_from(_WORDS), max_size=7).map(" ".join),
                       min_size=1, max_size=5))
def test_the_word_index_finds_exactly_the_titles_that_share_two_words(titles, drafts):
    """The candidates are those `rules.is_near` keeps, none missed and none added."""
    word_sets = [w for w in (rules.near_words(t) for t in drafts) if len(w) >= 2]
    expected = {i for i, title in enumerate(titles) if rules.is_near(title, word_sets)}
    assert sharing_two(_postings(titles), word_sets) == expected


def _arguments(cycle, drafts) -> list[dict]:
    """What `report.check_draft` asks `collect_near` for each draft."""
    calls = []

    def spy(cycle, **kwargs):
        calls.append(kwargs)
        return collect_near_from_database(cycle, **kwargs)

    original = report.collect_near
    report.collect_near = spy
    try:
        for draft in drafts:
            report.check_draft(draft)
    finally:
        report.collect_near = original
    return calls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["synthetic", "demo"])
def test_the_quarter_index_gives_the_plan_and_findings_the_database_search_gives(
        kind, monkeypatch):
    cycle = _import(kind)
    drafts = _drafts(cycle, 12)
    for arguments in _arguments(cycle, drafts):
        from_index = collect_near(cycle, **arguments)
        assert collect.quarter_index(cycle) is not None  # kept: the index answered
        assert from_index == collect_near_from_database(cycle, **arguments)
    indexed = [_found(report.check_draft(d)) for d in drafts]
    monkeypatch.setattr(report, "collect_near", _whole_quarter)
    assert indexed == [_found(report.check_draft(d)) for d in drafts]


@pytest.mark.django_db(transaction=True)
def test_the_quarter_index_follows_the_plan_as_it_changes():
    from hoshin.okrs import services as okrs
    from hoshin.okrs.models import KeyResult
    from hoshin.org import services as org
    from hoshin.org.models import Person

    cycle = _import("synthetic")
    admin = Person.objects.filter(role="admin").first()
    stored = collect.collect([cycle]).objectives[0]
    kr = stored.key_results[0]
    draft = {"cycle": cycle.key, "unit": stored.unit, "title": "Reach new markets",
             "parent": stored.parent,
             "key_results": [{"title": "Grow the partner market share in Asia to 20%",
                              "owner": kr.owner.id, "kind": "increase", "baseline": 1,
                              "target": 20}]}
    arguments = _arguments(cycle, [draft])[0]
    first = collect.quarter_index(cycle)

    def same_as_database():
        assert collect_near(cycle, **arguments) == collect_near_from_database(cycle,
                                                                              **arguments)

    same_as_database()
    assert collect.quarter_index(cycle) is first  # nothing changed: the same index
    # A stored key result now shares the draft's words: it becomes a neighbour.
    okrs.save_key_result(admin, KeyResult.objects.get(key=kr.id),
                         title="Partner market share in Asia grows", reason="test")
    assert collect.quarter_index(cycle) is not first
    same_as_database()
    assert any(k.id == kr.id for o in collect_near(cycle, **arguments).objectives
               for k in o.key_results)
    # The owner's new name is read without rebuilding the index.
    owner = Person.objects.get(email=kr.owner.id)
    second = collect.quarter_index(cycle)
    org.update_person(admin, owner, name="Renamed Owner")
    assert collect.quarter_index(cycle) is second
    same_as_database()
    assert {k.owner.name for o in collect_near(cycle, **arguments).objectives
            for k in o.key_results if k.owner and k.owner.id == owner.email} == {"Renamed Owner"}
    # Archived: no longer a neighbour.
    okrs.archive_key_result(admin, KeyResult.objects.get(key=kr.id))
    same_as_database()


@pytest.mark.django_db(transaction=True)
def test_a_transaction_never_leaves_its_uncommitted_plan_in_the_index():
    from django.db import transaction

    from hoshin.okrs.models import KeyResult

    cycle = _import("synthetic")
    collect.forget_indexes()
    stored = KeyResult.objects.filter(objective__cycle=cycle).first()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        stored.title = "Uncommitted title of this key result"
        stored.save()
        # Inside the transaction the database search answers, from what it sees.
        assert collect.quarter_index(cycle) is None
        raise Rollback
    index = collect.quarter_index(cycle)
    assert index is not None
    assert "Uncommitted title of this key result" not in {row[2] for row in index.key_results}
