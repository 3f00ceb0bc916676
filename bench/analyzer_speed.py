#!/usr/bin/env python
"""How fast the analyzer is at scale: the whole plan and the live check of a draft.

    .venv/bin/python bench/analyzer_speed.py                     # 20,000 people, SQLite
    .venv/bin/python bench/analyzer_speed.py --people 2000 --db postgres
    .venv/bin/python bench/analyzer_speed.py --demo              # the demo organisation
    .venv/bin/python bench/analyzer_speed.py --keep var/bench    # keep/reuse the database
    .venv/bin/python bench/analyzer_speed.py --findings f.json   # also write every finding

It imports a synthetic organisation (`hoshin.demo.synthetic_plan`, dated on the last day of
this quarter, as bench/run.py does) into a fresh database, then measures, each in a fresh
process as `hoshin check` or a new web worker would run:

* the whole-plan check of the active quarter (`report.check`: read the plan + every rule),
  split into reading (`collect`, with its query count) and the rules; the first run of a
  process (cold: word lists and caches loaded) and the median of the runs after it (warm,
  as the report page of a running worker); **target < 3 s** (issue #12; #10 asked 5 s);
* the live draft check the objective form posts while typing (`POST /analyzer/draft/`
  through the full Django stack, logged in): a new objective in a random unit and the edit
  of a stored objective, p50/p95 of `--draft-requests`, with CPU time and queries per
  request; and the API's `POST /api/v1/check/draft`; **target < 100 ms**.

Figures are printed beside their targets and written to
bench/results/analyzer-<people>-<timestamp>.json with the load average before and after.
`--findings FILE` writes every finding of the whole plan and of a fixed sample of drafts
(stored objectives edited as they are, copied into another unit, with a key result turned
the other way, with an empty title) so that two versions of the analyzer can be compared
(`--compare A B`). A script, not a test: targets are never asserted in the suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402  (bench/run.py: database set-up and the plan import)

TARGETS = {"check_s": 3.0, "draft_p95_s": 0.100}


def _django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    django.setup()


def _active_cycle():
    from hoshin.okrs.models import Cycle

    return Cycle.objects.filter(kind="quarter", state="active").order_by("-start").first()


# Drafts -----------------------------------------------------------------------------------


def _drafts(cycle, n: int, seed: int) -> list[dict]:
    """A fixed sample of drafts: for n stored objectives of the cycle, the objective edited
    as it is; its words as a new objective of another unit (overlap, overloaded owners); a
    new objective whose first key result moves the same measure the other way
    (contradiction) and whose second copies the title (fake cascade); one with no title."""
    from hoshin.analyzer.collect import collect

    plan = collect([cycle])
    rng = random.Random(seed)
    units = sorted({o.unit for o in plan.objectives})
    chosen = sorted(rng.sample(range(len(plan.objectives)), min(n, len(plan.objectives))))
    out = []
    flip = {"increase": "decrease", "decrease": "increase", "stay_above": "stay_below",
            "stay_below": "stay_above"}

    def rows(o, keep_ids: bool):
        return [{"id": k.id if keep_ids else None, "title": k.title,
                 "owner": k.owner.id if k.owner else "", "kind": k.kind or "",
                 "baseline": "" if k.baseline is None else str(k.baseline),
                 "target": "" if k.target is None else str(k.target),
                 "steps": [f"step {i + 1}" for i in range(k.steps)]} for k in o.key_results]

    for i in chosen:
        o = plan.objectives[i]
        base = {"cycle": cycle.key, "parent": o.parent, "kind": o.kind}
        out.append({**base, "id": o.id, "unit": o.unit, "title": o.title,
                    "key_results": rows(o, True)})
        other = rng.choice(units)
        out.append({**base, "id": None, "unit": other, "title": o.title,
                    "key_results": rows(o, False)})
        krs = rows(o, False)[:1]
        if krs:
            krs[0]["kind"] = flip.get(krs[0]["kind"], krs[0]["kind"])
            krs.append({**krs[0], "title": o.title, "kind": "milestone", "steps": ["a"]})
        out.append({**base, "id": None, "unit": o.unit, "title": f"{o.title} for customers",
                    "key_results": krs})
        out.append({**base, "id": None, "unit": o.unit, "title": "", "key_results": krs})
    return out


def _form_data(draft: dict) -> dict:
    """The objective form's fields for a draft (the formset prefix "kr")."""
    data = {"title": draft["title"], "parent": draft.get("parent") or "",
            "kind": draft.get("kind") or "", "kr-TOTAL_FORMS": str(len(draft["key_results"]))}
    for i, kr in enumerate(draft["key_results"]):
        for name in ("title", "owner", "kind", "baseline", "target"):
            data[f"kr-{i}-{name}"] = kr.get(name) or ""
        data[f"kr-{i}-key"] = kr.get("id") or ""
        data[f"kr-{i}-steps"] = "\n".join(kr.get("steps") or [])
    return data


