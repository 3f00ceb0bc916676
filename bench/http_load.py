#!/usr/bin/env python
"""Hoshin over HTTP: the real server (`hoshin serve`) on a generated organisation, driven by
1, 16 and 64 concurrent clients.

    .venv/bin/python bench/http_load.py                        # reduced: 2,000 people, SQLite
    .venv/bin/python bench/http_load.py --db both --seconds 5
    .venv/bin/python bench/http_load.py --people 20000 --db postgres --seconds 20
    PYTHONPATH=/tmp/old/src .venv/bin/python bench/http_load.py --label before

For each database it makes a fresh one, loads a synthetic organisation with `hoshin demo
--people N` (dated on the last day of this quarter, when the active quarter holds the
whole organisation), starts `hoshin serve` exactly as a deployment would (its own
defaults for workers and threads unless --workers/--threads are given), then for each
endpoint and each number of clients sends requests for --seconds from an asyncio client
(aiohttp, one connection per client, each client sending its next request when the last
answered). It records per endpoint and level: p50/p95/p99 latency, requests per second,
errors, the CPU time the server's processes spent (per request), the client's own CPU time
and the load average before and after. The machine is shared: read every figure with its
load average. Results: JSON in bench/results/http-<people>-<db>[-label]-<time>.json, and a
Markdown table on standard output (--markdown FILE writes it to a file too).

The code measured is whatever `hoshin` imports: with PYTHONPATH pointing at another
checkout's src/, that version is served (its own `serve` defaults included).
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import datetime as dt
import json
import os
import platform
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import kept_database, scratch_database  # noqa: E402

RESULTS = HERE / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# name: (method, who, path template); templates are filled per request from the setup.
ENDPOINTS = {
    "static file": ("GET", None, "/static/web/hoshin.css"),
    "home": ("GET", "member", "/"),
    "key result": ("GET", "member", "/key-results/{my_kr}/"),
    "unit": ("GET", "member", "/units/{unit}/"),
    "objectives API, one unit": ("GET", "token", "/api/v1/objectives?unit={unit}&cycle={cycle}"),
    "check-in API": ("POST", "token", "/api/v1/key-results/{checkin_kr}/checkins"),
    "x-matrix": ("GET", "member", "/strategy/x-matrix/"),
    "tree API": ("GET", "token", "/api/v1/cycles/{cycle}/tree"),
    "company": ("GET", "member", "/company/"),
}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def end_of_this_quarter() -> dt.date:
    today = dt.date.today()
    last = 3 * ((today.month - 1) // 3) + 3
    return dt.date(today.year, last, calendar.monthrange(today.year, last)[1])


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# Set-up: runs in a subprocess whose environment names the fresh database ------------------


def setup_phase(people: int, today: str, seed: int, reuse: bool = False) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from hoshin.okrs.models import Cycle, KeyResult, Objective
    from hoshin.org.models import Person
    from hoshin.org.services import create_token

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    if not (reuse and Person.objects.exists()):  # a kept database holds its organisation
        with open(os.devnull, "w") as quiet:
            call_command("demo", people=people, today=today, seed=seed, no_migrate=True,
                         stdout=quiet)
    people = Person.objects.count()
    load_s = time.perf_counter() - t0
    cycle = Cycle.objects.filter(kind="quarter", state="active").order_by("-start").first()
    krs = KeyResult.objects.filter(objective__cycle=cycle, archived_at__isnull=True)
    owner_id = (krs.filter(owner__role="member").order_by("id").values_list("owner_id", flat=True)
                .first() or krs.order_by("id").values_list("owner_id", flat=True).first())
    member = Person.objects.get(pk=owner_id)
    admin = Person.objects.filter(role="admin", is_active=True).order_by("id").first()

    def session(person) -> str:
        client = Client()
        client.force_login(person)
        return client.cookies["sessionid"].value

    numeric = krs.exclude(kind="milestone").values_list("key", "baseline", "target")
    return {
        "people": people, "today": today, "cycle": cycle.key,
        "migrate_s": round(migrate_s, 1), "load_s": round(load_s, 1),
        "units": sorted(set(Objective.objects.filter(cycle=cycle)
                            .values_list("unit__key", flat=True))),
        "my_kr": list(krs.filter(owner=member).values_list("key", flat=True)),
        "checkin_krs": [[k, b, t] for k, b, t in numeric],
        "member_session": session(member), "admin_session": session(admin),
        "token": create_token(None, admin, "http bench"),
        "rows": {"people": Person.objects.count(), "key_results": krs.count(),
                 "objectives": Objective.objects.filter(cycle=cycle).count()},
    }


# The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, env: dict, port: int, extra: list[str], log: Path):
        self.log = open(log, "w+")
        code = "import sys; from hoshin.cli import main; sys.argv[0] = 'hoshin'; main()"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--no-migrate", "--port", str(port), *extra],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the server stopped:\n" + self.output())
            try:
                with urllib.request.urlopen(f"{self.base}/login/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the server did not answer:\n" + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid)

    def workers(self) -> list[int]:
        return [p for p in self.pids() if p != self.proc.pid]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        self.log.close()


# The load --------------------------------------------------------------------------------


def request_for(name: str, setup: dict, rng: random.Random) -> tuple[str, str, dict, bytes | None]:
    method, who, template = ENDPOINTS[name]
    values = {"cycle": setup["cycle"], "unit": rng.choice(setup["units"]),
              "my_kr": rng.choice(setup["my_kr"]) if setup["my_kr"] else ""}
    body = None
    if "{checkin_kr}" in template:
        key, baseline, target = rng.choice(setup["checkin_krs"])
        values["checkin_kr"] = key
        low, high = sorted((baseline or 0, target if target is not None else 100))
        body = json.dumps({"value": round(rng.uniform(low, high), 1),
                           "confidence": rng.randint(3, 9), "note": "bench"}).encode()
    headers = {}
    if who == "member":
        headers["Cookie"] = f"sessionid={setup['member_session']}"
    elif who == "token":
        headers["Authorization"] = f"Bearer {setup['token']}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    return method, template.format(**values), headers, body


async def drive(base: str, name: str, setup: dict, clients: int, seconds: float,
                seed: int) -> dict:
    import aiohttp

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    in_window: list[float] = []  # answers (2xx) received before the time was up
    rng = random.Random(seed)
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as session:
        stop_at = time.perf_counter() + seconds

        async def client() -> None:
            while time.perf_counter() < stop_at:
                method, path, headers, body = request_for(name, setup, rng)
                t0 = time.perf_counter()
                try:
                    async with session.request(method, path, headers=headers, data=body,
                                               allow_redirects=False) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    continue
                done = time.perf_counter()
                latencies.append(done - t0)
                statuses[status] = statuses.get(status, 0) + 1
                if done <= stop_at and 200 <= status < 300:
                    in_window.append(done)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ok = sum(n for s, n in statuses.items() if 200 <= s < 300)
    return {
        "requests": len(latencies), "ok": ok, "statuses": statuses,
        "errors": len(errors), "error_sample": errors[:3], "elapsed_s": round(elapsed, 3),
        # Throughput within the window: a last slow answer after it does not dilute it.
        "rps": round(len(in_window) / seconds, 1),
        "rps_including_tail": round(ok / elapsed, 1) if elapsed else 0.0,
        "p50_ms": _ms(percentile(latencies, 0.50)), "p95_ms": _ms(percentile(latencies, 0.95)),
        "p99_ms": _ms(percentile(latencies, 0.99)), "max_ms": _ms(max(latencies, default=None)),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def measure(server: Server, setup: dict, args) -> dict:
    results: dict = {}
    for name in args.endpoints:
        results[name] = {}
        for clients in args.clients:
            # A short warm-up at this level (each worker's first requests import templates).
            asyncio.run(drive(server.base, name, setup, min(clients, 4), 0.3, args.seed))
            pids = server.pids()
            load_before, cpu_before = loadavg(), cpu_seconds(pids)
            own_before = resource.getrusage(resource.RUSAGE_SELF)
            figures = asyncio.run(drive(server.base, name, setup, clients, args.seconds,
                                        args.seed + clients))
            own_after = resource.getrusage(resource.RUSAGE_SELF)
            server_cpu = cpu_seconds(pids) - cpu_before
            figures.update(
                clients=clients, load_before=load_before, load_after=loadavg(),
                server_cpu_s=round(server_cpu, 2),
                server_cpu_ms_per_request=(round(1000 * server_cpu / figures["requests"], 2)
                                           if figures["requests"] else None),
                client_cpu_s=round((own_after.ru_utime + own_after.ru_stime)
                                   - (own_before.ru_utime + own_before.ru_stime), 2))
            results[name][str(clients)] = figures
            print(f"  {name:26} {clients:3} clients  {figures['rps']:7.1f} req/s  "
                  f"p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  "
                  f"p99 {figures['p99_ms']} ms  errors {figures['errors']}  "
                  f"non-2xx {figures['requests'] - figures['ok']}  "
                  f"load {figures['load_after'][0]}", file=sys.stderr, flush=True)
    return results


# One database ----------------------------------------------------------------------------


def run_database(kind: str, args) -> dict:
    database = (kept_database(kind, args.reuse, "hoshin-http") if args.reuse
                else scratch_database(kind, "hoshin-http"))
    with database as (env, tmp):
        server = None
        try:
            print(f"{kind}: loading {args.people} people ...", file=sys.stderr, flush=True)
            out = subprocess.run([sys.executable, __file__, "--setup", "--people",
                                  str(args.people), "--today", args.today, "--seed",
                                  str(args.seed)] + (["--reuse", args.reuse] if args.reuse
                                                     else []), env=env, check=True, capture_output=True,
                                 text=True)
            setup = json.loads(out.stdout.strip().splitlines()[-1])
            extra = []
            if args.workers:
                extra += ["--workers", str(args.workers)]
            if args.threads:
                extra += ["--threads", str(args.threads)]
            result = {"database": kind, "setup": {k: setup[k] for k in (
                "people", "today", "cycle", "migrate_s", "load_s", "rows")}}
            variants = [("", extra, {})]
            if args.baseline:
                # The server as it was before issue #12: one worker, five threads, a new
                # database connection (and its PRAGMAs) for every request.
                variants.append(("baseline", ["--workers", "1", "--threads", "5"],
                                 {"HOSHIN_DB_CONN_MAX_AGE": "0"}))
            for name, variant_args, variant_env in variants:
                server = Server({**env, **variant_env}, free_port(), variant_args,
                                Path(tmp) / f"serve{name}.log")
                banner = next((line for line in server.output().splitlines()
                               if "Hoshin is running" in line), "")
                print(f"{kind}{' ' + name if name else ''}: {banner.strip()}",
                      file=sys.stderr, flush=True)
                figures = {"server_banner": banner.strip(), "server_args": variant_args,
                           "server_env": variant_env,
                           "server_processes": len(server.pids()),
                           "endpoints": measure(server, setup, args)}
                figures["worker_rss_mb"] = [round(rss_mb(p), 1) for p in server.workers()
                                            if Path(f"/proc/{p}").exists()]
                server.stop()
                server = None
                if name:
                    result[name] = figures
                else:
                    result.update(figures)
            return result
        except subprocess.CalledProcessError as exc:
            sys.stderr.write(exc.stderr)
            raise
        finally:
            if server is not None:
                server.stop()


def markdown(run: dict) -> str:
    lines = []
    dbs = []
    for db in run["databases"]:
        dbs.append(db)
        if "baseline" in db:
            dbs.append({**db, **db["baseline"],
                        "database": db["database"] + " (baseline server)"})
    for db in dbs:
        lines += [f"**{db['database']}**, {db['setup']['people']} people "
                  f"({db['setup']['rows']['key_results']} key results in {db['setup']['cycle']}); "
                  f"{db['server_banner'].split('(', 1)[-1].rstrip(')')}; "
                  f"worker RSS {db['worker_rss_mb']} MB", "",
                  "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | errors | "
                  "server CPU ms/req | load before → after |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, levels in db["endpoints"].items():
            for clients, f in levels.items():
                bad = f["errors"] + f["requests"] - f["ok"]
                lines.append(f"| {name} | {clients} | {f['rps']} | {f['p50_ms']} | "
                             f"{f['p95_ms']} | {f['p99_ms']} | {bad} | "
                             f"{f['server_cpu_ms_per_request']} | "
                             f"{f['load_before'][0]} → {f['load_after'][0]} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="how long each endpoint is driven at each level (default 3)")
    parser.add_argument("--clients", default="1,16,64",
                        help="concurrent clients, comma-separated (default 1,16,64)")
    parser.add_argument("--endpoint", action="append", dest="endpoints",
                        choices=list(ENDPOINTS), help="only these (repeatable; default all)")
    parser.add_argument("--workers", type=int, help="passed to hoshin serve")
    parser.add_argument("--threads", type=int, help="passed to hoshin serve")
    parser.add_argument("--baseline", action="store_true",
                        help="then measure again, same database, with the server as before "
                             "issue #12: one worker, 5 threads, a connection per request")
    parser.add_argument("--today", default=end_of_this_quarter().isoformat())
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--label", default="", help="added to the result file's name")
    parser.add_argument("--markdown", help="also write the Markdown table to this file")
    parser.add_argument("--reuse", help="a SQLite file (--db sqlite) or PostgreSQL database "
                        "name (--db postgres) kept between runs: the organisation is loaded "
                        "only when it is empty (analytics_speed.py's databases serve too)")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup_phase(args.people, args.today, args.seed, bool(args.reuse))))
        return 0
    args.clients = [int(c) for c in args.clients.split(",")]
    args.endpoints = args.endpoints or list(ENDPOINTS)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.reuse and len(kinds) > 1:
        parser.error("--reuse names one database: give --db sqlite or --db postgres")
    import hoshin

    run = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "hoshin_source": str(Path(hoshin.__file__).parent),
           "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                       "python": platform.python_version()},
           "load_at_start": loadavg(), "seconds_per_level": args.seconds,
           "clients": args.clients, "databases": []}
    for kind in kinds:
        run["databases"].append(run_database(kind, args))
    run["load_at_end"] = loadavg()
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = f"-{args.label}" if args.label else ""
    path = RESULTS / f"http-{args.people}-{args.db}{label}-{stamp}.json"
    path.write_text(json.dumps(run, indent=1) + "\n")
    table = markdown(run)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    print(f"wrote {path.relative_to(HERE.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
