"""How the demo's quarters unfold: the calendar (cycles, quarters, check-in Fridays, the
months of the year so far) and the check-in profiles (steady, ahead, slipping, recovering,
silent) that turn a key result's template into a believable series of weekly check-ins;
also the monthly plan-versus-actual series of a metric.

Pure Python, no Django; every random choice comes from the `random.Random` passed in.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from hoshin.demo.data import (
    _AHEAD_NOTES,
    _BEHIND_NOTES,
    _FINAL_NOTES,
    _FIRST_NOTES,
    _FLAT_NOTES,
    _GENERIC_BLOCKERS,
    _MS_DONE_NOTES,
    _ON_TRACK_NOTES,
    _RECOVERED_NOTES,
    _STAY_IN_NOTES,
    _STAY_OUT_NOTES,
    _STEP_NOTES,
    _WAIT_NOTES,
    _KRSpec,
    _Voice,
)

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


# --- check-in profiles ---------------------------------------------------------------

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
