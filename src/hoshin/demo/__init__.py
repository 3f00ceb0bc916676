"""Demo and benchmark plan-file generators (pure Python, no Django).

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

The package: `data` (the demo company's people, units, texts and voices), `story` (how the
quarters unfold: calendar and check-in profiles), `company` (`demo_plan`: building the
organisation from both) and `synthetic` (`synthetic_plan`). `generate` keeps the old
import path. The package is also the Django app behind `hoshin demo`
(`management/commands/demo.py`), which imports the plan and lets each app add its part.
"""
