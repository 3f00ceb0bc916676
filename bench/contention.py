#!/usr/bin/env python
"""One long job must not block everyone else: the real server (`hoshin serve`) and the real
worker (`hoshin worker`) while a Markdown page of about 1 MB is previewed, then imported,
through the web page, and 16 clients check in through the API all the while.

    .venv/bin/python bench/contention.py                       # SQLite, a 1 MB page
    .venv/bin/python bench/contention.py --db both
    .venv/bin/python bench/contention.py --page-kb 60 --db sqlite --max-seconds 60   # reduced

For each database: a fresh one with a synthetic organisation (`hoshin demo --people N`),
the server and one worker as a deployment runs them, then for each phase (check-ins alone
for --quiet-seconds; the page previewed; the page imported) the clients check in (each a
kept-alive connection sending its next check-in when the last was answered, each with its
own Idempotency-Key) until the job is done (or --max-seconds). Per phase: the check-ins'
p50/p95/max latency, how many, errors (any non-2xx or a dropped connection), and how long
the job took and what it said. Results: JSON in bench/results/contention-<db>-<time>.json
and a Markdown table on standard output. The machine is shared: read every figure with
the load average it was taken at.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from http_load import (  # noqa: E402
    Server,
    end_of_this_quarter,
    free_port,
    loadavg,
    percentile,
)
from run import scratch_database  # noqa: E402

RESULTS = HERE / "results"
PEOPLE = ["Ana Ruiz", "Bo Chen", "Cy Dahl", "Di Evans", "Ed Foss"]


def page_of(size: int) -> str:
    """A Markdown page of OKRs of about `size` bytes: departments, objectives with an owner,
    four measurable key results each (the shape handbooks publish, repeated)."""
    lines = ["# Company OKRs", ""]
    total, i = 0, 0
    while total < size:
        i += 1
        if i % 20 == 1:
            lines += [f"## Department {i // 20 + 1}", ""]
        owner = PEOPLE[i % 5].split()[0].lower()
        lines.append(f"### Objective {i}: grow the thing number {i} for our customers "
                     f"(@{owner})")
        for k in range(4):
            who = PEOPLE[(i + k) % 5].split()[0].lower()
            lines.append(f"- KR {i}.{k}: increase weekly active teams from {k * 10} to "
                         f"{k * 10 + 50} (@{who})")
        lines.append("")
        total += sum(len(line) + 1 for line in lines[-7:])
    return "\n".join(lines) + "\n"


def run_setup(env: dict, people: int, today: str) -> dict:
    out = subprocess.run([sys.executable, str(HERE / "http_load.py"), "--setup", "--people",
                          str(people), "--today", today, "--seed", "7"], env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"setting up the organisation failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Worker:
    def __init__(self, env: dict, log: Path):
        self.log = open(log, "w+")
        code = "import sys; from hoshin.cli import main; sys.argv[0] = 'hoshin'; main()"
        # INFO: the import and the roll-up log how long their write transactions took.
        self.path = log
        self.proc = subprocess.Popen([sys.executable, "-c", code, "worker", "--interval", "0.2"],
                                     env={**env, "HOSHIN_LOG_LEVEL": "INFO"}, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def write_transactions(self) -> list[str]:
        """What the worker logged of its writes: how long each held the write lock."""
        self.log.flush()
        text = Path(self.path).read_text(errors="replace")
        return [line.strip() for line in text.splitlines() if "written in" in line]

    def stop(self) -> None:
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


async def checkins(session, setup: dict, stop: asyncio.Event, rng: random.Random) -> dict:
    """One client: check in, wait for the answer, check in again, until `stop`."""
    import aiohttp

    latencies, errors, stored = [], [], []
    while not stop.is_set():
        key, baseline, target = rng.choice(setup["checkin_krs"])
        low, high = sorted((baseline or 0, target if target is not None else 100))
        body = json.dumps({"value": round(rng.uniform(low, high), 1),
                           "confidence": rng.randint(3, 9), "note": "contention"})
        headers = {"Authorization": f"Bearer {setup['token']}",
                   "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        t0 = time.perf_counter()
        try:
            async with session.post(f"/api/v1/key-results/{key}/checkins", data=body,
                                    headers=headers) as response:
                answer = await response.read()
                if response.status != 201:
                    errors.append(f"HTTP {response.status}")
                else:
                    stored.append(json.loads(answer)["id"])
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        except RuntimeError:  # the session closed under it: the phase is over
            break
        latencies.append(time.perf_counter() - t0)
    return {"latencies": latencies, "errors": errors, "stored": stored}


async def submit_page(session, setup: dict, markdown: str, action: str) -> str:
    """Post the page on the web form as the admin; returns the job's status path."""
    cookies = {"sessionid": setup["admin_session"]}
    async with session.get("/import/markdown/", cookies=cookies) as response:
        html = await response.text()
        assert response.status == 200, html[:300]
        csrf_cookie = response.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"csrfmiddlewaretoken": token, "markdown": markdown, "cycle": setup["cycle"],
            "email_domain": "bench.test", "action": action}
    async with session.post("/import/markdown/", data=form, allow_redirects=False,
                            cookies={**cookies, "csrftoken": csrf_cookie.value}) as response:
        text = await response.text()
        assert response.status == 302, f"{response.status}: {text[:500]}"
        location = response.headers["Location"]
    job = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["job"][0]
    return f"/import/markdown/jobs/{job}/"


