"""The demo and synthetic plan generators: pure Python, no Django, no database.

Run with `.venv/bin/pytest tests/demo -p no:django -q`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from hoshin.demo.company import demo_plan
from hoshin.demo.data import DEMO_ADMIN_EMAIL
from hoshin.demo.synthetic import synthetic_plan
from hoshin.planfile.schema import PlanFile

MID_Q3 = dt.date(2026, 8, 14)  # a Friday in the middle of Q3
DATES = (
    MID_Q3,
    dt.date(2026, 2, 18),  # Q1: the previous quarter is in the previous fiscal year
    dt.date(2026, 5, 27),
    dt.date(2026, 12, 31),  # last day of the year
    dt.date(2027, 1, 2),  # before the first Friday of the year
    dt.date(2026, 4, 3),  # first Friday of a quarter
)
SILENT_DAYS = 14


# --- a checker for the importer's reference rules -------------------------------------


def check_plan(doc: dict, today: dt.date) -> list[str]:
    """Every reference and domain rule of the importer; returns the problems found."""
    errors: list[str] = []
    err = errors.append

    people = {p["email"]: p for p in doc["people"]}
    if len(people) != len(doc["people"]):
        err("duplicate person emails")
    viewers = {e for e, p in people.items() if p.get("role") == "viewer"}
    units = {u["id"]: u for u in doc["units"]}
    cycles = {c["id"]: c for c in doc["cycles"]}
    years = {c["id"]: c for c in doc["cycles"] if c.get("kind") == "year"}
    breakthroughs = {b["id"] for b in doc["breakthroughs"]}
    annual = {a["id"]: a for a in doc["annual_objectives"]}
    priorities = {p["id"]: p for p in doc["improvement_priorities"]}
    themes = {t["id"]: t for t in doc["themes"]}
    objectives = {o["id"]: o for o in doc["objectives"]}

    # One namespace for ids.
    ids: list[str] = []
    for key in ("units", "breakthroughs", "annual_objectives", "improvement_priorities",
                "metrics", "cycles", "themes", "objectives"):
        ids += [item["id"] for item in doc[key]]
    for obj in doc["objectives"]:
        for kr in obj["key_results"]:
            ids.append(kr["id"])
            ids += [i["id"] for i in kr.get("initiatives", [])]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    if dupes:
        err(f"duplicate ids: {dupes[:5]}")

    def person(email, where):
        if email is not None and email not in people:
            err(f"{where}: unknown person {email}")

    # Units: parents, leads, no cycles; people's units.
    for u in doc["units"]:
        if u.get("parent") is not None and u["parent"] not in units:
            err(f"unit {u['id']}: unknown parent {u['parent']}")
        person(u.get("lead"), f"unit {u['id']} lead")
        if u.get("lead") in people and u["id"] not in people[u["lead"]].get("units", []):
            err(f"unit {u['id']}: lead is not a member")
    for uid in units:
        seen, cur = set(), uid
        while cur is not None:
            if cur in seen:
                err(f"unit tree has a cycle at {uid}")
                break
            seen.add(cur)
            cur = units.get(cur, {}).get("parent")
    for p in doc["people"]:
        for uid in p.get("units", []):
            if uid not in units:
                err(f"person {p['email']}: unknown unit {uid}")

    # Strategy layers and their correlations.
    for b in doc["breakthroughs"]:
        person(b.get("owner"), f"breakthrough {b['id']}")
    for a in doc["annual_objectives"]:
        person(a.get("owner"), f"annual {a['id']}")
        for key in a.get("breakthroughs", {}):
            if key not in breakthroughs:
                err(f"annual {a['id']}: unknown breakthrough {key}")
    for p in doc["improvement_priorities"]:
        if p["unit"] not in units:
            err(f"priority {p['id']}: unknown unit")
        for key in p.get("annual_objectives", {}):
            if key not in annual:
                err(f"priority {p['id']}: unknown annual objective {key}")
        for key in p.get("resources", {}):
            if key not in people and key not in units:
                err(f"priority {p['id']}: unknown resource {key}")
        if list(p.get("resources", {}).values()).count("primary") > 1:
            err(f"priority {p['id']}: more than one primary")
    for m in doc["metrics"]:
        person(m.get("owner"), f"metric {m['id']}")
        for key in m.get("priorities", {}):
            if key not in priorities:
                err(f"metric {m['id']}: unknown priority {key}")

    # Cycles, themes, trade-offs.
    for c in doc["cycles"]:
        if c["end"] < c["start"]:
            err(f"cycle {c['id']}: ends before it starts")
        if c.get("kind", "quarter") == "quarter" and not any(
                y["start"] <= c["start"] and c["end"] <= y["end"] for y in years.values()):
            err(f"cycle {c['id']}: not inside a year cycle")
    for t in doc["themes"]:
        if t["cycle"] not in cycles:
            err(f"theme {t['id']}: unknown cycle")
        for key in t.get("annual_objectives", []):
            if key not in annual:
                err(f"theme {t['id']}: unknown annual objective {key}")
    for t in doc["trade_offs"]:
        if t["cycle"] not in cycles:
            err(f"trade-off {t['title']}: unknown cycle")
        person(t.get("decided_by"), f"trade-off {t['title']}")

    # Objectives, key results, check-ins, initiatives.
    for o in doc["objectives"]:
        where = f"objective {o['id']}"
        cycle = cycles.get(o["cycle"])
        if cycle is None:
            err(f"{where}: unknown cycle")
            continue
        if cycle.get("kind", "quarter") != "quarter":
            err(f"{where}: not on a quarter cycle")
        if o["unit"] not in units:
            err(f"{where}: unknown unit")
        fiscal_year = cycle["start"].year  # fiscal year starts in January
        parent = o.get("parent")
        if parent is not None:
            if parent in annual:
                ok = annual[parent]["year"] == fiscal_year
            elif parent in priorities:
                ok = priorities[parent]["year"] == fiscal_year
            elif parent in themes:
                ok = themes[parent]["cycle"] == o["cycle"]
            elif parent in objectives:
                pc = cycles[objectives[parent]["cycle"]]
                ok = (objectives[parent]["cycle"] == o["cycle"] or
                      (pc.get("kind") == "year" and pc["start"] <= cycle["start"]
                       and cycle["end"] <= pc["end"]))
            else:
                ok = False
            if not ok:
                err(f"{where}: invalid parent {parent}")
        last_day = min(today, cycle["end"])
        for kr in o["key_results"]:
            kw = f"kr {kr['id']}"
            person(kr.get("owner"), kw)
            if kr.get("owner") in viewers:
                err(f"{kw}: owner is a viewer")
            kind, base, target = kr.get("kind", "increase"), kr.get("baseline"), kr.get("target")
            if kind == "increase" and not (base is not None and target is not None
                                           and target > base):
                err(f"{kw}: increase needs target > baseline")
            if kind == "decrease" and not (base is not None and target is not None
                                           and target < base):
                err(f"{kw}: decrease needs target < baseline")
            if kind in ("stay_above", "stay_below") and target is None:
                err(f"{kw}: stay needs a target")
            steps = kr.get("steps", [])
            step_ids = [s["id"] for s in steps]
            if len(set(step_ids)) != len(step_ids):
                err(f"{kw}: duplicate step ids")
            if steps and abs(sum(s["weight"] for s in steps) - 1.0) > 1e-9:
                err(f"{kw}: step weights do not sum to 1")
            for c in kr.get("checkins", []):
                person(c.get("by"), f"{kw} check-in")
                if not (cycle["start"] <= c["date"] <= last_day):
                    err(f"{kw}: check-in {c['date']} outside the cycle or after today")
                if kind != "milestone" and c.get("value") is None:
                    err(f"{kw}: check-in without a value")
                for sid in c.get("steps_done", []):
                    if sid not in step_ids:
                        err(f"{kw}: unknown step {sid}")
            for i in kr.get("initiatives", []):
                person(i.get("owner"), f"initiative {i['id']}")
    return errors


# --- helpers ---------------------------------------------------------------------------


def active_quarter(doc: dict) -> dict:
    (cycle,) = [c for c in doc["cycles"] if c["kind"] == "quarter" and c["state"] == "active"]
    return cycle


def krs_of(doc: dict, cycle_id: str | None = None) -> list[dict]:
    return [kr for o in doc["objectives"] if cycle_id in (None, o["cycle"])
            for kr in o["key_results"]]


def checkin_count(doc: dict) -> int:
    return sum(len(kr["checkins"]) for kr in krs_of(doc))


def decimals_ok(x) -> bool:
    return x is None or abs(round(x, 2) - x) < 1e-9


@pytest.fixture(scope="module")
def demo() -> dict:
    return demo_plan(MID_Q3)


# --- demo_plan ---------------------------------------------------------------------------


def test_deterministic():
    assert demo_plan(MID_Q3) == demo_plan(MID_Q3)
    assert demo_plan(DATES[1]) == demo_plan(DATES[1])
    assert synthetic_plan(300, MID_Q3, seed=3) == synthetic_plan(300, MID_Q3, seed=3)
    assert synthetic_plan(300, MID_Q3, seed=3) != synthetic_plan(300, MID_Q3, seed=4)


@pytest.mark.parametrize("today", DATES, ids=str)
def test_demo_validates_and_references_resolve(today):
    doc = demo_plan(today)
    PlanFile.model_validate(doc)
    assert check_plan(doc, today) == []


def test_demo_people_units_and_roles(demo):
    people, units = demo["people"], demo["units"]
    assert 140 <= len(people) <= 160
    assert all(p["email"].endswith(".test") for p in people)
    assert len(units) == 15
    by_id = {u["id"]: u for u in units}

    def depth(uid):
        return 0 if by_id[uid].get("parent") is None else 1 + depth(by_id[uid]["parent"])

    levels = Counter(depth(u["id"]) for u in units)
    assert levels[0] == 1 and levels[1] == 4 and levels[2] == 10
    roles = Counter(p["role"] for p in people)
    assert roles["admin"] == 1 and roles["strategy_office"] == 2 and roles["viewer"] == 3
    role_of = {p["email"]: p["role"] for p in people}
    assert role_of[DEMO_ADMIN_EMAIL] == "admin"
    assert by_id[next(u for u in by_id if by_id[u].get("parent") is None)]["lead"] == \
        DEMO_ADMIN_EMAIL
    assert {role_of[u["lead"]] for u in units if u["lead"] != DEMO_ADMIN_EMAIL} == {"unit_lead"}
    assert roles["unit_lead"] == 14
    assert all(not p["units"] for p in people if p["role"] == "viewer")


def test_demo_strategy_layers(demo):
    assert demo["vision"]["statement"] and demo["vision"]["customer_ideal"]
    assert 3 <= len(demo["breakthroughs"]) <= 5
    assert all(MID_Q3.year + 3 <= b["horizon"] <= MID_Q3.year + 5 for b in demo["breakthroughs"])
    assert len(demo["annual_objectives"]) == 4
    assert all(a["year"] == MID_Q3.year for a in demo["annual_objectives"])
    strengths = {s for a in demo["annual_objectives"] for s in a["breakthroughs"].values()}
    assert strengths == {"strong", "important", "weak"}
    priorities = demo["improvement_priorities"]
    assert 8 <= len(priorities) <= 12
    for p in priorities:
        assert list(p["resources"].values()).count("primary") == 1
        assert p["annual_objectives"]
    metrics = demo["metrics"]
    assert 6 <= len(metrics) <= 10
    expected = [f"{MID_Q3.year}-{m:02d}" for m in range(1, MID_Q3.month)]
    for m in metrics:
        assert [a["period"] for a in m["actuals"]] == expected
        assert m["priorities"]


def test_demo_cycles_themes_and_trade_offs(demo):
    cycles = {c["id"]: c for c in demo["cycles"]}
    assert cycles["2026"]["kind"] == "year"
    assert cycles["2026-Q2"]["state"] == "closed"
    assert cycles["2026-Q3"]["state"] == "active"
    assert cycles["2026-Q3"]["start"] == dt.date(2026, 7, 1)
    assert cycles["2026-Q3"]["end"] == dt.date(2026, 9, 30)
    for cid in ("2026-Q2", "2026-Q3"):
        themes = [t for t in demo["themes"] if t["cycle"] == cid]
        assert 2 <= len(themes) <= 3 and all(t["success"] for t in themes)
        offs = [t for t in demo["trade_offs"] if t["cycle"] == cid]
        briefs = [t for t in offs if t["source"] == "brief"]
        assert 1 <= len(briefs) <= 3 and all(t["reason"] and t["decided_by"] for t in offs)
    # The register tells a story: entries of every source, people told, items linked, and
    # one brief entry superseded by a later decision.
    current = [t for t in demo["trade_offs"] if t["cycle"] == "2026-Q3"]
    assert {t["source"] for t in current} == {"brief", "review", "catchball", "portfolio",
                                              "manual"}
    assert all(t.get("told_people") or t.get("told_units") for t in current)
    assert all(t.get("affects") for t in current)
    by_id = {t["id"]: t for t in demo["trade_offs"]}
    [late] = [t for t in current if t.get("supersedes")]
    assert by_id[late["supersedes"]]["source"] == "brief" and late["decided_on"] > by_id[
        late["supersedes"]]["decided_on"]


def test_q1_previous_quarter_is_in_the_previous_year():
    doc = demo_plan(dt.date(2026, 2, 18))
    cycles = {c["id"]: c for c in doc["cycles"]}
    assert cycles["2025"]["kind"] == "year" and cycles["2025-Q4"]["state"] == "closed"
    assert cycles["2026-Q1"]["state"] == "active"
    assert any(o["cycle"] == "2025-Q4" for o in doc["objectives"])


def test_every_department_has_objectives_each_quarter(demo):
    leaves = {u["id"] for u in demo["units"]} - {u.get("parent") for u in demo["units"]}
    for cycle in ("2026-Q2", "2026-Q3"):
        per_unit = Counter(o["unit"] for o in demo["objectives"] if o["cycle"] == cycle)
        for uid in leaves:
            assert 1 <= per_unit[uid] <= 3, (cycle, uid)
    for o in demo["objectives"]:
        assert 2 <= len(o["key_results"]) <= 4
        assert o["kind"] in ("committed", "aspirational")
    assert {o["kind"] for o in demo["objectives"]} == {"committed", "aspirational"}


def test_kr_owners_are_unit_members(demo):
    units_of = {p["email"]: set(p["units"]) for p in demo["people"]}
    for o in demo["objectives"]:
        for kr in o["key_results"]:
            assert o["unit"] in units_of[kr["owner"]], kr["id"]


def test_all_five_kinds_in_the_active_quarter(demo):
    kinds = Counter(kr["kind"] for kr in krs_of(demo, active_quarter(demo)["id"]))
    assert set(kinds) == {"increase", "decrease", "stay_above", "stay_below", "milestone"}


def test_milestone_steps(demo):
    milestones = [kr for kr in krs_of(demo) if kr["kind"] == "milestone"]
    assert milestones
    for kr in milestones:
        assert 2 <= len(kr["steps"]) <= 4
        assert sum(s["weight"] for s in kr["steps"]) == 1.0  # exactly, in floating point
        for c in kr["checkins"]:
            assert "value" not in c


@pytest.mark.parametrize("today", (MID_Q3, dt.date(2026, 2, 18), dt.date(2026, 12, 31),
                                   dt.date(2026, 5, 27)), ids=str)
def test_exactly_one_silent_kr_in_the_active_quarter(today):
    doc = demo_plan(today)
    cycle = active_quarter(doc)
    silent = []
    for kr in krs_of(doc, cycle["id"]):
        dates = [c["date"] for c in kr["checkins"]]
        last = max(dates) if dates else cycle["start"]
        if (today - last).days >= SILENT_DAYS:
            silent.append((kr["id"], last))
    assert len(silent) == 1, silent
    (_, last), = silent
    assert 21 <= (today - last).days <= 28  # three to four weeks


def test_some_krs_behind_pace_and_some_recover(demo):
    cycle = active_quarter(demo)
    span = (cycle["end"] - cycle["start"]).days
    behind = 0
    for kr in krs_of(demo, cycle["id"]):
        if kr["kind"] not in ("increase", "decrease") or not kr["checkins"]:
            continue
        last = kr["checkins"][-1]
        progress = (last["value"] - kr["baseline"]) / (kr["target"] - kr["baseline"])
        pace = (last["date"] - cycle["start"]).days / span
        if progress < pace - 0.15:
            behind += 1
            assert last["confidence"] <= 6, kr["id"]
    assert behind >= 1
    blocked = [kr for kr in krs_of(demo, cycle["id"]) if any(c.get("blockers")
                                                              for c in kr["checkins"])]
    assert blocked
    # A recovery: a blocker earlier in the quarter, none in the last two check-ins.
    assert any(kr["checkins"][-1].get("blockers", "") == "" and
               kr["checkins"][-2].get("blockers", "") == "" for kr in blocked
               if len(kr["checkins"]) >= 3)


def test_checkins_are_weekly_fridays_with_varied_notes(demo):
    notes = Counter()
    for kr in krs_of(demo):
        dates = [c["date"] for c in kr["checkins"]]
        assert dates == sorted(dates)
        assert all(d.weekday() == 4 for d in dates)
        for c in kr["checkins"]:
            assert isinstance(c["confidence"], int) and 0 <= c["confidence"] <= 10
            assert c["by"] == kr["owner"]
            assert decimals_ok(c.get("value"))
            if c.get("note"):
                notes[c["note"]] += 1
    assert len(notes) > 300
    assert notes.most_common(1)[0][1] <= 10  # no sentence repeated everywhere


def test_numbers_are_rounded(demo):
    for m in demo["metrics"]:
        assert all(decimals_ok(a["plan"]) and decimals_ok(a["actual"]) for a in m["actuals"])
    for kr in krs_of(demo):
        assert decimals_ok(kr.get("baseline")) and decimals_ok(kr.get("target"))


def test_initiatives(demo):
    initiatives = [i for kr in krs_of(demo) for i in kr.get("initiatives", [])]
    assert len(initiatives) >= len(demo["objectives"])
    for o in demo["objectives"]:
        assert any(kr.get("initiatives") for kr in o["key_results"]), o["id"]
    assert len({i["status"] for i in initiatives}) >= 3
    links = [link["url"] for i in initiatives for link in i.get("links", [])]
    assert links and all(u.startswith("https://jira.example.test/browse/HEAT-") for u in links)


# --- synthetic_plan ----------------------------------------------------------------------


@pytest.mark.parametrize("people,today", [
    (30, MID_Q3), (300, dt.date(2026, 1, 2)), (500, dt.date(2026, 3, 31)),
    (1000, dt.date(2026, 10, 9)),
], ids=str)
def test_synthetic_validates_and_references_resolve(people, today):
    doc = synthetic_plan(people, today, seed=1)
    PlanFile.model_validate(doc)
    assert check_plan(doc, today) == []
    assert len(doc["people"]) == max(30, people)


@pytest.mark.parametrize("today", (MID_Q3, dt.date(2026, 1, 9), dt.date(2026, 12, 31)), ids=str)
def test_synthetic_scales(today):
    doc = synthetic_plan(2000, today)
    by_id = {u["id"]: u for u in doc["units"]}

    def depth(uid):
        return 0 if by_id[uid].get("parent") is None else 1 + depth(by_id[uid]["parent"])

    krs = krs_of(doc)
    assert len(doc["people"]) == 2000
    assert 150 <= len(doc["units"]) <= 250
    assert max(depth(u) for u in by_id) >= 2
    assert 450 <= len(doc["objectives"]) <= 750
    assert 1350 <= len(krs) <= 2250
    assert 15_000 <= checkin_count(doc) <= 25_000
    assert set(Counter(kr["kind"] for kr in krs)) == {
        "increase", "decrease", "stay_above", "stay_below", "milestone"}
    for p in doc["improvement_priorities"]:
        assert list(p["resources"].values()).count("primary") == 1
