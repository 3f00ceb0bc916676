"""Production HTTPS settings come from the environment (settings.py): an https:// base URL
turns on secure cookies and a year of HSTS; each can be set on its own; and the responses
then carry them."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db

NAMES = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
         "SESSION_IDLE_TIMEOUT", "SESSION_COOKIE_AGE"]


def _settings_with(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOSHIN_")}
    clean.update(HOSHIN_DATA_DIR=str(tmp_path), HOSHIN_SECRET_KEY="x" * 50, **env)
    code = ("import json, hoshin.settings as s; print(json.dumps({n: getattr(s, n, None) "
            f"for n in {NAMES!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_plain_http_by_default(tmp_path):
    values = _settings_with(tmp_path)
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SESSION_IDLE_TIMEOUT"] == 8 * 3600
    assert values["SESSION_COOKIE_AGE"] == 14 * 86400


def test_an_https_base_url_turns_on_secure_cookies_and_hsts(tmp_path):
    values = _settings_with(tmp_path, HOSHIN_BASE_URL="https://okr.example.com",
                            HOSHIN_TRUST_X_FORWARDED_PROTO="on",
                            HOSHIN_SESSION_IDLE_HOURS="1")
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 86400
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_IDLE_TIMEOUT"] == 3600


def test_each_can_be_set_on_its_own(tmp_path):
    values = _settings_with(tmp_path, HOSHIN_BASE_URL="https://okr.example.com",
                            HOSHIN_HSTS_SECONDS="600", HOSHIN_HSTS_INCLUDE_SUBDOMAINS="on",
                            HOSHIN_SECURE_COOKIES="off", HOSHIN_SSL_REDIRECT="on")
    assert values["SECURE_HSTS_SECONDS"] == 600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_SSL_REDIRECT"]


def test_an_https_response_carries_hsts_and_the_policy(client, settings):
    settings.SECURE_HSTS_SECONDS = 365 * 86400
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy
    assert "Strict-Transport-Security" not in client.get("/login/")  # not over plain HTTP