async def wait_for_job(session, setup: dict, path: str, max_seconds: float) -> dict:
    cookies = {"sessionid": setup["admin_session"]}
    started = time.perf_counter()
    import aiohttp

    while time.perf_counter() - started < max_seconds:
        try:
            async with session.get(path, cookies=cookies) as response:
                html = await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            continue  # the server is busy: ask again
        if "hx-trigger" not in html:
            said = re.search(r"<h2>(.*?)</h2>", html, re.S)
            return {"done": True, "seconds": round(time.perf_counter() - started, 1),
                    "said": " ".join((said.group(1) if said else html[:200]).split())}
        await asyncio.sleep(0.5)
    return {"done": False, "seconds": round(time.perf_counter() - started, 1), "said": ""}


async def phase(base: str, setup: dict, clients: int, markdown: str | None, action: str,
                max_seconds: float, quiet_seconds: float, seed: int) -> dict:
    import aiohttp

    stop = asyncio.Event()
    rng = random.Random(seed)
    timeout = aiohttp.ClientTimeout(total=120)
    load_before = loadavg()
    async with aiohttp.ClientSession(base, timeout=timeout,
                                     connector=aiohttp.TCPConnector(limit=clients + 2)
                                     ) as session:
        job = None
        started = time.perf_counter()
        runners = [asyncio.create_task(checkins(session, setup, stop, random.Random(rng.random())))
                   for _ in range(clients)]
        try:
            async with aiohttp.ClientSession(base, timeout=timeout) as admin:
                if markdown is None:
                    await asyncio.sleep(quiet_seconds)
                else:
                    path = await submit_page(admin, setup, markdown, action)
                    job = await wait_for_job(admin, setup, path, max_seconds)
        finally:
            stop.set()
            results = await asyncio.gather(*runners)
        elapsed = time.perf_counter() - started
    latencies = [x for r in results for x in r["latencies"]]
    errors = [e for r in results for e in r["errors"]]
    ms = (lambda s: None if s is None else round(s * 1000, 1))
    return {"phase": action if markdown is not None else "check-ins alone",
            "job": job, "seconds": round(elapsed, 1), "checkins": len(latencies),
            "errors": len(errors), "error_sample": sorted(set(errors))[:5],
            "p50_ms": ms(percentile(latencies, 0.5)), "p95_ms": ms(percentile(latencies, 0.95)),
            "max_ms": ms(max(latencies, default=None)), "load_before": load_before,
            "load_after": loadavg()}


async def crash(server: Server, setup: dict, clients: int, seconds: float, seed: int) -> list:
    """Check in for `seconds`, then kill -9 the whole server (its process group) while
    the clients are still sending; returns the ids of the check-ins it acknowledged."""
    import aiohttp
    import signal

    stop = asyncio.Event()
    rng = random.Random(seed)
    async with aiohttp.ClientSession(server.base, timeout=aiohttp.ClientTimeout(total=30),
                                     connector=aiohttp.TCPConnector(limit=clients)) as session:
        runners = [asyncio.create_task(checkins(session, setup, stop, random.Random(rng.random())))
                   for _ in range(clients)]
        await asyncio.sleep(seconds)
        os.killpg(server.proc.pid, signal.SIGKILL)
        await asyncio.sleep(1)
        stop.set()
        results = await asyncio.gather(*runners)
    return [i for r in results for i in r["stored"]]


def stored_checkins(env: dict, ids: list[int]) -> set[int]:
    url = env["HOSHIN_DATABASE_URL"]
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM okrs_checkin")}
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM okrs_checkin")}


