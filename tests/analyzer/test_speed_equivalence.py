"""The analyzer's shortcuts find what the plain way finds (issue #10 item 6).

* The live check of a draft reads only the part of the quarter the draft is compared with
  (`collect.collect_near`); here every draft of a sample is also checked against the whole
  quarter read by `collect`, as the check did before, and the findings must be equal.
* The whole-plan run memoises text verdicts per title within a run; here the same plan is
  analysed with the memo unable to keep anything, and the findings must be equal.

The plans are generated (`synthetic_plan`: titles from templates, so many items share
words, owners, parents) and the demo's. Timings are bench/analyzer_speed.py's business,
never a test's."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from hoshin.analyzer import plan as p
from hoshin.analyzer import report, rules
from hoshin.analyzer.collect import collect
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
    plan = collect([cycle])
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
    plan = collect([cycle])
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
    plan = collect([cycle])
    limits = report.limits()
    memoised = _found(rules.analyze(plan, limits))
    original = rules.Context.__init__

    def forgetful(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.memo = _Forgetful()

    monkeypatch.setattr(rules.Context, "__init__", forgetful)
    assert _found(rules.analyze(plan, limits)) == memoised
    assert memoised
