"""The demo's trade-off register: the briefs' entries with who was told and what they
affect, plus one from a review decision, one from a catchball agreement, one from the
portfolio and one superseded, so the register page and the items' pages tell a story."""

from __future__ import annotations

import datetime as dt


def _day(quarter, days: int, today: dt.date) -> str:
    return min(quarter.start + dt.timedelta(days=days), quarter.end, today).isoformat()


def register_story(trade_offs: list[dict], objectives: list[dict], annual: list[dict],
                   leads: dict[str, str], ceo: str, so: list[str], prev, cur,
                   today: dt.date) -> None:
    """Fill in `trade_offs` (the plan file's list, briefs' entries first) in place."""
    by_cycle = {q.id: [o for o in objectives if o["cycle"] == q.id] for q in (prev, cur)}
    units = sorted({o["unit"] for o in objectives})
    annual_ids = [a["id"] for a in annual]
    for n, entry in enumerate(trade_offs):
        quarter = prev if entry["cycle"] == prev.id else cur
        entry.update({"source": "brief", "source_note": f"Strategic brief {quarter.id}",
                      "decided_on": _day(quarter, -7 + n, today) if quarter.start <= today
                      else quarter.start.isoformat(),
                      "told_units": units[n % len(units):][:2],
                      "affects": annual_ids[n % len(annual_ids):][:1]})
        entry["decided_on"] = max(entry["decided_on"], quarter.start.isoformat())
    current = by_cycle[cur.id]
    if len(current) < 3:
        return
    # A review decision: the weekly review stops a slipping key result's initiative push.
    reviewed = current[1]
    kr = reviewed["key_results"][0]
    trade_offs.append({
        "cycle": cur.id, "title": f"Deprioritise \"{kr['title']}\" for the rest of the quarter",
        "kind": "slowed", "source": "review",
        "source_note": f"Weekly review, week 4 of {cur.id}: {kr['id']} behind pace",
        "reason": "Behind pace since week 2 and the crews it needs are on the installer "
                  "backlog; the review moved them there and keeps the target for next quarter.",
        "decided_by": leads[reviewed["unit"]], "decided_on": _day(cur, 24, today),
        "unit": reviewed["unit"], "told_people": [kr["owner"]], "told_units": [reviewed["unit"]],
        "affects": [kr["id"], reviewed["id"]]})
    # A catchball agreement: the receiving unit takes the proposal on and makes room.
    agreed = current[2]
    trade_offs.append({
        "cycle": cur.id, "title": "Pause the second supplier audit",
        "kind": "paused", "source": "catchball",
        "source_note": f"Catchball: {agreed['id']} agreed with {agreed['unit']}",
        "reason": f"Agreeing \"{agreed['title']}\" takes the audit team's time this quarter; "
                  "the audit moves to next quarter.",
        "decided_by": leads[agreed["unit"]], "decided_on": _day(cur, 5, today),
        "unit": agreed["unit"], "told_people": [ceo], "told_units": [agreed["unit"]],
        "affects": [agreed["id"]]})
    # The portfolio: an initiative stopped (or paused before it started).
    for o in current:
        found = next(((kr, i) for kr in o["key_results"] for i in kr.get("initiatives", [])
                      if i["status"] in ("cancelled", "not_started")), None)
        if found is not None:
            kr, init = found
            kind = "stopped" if init["status"] == "cancelled" else "paused"
            trade_offs.append({
                "cycle": cur.id, "title": f"{init['id']} {init['title']}", "kind": kind,
                "source": "portfolio",
                "source_note": f"Portfolio: {init['id']} {kind} (lowest WSJF in its unit)",
                "reason": "Lowest WSJF of the unit's open initiatives and the unit is at its "
                          "WIP limit: finishing the top three first.",
                "decided_by": leads[o["unit"]], "decided_on": _day(cur, 17, today),
                "unit": o["unit"], "told_people": [init["owner"], kr["owner"]],
                "affects": [init["id"]]})
            break
    # A brief's entry superseded: the decision changed, both stay in the register.
    first_current = next((n for n, e in enumerate(trade_offs) if e["cycle"] == cur.id
                          and e["source"] == "brief" and e["kind"] != "stopped"), None)
    if first_current is not None:
        old = trade_offs[first_current]
        trade_offs.append({
            "cycle": cur.id, "title": old["title"].replace("Pause", "Stop").replace("Slow",
                                                                                   "Stop"),
            "kind": "stopped", "source": "manual",
            "source_note": "Leadership meeting",
            "reason": "Reviewed at the leadership meeting: stopping it for the year frees the "
                      "budget for installer training; revisit in next year's plan.",
            "decided_by": so[0] if so else ceo, "decided_on": _day(cur, 30, today),
            "told_units": old.get("told_units", []), "affects": old.get("affects", []),
            "supersedes": first_current + 1})
    register_stopped_work(trade_offs, objectives, leads, {q.id: q.end for q in (prev, cur)},
                          today)
    for n, entry in enumerate(trade_offs, 1):
        entry["id"] = n


# Why the demo's other initiatives were stopped, in turn (the portfolio's usual reasons).
_STOP_REASONS = (
    "Its key result was met without it; the team moves to the next item by WSJF.",
    "The supplier could not commit a date inside the quarter; the budget goes back to the "
    "unit's backlog.",
    "A cheaper route to the same key result turned up in the weekly review.",
    "The unit was over its WIP limit and this had the lowest cost of delay.",
)


def register_stopped_work(trade_offs: list[dict], objectives: list[dict],
                          lead_of: dict[str, str], ends: dict[str, dt.date],
                          today: dt.date) -> None:
    """A "stopped" entry, decided by the unit's lead, for every cancelled initiative that
    has none yet: stopped work is a trade-off, and a plan file that says an initiative is
    cancelled without its entry is refused."""
    covered = {key for t in trade_offs if t.get("kind") == "stopped"
               for key in t.get("affects", [])}
    n = 0
    for o in objectives:
        for kr in o["key_results"]:
            for init in kr.get("initiatives", []):
                if init["status"] != "cancelled" or init["id"] in covered:
                    continue
                told = list(dict.fromkeys(p for p in (init.get("owner"), kr.get("owner"))
                                          if p and p != lead_of[o["unit"]]))
                end = ends.get(o["cycle"])
                entry = {"cycle": o["cycle"], "title": f"{init['id']} {init['title']}",
                         "kind": "stopped", "source": "portfolio",
                         "source_note": f"Portfolio: {init['id']} stopped",
                         "reason": _STOP_REASONS[n % len(_STOP_REASONS)],
                         "decided_by": lead_of[o["unit"]], "unit": o["unit"],
                         "told_people": told, "affects": [init["id"]]}
                if end is not None:
                    entry["decided_on"] = min(end, today).isoformat()
                trade_offs.append(entry)
                n += 1
