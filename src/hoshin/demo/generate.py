"""Plan-file documents for `hoshin demo` and the benchmark (SPEC §8).

Two generators, both pure Python (no Django) and deterministic: the same arguments always
give the same document, because every random choice comes from a `random.Random` seeded
with a constant (never the global generator, never the clock).

* `demo_plan(today)` — Kestrel Heat Pumps, a fictional ~150-person company that builds
  and installs residential heat pumps: vision, breakthroughs, this year's annual
  objectives, improvement priorities, metrics with a monthly bowling chart, the closed
  previous quarter and the active current quarter with their briefs and OKRs, and weekly
  check-ins that tell a believable story up to `today`.
* `synthetic_plan(people, today, seed)` — the same shape at any size, for benchmarks.

Both return a plain dict (dates are `datetime.date`) that validates with
`hoshin.planfile.schema.PlanFile.model_validate` and satisfies the importer's reference
rules.

Id scheme (one namespace): units are slugs (`installation`); breakthroughs `B1`…, annual
objectives `A1`…, improvement priorities `P1`…, metrics `M1`…; cycles `2026`, `2026-Q3`;
themes `2026-Q3-T1`; objectives `2026-Q3-<unit>-O1`; key results `<objective>-KR1`;
initiatives `<key result>-I1`; milestone steps `s1`… (unique within their KR).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

__all__ = ["demo_plan", "synthetic_plan", "DEMO_ADMIN_EMAIL", "DEMO_DOMAIN"]

DEMO_DOMAIN = "kestrelheat.test"
DEMO_ADMIN_EMAIL = f"maren.okafor@{DEMO_DOMAIN}"

_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(days=7)
_FRIDAY = 4

# Step-weight patterns: dyadic fractions, so each pattern sums to exactly 1.0 in floats.
_WEIGHTS = {
    2: ((0.5, 0.5), (0.25, 0.75)),
    3: ((0.25, 0.25, 0.5), (0.5, 0.25, 0.25), (0.25, 0.5, 0.25)),
    4: ((0.25, 0.25, 0.25, 0.25), (0.125, 0.125, 0.25, 0.5), (0.25, 0.25, 0.375, 0.125)),
}


# --- calendar ------------------------------------------------------------------------


def _quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + 1, 1, 1) - _DAY if q == 4 else dt.date(year, 3 * q + 1, 1) - _DAY
    return start, end


def _fridays(start: dt.date, end: dt.date) -> list[dt.date]:
    day = start + dt.timedelta(days=(_FRIDAY - start.weekday()) % 7)
    out = []
    while day <= end:
        out.append(day)
        day += _WEEK
    return out


@dataclass
class _Quarter:
    id: str
    year: int
    q: int
    start: dt.date
    end: dt.date
    state: str
    checkin_days: list[dt.date] = field(default_factory=list)

    def set_today(self, today: dt.date) -> None:
        """Fridays from the start up to today (or the end, when the quarter is over)."""
        self.checkin_days = _fridays(self.start, min(today, self.end))


def _calendar(today: dt.date) -> tuple[list[dict], _Quarter, _Quarter]:
    """Year cycle(s), the closed previous quarter and the active current quarter."""
    year, q = today.year, (today.month - 1) // 3 + 1
    pyear, pq = (year, q - 1) if q > 1 else (year - 1, 4)
    cur = _Quarter(f"{year}-Q{q}", year, q, *_quarter_bounds(year, q), "active")
    prev = _Quarter(f"{pyear}-Q{pq}", pyear, pq, *_quarter_bounds(pyear, pq), "closed")
    cur.set_today(today)
    prev.set_today(today)
    cycles = []
    if pyear != year:
        cycles.append({"id": str(pyear), "kind": "year", "name": f"FY{pyear}",
                       "start": dt.date(pyear, 1, 1), "end": dt.date(pyear, 12, 31),
                       "state": "closed"})
    cycles.append({"id": str(year), "kind": "year", "name": f"FY{year}",
                   "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31),
                   "state": "active"})
    for quarter in (prev, cur):
        cycles.append({"id": quarter.id, "kind": "quarter", "name": f"Q{quarter.q} {quarter.year}",
                       "start": quarter.start, "end": quarter.end, "state": quarter.state})
    return cycles, prev, cur


def _periods(today: dt.date) -> list[str]:
    """Months of today's fiscal year before today's month ("YYYY-MM")."""
    return [f"{today.year}-{m:02d}" for m in range(1, today.month)]


# --- check-in stories ------------------------------------------------------------------

_FIRST_NOTES = (
    "First reading of the quarter: {v}.",
    "Starting point confirmed at {v}.",
    "Baseline re-measured, {v}. Plan agreed with the team.",
    "Kick-off week; {v} so far.",
    "Tracking set up, first number is {v}.",
)
_ON_TRACK_NOTES = (
    "{v} this week, on pace for {t}.",
    "Moved {d} since last Friday.",
    "Holding the pace: {v}.",
    "Good week, {v}; {gap} still to go.",
    "Steady progress, now {v}.",
    "{v}. Nothing unusual this week.",
    "A little better than last week at {v}.",
    "On plan. {gap} left to close.",
    "{d} this week, in line with the plan.",
    "Now at {v}; the trend holds.",
    "Quiet week but still moving: {v}.",
    "{v}, roughly where we expected to be.",
)
_FLAT_NOTES = (
    "No change this week, still {v}.",
    "Unchanged at {v}.",
    "Same as last week ({v}).",
)
_AHEAD_NOTES = (
    "Ahead of plan at {v}.",
    "{v}, ahead of the pace we set.",
    "Better than expected: {v}. Checking whether the target was too soft.",
    "Another strong week, {d}.",
    "{v} already; {gap} to go.",
)
_BEHIND_NOTES = (
    "Behind pace: {v} where we expected about {exp}.",
    "Flat this week at {v}.",
    "Only {d} this week; not enough to reach {t}.",
    "Slipping, {v}. Raising it at the weekly review.",
    "Still stuck around {v}.",
    "{v}. The gap to plan is growing; need a decision on help.",
    "Lost ground this week ({d}).",
    "No real movement, {v}. Confidence down.",
)
_RECOVERED_NOTES = (
    "Back on pace at {v} now the blocker is gone.",
    "Caught up: {v}.",
    "Recovered most of the gap, {v} now.",
    "Unblocked last week and it shows: {d}.",
    "{v}. The fix worked; back to normal pace.",
)
_FINAL_NOTES = (
    "Quarter closed at {v}.",
    "Final number for the quarter: {v}.",
    "Closing at {v} against a target of {t}.",
    "End of quarter, {v}. Retro notes in the team page.",
)
_STAY_IN_NOTES = (
    "{v}, inside the limit of {t}.",
    "Held at {v} this week.",
    "Comfortably within range at {v}.",
    "No breach this week ({v}).",
    "{v}; still on the right side of {t}.",
    "Stable at {v}.",
)
_STAY_OUT_NOTES = (
    "Breached the limit: {v} against {t}.",
    "Outside the range this week at {v}; investigating.",
    "{v}, on the wrong side of {t} again.",
    "Missed the threshold ({v}). Cause being checked.",
)
_STEP_NOTES = (
    "Done: {step}.",
    "{step}: complete.",
    "Signed off this week: {step}.",
    "Closed out \"{step}\".",
    "{step} finished, on to the next step.",
)
_WAIT_NOTES = (
    "Working on {next}.",
    "{next} in progress.",
    "No step closed this week; {next} underway.",
    "{next} taking longer than planned.",
    "Still on {next}.",
    "",
)
_MS_DONE_NOTES = (
    "All steps done.",
    "Finished; nothing left on this one.",
    "Complete. Handing over to the owners of the process.",
)
_GENERIC_BLOCKERS = (
    "Waiting on another team's release.",
    "Key person out sick for two weeks.",
    "Budget approval still pending.",
    "Vendor has not delivered the test environment.",
    "Data for this measure is late every week.",
    "Two people pulled onto an urgent customer issue.",
    "Depends on a decision from the leadership team.",
    "Supplier delay on a critical part.",
)


@dataclass
class _Voice:
    """Unit-specific colour for notes, blockers and initiative titles."""

    flavor: tuple[str, ...] = ()
    blockers: tuple[str, ...] = _GENERIC_BLOCKERS
    flavor_rate: float = 0.3


@dataclass
class _KRSpec:
    title: str
    kind: str
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    steps: tuple[str, ...] = ()
    decimals: int | None = None  # how values are reported; None: from baseline/target


def _decimals(spec: _KRSpec) -> int:
    """Decimals to report values in: those of baseline/target (max 2), at least 1 for %."""
    if spec.decimals is not None:
        return spec.decimals
    dec = 0
    for v in (spec.baseline, spec.target):
        if v is not None:
            text = f"{float(v):.6f}".rstrip("0")
            dec = max(dec, min(2, len(text.split(".")[1])))
    return max(dec, 1) if spec.unit == "%" else dec


def _zone_value(rng: random.Random, tgt: float, sgn: float, margin: float, inside: bool,
                dec: int, floor: float | None) -> float:
    """A stay_* value inside (threshold included) or strictly outside the zone, rounded."""
    if inside:
        value = tgt + sgn * margin * rng.uniform(0.3, 1.2)
    else:
        value = tgt - sgn * margin * rng.uniform(0.1, 0.6)
    value = round(value, dec)
    if floor is not None:
        value = max(floor, value)
    held = (value - tgt) * sgn >= 0
    if held != inside:
        value = round(tgt if inside else tgt - sgn * 10 ** -dec, dec)
    return value + 0.0


def _fmt(value: float, unit: str, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if unit == "%":
        return text + "%"
    if unit == "€":
        return "€" + text
    if unit == "M€":
        return f"€{text}M"
    if unit.startswith("/"):
        return text + unit
    return f"{text} {unit}" if unit else text


def _signed(delta: float, unit: str, decimals: int) -> str:
    sign = "+" if delta >= 0 else "−"
    return sign + _fmt(abs(delta), unit, decimals)




def _story_params(rng: random.Random, profile: str, h: float) -> tuple:
    u = rng.uniform
    if profile == "ahead":
        return (u(1.2, 1.4), 0.0, 0.0, 0.0)
    if profile == "slipping":
        return (u(0.9, 1.05), h * u(0.3, 0.5), u(0.05, 0.3), 0.0)
    if profile == "recovering":
        return (u(0.9, 1.0), h * u(0.2, 0.35), h * u(0.55, 0.7), u(0.97, 1.06))
    if profile == "silent":
        return (u(0.75, 0.95), 0.0, 0.0, 0.0)
    return (u(0.93, 1.1), 0.0, 0.0, 0.0)  # steady


def _progress(profile: str, prm: tuple, t: float, h: float) -> float:
    r, t0, x, end = prm
    if profile == "ahead":
        return min(1.1, r * t)
    if profile == "slipping":
        return r * t if t <= t0 else r * t0 + x * (t - t0)
    if profile == "recovering":
        if t <= t0:
            return r * t
        p1 = r * t0 + 0.03 * (min(t, x) - t0)
        if t <= x or h <= x:
            return p1
        return p1 + (end * h - p1) * (t - x) / (h - x)
    return r * t


def _checkins(rng: random.Random, spec: _KRSpec, steps: list[dict], days: list[dt.date],
              start: dt.date, end: dt.date, profile: str, by: str, voice: _Voice,
              closed: bool, keep: float = 1.0, notes: bool = True) -> list[dict]:
    """Weekly check-ins on `days` telling the story `profile` (see `_story_params`)."""
    if not days:
        return []
    span = max(1, (end - start).days)
    h = (days[-1] - start).days / span
    prm = _story_params(rng, profile, h)
    kind, unit = spec.kind, spec.unit
    dec = _decimals(spec)
    b, tgt = spec.baseline, spec.target
    blocker = rng.choice(voice.blockers) if voice.blockers else ""
    rand, gauss, choice = rng.random, rng.gauss, rng.choice
    out = []
    last_value = b
    done_before = 0
    recovered_said = False
    last_conf = None
    n = len(days)
    sgn = 1.0 if kind == "stay_above" else -1.0
    margin = abs((b if b is not None else 0) - (tgt or 0)) or max(1.0, abs(tgt or 0) * 0.05)
    floor = 0.0 if (b or 0) >= 0 and (tgt or 0) >= 0 else None
    cum = []
    acc = 0.0
    for st in steps:
        acc += st["weight"]
        cum.append(acc)
    for i, day in enumerate(days):
        if keep < 1.0 and i < n - 2 and rand() > keep:
            continue
        t = (day - start).days / span
        p = _progress(profile, prm, t, h) + (gauss(0, 0.025) if t > 0 else 0.0)
        behind = p < t - 0.12
        x1 = prm[2]
        in_dip = profile == "recovering" and prm[1] < t <= x1
        after_dip = profile == "recovering" and t > x1
        slipping_now = profile == "slipping" and t > prm[1]
        # A fresh date object per check-in: YAML dumpers would otherwise emit anchors.
        doc: dict = {"date": dt.date.fromordinal(day.toordinal())}
        conf = 7 + 8 * (p - t) + gauss(0, 0.5)
        note = ""
        blocked = ""
        final = closed and i == n - 1
        if kind in ("increase", "decrease"):
            value = round(b + (tgt - b) * p, dec)
            if floor is not None:
                value = max(floor, value) + 0.0
            doc["value"] = value
            fmt = {"v": _fmt(value, unit, dec), "t": _fmt(tgt, unit, dec),
                   "d": _signed(value - last_value, unit, dec),
                   "gap": _fmt(abs(tgt - value), unit, dec),
                   "exp": _fmt(round(b + (tgt - b) * t, dec), unit, dec)}
            if i == 0:
                pool = _FIRST_NOTES
            elif final:
                pool = _FINAL_NOTES
            elif in_dip or (slipping_now and behind):
                pool = _BEHIND_NOTES
            elif after_dip and not recovered_said:
                pool, recovered_said = _RECOVERED_NOTES, True
            elif p > t + 0.1:
                pool = _AHEAD_NOTES
            elif value == last_value:
                pool = _FLAT_NOTES
            else:
                pool = _ON_TRACK_NOTES
            last_value = value
        elif kind in ("stay_above", "stay_below"):
            out_zone = (in_dip or (slipping_now and rand() < 0.65) or
                        (profile in ("steady", "ahead") and rand() < 0.03))
            value = _zone_value(rng, tgt, sgn, margin, not out_zone, dec, floor)
            if out_zone:
                conf = rng.randint(3, 5)
            else:
                conf = rng.randint(5, 7) if slipping_now else rng.randint(7, 9)
            doc["value"] = value
            fmt = {"v": _fmt(value, unit, dec), "t": _fmt(tgt, unit, dec)}
            if final:
                pool = _FINAL_NOTES
            else:
                pool = _STAY_OUT_NOTES if out_zone else _STAY_IN_NOTES
            if after_dip and not out_zone and not recovered_said:
                pool, recovered_said = _RECOVERED_NOTES, True
                fmt["d"] = fmt["v"]
            behind = out_zone
        else:  # milestone
            done = sum(1 for c in cum if c <= p + 0.02)
            doc["steps_done"] = [st["id"] for st in steps[:done]]
            fmt = {}
            if done > done_before:
                pool = _STEP_NOTES
                fmt["step"] = steps[done - 1]["title"]
            elif done >= len(steps):
                pool = _MS_DONE_NOTES
            else:
                pool = _WAIT_NOTES
                fmt["next"] = steps[done]["title"]
            if done >= len(steps):
                conf = 10
            done_before = done
        if in_dip or (slipping_now and behind):
            blocked = blocker
        elif profile in ("steady", "ahead") and rand() < 0.02:
            blocked = choice(_GENERIC_BLOCKERS)
        if notes and (pool is not _ON_TRACK_NOTES or rand() < 0.8):
            note = choice(pool).format(**fmt)
            if voice.flavor and rand() < voice.flavor_rate:
                note = (note + " " + choice(voice.flavor)).strip()
        # Confidence moves by at most two points a week.
        conf = max(1, min(10, round(conf)))
        if last_conf is not None:
            conf = max(last_conf - 2, min(last_conf + 2, conf))
        last_conf = conf
        doc["confidence"] = conf
        if note:
            doc["note"] = note
        if blocked:
            doc["blockers"] = blocked
        doc["by"] = by
        out.append(doc)
    return out


def _steps(rng: random.Random, titles: tuple[str, ...]) -> list[dict]:
    weights = rng.choice(_WEIGHTS[len(titles)])
    return [{"id": f"s{i + 1}", "title": title, "weight": w}
            for i, (title, w) in enumerate(zip(titles, weights, strict=True))]


def _kr_doc(kr_id: str, spec: _KRSpec, owner: str, steps: list[dict], checkins: list[dict],
            initiatives: list[dict]) -> dict:
    doc: dict = {"id": kr_id, "title": spec.title, "owner": owner, "kind": spec.kind}
    if spec.kind != "milestone":
        if spec.kind in ("increase", "decrease"):
            doc["baseline"] = float(spec.baseline)
        elif spec.baseline is not None:
            doc["baseline"] = float(spec.baseline)
        doc["target"] = float(spec.target)
    if spec.unit:
        doc["unit"] = spec.unit
    if steps:
        doc["steps"] = steps
    doc["checkins"] = checkins
    if initiatives:
        doc["initiatives"] = initiatives
    return doc


def _initiative_status(rng: random.Random, profile: str, closed: bool, h: float) -> str:
    if closed:
        return rng.choice(("done", "done", "done", "cancelled")) if profile != "slipping" \
            else rng.choice(("done", "cancelled", "in_progress"))
    if profile == "slipping":
        return rng.choice(("blocked", "in_progress", "blocked"))
    if h < 0.2:
        return rng.choice(("not_started", "in_progress"))
    return rng.choice(("in_progress", "in_progress", "done", "not_started"))


# --- the demo company ----------------------------------------------------------------

# (unit id, name, parent, lead name, lead title for context, members excluding lead)
_UNITS = (
    ("kestrel", "Kestrel Heat Pumps", None, "Maren Okafor", 0),
    ("product", "Product & Engineering", "kestrel", "Henrik Dahl", 0),
    ("operations", "Operations", "kestrel", "Grace Mbeki", 0),
    ("commercial", "Commercial", "kestrel", "Daniel Ferreira", 0),
    ("corporate", "Corporate Services", "kestrel", "Aisha Rahman", 0),
    ("rnd", "R&D Engineering", "product", "Lukas Brenner", 14),
    ("quality", "Quality & Compliance", "product", "Mei Tanaka", 8),
    ("manufacturing", "Manufacturing", "operations", "Owen Gallagher", 26),
    ("supply-chain", "Supply Chain", "operations", "Sofia Marchetti", 9),
    ("installation", "Installation Services", "operations", "Kwame Asante", 30),
    ("sales", "Residential Sales", "commercial", "Hannah Whitfield", 14),
    ("marketing", "Marketing", "commercial", "Jonas Weber", 7),
    ("customer-service", "Customer Service", "commercial", "Leila Haddad", 12),
    ("finance", "Finance", "corporate", "Robert Chen", 5),
    ("people-it", "People & IT", "corporate", "Nadia Kowalski", 5),
)
_STRATEGY_OFFICE = ("Tobias Lindqvist", "Priya Raman")
_BOARD = ("Eleanor Whitmore", "Samuel Adeyemi", "Ingrid Solberg")

_FIRST = (
    "Adam", "Adaeze", "Alba", "Alex", "Amir", "Ana", "Anders", "Anika", "Ben", "Bianca",
    "Carla", "Chen", "Chloe", "Chris", "Dana", "Dario", "David", "Elena", "Elif", "Emil",
    "Emma", "Eva", "Farah", "Felix", "Finn", "Freya", "Gabriel", "Hana", "Harriet", "Ibrahim",
    "Ida", "Isaac", "Ivan", "Jack", "James", "Jana", "Jasper", "Joao", "Julia", "Kai",
    "Karim", "Kate", "Laila", "Lars", "Laura", "Liam", "Lina", "Luca", "Maja", "Marco",
    "Maria", "Mark", "Marta", "Matteo", "Mia", "Milan", "Nathan", "Nina", "Noah", "Nora",
    "Olga", "Oliver", "Omar", "Paul", "Pavel", "Petra", "Rafael", "Rania", "Rosa", "Ruth",
    "Sam", "Sara", "Sean", "Simon", "Sina", "Sven", "Tariq", "Tess", "Theo", "Tomas",
    "Ursula", "Victor", "Vera", "Wei", "Will", "Yara", "Yusuf", "Zoe", "Zainab", "Kofi",
)
_LAST = (
    "Abbott", "Achebe", "Ahmed", "Alvarez", "Andersen", "Baker", "Barros", "Becker", "Bell",
    "Bianchi", "Brooks", "Campbell", "Carter", "Costa", "Cruz", "Dalton", "Das", "Duarte",
    "Dubois", "Edwards", "Eriksen", "Evans", "Fischer", "Fleming", "Fox", "Garcia", "Gill",
    "Grant", "Gupta", "Hall", "Hansen", "Hart", "Hoffmann", "Hughes", "Iyer", "Jansen",
    "Jensen", "Kaur", "Keller", "Khan", "Kim", "Klein", "Kowalczyk", "Lambert", "Larsen",
    "Lee", "Lopez", "Lund", "Malik", "Martin", "Meyer", "Moreau", "Murphy", "Nair", "Novak",
    "Nowak", "Obi", "Olsen", "Ortiz", "Park", "Patel", "Pereira", "Quinn", "Reid", "Rossi",
    "Russo", "Santos", "Schmidt", "Shah", "Silva", "Singh", "Sousa", "Stone", "Suzuki",
    "Taylor", "Torres", "Turner", "Vargas", "Vogel", "Walsh", "Ward", "Wong", "Yilmaz",
    "Young", "Zhang", "Ziegler", "Mensah", "Nakamura", "Petrov", "Horvat",
)


def _email(name: str, domain: str = DEMO_DOMAIN) -> str:
    first, last = name.split(" ", 1)
    clean = "".join(ch for ch in last.lower() if ch.isalnum())
    return f"{first.lower()}.{clean}@{domain}"


_VISION = {
    "statement": "Every home we touch is warm without fossil fuel: quiet, affordable to run, "
                 "and looked after for decades.",
    "customer_ideal": "A homeowner who gets a fixed price in one visit, a working heat pump "
                      "within three weeks, a bill lower than the boiler it replaced, and a "
                      "service team that fixes problems before they notice them.",
}

_BREAKTHROUGHS = (  # id, title, years out, description, owner (unit lead of)
    ("B1", "Cut the time from first survey to a warm home from 11 weeks to 3", 3,
     "Lead time is the main reason homeowners drop out after a quote.", "operations"),
    ("B2", "A unit quiet and efficient enough for any terraced house", 4,
     "Below 35 dB(A) at one metre and a seasonal COP above 4.5 at 35 °C flow.", "product"),
    ("B3", "Be the installer homeowners recommend: NPS of 70", 3,
     "Word of mouth already brings a fifth of our orders; it should bring half.",
     "commercial"),
    ("B4", "Service plans earn 30% of revenue", 5,
     "A recurring business that evens out the seasonal install cycle.", "kestrel"),
)

_ANNUAL = (  # id, title, owner unit, {breakthrough: strength}
    ("A1", "Halve survey-to-install lead time to 6 weeks", "operations",
     {"B1": "strong", "B3": "important"}),
    ("A2", "Ship the K2 quiet unit to the first 500 homes", "product",
     {"B2": "strong", "B3": "weak"}),
    ("A3", "Fix more problems the first time, in the factory and in the field", "commercial",
     {"B3": "strong", "B4": "important", "B2": "weak"}),
    ("A4", "Launch Kestrel Care service plans and reach 4,000 subscribers", "commercial",
     {"B4": "strong", "B1": "weak"}),
)

_PRIORITIES = (  # id, unit, title, {annual: strength}, resources (unit ids or "lead")
    ("P1", "installation", "Standardise install kits and make the two-day install the norm",
     {"A1": "strong"}, {"lead": "primary", "supply-chain": "secondary",
                        "manufacturing": "rotating"}),
    ("P2", "supply-chain", "Hold four weeks of stock for the top 20 configurations",
     {"A1": "strong", "A2": "weak"}, {"lead": "primary", "finance": "secondary"}),
    ("P3", "sales", "Quote in one visit with the remote survey tool",
     {"A1": "important", "A3": "weak"}, {"lead": "primary", "people-it": "secondary"}),
    ("P4", "rnd", "Finish K2 validation and certification",
     {"A2": "strong"}, {"lead": "primary", "quality": "secondary"}),
    ("P5", "manufacturing", "Stand up the K2 assembly line at 40 units a week",
     {"A2": "strong", "A1": "weak"}, {"lead": "primary", "rnd": "rotating",
                                      "supply-chain": "secondary"}),
    ("P6", "quality", "Cut early-life failures in the first 90 days",
     {"A3": "strong", "A2": "important"}, {"lead": "primary", "manufacturing": "secondary"}),
    ("P7", "customer-service", "Resolve four in five service calls remotely or on the first visit",
     {"A3": "strong", "A4": "important"}, {"lead": "primary", "installation": "secondary"}),
    ("P8", "marketing", "Build the Kestrel Care offer and sell it to the installed base",
     {"A4": "strong"}, {"lead": "primary", "sales": "secondary",
                        "customer-service": "rotating"}),
    ("P9", "finance", "Price service plans and run recurring billing",
     {"A4": "important"}, {"lead": "primary", "people-it": "secondary"}),
    ("P10", "people-it", "Train and certify 24 new installers",
     {"A1": "important", "A3": "weak"}, {"lead": "primary", "installation": "secondary"}),
)

_METRICS = (  # id, title, unit, direction, baseline, target, owner unit, priorities, shape
    ("M1", "Survey-to-install lead time", "weeks", "decrease", 11, 6, "operations",
     {"P1": "strong", "P2": "important", "P3": "important"}, "lag"),
    ("M2", "Installs completed per month", "installs", "increase", 120, 180, "installation",
     {"P1": "strong", "P10": "important"}, "linear"),
    ("M3", "Quote-to-order conversion", "%", "increase", 28, 36, "sales",
     {"P3": "strong"}, "linear"),
    ("M4", "K2 units shipped (cumulative)", "units", "increase", 0, 500, "manufacturing",
     {"P4": "important", "P5": "strong"}, "ramp"),
    ("M5", "Units failing within 90 days", "%", "decrease", 4.2, 2.0, "quality",
     {"P6": "strong", "P5": "weak"}, "lag"),
    ("M6", "First-time fix rate", "%", "increase", 71, 85, "customer-service",
     {"P7": "strong", "P6": "weak"}, "linear"),
    ("M7", "Kestrel Care subscribers", "subscribers", "increase", 900, 4000, "marketing",
     {"P8": "strong", "P9": "important"}, "ramp"),
    ("M8", "Net Promoter Score", "points", "increase", 38, 50, "commercial",
     {"P7": "important", "P3": "weak", "P10": "weak"}, "linear"),
)

_THEMES = {  # quarter number -> [(title, success, annual objectives)]
    1: (("Lead time down before spring demand",
         "Survey-to-install under nine weeks by the end of March; no crew idle for lack of kits.",
         ["A1"]),
        ("K2 design frozen",
         "R&D, Quality and Manufacturing sign the K2 design freeze; certification slots booked.",
         ["A2"]),
        ("Kestrel Care offer ready to sell",
         "Price, terms and billing agreed so marketing can launch in Q2.", ["A4"])),
    2: (("Two-day installs across all crews",
         "Every crew uses the standard kit; at least half of installs finish in two days.",
         ["A1"]),
        ("K2 certified and the pilot line running",
         "Certificate in hand and 40 pilot units built and installed in staff and friendly homes.",
         ["A2", "A3"]),
        ("Launch Kestrel Care to the installed base",
         "The offer is live and 1,000 existing customers have signed up.", ["A4"])),
    3: (("Peak-season readiness",
         "Stock, crews and kits in place before October so lead time does not slip in the peak.",
         ["A1"]),
        ("The first 100 K2 homes warm and quiet",
         "100 K2 units installed with no early-life failure and an average handover score above 9.",
         ["A2", "A3"]),
        ("Fix it the first time",
         "First-time fix above 78% and remote resolution above a quarter of service calls.",
         ["A3", "A4"])),
    4: (("Deliver the heating-season peak without slipping lead time",
         "Lead time stays at or below seven weeks through December.", ["A1"]),
        ("K2 at full rate",
         "The K2 line builds 40 units a week for six weeks in a row.", ["A2"]),
        ("4,000 Kestrel Care subscribers",
         "Subscriber target reached with failed collections below 2%.", ["A4"])),
}
_PREV_YEAR_THEMES = (
    ("Finish the year's installs without burning out the crews",
     "Every signed order for the year installed; overtime below 80 hours a week.", []),
    ("Agree next year's plan",
     "Annual objectives and improvement priorities agreed through catchball by mid-December.",
     []),
    ("Start the new year with a healthy business",
     "Warranty cost, margin and cash at or better than plan on 31 December.", []),
)
_TRADE_OFFS = (
    ("Pause the light-commercial pilot", "paused",
     "Install crews are fully booked with residential jobs until lead time is down."),
    ("Slow the hybrid-boiler partnership talks", "slowed",
     "Not needed for this year's objectives; revisit when K2 ships."),
    ("Stop custom colour options", "stopped",
     "Six extra SKUs for under 1% of orders, and they block stocking the top configurations."),
    ("Pause the showroom in Norbridge", "paused",
     "The money goes to installer training instead; remote survey makes a showroom less urgent."),
    ("Slow expansion into the north-east region", "slowed",
     "We cannot hold lead time in a new region before we hold it in the current ones."),
    ("Stop quoting in spreadsheets", "stopped",
     "Every adviser moves to the survey app; spreadsheet quotes cause most revised quotes."),
)

_VOICES = {
    "product": _Voice(("Design review held with Manufacturing.", "Test rig booked for next week."),
                      ("Certification lab slot moved back two weeks.",
                       "Compressor samples stuck in customs.")),
    "operations": _Voice(("Discussed at the Monday ops stand-up.",
                          "Regional leads aligned on the numbers."),
                         ("Two install crews short after resignations.",
                          "Kit deliveries late from the warehouse.")),
    "commercial": _Voice(("Reviewed in the commercial weekly.",
                          "Good feedback from advisers in the field."),
                         ("CRM migration froze reporting for a week.",
                          "Price list approval still with Finance.")),
    "corporate": _Voice(("Shared with the leadership team.", "Board pack updated."),
                        ("Waiting for the bank to confirm the facility terms.",
                         "Payroll system upgrade took the team's time.")),
    "rnd": _Voice(("Acoustic chamber results logged.", "Prototype P7 back from the climate room.",
                   "Firmware build 2.9.4 on the test fleet.", "Design review with Quality done."),
                  ("Certification lab slot moved back two weeks.",
                   "Fan supplier changed the blade geometry without notice.",
                   "Only one climate chamber available; shared with Quality.")),
    "quality": _Voice(("Three returned units torn down this week.",
                       "Supplier audit at the valve supplier went well.",
                       "8D report shared with Manufacturing."),
                      ("Lab analysis of returned compressors delayed.",
                       "Supplier has not answered the corrective-action request.")),
    "manufacturing": _Voice(("Night shift hit its numbers.", "Kaizen event on station 4 done.",
                             "New torque tools installed on the line.",
                             "Line stopped 40 minutes for a brazing fault; fixed."),
                            ("Short of plate heat exchangers for the K2 line.",
                             "Two assemblers on long-term sick leave.",
                             "Brazing robot waiting for a spare part.")),
    "supply-chain": _Voice(("Cycle count matched the system this week.",
                            "Carrier switched for the western routes.",
                            "Top-20 stock review with Sales done."),
                           ("Compressor supplier pushed deliveries by three weeks.",
                            "Warehouse system down for two days.")),
    "installation": _Voice(("Crew B finished the Harrow Lane estate.",
                            "Two new crews shadowing this week.",
                            "Photo checklist now used on every job.",
                            "Weather cost us a day in the north.",
                            "Toolbox talk on refrigerant handling held."),
                           ("Kits arriving incomplete on site.",
                            "Electrical upgrades needed from the network operator.",
                            "Two crew leads off at the same time.")),
    "sales": _Voice(("Adviser ride-alongs done in the south.",
                     "Survey app feedback collected from the pilot advisers.",
                     "Team call with the new referral partners."),
                    ("Survey app crashes on older tablets.",
                     "Price list for K2 not approved yet.")),
    "marketing": _Voice(("Email to the installed base went out Tuesday.",
                         "New case study filmed in Oakford.",
                         "Landing page copy tested with five customers."),
                        ("Legal review of the service-plan terms pending.",
                         "Agency missed the creative deadline.")),
    "customer-service": _Voice(("Remote diagnostics used on 30 calls this week.",
                                "Team huddle on repeat visits.",
                                "New knowledge-base articles published."),
                               ("Telephony upgrade caused dropped calls.",
                                "Not enough engineers on the rota in the north.")),
    "finance": _Voice(("Reconciled with the bank statements.",
                       "Walked the division leads through the numbers."),
                      ("Billing provider contract still in legal.",
                       "Auditors took the team for a week.")),
    "people-it": _Voice(("Training centre booked for the next cohort.",
                         "Interviews scheduled for the open roles.",
                         "Laptop refresh for field staff done."),
                        ("Recruiter contract ended early.",
                         "Trainer availability limited until next month.")),
}

_INITIATIVES = {
    "product": ("K2 launch gate reviews", "Warranty data review with Quality",
                "Field firmware rollout plan"),
    "operations": ("Weekly lead-time review", "Regional capacity plan", "Ops cost baseline"),
    "commercial": ("Commercial weekly dashboard", "K2 pricing proposal",
                   "Referral programme terms"),
    "corporate": ("Hiring plan for the ramp", "Cash forecast refresh", "Budget re-forecast"),
    "rnd": ("Acoustic enclosure redesign", "Low-temperature test campaign",
            "Compressor second-source trial", "Controller firmware 3.0", "BOM cost teardown",
            "Telemetry gateway"),
    "quality": ("End-of-line test upgrade", "Returned-unit teardown programme",
                "Supplier quality agreements", "Pre-audit checklist",
                "Root-cause analysis training"),
    "manufacturing": ("K2 line balancing study", "Station 3 fixture redesign",
                      "Changeover SMED workshop", "Scrap tracking board",
                      "Cross-training matrix", "5S on the sub-assembly area"),
    "supply-chain": ("Top-20 configuration safety stock", "Consignment stock with valve supplier",
                     "Kit picking redesign", "Inbound freight consolidation",
                     "Supplier lead-time review"),
    "installation": ("Standard install kit", "Two-day install playbook",
                     "Commissioning photo checklist", "Crew scheduling in the field app",
                     "Handover pack for homeowners", "New crew onboarding"),
    "sales": ("Remote survey app rollout", "Quote template cleanup", "Referral partner programme",
              "Lead routing rules", "Adviser coaching sessions"),
    "marketing": ("Kestrel Care landing page", "Installed-base email journey",
                  "K2 waitlist campaign", "Review request automation", "Case study series"),
    "customer-service": ("Remote diagnostics playbook", "Engineer rota redesign",
                         "Knowledge base refresh", "Online booking for annual services",
                         "Complaint triage process"),
    "finance": ("Recurring billing integration", "Month-end close checklist",
                "Job costing in the ERP", "Cash forecast model"),
    "people-it": ("Installer academy cohort", "Recruitment agency review",
                  "Phishing training campaign", "Field app monitoring",
                  "Development plan templates"),
}

M = "milestone"
_S = _KRSpec
# Per unit: (title, kind, [key results]). The current quarter takes the first templates,
# the previous quarter the next ones.
_OKRS: dict[str, tuple] = {
    "product": (
        ("Bring K2 to market on time", "committed", (
            _S("K2 launch readiness gates passed", M, steps=(
                "Design freeze", "Certification", "Pilot build", "Launch approval")),
            _S("K2 pilot homes running", "increase", 0, 40, "homes"))),
        ("Make our units fail less", "committed", (
            _S("Warranty claims per 100 units installed", "decrease", 6.5, 4.5, "claims"),
            _S("Installed units on the latest firmware", "increase", 40, 85, "%"))),
    ),
    "operations": (
        ("Deliver installs faster at the same quality", "committed", (
            _S("Survey-to-install lead time", "decrease", 11, 8, "weeks", decimals=1),
            _S("Installs started on the promised day", "increase", 78, 92, "%"),
            _S("Callbacks within 30 days of install", "stay_below", 5.0, 6.0, "%"))),
        ("Grow install volume without losing cost control or safety", "committed", (
            _S("Operations cost per install", "decrease", 1450, 1300, "€"),
            _S("Lost-time safety incidents per month", "stay_below", 0.0, 1.0, "incidents"))),
    ),
    "commercial": (
        ("Turn shorter lead times into more orders", "committed", (
            _S("Orders signed per month", "increase", 140, 175, "orders"),
            _S("Gross margin on new orders", "stay_above", 31.5, 30.0, "%"))),
        ("Make Kestrel Care a real business", "aspirational", (
            _S("Kestrel Care subscribers", "increase", 900, 1600, "subscribers"),
            _S("Customer NPS", "increase", 38, 44, "points"))),
    ),
    "corporate": (
        ("Give the ramp the people and systems it needs", "committed", (
            _S("Open critical roles", "decrease", 14, 4, "roles"),
            _S("Service-plan billing automated", M, steps=("Design", "Build", "Go live")))),
        ("Fund the K2 ramp without straining cash", "committed", (
            _S("Cash headroom", "stay_above", 4.0, 3.0, "M€"),
            _S("K2 ramp spend over budget, year to date", "stay_below", 2.5, 5.0, "%"))),
    ),
    "rnd": (
        ("Get the K2 quiet unit through certification", "committed", (
            _S("K2 certification tests passed", M, steps=(
                "Acoustic test at 35 dB(A)", "Low-temperature test at −20 °C",
                "Electrical safety sign-off", "Certificate issued")),
            _S("Sound power level at one metre", "decrease", 41, 35, "dB(A)"),
            _S("Seasonal COP at 35 °C flow", "increase", 4.1, 4.6))),
        ("Make K2 cheaper to build", "aspirational", (
            _S("K2 bill of materials cost", "decrease", 2950, 2600, "€"),
            _S("Unique part numbers in K2", "decrease", 312, 260, "parts"),
            _S("Second compressor supplier qualified", M, steps=(
                "Shortlist suppliers", "Samples tested", "Supplier approved")))),
        ("Ship remote diagnostics in the controller firmware", "aspirational", (
            _S("Installed units reporting telemetry", "increase", 12, 45, "%"),
            _S("Firmware 3.0 released", M, steps=(
                "Beta on 50 homes", "Field fixes merged", "General release")),
            _S("Telemetry service uptime", "stay_above", 99.2, 98.5, "%"))),
        ("Stop engineering changes from reaching the line", "committed", (
            _S("Change orders released after design freeze", "stay_below", 3, 5, "per month"),
            _S("Design review findings closed within 10 days", "increase", 60, 90, "%"))),
    ),
    "quality": (
        ("Stop early-life failures leaving the factory", "committed", (
            _S("Units failing within 90 days of install", "decrease", 4.2, 3.0, "%"),
            _S("End-of-line test coverage", "increase", 78, 95, "%"),
            _S("Customer-reported refrigerant leaks", "stay_below", 2, 4, "per month"))),
        ("Keep every certification current", "committed", (
            _S("Installer scheme audit passed", M, steps=(
                "Internal pre-audit", "Close pre-audit findings", "External audit")),
            _S("Non-conformities open longer than 30 days", "stay_below", 3, 5, "items"))),
        ("Find failure causes faster", "aspirational", (
            _S("Median days from failure report to root cause", "decrease", 19, 8, "days"),
            _S("Returned parts analysed", "increase", 55, 90, "%"))),
        ("Raise supplier quality", "committed", (
            _S("Incoming lot rejection rate", "decrease", 2.8, 1.5, "%"),
            _S("Suppliers with a signed quality agreement", "increase", 14, 22, "suppliers"),
            _S("Supplier scorecard live", M, steps=(
                "Metrics agreed with suppliers", "First monthly scorecard sent")))),
    ),
    "manufacturing": (
        ("Run the K2 line at 40 units a week", "committed", (
            _S("K2 units built per week", "increase", 12, 40, "units"),
            _S("First-pass yield on the K2 line", "stay_above", 94, 92, "%"),
            _S("K2 line balanced to a 12-minute takt", M, steps=(
                "Time study done", "Stations rebalanced", "Takt held for two weeks")))),
        ("Build the current range with less waste", "committed", (
            _S("Scrap cost per unit", "decrease", 48, 35, "€"),
            _S("Overtime hours per week", "stay_below", 60, 80, "h"),
            _S("Changeover time between models", "decrease", 55, 30, "min"))),
        ("Make the shop floor safer", "committed", (
            _S("Near-miss reports closed within a week", "increase", 62, 90, "%"),
            _S("Open safety-walk findings", "stay_below", 4, 6, "items"),
            _S("5S audit score", "increase", 3.1, 4.0, "/5"))),
        ("Get ready for the heating-season peak", "aspirational", (
            _S("Finished-goods buffer for the top models", "increase", 1.5, 3.0, "weeks"),
            _S("Cross-trained assemblers", "increase", 9, 18, "people"))),
    ),
    "supply-chain": (
        ("Keep the top 20 configurations in stock", "committed", (
            _S("Orders shipped complete from stock", "increase", 71, 92, "%"),
            _S("Weeks of stock for the top 20 configurations", "stay_above", 4.6, 4.0, "weeks"),
            _S("Inventory value", "stay_below", 3.1, 3.4, "M€"))),
        ("Shorten supplier lead times", "committed", (
            _S("Average compressor lead time", "decrease", 14, 9, "weeks", decimals=1),
            _S("Consignment stock with the valve supplier", M, steps=(
                "Terms drafted", "Legal review", "Signed and live")))),
        ("Make deliveries to install crews reliable", "committed", (
            _S("Kits delivered to site complete and on time", "increase", 83, 97, "%"),
            _S("Crew hours lost waiting for parts", "decrease", 120, 40, "h/month"))),
        ("Lower freight cost per unit", "aspirational", (
            _S("Inbound freight cost per unit", "decrease", 64, 50, "€"),
            _S("Full-truckload share of inbound shipments", "increase", 45, 70, "%"))),
    ),
    "installation": (
        ("Make the two-day install the norm", "committed", (
            _S("Installs finished in two days or fewer", "increase", 35, 70, "%"),
            _S("Installer hours per job", "decrease", 31, 22, "h"),
            _S("Standard install kit used by every crew", M, steps=(
                "Pilot with two crews", "Fix gaps found in the pilot", "All crews switched")))),
        ("Get it right the first time on site", "committed", (
            _S("Callbacks within 30 days of install", "stay_below", 5.1, 6.0, "%"),
            _S("Commissioning checklists completed with photos", "increase", 64, 95, "%"),
            _S("Handovers rated 9 or 10 by the homeowner", "increase", 58, 75, "%"))),
        ("Grow install capacity for the peak", "committed", (
            _S("Certified installer crews", "increase", 11, 15, "crews"),
            _S("Installs completed per month", "increase", 120, 165, "installs"))),
        ("Shorten the wait from signed quote to install", "aspirational", (
            _S("Median days from signed quote to install", "decrease", 52, 30, "days"),
            _S("Installs rescheduled by us", "stay_below", 4, 6, "%"))),
    ),
    "sales": (
        ("Quote in one visit", "committed", (
            _S("Quotes issued during the first visit", "increase", 22, 60, "%"),
            _S("Quote-to-order conversion", "increase", 28, 34, "%"),
            _S("Remote survey app live for all advisers", M, steps=(
                "Pilot with three advisers", "Training done", "All advisers live")))),
        ("Keep quotes accurate", "committed", (
            _S("Quotes revised after the technical survey", "decrease", 19, 8, "%"),
            _S("Average gross margin on signed orders", "stay_above", 31.5, 30.0, "%"))),
        ("Win more customers through referrals", "aspirational", (
            _S("Orders from referrals", "increase", 18, 30, "per month"),
            _S("Active referral partners", "increase", 9, 20, "partners"))),
        ("Answer every enquiry within a day", "committed", (
            _S("Enquiries answered within 24 hours", "increase", 74, 95, "%"),
            _S("Leads lost with no follow-up", "decrease", 11, 3, "%"))),
    ),
    "marketing": (
        ("Launch Kestrel Care to the installed base", "committed", (
            _S("Kestrel Care launch", M, steps=(
                "Offer and pricing approved", "Landing page and emails live",
                "Launch to the installed base")),
            _S("Service-plan sign-ups from existing customers", "increase", 0, 600, "sign-ups"))),
        ("Bring in enquiries we can convert", "committed", (
            _S("Qualified enquiries per month", "increase", 410, 520, "enquiries"),
            _S("Cost per qualified enquiry", "stay_below", 38, 42, "€"))),
        ("Tell the K2 story before launch", "aspirational", (
            _S("K2 waitlist sign-ups", "increase", 150, 1200, "sign-ups"),
            _S("Installer case studies published", "increase", 2, 8, "case studies"))),
        ("Turn happy customers into reviews", "committed", (
            _S("Verified reviews collected", "increase", 940, 1300, "reviews"),
            _S("Average review rating", "stay_above", 4.7, 4.5, "stars"))),
    ),
    "customer-service": (
        ("Fix more problems on the first call or visit", "committed", (
            _S("First-time fix rate", "increase", 71, 80, "%"),
            _S("Service calls resolved remotely", "increase", 18, 30, "%"),
            _S("Repeat visits per 100 jobs", "decrease", 24, 15, "visits"))),
        ("Answer customers quickly", "committed", (
            _S("Calls answered within 60 seconds", "stay_above", 86, 80, "%"),
            _S("Median email response time", "stay_below", 5.5, 8.0, "h"))),
        ("Make service plans easy to run", "aspirational", (
            _S("Annual services booked online", "increase", 10, 45, "%"),
            _S("Service scheduling tool live", M, steps=(
                "Requirements signed off", "Vendor configured", "Live in all regions")))),
        ("Learn from every complaint", "committed", (
            _S("Complaints closed within 14 days", "increase", 69, 90, "%"),
            _S("NPS after service visits", "increase", 41, 48, "points"))),
    ),
    "finance": (
        ("Bill service plans monthly without manual work", "committed", (
            _S("Recurring billing live", M, steps=(
                "Billing provider chosen", "Direct-debit mandates tested", "First monthly run")),
            _S("Failed direct-debit collections", "stay_below", 1.5, 2.5, "%"))),
        ("Close the books faster", "committed", (
            _S("Working days to month-end close", "decrease", 9, 5, "days"),
            _S("Manual journal entries per month", "decrease", 140, 80, "entries"))),
        ("Know our margin on every install", "aspirational", (
            _S("Installs with full job costing", "increase", 35, 90, "%"),
            _S("Margin dashboard used by division leads", M, steps=(
                "Data model agreed", "Dashboard built")))),
        ("Keep cash healthy through the ramp", "committed", (
            _S("Days sales outstanding", "stay_below", 31, 35, "days"),
            _S("Cash headroom", "stay_above", 4.2, 3.0, "M€"))),
    ),
    "people-it": (
        ("Train and certify new installers", "committed", (
            _S("New installers certified", "increase", 0, 8, "people"),
            _S("Installer academy cohort running", M, steps=(
                "Trainers booked", "Cohort recruited", "Cohort started")))),
        ("Hire ahead of the ramp", "committed", (
            _S("Median days to fill a vacancy", "decrease", 48, 35, "days"),
            _S("Offer acceptance rate", "stay_above", 82, 75, "%"))),
        ("Keep our systems up and safe", "committed", (
            _S("Field app availability", "stay_above", 99.7, 99.5, "%"),
            _S("Staff who completed phishing training", "increase", 61, 95, "%"))),
        ("Keep good people", "aspirational", (
            _S("Voluntary attrition, rolling 12 months", "decrease", 14, 10, "%"),
            _S("Staff with a development plan", "increase", 40, 80, "%"))),
    ),
}
# Objectives per quarter: current, previous (current + previous <= templates).
_OKR_COUNTS = {
    "product": (1, 1), "operations": (1, 1), "commercial": (1, 1), "corporate": (1, 1),
    "rnd": (3, 1), "quality": (2, 2), "manufacturing": (3, 1), "supply-chain": (2, 2),
    "installation": (3, 1), "sales": (2, 2), "marketing": (2, 2), "customer-service": (2, 2),
    "finance": (1, 2), "people-it": (2, 2),
}
# How many KRs of each quarter slip, recover or run ahead; the rest trend steadily.
_STORY_MIX = {"active": {"slipping": 7, "recovering": 2, "ahead": 5},
              "closed": {"slipping": 5, "recovering": 2, "ahead": 3}}
# The annual objective each department template serves (None: it serves its division's
# objective of the quarter). The first template of a unit goes through the unit's
# improvement priority; the others alternate between a fitting theme and the annual
# objective itself. In a quarter of the previous fiscal year all go to the division.
_OKR_HINTS = {
    "rnd": ("A2", "A2", "A3", None), "quality": ("A3", None, "A3", "A3"),
    "manufacturing": ("A2", None, None, "A1"), "supply-chain": ("A1", "A1", "A1", None),
    "installation": ("A1", "A3", "A1", "A1"), "sales": ("A1", None, None, "A1"),
    "marketing": ("A4", None, "A2", None), "customer-service": ("A3", None, "A4", "A3"),
    "finance": ("A4", None, None, "A2"), "people-it": ("A1", None, None, None),
}
# Division objectives' parents: annual objective per template (same fiscal year), else
# the index of the previous-year theme.
_DIVISION_PARENTS = {"product": ("A2", "A3"), "operations": ("A1", "A1"),
                     "commercial": ("A1", "A4"), "corporate": ("A1", "A2")}
_DIVISION_PREV_YEAR_THEME = {"product": 2, "operations": 0, "commercial": 2, "corporate": 2}
_SILENT_KR = ("customer-service", 0, 1)  # unit, objective index, KR index (current quarter)


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


def _metric_series(rng: random.Random, periods: list[str], baseline: float, target: float,
                   shape: str, dec: int) -> list[dict]:
    """Monthly plan vs actual: plan goes from baseline to target over the year (a late
    S-curve for "ramp", which is cumulative and never goes down); "lag" trails the plan."""
    out: list[dict] = []
    gap = target - baseline
    lag = {"lag": 0.08, "linear": 0.0, "ramp": 0.03}[shape]
    for i, period in enumerate(periods):
        m = i + 1
        frac = max(0.0, (m - 3) / 9) ** 1.4 if shape == "ramp" else m / 12
        plan = baseline + gap * frac
        if shape == "ramp" and frac == 0:
            actual = baseline
        elif m == 1:
            actual = baseline + gap * 0.03
        else:
            actual = plan + gap * (rng.gauss(0, 0.05) - lag)  # lag: behind in the direction
        if shape == "ramp" and out:
            actual = max(out[-1]["actual"], actual)
        out.append({"period": period, "plan": round(plan, dec), "actual": round(actual, dec)})
    return out


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
        "themes": themes,
        "trade_offs": trade_offs,
        "objectives": objectives,
    }


# --- synthetic plans for benchmarks ----------------------------------------------------

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
