#!/usr/bin/env python
"""Issue #14's performance targets: the portfolio ranking and each execution-analytics
page under 300 ms at p95 for 20,000 people, on SQLite and PostgreSQL.

    .venv/bin/python bench/analytics_speed.py --people 20000 --db sqlite
    .venv/bin/python bench/analytics_speed.py --people 20000 --db postgres
    .venv/bin/python bench/analytics_speed.py --people 20000 --db sqlite --reuse /tmp/a.sqlite3

It imports a synthetic organisation (hoshin.demo.generate.synthetic_plan, dated on the last
day of this quarter: about 18,000 key results and 200,000 check-ins at 20,000 people, a
tenth of the work in the closed previous quarter) and grades every key result as its
progress suggests, the worst case for the figures (every check-in of the organisation is
a forecast with a known outcome). Then, in the same process, as the strategy office (who
sees the whole organisation), it times each page and API read: wall time p50/p95 over
`--requests`, the CPU time of this process per request (the machine is shared: wall time
is mostly waiting for a core) and the number of queries. It also times the nightly work
that the pages read (`hoshin analytics refresh`: the trends, the history of similar key
results and the stored forecasts). Results go to
bench/results/analytics-<people>-<database>-<timestamp>.json with the load average
(uptime) before and after.

`--reuse PATH` keeps the database (SQLite: the file PATH; PostgreSQL: the database named
PATH) and skips the import when it is already there: for measuring a change without
importing again. `--skip "forecast API"` leaves pages out; `--label after` names the
result file. Each page also records the queries' own time (`sql_s`, as the app waits for
them: on PostgreSQL the server's work, which the process's CPU time does not hold) and its
three slowest queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402
    RESULTS,
    _end_of_this_quarter,
    kept_database,
    percentile,
    scratch_database,
)

TARGET_S = 0.300


def pages(prev: str, cur: str, division: str, team: str, kr: str) -> list[tuple[str, str]]:
    return [
        ("portfolio", "/portfolio/"),
        ("portfolio, a division", f"/portfolio/?unit={division}"),
        ("portfolio API", "/api/v1/portfolio"),
        ("analytics", "/analytics/"),
        ("analytics, closed quarter", f"/analytics/?cycle={prev}"),
        ("analytics, running quarter", f"/analytics/?cycle={cur}"),
        ("analytics, a division", f"/analytics/?unit={division}"),
        ("analytics, a team", f"/analytics/?unit={team}"),
        ("regularity API", "/api/v1/analytics/regularity"),
        ("calibration API", "/api/v1/analytics/calibration"),
        ("forecast API", "/api/v1/analytics/forecast"),
        ("trends API", "/api/v1/analytics/trends"),
        ("key result page (forecast panel)", f"/key-results/{kr}/"),
    ]


def grade_everything(seed: int) -> int:
    """Every key result graded as its progress suggests (closing's suggestion), a little
    scattered the way people grade; the previous quarter closed."""
    from hoshin.closing.grading import suggest
    from hoshin.closing.models import Grade
    from hoshin.okrs.models import Cycle, KeyResult

    rng = random.Random(seed)
    rows = []
    krs = (KeyResult.objects.filter(archived_at__isnull=True, grade__isnull=True)
           .select_related("last_checkin").order_by("id"))
    for kr in krs.iterator(chunk_size=5000):
        value = kr.last_checkin.value if kr.last_checkin_id else None
        if value is not None and kr.baseline is not None and kr.target is not None \
                and kr.target != kr.baseline:
            progress = (value - kr.baseline) / (kr.target - kr.baseline)
        else:
            progress = rng.random()
        suggested = suggest(progress)
        grade = min(1.0, max(0.0, round(suggested + rng.choice((-0.1, 0, 0, 0, 0.1)), 1)))
        rows.append(Grade(key_result_id=kr.pk, suggested=suggested, grade=grade))
    Grade.objects.bulk_create(rows, batch_size=2000)
    Cycle.objects.filter(kind="quarter", end__lt=_end_of_this_quarter().replace(day=1)) \
        .update(state="closed")
    return len(rows)


def score_some(seed: int, share: float = 0.1) -> int:
    """When nothing is scored yet (the synthetic plan has no scoring sessions), a tenth of
    the open initiatives scored in one relative-scoring session per division, as teams
    would, so the portfolio ranks some hundreds. Returns how many initiatives are scored."""
    from hoshin.portfolio import services as portfolio
    from hoshin.portfolio.models import InitiativeScore
    from hoshin.portfolio.selectors import open_initiatives
    from hoshin.portfolio.wsjf import SCALE

    if not InitiativeScore.objects.exists():
        rng = random.Random(seed)
        by_division: dict[str, list[str]] = {}
        for key, unit, parent, grand in open_initiatives().values_list(
                "key", "key_result__objective__unit__key",
                "key_result__objective__unit__parent__key",
                "key_result__objective__unit__parent__parent__key"):
            if rng.random() < share:
                division = grand and parent or unit  # the unit two levels down, or the top
                by_division.setdefault(division, []).append(key)
        for keys in by_division.values():
            rows = [{"initiative": k, **{c: rng.choice(SCALE[:5]) for c in (
                "business_value", "time_criticality", "risk_reduction", "job_size")}}
                for k in keys]
            for column in ("business_value", "time_criticality", "risk_reduction",
                           "job_size"):
                rows[0][column] = 1  # the smallest of each column is 1
            portfolio.record_scoring_session(None, scores=rows)
    return InitiativeScore.objects.values("initiative_id").distinct().count()


def measure(args) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from hoshin.analytics import services as analytics
    from hoshin.demo.generate import synthetic_plan
    from hoshin.okrs.models import Cycle, KeyResult
    from hoshin.org.models import Person, Unit
    from hoshin.org.services import create_token
    from hoshin.planfile.importer import import_plan

    call_command("migrate", verbosity=0)
    today = dt.date.fromisoformat(args.today)
    result: dict = {"database": connection.vendor, "people": args.people, "today": args.today}
    if not KeyResult.objects.exists():
        t0 = time.perf_counter()
        import_plan(synthetic_plan(args.people, today, seed=args.seed))
        result["import_s"] = time.perf_counter() - t0
        result["graded"] = grade_everything(args.seed)
    result["scored"] = score_some(args.seed)
    t0 = time.perf_counter()
    (getattr(analytics, "nightly", None) or analytics.refresh_trends)(None)
    result["nightly_s"] = time.perf_counter() - t0
    # The planner's statistics, as `hoshin import` and the nightly database-statistics job
    # leave them (without them PostgreSQL guessed 30 key results where there are 18,000).
    from hoshin.core import dbstats

    result["statistics_s"] = dbstats.gather()
    result["key_results"] = KeyResult.objects.count()
    result["graded_key_results"] = KeyResult.objects.filter(grade__isnull=False).count()
    quarters = list(Cycle.objects.filter(kind="quarter").order_by("start"))
    prev = [c for c in quarters if c.state == "closed"][-1]
    cur = [c for c in quarters if c.state == "active"][-1]
    division = Unit.objects.filter(parent__parent__isnull=True, parent__isnull=False) \
        .order_by("key").first()
    team = Unit.objects.filter(children__isnull=True).order_by("key").first()
    kr = (KeyResult.objects.filter(objective__cycle=cur, kind="increase",
                                   archived_at__isnull=True).order_by("id").first())
    office = Person.objects.filter(role="strategy_office").order_by("id").first() or \
        Person.objects.filter(role="admin").order_by("id").first()
    # As the served application does (core/served.py): long-lived objects frozen once warm.
    from django.core.signals import request_started

    from hoshin.core.memory import FreezeWhenWarm
    request_started.connect(FreezeWhenWarm(), weak=False)
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(office)
    api = Client(HTTP_HOST="127.0.0.1",
                 HTTP_AUTHORIZATION=f"Bearer {create_token(None, office, 'bench')}")
    measured: dict = {}
    skipped = {n.strip() for n in args.skip.split(",") if n.strip()}
    for name, url in pages(prev.key, cur.key, division.key, team.key, kr.key):
        if name in skipped:
            continue
        client = api if url.startswith("/api/") else browser
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries: list[tuple[float, str]] = []

        def timed(run, sql, *rest):
            # Each query's wall time as the app sees it: on PostgreSQL the server's work is
            # in it and not in this process's CPU time.
            t = time.perf_counter()
            try:
                return run(sql, *rest)
            finally:
                queries.append((time.perf_counter() - t, sql))

        with connection.execute_wrapper(timed):
            client.get(url)
        wall, cpu = [], []
        for _ in range(args.requests):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        measured[name] = {"url": url, "p50_s": percentile(wall, 0.5),
                          "p95_s": percentile(wall, 0.95), "cpu_p50_s": percentile(cpu, 0.5),
                          "cpu_p95_s": percentile(cpu, 0.95), "queries": len(queries),
                          "sql_s": sum(t for t, _ in queries),
                          "slowest_sql": [{"s": round(t, 4), "sql": sql[:300]} for t, sql in
                                          sorted(queries, key=lambda q: -q[0])[:3]],
                          "bytes": len(response.content)}
    result["pages"] = measured
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--today", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", default=None, help="SQLite file (--db sqlite) or PostgreSQL "
                                                      "database name (--db postgres) kept "
                                                      "between runs")
    parser.add_argument("--label", default="", help="added to the result's file name "
                                                    "(before, after)")
    parser.add_argument("--skip", default="", help="comma-separated page names not timed")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.today = args.today or _end_of_this_quarter().isoformat()
    if args.worker:
        print(json.dumps(measure(args)))
        return 0
    cmd = [sys.executable, __file__, "--worker", "--people", str(args.people), "--db", args.db,
           "--today", args.today, "--seed", str(args.seed), "--requests", str(args.requests),
           "--skip", args.skip]
    load_before = os.getloadavg()
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    try:
        database = (kept_database(args.db, args.reuse, "hoshin-analytics") if args.reuse
                    else scratch_database(args.db, "hoshin-analytics"))
        with database as (env, _tmp):
            out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_before"] = load_before
    result["load_after"] = os.getloadavg()
    result["uptime_before"] = uptime_before
    result["uptime_after"] = subprocess.run(["uptime"], capture_output=True,
                                            text=True).stdout.strip()
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    RESULTS.mkdir(exist_ok=True)
    label = f"{args.label}-" if args.label else ""
    path = RESULTS / (f"analytics-{result['people']}-{result['database']}-{label}"
                      f"{dt.datetime.now():%Y%m%d-%H%M%S}.json")
    path.write_text(json.dumps(result, indent=1))
    print(f"{result['database']}, {result['people']} people, {result['key_results']} key "
          f"results ({result['graded_key_results']} graded)")
    print(f"before: {result['uptime_before']}\nafter:  {result['uptime_after']}")
    if "import_s" in result:
        print(f"import {result['import_s']:.1f} s")
    print(f"nightly refresh (trends, similar key results, forecasts) {result['nightly_s']:.1f} s")
    print(f"initiatives scored: {result.get('scored')}")
    print(f"{'page':<34}{'p50':>8}{'p95':>8}{'cpu p50':>9}{'queries':>8}{'sql':>8}"
          "  p95/target")
    for name, m in result["pages"].items():
        print(f"{name:<34}{m['p50_s'] * 1000:>6.0f}ms{m['p95_s'] * 1000:>6.0f}ms"
              f"{m['cpu_p50_s'] * 1000:>7.0f}ms{m['queries']:>8}{m['sql_s'] * 1000:>6.0f}ms"
              f"  {m['p95_s'] / TARGET_S:.2f}")
    print(f"written to {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