def crash_phase(kind: str, env: dict, tmp: str, setup: dict, args) -> dict:
    server = Server(env, free_port(), [], Path(tmp) / "serve-crash.log")
    acknowledged = asyncio.run(crash(server, setup, args.clients, args.quiet_seconds,
                                     args.seed))
    server.proc.wait(timeout=30)
    server.log.close()
    # Restarted, as a supervisor would: every acknowledged check-in is there, once.
    again = Server(env, free_port(), [], Path(tmp) / "serve-restarted.log")
    try:
        stored = stored_checkins(env, acknowledged)
    finally:
        again.stop()
    missing = sorted(set(acknowledged) - stored)
    result = {"phase": "kill -9 of the server mid-load", "acknowledged": len(acknowledged),
              "missing_after_restart": len(missing), "missing_sample": missing[:5],
              "restarted": True}
    print(f"{kind}: {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


def run_database(kind: str, args) -> dict:
    with scratch_database(kind, "hoshin-contention") as (env, tmp):
        print(f"{kind}: loading {args.people} people ...", file=sys.stderr, flush=True)
        setup = run_setup(env, args.people, args.today)
        server = worker = None
        try:
            server = Server(env, free_port(), [], Path(tmp) / "serve.log")
            worker = Worker(env, Path(tmp) / "worker.log")
            banner = next((line for line in server.output().splitlines()
                           if "Hoshin is running" in line), "").strip()
            print(f"{kind}: {banner}", file=sys.stderr, flush=True)
            markdown = page_of(args.page_kb * 1000)
            phases = []
            for action in ["quiet"] + args.phases:
                page = None if action == "quiet" else markdown
                seen = len(worker.write_transactions())
                result = asyncio.run(phase(server.base, setup, args.clients, page, action,
                                           args.max_seconds, args.quiet_seconds, args.seed))
                result["worker_writes"] = worker.write_transactions()[seen:]
                print(f"{kind}: {json.dumps(result)}", file=sys.stderr, flush=True)
                phases.append(result)
            server.stop()
            server = None
            if args.crash:
                phases.append(crash_phase(kind, env, tmp, setup, args))
            return {"database": kind, "server_banner": banner,
                    "page_bytes": len(markdown.encode()), "clients": args.clients,
                    "setup": {k: setup[k] for k in ("people", "cycle", "rows")},
                    "phases": phases}
        finally:
            if worker is not None:
                worker.stop()
            if server is not None:
                server.stop()


def longest_write(lines: list[str]) -> str:
    seconds = [float(m.group(1)) for line in lines
               if (m := re.search(r"written in ([0-9.]+) s", line))]
    return f"{max(seconds):.3f} s" if seconds else ""


def markdown_table(run: dict) -> str:
    rows = ["| database | phase | job | check-ins | errors | p50 ms | p95 ms | max ms | "
            "longest write | load |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for db in run["databases"]:
        for p in db["phases"]:
            if "acknowledged" in p:
                rows.append(f"| {db['database']} | {p['phase']} | restarted | "
                            f"{p['acknowledged']} acknowledged | "
                            f"{p['missing_after_restart']} missing | | | | |")
                continue
            job = (f"{p['job']['seconds']} s: {p['job']['said'][:40]}" if p["job"]
                   else f"{p['seconds']} s")
            rows.append(f"| {db['database']} | {p['phase']} | {job} | {p['checkins']} | "
                        f"{p['errors']} | {p['p50_ms']} | {p['p95_ms']} | {p['max_ms']} | "
                        f"{longest_write(p.get('worker_writes', []))} | "
                        f"{p['load_before'][0]}→{p['load_after'][0]} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--page-kb", type=int, default=1000,
                        help="size of the Markdown page in kB (default 1000: 1 MB)")
    parser.add_argument("--phases", default="preview,import",
                        help="comma-separated: preview, import (default both)")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="give up waiting for a job after this long (default 900)")
    parser.add_argument("--quiet-seconds", type=float, default=5,
                        help="check-ins alone, for comparison (default 5)")
    parser.add_argument("--crash", action="store_true",
                        help="then kill -9 the server mid-load, restart it and check that "
                             "every acknowledged check-in is stored")
    parser.add_argument("--today", default=end_of_this_quarter().isoformat())
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--label", default="")
    parser.add_argument("--out", help="write the JSON here instead of bench/results/")
    args = parser.parse_args(argv)
    args.phases = [p for p in args.phases.split(",") if p]
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    run = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                       "python": platform.python_version()},
           "args": {k: v for k, v in vars(args).items()}, "databases": []}
    for kind in kinds:
        run["databases"].append(run_database(kind, args))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = f"-{args.label}" if args.label else ""
    path = Path(args.out) if args.out else RESULTS / f"contention-{args.db}{label}-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, indent=1) + "\n")
    print(markdown_table(run))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
