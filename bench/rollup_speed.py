#!/usr/bin/env python
"""The stored roll-up (issue #12 item 1): whole-quarter pages computed live against read
from the store, in one database, one process.

    .venv/bin/python bench/rollup_speed.py --demo                  # the demo organisation
    .venv/bin/python bench/rollup_speed.py --people 2000 --db postgres

It imports the organisation into a fresh database (as bench/run.py does, dated on the last
day of this quarter), then times each page as a viewer (whose home is the cockpit) with the
store removed ("live": what every request did before the store) and with it rebuilt
("stored"): wall time p50/p95, the CPU time of this process (the machine is shared: the
wall time is mostly waiting for a core) and the queries. It also times the full rebuild
and a check-in with the store kept up to date (its commit-time update included) and
without a store. Results go to bench/results/rollup-<people>-<timestamp>.json with the
load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402
    RESULTS,
    _end_of_this_quarter,
    percentile,
    scratch_database,
)

PAGES = [("cockpit home", "/"), ("x-matrix", "/strategy/x-matrix/"),
         ("company", "/company/"), ("tv", "/tv/"),
         ("alignment map", "/alignment/?cycle={cycle}"),
         ("tree API", "/api/v1/cycles/{cycle}/tree")]


def measure(args) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from hoshin.demo.generate import demo_plan, synthetic_plan
    from hoshin.okrs import rollups
    from hoshin.okrs import services as okrs
    from hoshin.okrs.models import Cycle, KeyResult, RollupMark
    from hoshin.org.models import Person
    from hoshin.planfile.importer import import_plan

    call_command("migrate", verbosity=0)
    today = dt.date.fromisoformat(args.today)
    doc = demo_plan(today) if args.demo else synthetic_plan(args.people, today, seed=args.seed)
    t0 = time.perf_counter()
    import_plan(doc)  # the store is rebuilt once the import commits
    result: dict = {"database": connection.vendor, "people": "demo" if args.demo else args.people,
                    "today": args.today, "import_and_rebuild_s": time.perf_counter() - t0}
    cycle = Cycle.objects.filter(kind="quarter", state="active").order_by("-start").first()
    result["key_results"] = KeyResult.objects.filter(objective__cycle=cycle).count()
    t0 = time.perf_counter()
    rollups.rebuild_all()
    result["rebuild_s"] = time.perf_counter() - t0
    result["rows"] = rollups.RollupRow.objects.count()

    viewer = Person.objects.filter(role="viewer").order_by("id").first() or \
        Person.objects.filter(role="admin").order_by("id").first()
    from hoshin.org.services import create_token

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(viewer)
    api = Client(HTTP_HOST="127.0.0.1",
                 HTTP_AUTHORIZATION=f"Bearer {create_token(None, viewer, 'bench')}")
    pages: dict = {}
    for mode in ("live", "stored"):
        if mode == "live":
            RollupMark.objects.all().delete()
        else:
            rollups.rebuild_all()
        for name, url in PAGES:
            url = url.format(cycle=cycle.key)
            client = api if url.startswith("/api/") else browser
            assert client.get(url).status_code == 200
            queries = []
            # Counted by a wrapper: the connection is closed after each request (no
            # persistent connections), which a debug-cursor count does not survive.
            with connection.execute_wrapper(lambda run, sql, *rest: queries.append(sql)
                                            or run(sql, *rest)):
                client.get(url)
            wall, cpu = [], []
            for _ in range(args.requests):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                assert response.status_code == 200
            pages.setdefault(name, {})[mode] = {
                "p50_s": percentile(wall, 0.5), "p95_s": percentile(wall, 0.95),
                "cpu_p50_s": percentile(cpu, 0.5), "queries": len(queries)}
    result["pages"] = pages

    krs = list(KeyResult.objects.filter(objective__cycle=cycle, archived_at__isnull=True,
                                        kind="increase").order_by("id")[:args.checkins * 2])
    checkins = {}
    half = len(krs) // 2
    for mode, batch in (("stored", krs[:half]), ("no store", krs[half:])):
        if mode == "no store":
            RollupMark.objects.all().delete()
        wall, cpu = [], []
        for kr in batch:
            value = (kr.baseline or 0) + ((kr.target or 1) - (kr.baseline or 0)) * 0.5
            t0, c0 = time.perf_counter(), time.process_time()
            okrs.record_checkin(None, kr, value=value, confidence=7)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        checkins[mode] = {"p50_s": percentile(wall, 0.5), "p95_s": percentile(wall, 0.95),
                          "cpu_p50_s": percentile(cpu, 0.5), "n": len(wall)}
        if mode == "stored":
            # Kept up to date by the check-ins alone: the same as a full recomputation?
            result["differences_after_checkins"] = len(rollups.differences(cycle))
    result["checkin"] = checkins
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--today", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--checkins", type=int, default=30)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # The demo is dated today (as `hoshin demo`), a synthetic organisation on the last day
    # of this quarter (as bench/run.py: nearly everyone in the active quarter).
    day = dt.date.today() if args.demo else _end_of_this_quarter()
    args.today = args.today or day.isoformat()
    if args.worker:
        print(json.dumps(measure(args)))
        return 0
    import subprocess

    load_before = os.getloadavg()
    with scratch_database(args.db, "hoshin-rollup") as (env, _tmp):
        try:
            cmd = [sys.executable, __file__, "--worker", "--people", str(args.people),
                   "--db", args.db, "--today", args.today, "--seed", str(args.seed),
                   "--requests", str(args.requests), "--checkins", str(args.checkins)]
            out = subprocess.run(cmd + (["--demo"] if args.demo else []), env=env, check=True,
                                 capture_output=True, text=True)
        except subprocess.CalledProcessError as exc:
            sys.stderr.write(exc.stderr)
            raise
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_before"] = load_before
    result["load_after"] = os.getloadavg()
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / (f"rollup-{result['people']}-{result['database']}-"
                      f"{dt.datetime.now():%Y%m%d-%H%M%S}.json")
    path.write_text(json.dumps(result, indent=1))
    print(f"{result['database']}, {result['people']} people, {result['key_results']} key "
          f"results; load {load_before[0]:.1f} -> {result['load_after'][0]:.1f}")
    print(f"import + rebuild {result['import_and_rebuild_s']:.1f} s; rebuild alone "
          f"{result['rebuild_s']:.2f} s ({result['rows']} rows)")
    print(f"{'page':<14}{'live p50':>10}{'cpu':>8}{'q':>5}{'stored p50':>12}{'cpu':>8}{'q':>5}")
    for name, modes in result["pages"].items():
        live, stored = modes["live"], modes["stored"]
        print(f"{name:<14}{live['p50_s'] * 1000:>8.0f}ms{live['cpu_p50_s'] * 1000:>6.0f}ms"
              f"{live['queries']:>5}{stored['p50_s'] * 1000:>10.0f}ms"
              f"{stored['cpu_p50_s'] * 1000:>6.0f}ms{stored['queries']:>5}")
    for mode, figures in result["checkin"].items():
        print(f"check-in ({mode}): p50 {figures['p50_s'] * 1000:.0f} ms, "
              f"p95 {figures['p95_s'] * 1000:.0f} ms, CPU p50 "
              f"{figures['cpu_p50_s'] * 1000:.0f} ms over {figures['n']}")
    print(f"differences after the check-ins: {result['differences_after_checkins']}")
    print(f"written to {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
