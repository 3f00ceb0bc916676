"""`synthetic_plan(people, today, seed)`: an organisation of any size shaped like the demo
company, for benchmarks, with the demo's check-in profiles (`hoshin.demo.story`).

Pure Python, no Django, deterministic for the same arguments.
"""

from __future__ import annotations

import datetime as dt
import random

from hoshin.demo.data import (
    _FIRST,
    _GENERIC_BLOCKERS,
    _LAST,
    _KRSpec,
    _Voice,
)
from hoshin.demo.story import (
    _calendar,
    _checkins,
    _initiative_status,
    _kr_doc,
    _metric_series,
    _periods,
    _steps,
)
from hoshin.demo.trade_offs import register_stopped_work

_AREAS = (
    "onboarding", "billing", "checkout", "support", "logistics", "procurement", "reporting",
    "mobile app", "data platform", "field service", "payments", "hiring", "security",
    "pricing", "partner channel", "warehouse", "search", "documentation", "training",
    "compliance", "returns", "scheduling", "forecasting", "customer portal",
)
_OBJ_TEMPLATES = (
    "Make {area} faster for customers", "Cut waste in {area}", "Make {area} reliable",
    "Grow revenue through {area}", "Simplify {area}", "Scale {area} for next year's volume",
    "Raise quality in {area}", "Reduce the cost of {area}", "Make {area} self-service",
    "Give teams better data on {area}",
)
_KR_TEMPLATES = {
    "increase": (("{A} adoption", "%", 20, 80), ("Customers served through {area}", "customers",
                                                 200, 2000),
                 ("{A} satisfaction score", "points", 30, 70), ("Automated {area} cases", "%",
                                                                10, 60)),
    "decrease": (("{A} cycle time", "days", 5, 40), ("{A} cost per case", "€", 20, 200),
                 ("{A} defects per 1,000", "defects", 3, 30), ("Manual steps in {area}",
                                                                 "steps", 6, 30)),
    "stay_above": (("{A} availability", "%", 98, 99.9), ("{A} on-time rate", "%", 85, 97)),
    "stay_below": (("{A} error rate", "%", 1, 5), ("{A} backlog older than 30 days", "items",
                                                   10, 60)),
    "milestone": (("New {area} process live", None, 0, 0), ("{A} migration complete", None,
                                                            0, 0),
                  ("{A} pilot finished", None, 0, 0)),
}
_STEP_TITLES = ("Design agreed", "Pilot running", "Rollout to all sites", "Review and hand over")
_KIND_MIX = ("increase",) * 7 + ("decrease",) * 4 + ("stay_above",) * 2 + ("stay_below",) * 2 + \
    ("milestone",) * 5
_DIVISION_NAMES = ("Operations", "Commercial", "Product", "Technology", "Finance", "People",
                   "Customer", "Supply", "Services", "Platform", "Growth", "Risk")
_SYN_THEMES = (
    ("Protect the core business", "Churn and incidents stay at last quarter's level or better."),
    ("Ship the platform migration", "All units on the new platform by quarter end."),
    ("Win the next segment", "First 50 customers signed in the new segment."),
    ("Cost discipline", "Run-rate cost per customer down 5%."),
    ("Quality first", "Defects reaching customers down by a third."),
)
_SYN_TRADE_OFFS = (
    ("Pause the second office opening", "paused", "Capacity goes to the migration."),
    ("Slow new-feature work in legacy tools", "slowed", "Legacy tools retire next year."),
    ("Stop bespoke reports", "stopped", "Self-service reporting covers 90% of requests."),
)
_AVG_CHECKINS = 11


