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
import contextlib
import itertools
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
    if args.demo:
        result["people"] = "demo"

    t0 = time.perf_counter()
    if args.demo:
        from hoshin.demo.generate import demo_plan

        doc = demo_plan(today)
    else:
        doc = synthetic_plan(args.people, today, seed=args.seed)
    result["generate_s"] = time.perf_counter() - t0
    result["demo"] = bool(args.demo)
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
    pages = _every_page(cycle, units, rng) if args.demo else _main_pages(cycle, units, rng)
    result["pages"] = _measure_pages(args, pages)
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


def _member_with_key_results(cycle):
    from hoshin.okrs.models import KeyResult
    from hoshin.org.models import Person

    owner = (KeyResult.objects.filter(objective__cycle=cycle, owner__role="member")
             .values_list("owner_id", flat=True).order_by("id").first()
             or KeyResult.objects.filter(objective__cycle=cycle)
             .values_list("owner_id", flat=True).order_by("id").first())
    return Person.objects.get(pk=owner)


def _main_pages(cycle, units, rng) -> list[tuple[str, object, str]]:
    """(name, client, url or url-making function) of the main pages, as a member who owns
    key results (home, check-in) and as an admin (everything else is the same page for
    every role, with or without edit controls)."""
    from django.test import Client

    from hoshin.okrs.models import KeyResult, Objective
    from hoshin.org.models import Person
    from hoshin.strategy.models import ImprovementPriority, Metric

    member = _member_with_key_results(cycle)
    as_member = Client(HTTP_HOST="127.0.0.1")
    as_member.force_login(member)
    as_admin = Client(HTTP_HOST="127.0.0.1")
    as_admin.force_login(Person.objects.filter(role="admin").order_by("id").first())
    htmx = Client(HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
    htmx.force_login(member)
    kr = KeyResult.objects.filter(owner=member, objective__cycle=cycle).order_by("id").first()
    objectives = list(Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
                      .values_list("key", flat=True))
    metrics = list(Metric.objects.filter(archived_at__isnull=True).values_list("key", flat=True))
    priority = (ImprovementPriority.objects.filter(archived_at__isnull=True)
                .order_by("-year", "key").values_list("key", flat=True).first())
    branch = f"/alignment/branch/?cycle={cycle.key}&node=improvement_priority:{priority}"
    return [
        ("home", as_member, "/"),
        ("alignment map, one unit", as_member,
         lambda: f"/alignment/?cycle={cycle.key}&unit={rng.choice(units)}"),
        ("alignment map, whole cycle", as_member, f"/alignment/?cycle={cycle.key}"),
        ("alignment map, a priority's branch (HTMX)", htmx, branch),
        ("alignment map, a priority's branch (page)", as_member, branch),
        ("x-matrix", as_member, "/strategy/x-matrix/"),
        ("x-matrix, printable", as_member, "/strategy/x-matrix/print/"),
        ("x-matrix, SVG download", as_member, "/strategy/x-matrix.svg"),
        ("key result", as_member, f"/key-results/{kr.key}/"),
        ("objective", as_member, lambda: f"/objectives/{rng.choice(objectives)}/"),
        ("objective, edit form", as_admin, lambda: f"/objectives/{rng.choice(objectives)}/edit/"),
        ("new objective form", as_admin,
         lambda: f"/objectives/new/?unit={rng.choice(units)}&cycle={cycle.key}"),
        ("unit", as_member, lambda: f"/units/{rng.choice(units)}/"),
        ("metrics", as_member, "/strategy/metrics/"),
        ("metric", as_member, lambda: f"/strategy/metrics/{rng.choice(metrics)}/"),
        ("company", as_member, "/company/"),
        ("tv", as_member, "/tv/"),
    ]


# Pages of areas still being built: a 404 there means "not there yet", never an error.
NEW_PREFIXES = ("/strategy/", "/analyzer/", "/planning/", "/catchball/", "/flags/",
                "/reviews/", "/pdca/", "/learnings/", "/closing/", "/notify/", "/calendar/",
                "/import/")


def _every_page(cycle, units, rng) -> list[tuple[str, object, str]]:
    """Every page a person can open (GET), for the demo-size run: the main pages, the
    account pages, and whatever the strategy, analyzer, planning and catchball areas serve,
    found from the URL configuration so that pages added later are measured too."""
    from django.test import Client
    from django.urls import URLPattern, URLResolver, get_resolver

    from hoshin.org.models import Person

    pages = _main_pages(cycle, units, rng)
    admin = Person.objects.filter(role="admin").order_by("id").first()
    anonymous = Client(HTTP_HOST="127.0.0.1")
    as_admin = Client(HTTP_HOST="127.0.0.1")
    as_admin.force_login(admin)
    pages += [("login", anonymous, "/login/"),
              ("password reset", anonymous, "/password-reset/"),
              ("password reset sent", anonymous, "/password-reset/sent/"),
              ("password change", as_admin, "/account/password/"),
              ("password changed", as_admin, "/account/password/done/")]
    known = {url for _, _, url in pages if isinstance(url, str)}

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield "/" + prefix + str(p.pattern)

    values = _path_values(cycle)
    for route in walk(get_resolver().url_patterns):
        if not route.startswith(NEW_PREFIXES) or route.endswith(("archive/", ".svg")) \
                or "slack/" in route or "regenerate" in route:
            continue
        for url in _fill(route, values):
            if url not in known:
                known.add(url)
                pages.append((url, as_admin, url))
    return pages


def _path_values(cycle) -> dict[str, dict[str, list[str]]]:
    """Sample values for each path parameter, by the route's first segment."""
    from django.apps import apps

    from hoshin.strategy import models as strategy

    def keys(model, **filters):
        return [str(k) for k in model.objects.filter(**filters).order_by("pk")
                .values_list("key", flat=True)[:1]]

    def pks(label):
        try:
            model = apps.get_model(label)
        except LookupError:
            return []
        return [str(pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:1]]

    kinds = {"breakthroughs": strategy.Breakthrough, "annual": strategy.AnnualObjective,
             "priorities": strategy.ImprovementPriority, "metrics": strategy.Metric}
    try:
        from hoshin.strategy.views import GRID_TITLES, KINDS
    except ImportError:
        GRID_TITLES, KINDS = {}, {}
    values: dict[str, dict[str, list[str]]] = {
        name: {"key": keys(model, archived_at__isnull=True)} for name, model in kinds.items()}
    values["grids"] = {"grid": list(GRID_TITLES)}
    values["*"] = {"cycle": [cycle.key], "kind": list(KINDS)}
    values["catchball"] = {"pk": pks("catchball.Catchball")}
    values["planning"] = {"pk": pks("planning.AlignmentRound")}
    values["reviews"] = {"pk": pks("reviews.Review")}
    values["pdca"] = {"pk": pks("pdca.Countermeasure")}
    values["learnings"] = {"pk": pks("pdca.Learning")}
    from hoshin.okrs.rules import fiscal_year_of
    from hoshin.org.models import Organization

    values["closing"] = {"key": [cycle.key], "year": [str(fiscal_year_of(
        cycle.start, Organization.current().fiscal_year_start))]}
    feeds = apps.get_model("reviews.CalendarFeed")
    admin = apps.get_model("org.Person").objects.filter(role="admin").order_by("id").first()
    values["calendar"] = {"token": [feeds.objects.get_or_create(person=admin)[0].token]}
    values["kind-keys"] = {kind: keys(spec.model, archived_at__isnull=True)
                           for kind, spec in KINDS.items()}
    return values


def _fill(route: str, values) -> list[str]:
    """Concrete URLs for a route such as /strategy/<str:kind>/<str:key>/edit/."""
    import re

    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not params:
        return [route]
    parts = route.strip("/").split("/")
    area = parts[1] if len(parts) > 1 else ""
    urls = []
    kinds = values["*"]["kind"] if "kind" in params else [None]
    for kind in kinds:
        choices = []
        for name in params:
            if name == "kind":
                options = [kind]
            elif name == "key" and kind:
                options = values["kind-keys"].get(kind, [])
            else:
                options = (values.get(area, {}).get(name) or values.get(parts[0], {}).get(name)
                           or values["*"].get(name) or [])
            # Every grid is its own page; for anything else one sample stands for all.
            choices.append(options if name == "grid" else options[:1])
        for combo in itertools.product(*choices):
            url = route
            for name, value in zip(params, combo, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
            urls.append(url)
    return urls


def _measure_pages(args, pages) -> dict:
    """Server time of each page through the full Django stack: p50/p95 of --page-requests
    (a tenth of them for the whole-cycle map, which is the slowest at scale)."""
    out = {}
    for name, client, url in pages:
        make = url if callable(url) else (lambda u=url: u)
        first = client.get(make())
        if first.status_code == 404 and isinstance(url, str) and url.startswith(NEW_PREFIXES):
            continue
        assert first.status_code == 200, (name, make(), first.status_code)
        latencies, cpu = [], []
        requests = max(3, args.page_requests // 10) if "whole" in name else args.page_requests
        for _ in range(requests):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(make())
            latencies.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            assert response.status_code == 200, (name, response.status_code)
        # CPU time of this process too: on a shared, loaded machine it shows what the page
        # costs apart from waiting for a core (PostgreSQL's own work is not in it).
        out[name] = {"p50_s": percentile(latencies, 0.5), "p95_s": percentile(latencies, 0.95),
                     "cpu_p50_s": percentile(cpu, 0.5), "cpu_p95_s": percentile(cpu, 0.95),
                     "requests": requests, "bytes": len(response.content)}
    return out


def _end_of_this_quarter() -> dt.date:
    today = dt.date.today()
    last_month = 3 * ((today.month - 1) // 3) + 3
    return dt.date(today.year, last_month, calendar.monthrange(today.year, last_month)[1])


def _count(node: dict) -> int:
    return 1 + sum(_count(c) for c in node["children"])


@contextlib.contextmanager
def kept_database(kind: str, where: str, prefix: str):
    """A database kept between benchmark runs: the SQLite file `where`, or the PostgreSQL
    database named `where` (created when missing); never dropped. Yields (the environment
    pointing hoshin at it, a scratch folder for logs)."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp:
        if kind == "sqlite":
            env["HOSHIN_DATA_DIR"] = str(Path(where).resolve().parent)
            env["HOSHIN_DATABASE_URL"] = f"sqlite:///{Path(where).resolve()}"
            yield env, tmp
            return
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"),
                             autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                [where]).fetchone():
                conn.execute(f'CREATE DATABASE "{where}"')
        env["HOSHIN_DATA_DIR"] = tmp
        env["HOSHIN_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{where}"
        yield env, tmp


@contextlib.contextmanager
def scratch_database(kind: str, prefix: str):
    """A scratch data folder and an empty database for one benchmark run: SQLite in the
    folder, or a PostgreSQL database named after `prefix` and this process (dropped after,
    even when the run fails). Yields (the environment pointing hoshin at them, the folder)."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp:
        env["HOSHIN_DATA_DIR"] = tmp
        if kind == "sqlite":
            env["HOSHIN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            yield env, tmp
            return
        import psycopg

        admin = PG_ADMIN_URL.replace("postgres://", "postgresql://")
        name = f"{prefix.replace('-', '_')}_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["HOSHIN_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        try:
            yield env, tmp
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_database(kind: str, args) -> dict:
    with scratch_database(kind, "hoshin-bench") as (env, _tmp):
        try:
            result = {}
            for phase in ("import", "measure"):
                cmd = [sys.executable, __file__, "--worker", phase, "--people", str(args.people),
                       "--today", args.today, "--seed", str(args.seed),
                       "--tree-runs", str(args.tree_runs),
                       "--tree-requests", str(args.tree_requests),
                       "--unit-requests", str(args.unit_requests),
                       "--page-requests", str(args.page_requests)] + (["--demo"] if args.demo
                                                                       else [])
                out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
                result.update(json.loads(out.stdout.strip().splitlines()[-1]))
            return result
        except subprocess.CalledProcessError as exc:
            sys.stderr.write(exc.stderr)
            raise


PAGE_TARGET_S = 0.100  # server time of any page at the demo size (issue #3)


def report_pages(result: dict) -> None:
    for name, figures in result.get("pages", {}).items():
        p95 = figures["p95_s"]
        verdict = ("meets" if p95 <= PAGE_TARGET_S else "MISSES") + " 100 ms"
        cpu = (f"cpu p95 {figures['cpu_p95_s'] * 1000:7.1f} ms" if "cpu_p95_s" in figures
               else "")
        print(f"   page {name:44} p50 {figures['p50_s'] * 1000:7.1f} ms   "
              f"p95 {p95 * 1000:7.1f} ms   {verdict:14} {cpu}  "
              f"({figures['bytes'] / 1000:.0f} kB)")


def report(result: dict) -> None:
    size = ("the demo organisation" if result.get("demo")
            else f"{result['people']:,} people")
    print(f"\n== {result['database']}: {size}, cycle {result['cycle']}")
    rows = result["rows"]
    print("   rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(f"   plan file {result['plan_file_mb']} MB, generated in {result['generate_s']:.1f} s, "
          f"tree has {result['tree_nodes']:,} nodes "
          f"({result['tree_endpoint_bytes'] / 1e6:.1f} MB JSON)")
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
            print(f"   {label:34} {shown}   target {tshown:>7}  ratio {value / target:5.2f}  "
                  f"{verdict}")
        else:
            print(f"   {label:34} {shown}")


def _load(values) -> str:
    return " ".join(f"{v:.1f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--demo", action="store_true",
                        help="the demo organisation instead of a synthetic one, dated today, "
                             "with every page a person can open measured against 100 ms")
    parser.add_argument("--today", default=None,
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
    if args.today is None:
        args.today = (dt.date.today() if args.demo else _end_of_this_quarter()).isoformat()
    if args.worker:
        phase = import_phase if args.worker == "import" else measure_phase
        print(json.dumps(phase(args), default=str))
        return 0
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{'demo' if args.demo else args.people}-{stamp}.json"
    for kind in kinds:
        print(f"running on {kind} …", flush=True)
        load_before = os.getloadavg()
        result = run_database(kind, args)
        result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform(),
                             "load_average_before": load_before,
                             "load_average_after": os.getloadavg()}
        results.append(result)
        report(result)
        report_pages(result)
        print(f"   load average (1, 5, 15 min) before {_load(load_before)}, "
              f"after {_load(result['machine']['load_average_after'])} on {os.cpu_count()} CPUs")
        # Written after each database: a long run cut short keeps what it measured.
        out.write_text(json.dumps({"targets": TARGETS, "page_target_s": PAGE_TARGET_S,
                                   "results": results}, indent=2, default=str))
    print(f"\nwritten {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
