"""Building the demo organisation: `demo_plan(today)`, Kestrel Heat Pumps as a plan-file
document, from the company's data (`hoshin.demo.data`) and the story of its quarters
(`hoshin.demo.story`).

Pure Python, no Django, deterministic: the same `today` always gives the same document.
"""

from __future__ import annotations

import datetime as dt
import random

from hoshin.demo.data import (
    _ANNUAL,
    _BOARD,
    _BREAKTHROUGHS,
    _DIVISION_PARENTS,
    _DIVISION_PREV_YEAR_THEME,
    _FIRST,
    _INITIATIVES,
    _LAST,
    _METRICS,
    _OKR_COUNTS,
    _OKR_HINTS,
    _OKRS,
    _PREV_YEAR_THEMES,
    _PRIORITIES,
    _SILENT_KR,
    _STRATEGY_OFFICE,
    _THEMES,
    _TRADE_OFFS,
    _UNITS,
    _VISION,
    _VOICES,
    M,
    _email,
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
from hoshin.demo.trade_offs import register_story

# How many KRs of each quarter slip, recover or run ahead; the rest trend steadily.
_STORY_MIX = {"active": {"slipping": 7, "recovering": 2, "ahead": 5},
              "closed": {"slipping": 5, "recovering": 2, "ahead": 3}}

def _profile_deck(n: int, mix: dict[str, int], seed: str) -> list[str]:
    deck = [name for name, count in mix.items() for _ in range(count)]
    deck += ["steady"] * max(0, n - len(deck))
    random.Random(seed).shuffle(deck)
    return deck


def _demo_people() -> tuple[list[dict], dict[str, list[str]], dict[str, str]]:
    """People, unit id -> member emails (lead first), unit id -> lead email."""
    people: list[dict] = []
    members: dict[str, list[str]] = {u[0]: [] for u in _UNITS}
    leads: dict[str, str] = {}
    used: set[str] = set()

    def add(name: str, role: str, units: list[str]) -> str:
        email = _email(name)
        used.add(email)
        people.append({"email": email, "name": name, "role": role, "units": units})
        for unit in units:
            members[unit].append(email)
        return email

    for uid, _name, par, lead, _size in _UNITS:
        role = "admin" if par is None else "unit_lead"
        # Department leads also sit in their division's leadership team.
        units = [uid] if par in (None, "kestrel") else [uid, par]
        leads[uid] = add(lead, role, units)
    for name in _STRATEGY_OFFICE:
        add(name, "strategy_office", ["kestrel"])
    rng = random.Random(150)
    for uid, _name, _par, _lead, size in _UNITS:
        for _ in range(size):
            while True:
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
                if _email(name) not in used:
                    break
            add(name, "member", [uid])
    for name in _BOARD:
        add(name, "viewer", [])
    return people, members, leads


def demo_plan(today: dt.date) -> dict:
    """Kestrel Heat Pumps: a complete, believable plan as of `today` (deterministic).

    150 people in 15 units (company → 4 divisions → 10 departments); the admin is the CEO,
    `DEMO_ADMIN_EMAIL`. Cycles: this fiscal year (plus the previous one when today is in
    Q1), the closed previous quarter and the active current quarter. In the current quarter
    most KRs trend to target, a few slip (behind pace, confidence falling, a blocker), two
    recover, and one has gone silent: its last check-in is three to four weeks before today
    (from day 21 of the quarter; between days 14 and 20 two weeks; before that it simply has
    no check-in yet, as nothing can be two weeks silent in a two-week-old quarter).
    """
    people, members, leads = _demo_people()
    cycles, prev, cur = _calendar(today)
    year = today.year
    ceo = leads["kestrel"]
    so = [p["email"] for p in people if p["role"] == "strategy_office"]

    units = [{"id": uid, "name": name, **({"parent": par} if par else {}), "lead": leads[uid]}
             for uid, name, par, _lead, _size in _UNITS]
    breakthroughs = [{"id": bid, "title": title, "horizon": year + years, "description": desc,
                      "owner": leads[owner]}
                     for bid, title, years, desc, owner in _BREAKTHROUGHS]
    annual = [{"id": aid, "year": year, "title": title, "owner": leads[owner],
               "breakthroughs": dict(bts)} for aid, title, owner, bts in _ANNUAL]
    priorities = []
    for pid, uid, title, aos, res in _PRIORITIES:
        resources = {(leads[uid] if key == "lead" else key): role for key, role in res.items()}
        priorities.append({"id": pid, "year": year, "unit": uid, "title": title,
                           "annual_objectives": dict(aos), "resources": resources})
    rng = random.Random(2024)
    periods = _periods(today)
    metrics = []
    for mid, title, unit, direction, base, target, owner, prios, shape in _METRICS:
        dec = 0 if abs(target - base) >= 50 else 1
        metrics.append({"id": mid, "title": title, "unit": unit, "direction": direction,
                        "baseline": float(base), "target": float(target), "owner": leads[owner],
                        "priorities": dict(prios),
                        "actuals": _metric_series(rng, periods, float(base), float(target),
                                                  shape, dec)})

    themes: list[dict] = []
    for quarter, count in ((prev, 2 if prev.year == year else 3), (cur, 3)):
        pool = _THEMES[quarter.q] if quarter.year == year else _PREV_YEAR_THEMES
        for i, (title, success, aos) in enumerate(pool[:count]):
            themes.append({"id": f"{quarter.id}-T{i + 1}", "cycle": quarter.id, "title": title,
                           "annual_objectives": list(aos), "success": success})
    trade_offs = []
    n_offs = len(_TRADE_OFFS)
    picks = ((prev, [(2 * cur.q - 1) % n_offs]), (cur, [(2 * cur.q + i) % n_offs for i in (0, 1)]))
    for quarter, indexes in picks:
        for k, index in enumerate(indexes):
            title, kind, reason = _TRADE_OFFS[index]
            trade_offs.append({"cycle": quarter.id, "title": title, "kind": kind,
                               "reason": reason, "decided_by": ceo if k == 0 else so[k % 2]})

    # Where each unit's objectives may point.
    prio_of = {uid: pid for pid, uid, *_ in _PRIORITIES}
    prio_aos = {pid: aos for pid, _uid, _t, aos, _r in _PRIORITIES}
    themes_of = {quarter.id: [t for t in themes if t["cycle"] == quarter.id]
                 for quarter in (prev, cur)}

    objectives: list[dict] = []
    jira = [100]
    for quarter in (prev, cur):
        closed = quarter is prev
        same_year = quarter.year == year
        n_krs = sum(len(krs) for uid, (n_cur, n_prev) in _OKR_COUNTS.items()
                    for _t, _k, krs in (_OKRS[uid][n_cur:n_cur + n_prev] if closed
                                        else _OKRS[uid][:n_cur]))
        profiles = _profile_deck(n_krs, _STORY_MIX[quarter.state], f"stories/{quarter.state}")
        kr_counter = 0
        first_obj: dict[str, str] = {}
        for uid, _name, par, _lead, _size in _UNITS:
            if uid not in _OKRS:
                continue
            n_cur, n_prev = _OKR_COUNTS[uid]
            templates = _OKRS[uid][n_cur:n_cur + n_prev] if closed else _OKRS[uid][:n_cur]
            offset = n_cur if closed else 0
            orng = random.Random(f"{quarter.id}/{uid}")
            owners = [m for m in members[uid]]
            orng.shuffle(owners)
            voice = _VOICES[uid]
            pool_init = list(_INITIATIVES[uid])
            orng.shuffle(pool_init)
            for k, (title, okind, krs) in enumerate(templates):
                oid = f"{quarter.id}-{uid}-O{k + 1}"
                first_obj.setdefault(uid, oid)
                quarter_themes = themes_of[quarter.id]
                if par == "kestrel":  # divisions: an annual objective, else a theme
                    parent = (_DIVISION_PARENTS[uid][offset + k] if same_year else
                              quarter_themes[_DIVISION_PREV_YEAR_THEME[uid]]["id"])
                else:
                    hint = _OKR_HINTS[uid][offset + k]
                    fitting = [t["id"] for t in quarter_themes if hint in t["annual_objectives"]]
                    if not same_year or hint is None:
                        parent = first_obj[par]  # the division's objective this quarter
                    elif offset + k == 0 and hint in prio_aos[prio_of[uid]]:
                        parent = prio_of[uid]
                    elif fitting and (offset + k) % 2 == 0:
                        parent = fitting[0]
                    else:
                        parent = hint
                krdocs = []
                init_budget = orng.randint(1, 3)
                for j, spec in enumerate(krs):
                    kr_id = f"{oid}-KR{j + 1}"
                    owner = owners[(k * 3 + j) % len(owners)]
                    profile = profiles[kr_counter]
                    kr_counter += 1
                    if not closed and (uid, k, j) == _SILENT_KR:
                        profile = "silent"
                    if spec.kind == M and profile == "ahead":
                        profile = "steady"
                    krng = random.Random(kr_id)
                    steps = _steps(krng, spec.steps) if spec.kind == M else []
                    days = quarter.checkin_days
                    if profile == "silent":
                        cut = today - dt.timedelta(days=21)
                        days = [d for d in days if d <= cut] or \
                            [d for d in days if d <= today - dt.timedelta(days=14)]
                    elif not closed and len(days) > 3:
                        # An occasional missed week, never one of the last two.
                        days = [d for i, d in enumerate(days)
                                if i >= len(days) - 2 or krng.random() > 0.04]
                    checkins = _checkins(krng, spec, steps, days, quarter.start, quarter.end,
                                         profile, owner, voice, closed)
                    h = ((days[-1] - quarter.start).days / (quarter.end - quarter.start).days
                         if days else 0.0)
                    inits = []
                    n_init = 1 if j < init_budget and krng.random() < 0.8 else 0
                    if j == 0:
                        n_init = max(n_init, 1)
                    if j == 1 and krng.random() < 0.3:
                        n_init += 1
                    for n in range(n_init):
                        ititle = pool_init[(k * 3 + j + n) % len(pool_init)]
                        init = {"id": f"{kr_id}-I{n + 1}", "title": ititle,
                                "owner": owners[(k + j + n + 1) % len(owners)],
                                "status": _initiative_status(krng, profile, closed, h),
                                "size": float(krng.choice((2, 3, 5, 8, 13)))}
                        if krng.random() < 0.35:
                            jira[0] += krng.randint(3, 40)
                            init["links"] = [{"url": f"https://jira.example.test/browse/HEAT-"
                                                     f"{jira[0]}", "title": f"HEAT-{jira[0]}"}]
                        inits.append(init)
                    krdocs.append(_kr_doc(kr_id, spec, owner, steps, checkins, inits))
                objectives.append({"id": oid, "cycle": quarter.id, "unit": uid, "title": title,
                                   "parent": parent, "kind": okind, "key_results": krdocs})

    # The rest of each quarter's brief, and a few cross-unit dependencies of this quarter's
    # key results: one accepted, one declined, one still waiting for an answer.
    briefs = [{"cycle": quarter.id,
               "success": "Every theme's success line met; no committed key result off track.",
               "risks": "Installer capacity in the peak season; heat-pump supply lead times.",
               "constraints": "No new hires beyond the approved plan; capex as budgeted."}
              for quarter in (prev, cur)]
    asked = f"{min(today, cur.start + dt.timedelta(days=3)).isoformat()}T09:00:00Z"
    answered = f"{min(today, cur.start + dt.timedelta(days=5)).isoformat()}T15:00:00Z"
    current = [o for o in objectives if o["cycle"] == cur.id]
    dependencies = []
    for n, state in enumerate(("accepted", "declined", "requested")):
        needing, providing = current[n], current[-1 - n]
        dependency = {"id": f"{cur.id}-D{n + 1}", "key_result": needing["key_results"][0]["id"],
                      "providing_unit": providing["unit"], "state": state,
                      "description": f"Relies on their objective \"{providing['title']}\" "
                                     "landing in the first half of the quarter.",
                      "requested_by": leads[needing["unit"]], "requested_at": asked}
        if state != "requested":
            dependency.update({"decided_by": leads[providing["unit"]], "decided_at": answered,
                               "note": "Agreed for weeks 3-6." if state == "accepted" else
                                       "No capacity this quarter; ask again next quarter."})
        if state == "accepted":
            # Committed for the end of week 6 and not delivered: late once that has passed.
            dependency.update({"deliverable": "Their objective's first-half results, handed "
                                              "over in a working session",
                               "due": (cur.start + dt.timedelta(weeks=6)).isoformat()})
        dependencies.append(dependency)

    register_story(trade_offs, objectives, annual, leads, ceo, so, prev, cur, today)
    return {
        "hoshin": 1,
        "organization": {"name": "Kestrel Heat Pumps Ltd", "fiscal_year_start": 1},
        "people": people,
        "units": units,
        "vision": {"statement": _VISION["statement"], "horizon": year + 8,
                   "customer_ideal": _VISION["customer_ideal"]},
        "breakthroughs": breakthroughs,
        "annual_objectives": annual,
        "improvement_priorities": priorities,
        "metrics": metrics,
        "cycles": cycles,
        "briefs": briefs,
        "themes": themes,
        "trade_offs": trade_offs,
        "objectives": objectives,
        "dependencies": dependencies,
    }