def synthetic_plan(people: int, today: dt.date, seed: int = 0) -> dict:
    """A plan of about `people` people, shaped like the demo, for benchmarks.

    Per 10 people: one unit (company → divisions → departments → teams), three objectives,
    nine key results and about 100 check-ins (11 per KR on average; when today is early in
    the quarter, part of the OKRs sit in the closed previous quarter so the count holds).
    """
    n_people = max(30, int(people))
    rng = random.Random(seed * 1_000_003 + n_people)
    cycles, prev, cur = _calendar(today)
    year = today.year
    domain = f"synth{seed}.test"

    # Units: ~1% divisions, ~10% departments, the rest teams.
    n_units = max(4, round(n_people / 10))
    n_div = max(1, round(n_units * 0.01))
    n_dept = max(1, round(n_units * 0.1))
    n_team = max(1, n_units - 1 - n_div - n_dept)
    unit_docs: list[dict] = []
    level: dict[str, int] = {}
    parent_of: dict[str, str | None] = {}
    unit_ids: list[str] = []
    width = len(str(n_units))

    def new_unit(name: str, parent: str | None, lvl: int) -> str:
        uid = f"U{len(unit_ids):0{width}d}"
        unit_ids.append(uid)
        level[uid] = lvl
        parent_of[uid] = parent
        unit_docs.append({"id": uid, "name": name, **({"parent": parent} if parent else {})})
        return uid

    root = new_unit(f"Synthetic Corp {seed}", None, 0)
    divs = [new_unit(f"{_DIVISION_NAMES[i % len(_DIVISION_NAMES)]} Division {i + 1}", root, 1)
            for i in range(n_div)]
    depts = [new_unit(f"{_AREAS[i % len(_AREAS)].title()} Department {i + 1}", divs[i % n_div], 2)
             for i in range(n_dept)]
    teams = [new_unit(f"{_AREAS[(i * 7) % len(_AREAS)].title()} Team {i + 1}",
                      depts[i % n_dept], 3) for i in range(n_team)]

    # People: one lead per unit, two strategy office, viewers, members spread over teams.
    n_viewers = max(3, n_people // 1000)
    pwidth = len(str(n_people))
    person_docs: list[dict] = []
    members: dict[str, list[str]] = {uid: [] for uid in unit_ids}

    def new_person(role: str, units: list[str]) -> str:
        i = len(person_docs) + 1
        email = f"p{i:0{pwidth}d}@{domain}"
        name = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 7 + i // len(_FIRST)) % len(_LAST)]}"
        person_docs.append({"email": email, "name": name, "role": role, "units": units})
        for uid in units:
            members[uid].append(email)
        return email

    for k, uid in enumerate(unit_ids):
        unit_docs[k]["lead"] = new_person("admin" if uid == root else "unit_lead", [uid])
    strategy = [new_person("strategy_office", [root]) for _ in range(2)]
    n_members = max(0, n_people - len(person_docs) - n_viewers)
    spread = teams or depts
    for i in range(n_members):
        new_person("member", [spread[i % len(spread)]])
    for _ in range(n_viewers):
        new_person("viewer", [])
    ceo = unit_docs[0]["lead"]

    # Strategy layers.
    breakthroughs = [{"id": f"B{i + 1}", "title": f"Breakthrough {i + 1}: double "
                      f"{_AREAS[i * 5 % len(_AREAS)]} performance", "horizon": year + 3 + i % 3,
                      "owner": ceo} for i in range(4)]
    strengths = ("strong", "important", "weak")
    annual = [{"id": f"A{i + 1}", "year": year,
               "title": f"Move {_AREAS[(i * 3 + 1) % len(_AREAS)]} a full step forward this year",
               "owner": unit_docs[1 + i % n_div]["lead"],
               "breakthroughs": {f"B{i + 1}": "strong", f"B{(i + 1) % 4 + 1}": strengths[i % 3]}}
              for i in range(4)]
    n_prio = max(10, n_units // 20)
    priorities = []
    for i in range(n_prio):
        uid = depts[i % n_dept]
        other = depts[(i + 1) % n_dept] if n_dept > 1 else divs[0]
        priorities.append({
            "id": f"P{i + 1}", "year": year, "unit": uid,
            "title": _OBJ_TEMPLATES[i % len(_OBJ_TEMPLATES)].format(area=_AREAS[i % len(_AREAS)])
            + f" ({i + 1})",
            "annual_objectives": {f"A{i % 4 + 1}": strengths[i % 3],
                                  f"A{(i + 2) % 4 + 1}": "weak"},
            "resources": {unit_docs[unit_ids.index(uid)]["lead"] if i % 2 == 0 else uid:
                          "primary", other: "secondary"}})
    lead_of = {u["id"]: u["lead"] for u in unit_docs}
    periods = _periods(today)
    n_metrics = max(8, n_prio * 8 // 10)
    metrics = []
    for i in range(n_metrics):
        base = float(rng.randint(20, 60))
        up = i % 3 != 2
        target = base + rng.randint(10, 30) if up else base - rng.randint(5, 15)
        metrics.append({"id": f"M{i + 1}", "title": f"{_AREAS[i % len(_AREAS)].title()} index "
                        f"{i + 1}", "unit": "points", "direction": "increase" if up else "decrease",
                        "baseline": base, "target": target, "owner": ceo,
                        "priorities": {f"P{i % n_prio + 1}": strengths[i % 3]},
                        "actuals": _metric_series(rng, periods, base, target, "linear", 1)})

    themes, theme_ids, trade_offs = [], {}, []
    for quarter in (prev, cur):
        ids = []
        for i in range(3):
            title, success = _SYN_THEMES[(quarter.q + i) % len(_SYN_THEMES)]
            tid = f"{quarter.id}-T{i + 1}"
            ids.append(tid)
            themes.append({"id": tid, "cycle": quarter.id, "title": title, "success": success,
                           "annual_objectives": [f"A{(quarter.q + i) % 4 + 1}"]
                           if quarter.year == year else []})
        theme_ids[quarter.id] = ids
        for i in range(2):
            title, kind, reason = _SYN_TRADE_OFFS[(quarter.q + i) % len(_SYN_TRADE_OFFS)]
            trade_offs.append({"cycle": quarter.id, "title": title, "kind": kind,
                               "reason": reason, "decided_by": strategy[i % 2]})

    # Split objectives between the quarters so check-ins average _AVG_CHECKINS per KR.
    w_cur, w_prev = len(cur.checkin_days), len(prev.checkin_days)
    if w_cur < _AVG_CHECKINS and w_prev > w_cur:
        f_prev = max(0.1, (_AVG_CHECKINS - w_cur) / (w_prev - w_cur))
    else:
        f_prev = 0.1
    f_prev = min(f_prev, 0.95)
    keep = min(1.0, _AVG_CHECKINS / max(1e-9, f_prev * w_prev + (1 - f_prev) * w_cur))
    prios_by_unit: dict[str, list[str]] = {}
    for p in priorities:
        prios_by_unit.setdefault(p["unit"], []).append(p["id"])

    objectives: list[dict] = []
    objs_in: dict[tuple[str, str], list[str]] = {}
    voice = _Voice(flavor=(), blockers=_GENERIC_BLOCKERS)
    silent_left = max(1, n_units // 100)
    profiles = ("steady",) * 12 + ("slipping",) * 3 + ("recovering",) + ("ahead",) * 2
    n_areas = len(_AREAS)
    for uid in unit_ids:  # parents come before children
        owners = [m for m in members[uid]] or [lead_of[uid]]
        par = parent_of[uid]
        anc_prios = prios_by_unit.get(uid) or prios_by_unit.get(par or "", [])
        for k in range(3):
            quarter = prev if rng.random() < f_prev else cur
            closed = quarter is prev
            same_year = quarter.year == year
            siblings = objs_in.setdefault((quarter.id, uid), [])
            oid = f"{quarter.id}-{uid}-O{k + 1}"
            parent_objs = objs_in.get((quarter.id, par or ""), [])
            roll = rng.random()
            if parent_objs and roll < 0.7:
                parent = parent_objs[rng.randrange(len(parent_objs))]
            elif same_year and anc_prios and roll < 0.85:
                parent = anc_prios[rng.randrange(len(anc_prios))]
            elif same_year and roll < 0.92:
                parent = f"A{rng.randint(1, 4)}"
            else:
                parent = theme_ids[quarter.id][rng.randrange(3)]
            siblings.append(oid)
            area = _AREAS[(_stable_hash(uid) + k) % n_areas]
            title = _OBJ_TEMPLATES[rng.randrange(len(_OBJ_TEMPLATES))].format(area=area)
            krdocs = []
            for j in range(3):
                kind = _KIND_MIX[rng.randrange(len(_KIND_MIX))]
                tpl, unit, lo, hi = rng.choice(_KR_TEMPLATES[kind])
                ktitle = tpl.format(area=area, A=area.capitalize())
                if kind == "increase":
                    b = float(rng.randint(int(lo), int(hi) - 5))
                    spec = _KRSpec(ktitle, kind, b, float(rng.randint(int(b) + 3, int(hi) + 10)),
                                   unit)
                elif kind == "decrease":
                    t = float(rng.randint(int(lo), int(hi) - 3))
                    spec = _KRSpec(ktitle, kind, float(rng.randint(int(t) + 2, int(hi) + 5)), t,
                                   unit)
                elif kind == "stay_above":
                    t = round(rng.uniform(lo, hi - 0.5), 1)
                    spec = _KRSpec(ktitle, kind, round(min(hi, t + rng.uniform(0.5, 2)), 1), t,
                                   unit)
                elif kind == "stay_below":
                    t = float(rng.randint(int(lo) + 1, int(hi)))
                    spec = _KRSpec(ktitle, kind, round(t * rng.uniform(0.6, 0.9), 1), t, unit)
                else:
                    n_steps = rng.randint(2, 4)
                    spec = _KRSpec(ktitle, kind, None, None, "", _STEP_TITLES[:n_steps])
                kr_id = f"{oid}-KR{j + 1}"
                owner = owners[(k * 3 + j) % len(owners)]
                profile = profiles[rng.randrange(len(profiles))]
                if kind == "milestone" and profile == "ahead":
                    profile = "steady"
                days = quarter.checkin_days
                if not closed and silent_left and kind != "milestone" and rng.random() < 0.05:
                    cut = today - dt.timedelta(days=21)
                    cut_days = [d for d in days if d <= cut]
                    if cut_days:
                        days, profile = cut_days, "silent"
                        silent_left -= 1
                steps = _steps(rng, spec.steps) if kind == "milestone" else []
                checkins = _checkins(rng, spec, steps, days, quarter.start, quarter.end,
                                     profile, owner, voice, closed, keep=keep,
                                     notes=rng.random() < 0.5)
                inits = []
                if j == 0 or rng.random() < 0.2:
                    inits.append({"id": f"{kr_id}-I1",
                                  "title": f"{area.capitalize()} workstream {k + 1}.{j + 1}",
                                  "owner": owners[(k + j + 1) % len(owners)],
                                  "status": _initiative_status(rng, profile, closed, 0.5),
                                  "size": float(rng.choice((2, 3, 5, 8, 13)))})
                krdocs.append(_kr_doc(kr_id, spec, owner, steps, checkins, inits))
            objectives.append({"id": oid, "cycle": quarter.id, "unit": uid, "title": title,
                               "parent": parent,
                               "kind": "aspirational" if rng.random() < 0.25 else "committed",
                               "key_results": krdocs})

    register_stopped_work(trade_offs, objectives, lead_of,
                          {q.id: q.end for q in (prev, cur)}, today)
    return {
        "hoshin": 1,
        "organization": {"name": f"Synthetic Corp {seed}", "fiscal_year_start": 1},
        "people": person_docs,
        "units": unit_docs,
        "vision": {"statement": "Be the most dependable company in our market.",
                   "horizon": year + 7, "customer_ideal": "Customers who never have to chase us."},
        "breakthroughs": breakthroughs,
        "annual_objectives": annual,
        "improvement_priorities": priorities,
        "metrics": metrics,
        "cycles": cycles,
        "themes": themes,
        "trade_offs": trade_offs,
        "objectives": objectives,
    }


def _stable_hash(uid: str) -> int:
    """A stable small hash of a unit id (Python's `hash` is salted per process)."""
    total = 0
    for ch in uid:
        total = (total * 31 + ord(ch)) & 0xFFFF
    return total
