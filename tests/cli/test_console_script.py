"""The real `hoshin` console script, run as a user would, on its own SQLite file."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def hoshin_script() -> str:
    beside_python = Path(sys.executable).parent / "hoshin"
    found = str(beside_python) if beside_python.exists() else shutil.which("hoshin")
    assert found, "the hoshin console script is not installed"
    return found


@pytest.fixture
def env(tmp_path):
    env = dict(os.environ)
    env.update(HOSHIN_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
               HOSHIN_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    env.pop("HOSHIN_PASSWORD", None)
    return env


def hoshin(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([hoshin_script(), *args], env=env, capture_output=True, text=True,
                            timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_console_script_from_migrate_to_export(env, tmp_path):
    overview = hoshin(env, "--help").stdout
    for verb in ("serve", "demo", "import", "export", "checkin", "createuser", "token", "tree"):
        assert f"\n  {verb} " in overview

    hoshin(env, "migrate")

    demo = hoshin(env, "demo", "--today", "2026-11-20").stdout
    assert "Log in at http://127.0.0.1:8000/" in demo
    assert "password: hoshin-demo" in demo
    # No mail server set: mail goes to files the banner names, not over the console.
    mailbox = tmp_path / "data" / "mail"
    assert f"Mail (no HOSHIN_EMAIL_HOST set) is written to files in {mailbox}/" in demo
    sent = hoshin(env, "shell", "-c", "from django.core.mail import send_mail; "
                  "send_mail('Check in today', 'KR1 is due', None, ['ana@acme.test'])")
    assert "Check in today" not in sent.stdout
    assert "Subject: Check in today" in "".join(p.read_text() for p in mailbox.iterdir())

    again = hoshin(env, "demo", check=False)
    assert again.returncode == 1
    assert "already holds a plan" in again.stderr
    assert "Traceback" not in again.stderr
    assert "Log in at" in hoshin(env, "demo", "--if-empty").stdout

    root = json.loads(hoshin(env, "tree", "--cycle", "2026-Q4", "--format", "json").stdout)
    assert root["type"] == "vision"
    key_results = []
    stack = [root]
    while stack:
        node = stack.pop()
        assert {"id", "type", "title", "progress", "status", "children"} <= node.keys()
        key_results += [node] if node["type"] == "key_result" else []
        stack.extend(node["children"])
    assert key_results
    assert any(kr["progress"] is not None for kr in key_results)

    exported = hoshin(env, "export").stdout
    assert exported.startswith("hoshin: 1")
    assert any(kr["id"] in exported for kr in key_results)

    unknown = hoshin(env, "tree", "--cycle", "1999-Q1", check=False)
    assert unknown.returncode == 1
    assert unknown.stderr.startswith('cycle: unknown cycle "1999-Q1"')
    assert "Traceback" not in unknown.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_serve_answers_health_and_openapi(env, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([hoshin_script(), "serve", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # A fresh install migrates before it serves: about 40 s alone on a quiet
        # 2-core machine, and well over 90 s under the suite's own load.
        deadline = time.monotonic() + 300
        health = None
        while health is None and time.monotonic() < deadline and server.poll() is None:
            try:
                health = get(f"{base}/healthz")
            except OSError:
                time.sleep(0.3)
        log.seek(0)
        output = log.read()
        assert health is not None, (
            f"server did not answer (exit code {server.poll()}):\n{output}")
        assert health[0] == 200
        assert json.loads(health[1]) == {"status": "ok", "database": "sqlite"}
        assert f"Hoshin is running at {base}/" in output

        status, body = get(f"{base}/api/v1/openapi.json")
        assert status == 200
        assert json.loads(body)["info"]["title"] == "Hoshin API"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)
        log.close()
