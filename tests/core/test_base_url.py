"""Links point where the server listens: the run banner and the reminders' links follow
HOSHIN_PORT / HOSHIN_HOST unless HOSHIN_BASE_URL says otherwise."""

import os
import subprocess
import sys

import pytest

PRINT = "from django.conf import settings; print(settings.BASE_URL)"


def base_url(**env) -> str:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("HOSHIN_BASE_URL", "HOSHIN_HOST", "HOSHIN_PORT")}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "hoshin.settings", **env},
        capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("env, url", [
    ({}, "http://127.0.0.1:8000"),
    ({"HOSHIN_PORT": "8101"}, "http://127.0.0.1:8101"),
    ({"HOSHIN_HOST": "0.0.0.0", "HOSHIN_PORT": "9000"}, "http://127.0.0.1:9000"),
    ({"HOSHIN_HOST": "::1"}, "http://[::1]:8000"),
    ({"HOSHIN_PORT": "8101", "HOSHIN_BASE_URL": "https://okrs.example.org/"},
     "https://okrs.example.org"),
], ids=["default", "port", "all interfaces", "ipv6", "base url wins"])
def test_links_point_where_the_server_listens(env, url, tmp_path):
    assert base_url(HOSHIN_DATA_DIR=str(tmp_path), **env) == url
