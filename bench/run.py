#!/usr/bin/env python
"""Hoshin benchmark: a synthetic organisation at scale, on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                      # 20,000 people, both databases
    .venv/bin/python bench/run.py --people 2000 --db sqlite

It generates the plan file of a synthetic organisation, imports it into a fresh
database, then measures the whole alignment tree of the active quarter and the API
latency of the tree endpoint and of one unit's objectives. Figures are printed next to
their targets (ratio = figure / target; below 1 meets it) and written as JSON to
bench/results/. This is a script, not a test: targets are never asserted in the suite.
"""

from __future__ import annotations

import argparse
import calendar
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
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
TARGETS = {  # seconds
    "import_s": 120.0,
    "tree_compute_s": 1.0,
    "unit_objectives_p95_s": 0.050,
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    django.setup()


def import_phase(args) -> dict:
    """Runs inside a process whose HOSHIN_DATABASE_URL points at a fresh database."""
    _django()
    from django.core.management import call_command
    from django.db import connection

    from hoshin.demo.generate import synthetic_plan
    from hoshin.okrs.models import CheckIn, KeyResult, Objective
    from hoshin.org.models import Person, Unit
    from hoshin.planfile.importer import import_plan, load

    call_command("migrate", verbosity=0)
    today = dt.date.fromisoformat(args.today)
    result: dict = {"database": connection.vendor, "people": args.people, "today": args.today}

    t0 = time.perf_counter()
    doc = synthetic_plan(args.people, today, seed=args.seed)
    result["generate_s"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(doc, default=str))
        result["plan_file_mb"] = round(path.stat().st_size / 1e6, 1)
        del doc
        t0 = time.perf_counter()
        counts = import_plan(load(path))
        result["import_s"] = time.perf_counter() - t0
    result["counts"] = counts
    result["rows"] = {
        "people": Person.objects.count(), "units": Unit.objects.count(),
        "objectives": Objective.objects.count(), "key_results": KeyResult.objects.count(),
        "checkins": CheckIn.objects.count(),
    }
    return result


def measure_phase(args) -> dict:
    """Runs in a fresh process, like a web worker that has served nothing yet: the
    importer's hundreds of thousands of objects are not there to slow the measurement."""
    _django()
    from django.test import Client

    from hoshin.okrs.models import Cycle, Objective
    from hoshin.okrs.progress import alignment_tree_data
    from hoshin.org.models import Person
    from hoshin.org.services import create_token

    result: dict = {}
    cycle = Cycle.objects.filter(kind="quarter", state="active").order_by("-start").first()
    result["cycle"] = cycle.key

    runs = []
    for _ in range(args.tree_runs):
        t0 = time.perf_counter()
        tree = alignment_tree_data(cycle)
        runs.append(time.perf_counter() - t0)
    result["tree_compute_s"] = statistics.median(runs)
    result["tree_compute_runs_s"] = runs

    admin = Person.objects.filter(role="admin").first()
    token = create_token(None, admin, "bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    url = f"/api/v1/cycles/{cycle.key}/tree"
    assert client.get(url).status_code == 200  # warm-up
    latencies = []
    for _ in range(args.tree_requests):
        t0 = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    result["tree_endpoint_p50_s"] = percentile(latencies, 0.50)
    result["tree_endpoint_p95_s"] = percentile(latencies, 0.95)
    result["tree_endpoint_bytes"] = len(response.content)

    units = list(Objective.objects.filter(cycle=cycle).values_list("unit__key", flat=True)
                 .distinct())
    rng = random.Random(args.seed)
    latencies = []
    for _ in range(args.unit_requests):
        unit = rng.choice(units)
        t0 = time.perf_counter()
        response = client.get(f"/api/v1/objectives?unit={unit}&cycle={cycle.key}")
        latencies.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    result["unit_objectives_p50_s"] = percentile(latencies, 0.50)
    result["unit_objectives_p95_s"] = percentile(latencies, 0.95)
    result["tree_nodes"] = _count(tree)
    result["analyzer"] = _measure_analyzer(cycle)
    result["pages"] = _measure_pages(args, cycle, units, rng)
    return result


def _measure_analyzer(cycle) -> dict:
    """`hoshin check` of the active quarter (read + every rule), split into reading the
    plan and running the rules; and the live check of one objective draft."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoshin.analyzer.collect import collect
    from hoshin.analyzer.report import check_draft, limits
    from hoshin.analyzer.rules import analyze, counts

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        plan = collect([cycle])
        collect_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    findings = analyze(plan, limits())
    rules_s = time.perf_counter() - t0
    sample = plan.objectives[0]
    draft = {"cycle": cycle.key, "unit": sample.unit, "parent": sample.parent,
             "title": "Customers succeed with us from their first week",
             "key_results": [{"title": "Launch the new onboarding website", "kind": "milestone",
                              "owner": sample.key_results[0].owner.id if sample.key_results
                              else ""},
                             {"title": "Onboarding time from 10 to 5 days", "kind": "decrease",
                              "baseline": 10, "target": 5}]}
    drafts = []
    for _ in range(5):
        t0 = time.perf_counter()
        check_draft(draft)
        drafts.append(time.perf_counter() - t0)
    return {"collect_s": collect_s, "collect_queries": len(queries), "rules_s": rules_s,
            "check_s": collect_s + rules_s, "objectives": len(plan.objectives),
            "key_results": sum(len(o.key_results) for o in plan.objectives),
            "findings": counts(findings), "draft_check_p50_s": percentile(drafts, 0.5),
            "draft_check_max_s": max(drafts)}


def _measure_pages(args, cycle, units, rng) -> dict:
    """Server time of the main web pages, through the full Django stack with a logged-in
    session: p50/p95 of --page-requests each."""
    from django.test import Client

    from hoshin.okrs.models import KeyResult
    from hoshin.org.models import Person

    owner = (KeyResult.objects.filter(objective__cycle=cycle).values_list("owner_id", flat=True)
             .first())
    member = Person.objects.get(pk=owner)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    kr = (KeyResult.objects.filter(owner=member, objective__cycle=cycle)
          .values_list("key", flat=True).first())
    pages = {
        "home": lambda: "/",
        "alignment map, one unit": lambda: f"/alignment/?cycle={cycle.key}&unit={rng.choice(units)}",
        "alignment map, whole cycle": lambda: f"/alignment/?cycle={cycle.key}",
        "x-matrix": lambda: "/strategy/x-matrix/",
        "key result": lambda: f"/key-results/{kr}/",
    }
    out = {}
    for name, url in pages.items():
        first = client.get(url())
        assert first.status_code == 200, (name, first.status_code)
        latencies = []
        requests = max(3, args.page_requests // 10) if "whole" in name else args.page_requests
        for _ in range(requests):
            t0 = time.perf_counter()
            response = client.get(url())
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 200, (name, response.status_code)
        out[name] = {"p50_s": percentile(latencies, 0.5), "p95_s": percentile(latencies, 0.95),
                     "requests": requests, "bytes": len(response.content)}
    return out


def _end_of_this_quarter() -> dt.date:
    today = dt.date.today()
    last_month = 3 * ((today.month - 1) // 3) + 3
    return dt.date(today.year, last_month, calendar.monthrange(today.year, last_month)[1])


def _count(node: dict) -> int:
    return 1 + sum(_count(c) for c in node["children"])


def run_database(kind: str, args) -> dict:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        env["HOSHIN_DATA_DIR"] = tmp
        pg_db = None
        if kind == "sqlite":
            env["HOSHIN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            import psycopg

            pg_db = f"hoshin_bench_{os.getpid()}"
            with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                                 autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}"')
                conn.execute(f'CREATE DATABASE "{pg_db}"')
            env["HOSHIN_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_db}"
        try:
            result = {}
            for phase in ("import", "measure"):
                cmd = [sys.executable, __file__, "--worker", phase, "--people", str(args.people),
                       "--today", args.today, "--seed", str(args.seed),
                       "--tree-runs", str(args.tree_runs),
                       "--tree-requests", str(args.tree_requests),
                       "--unit-requests", str(args.unit_requests),
                       "--page-requests", str(args.page_requests)]
                out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
                result.update(json.loads(out.stdout.strip().splitlines()[-1]))
            return result
        except subprocess.CalledProcessError as exc:
            sys.stderr.write(exc.stderr)
            raise
        finally:
            if pg_db:
                import psycopg

                with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                                     autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}"')


def report_pages(result: dict) -> None:
    for name, figures in result.get("pages", {}).items():
        print(f"   page {name:29} p50 {figures['p50_s'] * 1000:7.1f} ms   "
              f"p95 {figures['p95_s'] * 1000:7.1f} ms   ({figures['bytes'] / 1000:.0f} kB)")


def report(result: dict) -> None:
    print(f"\n== {result['database']}: {result['people']:,} people, cycle {result['cycle']}")
    rows = result["rows"]
    print("   rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(f"   plan file {result['plan_file_mb']} MB, generated in {result['generate_s']:.1f} s, "
          f"tree has {result['tree_nodes']:,} nodes ({result['tree_endpoint_bytes'] / 1e6:.1f} MB JSON)")
    lines = [
        ("plan-file import", "import_s"),
        ("whole alignment tree, computed", "tree_compute_s"),
        ("tree endpoint p50", "tree_endpoint_p50_s"),
        ("tree endpoint p95", "tree_endpoint_p95_s"),
        ("one unit's objectives p50", "unit_objectives_p50_s"),
        ("one unit's objectives p95", "unit_objectives_p95_s"),
    ]
    for label, key in lines:
        value = result[key]
        target = TARGETS.get(key)
        shown = f"{value * 1000:9.1f} ms" if value < 10 else f"{value:9.1f} s "
        if target:
            verdict = "meets" if value <= target else "MISSES"
            tshown = f"{target * 1000:.0f} ms" if target < 10 else f"{target:.0f} s"
            print(f"   {label:34} {shown}   target {tshown:>7}  ratio {value / target:5.2f}  {verdict}")
        else:
            print(f"   {label:34} {shown}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--today", default=_end_of_this_quarter().isoformat(),
                        help="date the synthetic plan is built around (default: the last day "
                             "of this quarter, when the active quarter holds nearly the whole "
                             "organisation: the largest tree)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tree-runs", type=int, default=5)
    parser.add_argument("--tree-requests", type=int, default=20)
    parser.add_argument("--unit-requests", type=int, default=200)
    parser.add_argument("--page-requests", type=int, default=50)
    parser.add_argument("--worker", choices=["import", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        phase = import_phase if args.worker == "import" else measure_phase
        print(json.dumps(phase(args), default=str))
        return 0
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for kind in kinds:
        print(f"running on {kind} …", flush=True)
        result = run_database(kind, args)
        result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform()}
        results.append(result)
        report(result)
        report_pages(result)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{args.people}-{stamp}.json"
    out.write_text(json.dumps({"targets": TARGETS, "results": results}, indent=2, default=str))
    print(f"\nwritten {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