def _api_payload(draft: dict) -> dict:
    def value(v):
        return None if v in ("", None) else v

    krs = [{k: (float(v) if k in ("baseline", "target") and value(v) is not None else value(v))
            for k, v in kr.items() if k != "id"} for kr in draft["key_results"]]
    return {**{k: value(v) for k, v in draft.items() if k not in ("id", "key_results")},
            "title": draft["title"], "key_results": [{**kr, "steps": kr["steps"] or []}
                                                     for kr in krs]}


def _form_url(draft: dict) -> str:
    url = f"/analyzer/draft/?unit={draft['unit']}&cycle={draft['cycle']}"
    return url + (f"&objective={draft['id']}" if draft.get("id") else "")


# Phases -----------------------------------------------------------------------------------


def measure_phase(args) -> dict:
    """One fresh process: the whole-plan check (cold, then warm repeats) and the draft
    checks through the web stack."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hoshin.analyzer.collect import collect
    from hoshin.analyzer.report import check, limits
    from hoshin.analyzer.rules import analyze, counts
    from hoshin.org.models import Person
    from hoshin.org.services import create_token

    cycle = _active_cycle()
    result: dict = {"cycle": cycle.key}
    runs = []
    for _ in range(1 + args.warm_runs):
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            plan = collect([cycle])
            collect_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        findings = analyze(plan, limits())
        rules_s = time.perf_counter() - t1
        runs.append({"check_s": time.perf_counter() - t0, "collect_s": collect_s,
                     "rules_s": rules_s, "cpu_s": time.process_time() - c0,
                     "collect_queries": len(queries)})
    result["cold"] = runs[0]
    warm = runs[1:] or runs
    result["warm"] = {key: statistics.median(r[key] for r in warm) for key in runs[0]}
    result["warm_runs"] = warm
    result["plan"] = {"objectives": len(plan.objectives),
                      "key_results": sum(len(o.key_results) for o in plan.objectives),
                      "units": len(plan.units)}
    result["findings"] = counts(findings)
    t0 = time.perf_counter()
    check(cycle.key)
    result["report_check_s"] = time.perf_counter() - t0

    try:  # the draft check's index of the quarter (absent from older versions)
        from hoshin.analyzer.collect import forget_indexes, quarter_index
    except ImportError:
        pass
    else:
        forget_indexes()
        t0, c0 = time.perf_counter(), time.process_time()
        quarter_index(cycle)
        result["index_build"] = {"s": time.perf_counter() - t0,
                                 "cpu_s": time.process_time() - c0}

    admin = Person.objects.filter(role="admin").order_by("id").first()
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(admin)
    token = create_token(None, admin, "bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    drafts = _drafts(cycle, max(4, args.draft_requests // 2), args.seed)
    kinds = {"new objective": [d for d in drafts if not d["id"] and d["title"]],
             "edited objective": [d for d in drafts if d["id"]]}
    result["drafts"] = {}
    for name, sample in kinds.items():
        result["drafts"][name] = _time_requests(
            sample, args.draft_requests,
            lambda d: web.post(_form_url(d), _form_data(d)))
    result["drafts"]["API, new objective"] = _time_requests(
        kinds["new objective"], args.draft_requests,
        lambda d: api.post("/api/v1/check/draft", _api_payload(d),
                           content_type="application/json"))
    return result


def _time_requests(sample: list[dict], n: int, send) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert send(sample[0]).status_code == 200  # warm-up: word lists, templates
    wall, cpu, queries = [], [], []
    for i in range(n):
        draft = sample[i % len(sample)]
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            response = send(draft)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert response.status_code == 200, response.content[:300]
        queries.append(len(ctx))
    return {"p50_s": bench.percentile(wall, 0.5), "p95_s": bench.percentile(wall, 0.95),
            "cpu_p50_s": bench.percentile(cpu, 0.5), "cpu_p95_s": bench.percentile(cpu, 0.95),
            "queries_max": max(queries), "requests": n}


def findings_phase(args) -> dict:
    """Every finding of the whole plan (the active quarter, and the default cycles of
    `hoshin check`) and of the sample drafts, as plain data."""
    _django()
    from hoshin.analyzer.report import check, check_draft

    cycle = _active_cycle()
    out = {"active": [f.as_dict() for f in check(cycle.key).findings],
           "default": [f.as_dict() for f in check(None).findings], "drafts": []}
    for draft in _drafts(cycle, args.sample_drafts, args.seed):
        out["drafts"].append({"draft": draft,
                              "findings": [f.as_dict() for f in check_draft(draft)]})
    return out


def compare(a_path: str, b_path: str) -> int:
    a, b = (json.loads(Path(p).read_text()) for p in (a_path, b_path))
    same = True
    for key in ("active", "default"):
        if a[key] != b[key]:
            same = False
            sa = {json.dumps(f, sort_keys=True) for f in a[key]}
            sb = {json.dumps(f, sort_keys=True) for f in b[key]}
            print(f"{key}: {len(a[key])} vs {len(b[key])} findings; only in A {len(sa - sb)}, "
                  f"only in B {len(sb - sa)}")
            for f in sorted(sa - sb)[:5]:
                print("  A", f[:300])
            for f in sorted(sb - sa)[:5]:
                print("  B", f[:300])
    diff = [i for i, (x, y) in enumerate(zip(a["drafts"], b["drafts"], strict=True))
            if x != y]
    if diff:
        same = False
        print(f"drafts: {len(diff)} of {len(a['drafts'])} differ, e.g. #{diff[0]}")
        x, y = a["drafts"][diff[0]], b["drafts"][diff[0]]
        print("  A", json.dumps(x["findings"])[:600])
        print("  B", json.dumps(y["findings"])[:600])
    n = sum(len(d["findings"]) for d in a["drafts"])
    print(("same" if same else "DIFFERENT") + f": {len(a['active'])} findings in the active "
          f"quarter, {len(a['default'])} in the default cycles, {n} over "
          f"{len(a['drafts'])} drafts")
    return 0 if same else 1


# Orchestration ----------------------------------------------------------------------------


def _database(kind: str, args, tmp: str) -> tuple[dict, str | None, bool]:
    """The environment of a database holding the plan, the PostgreSQL database to drop
    afterwards, and whether the plan must be imported first."""
    env = dict(os.environ)
    name = f"analyzer-{'demo' if args.demo else args.people}-{args.seed}-{args.today}"
    if kind == "sqlite":
        folder = Path(args.keep).resolve() if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite3"
        env["HOSHIN_DATA_DIR"] = str(folder)
        env["HOSHIN_DATABASE_URL"] = f"sqlite:///{path}"
        env["ANASPEED_SQLITE"] = str(path)
        return env, None, not path.exists()
    import psycopg

    env["HOSHIN_DATA_DIR"] = tmp
    pg_db = f"hoshin_anaspeed_{os.getpid()}"
    with psycopg.connect(bench.PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}"')
        conn.execute(f'CREATE DATABASE "{pg_db}"')
    env["HOSHIN_DATABASE_URL"] = bench.PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_db}"
    return env, pg_db, True


def _worker(phase: str, args, env) -> dict:
    cmd = [sys.executable, __file__, "--worker", phase, "--people", str(args.people),
           "--today", args.today, "--seed", str(args.seed),
           "--warm-runs", str(args.warm_runs), "--draft-requests", str(args.draft_requests),
           "--sample-drafts", str(args.sample_drafts)] + (["--demo"] if args.demo else [])
    try:
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_database(kind: str, args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env, pg_db, build = _database(kind, args, tmp)
        try:
            result: dict = {}
            if build and "ANASPEED_SQLITE" in env:
                # Imported under another name first: a run cut short leaves no half plan
                # for the next one to reuse.
                final = Path(env["ANASPEED_SQLITE"])
                partial = final.with_suffix(".partial")
                partial.unlink(missing_ok=True)
                result.update(_worker("import", args, {
                    **env, "HOSHIN_DATABASE_URL": f"sqlite:///{partial}"}))
                partial.replace(final)
            elif build:
                result.update(_worker("import", args, env))
            runs = [_worker("measure", args, env) for _ in range(args.processes)]
            result["processes"] = runs
            result["cycle"] = runs[0]["cycle"]
            result["plan"] = runs[0]["plan"]
            result["findings"] = runs[0]["findings"]
            result["cold"] = {k: statistics.median(r["cold"][k] for r in runs)
                              for k in runs[0]["cold"]}
            result["warm"] = {k: statistics.median(r["warm"][k] for r in runs)
                              for k in runs[0]["warm"]}
            result["drafts"] = {
                name: {k: statistics.median(r["drafts"][name][k] for r in runs)
                       for k in runs[0]["drafts"][name]} for name in runs[0]["drafts"]}
            if "index_build" in runs[0]:
                result["index_build"] = {k: statistics.median(r["index_build"][k] for r in runs)
                                         for k in runs[0]["index_build"]}
            if args.findings:
                Path(args.findings).write_text(json.dumps(_worker("findings", args, env),
                                                          indent=1))
            return result
        finally:
            if pg_db:
                import psycopg

                with psycopg.connect(bench.PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                                     autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}"')


def _ms(value: float) -> str:
    return f"{value * 1000:8.1f} ms" if value < 10 else f"{value:8.1f} s "


def report(kind: str, result: dict) -> None:
    plan = result["plan"]
    print(f"\n== {kind}: {result.get('people', '')} people, cycle {result['cycle']}: "
          f"{plan['objectives']:,} objectives, {plan['key_results']:,} key results, "
          f"{plan['units']:,} units; findings {result['findings']}")
    n = len(result["processes"])
    for label, figures in (("cold (first in a process)", result["cold"]),
                           ("warm (median of repeats)", result["warm"])):
        ratio = figures["check_s"] / TARGETS["check_s"]
        print(f"   whole plan, {label:27} {_ms(figures['check_s'])}  (read "
              f"{_ms(figures['collect_s']).strip()} in {figures['collect_queries']:.0f} queries,"
              f" rules {_ms(figures['rules_s']).strip()}, cpu {_ms(figures['cpu_s']).strip()})"
              f"  target {TARGETS['check_s']:g} s ratio {ratio:5.2f} "
              f"{'meets' if ratio <= 1 else 'MISSES'}")
    for name, figures in result["drafts"].items():
        ratio = figures["p95_s"] / TARGETS["draft_p95_s"]
        print(f"   draft check, {name:25} p50 {_ms(figures['p50_s'])}  p95 "
              f"{_ms(figures['p95_s'])}  cpu p95 {_ms(figures['cpu_p95_s'])}  "
              f"{figures['queries_max']:.0f} queries  target 100 ms ratio {ratio:5.2f} "
              f"{'meets' if ratio <= 1 else 'MISSES'}")
    if "index_build" in result:
        print(f"   the draft check's index of the quarter built in "
              f"{_ms(result['index_build']['s']).strip()} (cpu "
              f"{_ms(result['index_build']['cpu_s']).strip()}), once per process and change")
    print(f"   (medians over {n} processes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--demo", action="store_true", help="the demo organisation, dated today")
    parser.add_argument("--today", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=3,
                        help="fresh measuring processes (figures are their medians)")
    parser.add_argument("--warm-runs", type=int, default=3,
                        help="whole-plan checks after the first in each process")
    parser.add_argument("--draft-requests", type=int, default=40)
    parser.add_argument("--sample-drafts", type=int, default=40,
                        help="stored objectives the --findings drafts are made from")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the SQLite database in DIR and reuse it on the next run")
    parser.add_argument("--findings", metavar="FILE", help="write every finding to FILE")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument("--label", help="a word for the results file's name and contents "
                                        '(e.g. "before" when measuring an older version)')
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"),
                        help="compare two --findings files and exit (1 when they differ)")
    parser.add_argument("--worker", choices=["import", "measure", "findings"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.today is None:
        args.today = (dt.date.today() if args.demo
                      else bench._end_of_this_quarter()).isoformat()
    if args.worker:
        phase = {"import": bench.import_phase, "measure": measure_phase,
                 "findings": findings_phase}[args.worker]
        print(json.dumps(phase(args), default=str))
        return 0
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = f"-{args.label}" if args.label else ""
    out = RESULTS / f"analyzer-{'demo' if args.demo else args.people}{label}-{stamp}.json"
    results = []
    for kind in kinds:
        print(f"running on {kind} …", flush=True)
        load_before = os.getloadavg()
        result = run_database(kind, args)
        result["database"] = kind
        result["people"] = "demo" if args.demo else args.people
        result["label"] = args.label
        result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform(),
                             "load_average_before": load_before,
                             "load_average_after": os.getloadavg()}
        results.append(result)
        report(kind, result)
        print(f"   load average (1, 5, 15 min) before {bench._load(load_before)}, after "
              f"{bench._load(result['machine']['load_average_after'])} on {os.cpu_count()} CPUs")
        if not args.no_save:
            RESULTS.mkdir(exist_ok=True)
            out.write_text(json.dumps({"targets": TARGETS, "results": results}, indent=2,
                                      default=str))
    if not args.no_save:
        print(f"\nwritten {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
