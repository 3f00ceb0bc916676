"""One set of limits for the web, the API, the CLI and the plan files (issue #13 item 4):
the web form refuses what the API refuses, error pages are styled, and the importers refuse
a hostile file with a message instead of a traceback."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from hoshin.api import api
from hoshin.core import limits
from hoshin.okrs.forms import CheckInForm, KeyResultForm
from hoshin.okrs.models import CheckIn, Cycle
from hoshin.strategy.forms import MetricForm

# The pure checks ---------------------------------------------------------------------------


def test_text_that_no_database_can_store_is_named():
    assert limits.text_problem("fine, ünïcödé 👍") is None
    assert "NUL" in limits.text_problem("a\x00b")
    assert "Unicode" in limits.text_problem("a\ud800b")
    problems = list(limits.data_problems({"a": [{"b": "x\x00"}], "ok": "y"}))
    assert problems == [("a[0].b", "contains a NUL character (\\u0000), which text cannot hold")]


def test_depth_is_measured_without_parsing():
    assert limits.json_depth(b'{"a": [1, {"b": "[[[[[[["}]}', 10) == 3
    assert limits.json_depth("[" * 100_000 + "]" * 100_000, 64) == 65  # stops past the limit
    assert [f for f, _ in limits.data_problems([[[[]]]], depth_limit=2)] == ["[0][0]"]


@pytest.mark.parametrize("value", [1_700_000_000, True, "2026-1-5", "2026-02-30",
                                   "1999-12-31", "2100-01-01", dt.datetime(2026, 1, 1)])
def test_a_date_is_written_yyyy_mm_dd_within_the_window(value):
    with pytest.raises(ValueError):
        limits.parse_day(value)
    assert limits.parse_day("2026-01-05") == dt.date(2026, 1, 5)


def test_cycles_lie_near_today_and_the_other_cycles_and_last_by_kind():
    today = dt.date(2026, 12, 7)
    window = limits.cycle_window(today, dt.date(2020, 1, 1), dt.date(2027, 3, 31))
    assert window == (dt.date(2010, 1, 1), dt.date(2037, 3, 31))
    q = limits.cycle_problems
    assert q("quarter", dt.date(2027, 1, 1), dt.date(2027, 3, 31), window) == []
    assert q("year", dt.date(2027, 1, 1), dt.date(2027, 12, 31), window) == []
    assert [f for f, _ in q("quarter", dt.date(2027, 1, 1), dt.date(2027, 12, 31), window)] \
        == ["end"]
    assert [f for f, _ in q("quarter", dt.date(1900, 1, 1), dt.date(2999, 12, 31), window)] \
        == ["start", "end", "end"]


# The same limits on the web and the API ---------------------------------------------------

DOCUMENT = api.get_openapi_schema()["components"]["schemas"]


def test_the_forms_hold_what_the_api_holds():
    checkin = DOCUMENT["CheckInIn"]["properties"]
    form = CheckInForm.base_fields
    assert form["note"].max_length == checkin["note"]["maxLength"] == limits.NOTE_LENGTH
    assert form["blockers"].max_length == checkin["blockers"]["maxLength"]
    reading = next(b for b in checkin["value"]["anyOf"] if b["type"] == "number")
    assert form["value"].max_value == reading["maximum"] == limits.MEASURE_LIMIT
    kr = DOCUMENT["KeyResultCreate"]["properties"]
    assert KeyResultForm.base_fields["unit"].max_length == kr["unit"]["maxLength"]
    assert MetricForm.base_fields["target"].min_value == -limits.MEASURE_LIMIT


@pytest.mark.parametrize("data, field", [
    ({"value": "1e300", "confidence": "5"}, "value"),
    ({"value": "30", "confidence": "5", "note": "x" * (limits.NOTE_LENGTH + 1)}, "note"),
], ids=["1e300", "a note over 2,000 characters"])
def test_the_web_check_in_refuses_what_the_api_refuses(client, plan, data, field):
    from hoshin.org import services as org
    from tests.api.conftest import ApiClient

    admin_api = ApiClient(org.create_token(None, plan.admin))
    client.force_login(plan.member)
    response = client.post(reverse("okrs:checkin", args=["KR1"]), data,
                           HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400, 422)
    assert not CheckIn.objects.exists()
    api_body = {"value": float(data["value"]), "note": data.get("note", "")}
    refused = admin_api.post("/key-results/KR1/checkins", api_body)
    assert refused.status_code == 422 and field in refused.content.decode()
    assert not CheckIn.objects.exists()


# Styled error pages on the web ------------------------------------------------------------


def test_a_nul_in_a_web_form_is_a_styled_400_naming_the_field(client, plan):
    client.force_login(plan.member)
    response = client.post(reverse("okrs:checkin", args=["KR1"]),
                           {"value": "30", "note": "a\x00b"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>This request could not be read</h1>" in html and "hoshin.css" in html
    assert "<strong>note</strong>" in html
    assert not CheckIn.objects.exists()


def test_an_oversized_web_post_is_a_styled_413(client, plan):
    client.force_login(plan.member)
    response = client.post(reverse("okrs:checkin", args=["KR1"]),
                           "x" * (limits.BODY_BYTES + 1), content_type="text/plain")
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    assert "5 MB" in response.content.decode()


def test_a_server_error_on_the_web_is_a_styled_500(plan, monkeypatch, settings):
    from hoshin.okrs import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "record_checkin", broken)
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(plan.member)
    response = client.post(reverse("okrs:checkin", args=["KR1"]), {"value": "30"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "disk on fire" not in html


# The CLI and the plan files ---------------------------------------------------------------


def _import(tmp_path, name: str, text: str):
    from django.core.management import call_command

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import", str(path))
    return str(refused.value)


def test_a_100000_deep_json_plan_is_refused_with_a_message(db, tmp_path):
    message = _import(tmp_path, "deep.json",
                      '{"hoshin": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "nests deeper than 64 levels" in message and "Traceback" not in message


def test_a_deep_yaml_plan_is_refused_with_its_line(db, tmp_path):
    text = "hoshin: 1\norganization:\n" + "".join(
        "  " * (i + 1) + "a:\n" for i in range(200))
    assert "line 66: nests deeper than 64 levels" in _import(tmp_path, "deep.yaml", text)


def test_a_plan_file_with_a_nul_or_an_absurd_cycle_is_refused(plan, tmp_path):
    assert "organization.name: contains a NUL character" in _import(
        tmp_path, "nul.yaml", 'hoshin: 1\norganization:\n  name: "a\\0b"\n')
    doc = {"hoshin": 1, "organization": {"name": "Acme"},
           "cycles": [{"id": "Q-ODD", "kind": "quarter", "start": "2000-01-01",
                       "end": "2099-12-31"}]}
    message = _import(tmp_path, "odd.json", json.dumps(doc))
    assert "cycles[0].start: must be between" in message
    assert "a quarter lasts 80 to 100 days" in message
    assert not Cycle.objects.filter(key="Q-ODD").exists()


def test_the_cli_refuses_an_oversized_or_nul_markdown_page(db, tmp_path):
    from hoshin.planfile.api import MARKDOWN_LIMIT

    (tmp_path / "big.md").write_text("x" * (MARKDOWN_LIMIT + 1))
    (tmp_path / "nul.md").write_text("# OKRs\n\n## Objective: a\x00b\n")
    from django.core.management import call_command

    for name, words in (("big.md", "1,000,000 characters"), ("nul.md", "NUL")):
        with pytest.raises(CommandError, match=words):
            call_command("import", str(tmp_path / name), "--cycle", "X")
