"""bench/contention.py in a reduced form (marked `load`; CI runs it): the real server and a
real worker on a fresh database, 4 clients checking in while a small Markdown page is
previewed and imported through the web page, then the server killed with -9 mid-load and
restarted. No check-in fails and every acknowledged check-in is stored. (Latency is the
bench's to measure, not a test's: bench/README.md, "Contention".)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "contention.py"


@pytest.mark.load
@pytest.mark.each_database
def test_check_ins_go_on_while_a_page_is_imported_and_survive_a_crash(tmp_path):
    db = "postgres" if os.environ.get("HOSHIN_TEST_POSTGRES") == "1" else "sqlite"
    out = tmp_path / "contention.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSHIN_DATABASE")}
    done = subprocess.run([sys.executable, str(SCRIPT), "--db", db, "--people", "30",
                           "--clients", "4", "--page-kb", "8", "--quiet-seconds", "2",
                           "--max-seconds", "240", "--crash", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    [run] = json.loads(out.read_text())["databases"]
    quiet, preview, imported, crash = run["phases"]

    assert [p["errors"] for p in (quiet, preview, imported)] == [0, 0, 0], run["phases"]
    assert all(p["checkins"] > 0 for p in (quiet, preview, imported))
    assert preview["job"]["done"] and preview["job"]["said"].startswith("Preview:")
    assert imported["job"]["done"] and imported["job"]["said"].startswith("Imported into")
    assert crash["acknowledged"] > 0 and crash["missing_after_restart"] == 0
