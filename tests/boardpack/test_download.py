"""The board pack from the web (queued for the worker, the page polls, then a download) and
from the API (GET returns the PDF), with who may make it (SPEC §10) and the audit entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.audit.models import AuditEntry
from tests.boardpack.conftest import pages_of

# The worker closes and reopens its database connection between tasks, as in production,
# so the web test commits for real instead of running in one transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_web_page_queues_the_pack_and_offers_the_pdf_when_ready(plan, tmp_path):
    client = logged_in(plan.lead)
    page = client.get("/board-pack/")
    assert page.status_code == 200
    assert f'<option value="{plan.quarter.key}" selected>' in page.content.decode()

    posted = client.post("/board-pack/", {"cycle": plan.quarter.key})
    assert posted.status_code == 302
    waiting = client.get(posted.url).content.decode()
    # Until the worker has run, the page says so and polls the job's status.
    assert "Waiting for the worker" in waiting and 'hx-trigger="every 1s"' in waiting
    job_id = posted.url.split("job=")[1]

    call_command("worker", "--batch", verbosity=0)
    done = client.get(f"/board-pack/jobs/{job_id}/").content.decode()
    assert "hx-trigger" not in done and f"The board pack of {plan.quarter.key} is ready" in done
    download = client.get(f"/board-pack/jobs/{job_id}/pack.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert f'filename="board-pack-{plan.quarter.key}-' in download["Content-Disposition"]
    path = tmp_path / "pack.pdf"
    path.write_bytes(download.content)
    pages = pages_of(path)
    assert len(pages.pngs) >= 6
    text = " ".join(" ".join(pages.texts).split())
    assert "Installer channel" in text  # the quarter's theme
    assert AuditEntry.objects.filter(kind="export", actor=plan.lead,
                                     what__startswith=f"The board pack of {plan.quarter.key}"
                                     ).exists()

    # Another maker cannot pick up someone else's pack (an admin can).
    assert logged_in(plan.office).get(f"/board-pack/jobs/{job_id}/pack.pdf").status_code == 404
    assert logged_in(plan.admin).get(f"/board-pack/jobs/{job_id}/pack.pdf").status_code == 200
    # Members and viewers do not make board packs.
    assert logged_in(plan.member).get("/board-pack/").status_code == 403
    assert logged_in(plan.viewer).post("/board-pack/", {"cycle": plan.quarter.key}
                                       ).status_code == 403


def test_the_api_returns_the_pdf_to_makers_only(plan):
    client = logged_in(plan.office)
    response = client.get(f"/api/v1/board-pack?cycle={plan.quarter.key}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    # The running quarter by default.
    assert client.get("/api/v1/board-pack").status_code == 200

    missing = client.get("/api/v1/board-pack?cycle=2031-Q9")
    assert missing.status_code == 404
    assert missing.json()["errors"] == [{"field": "cycle", "message": 'no quarter "2031-Q9"'}]
    assert logged_in(plan.member).get("/api/v1/board-pack").status_code == 403
    assert Client().get("/api/v1/board-pack").status_code == 401


def test_the_company_view_links_makers_to_the_board_pack(plan):
    link = f'href="/board-pack/?cycle={plan.quarter.key}"'
    assert link in logged_in(plan.office).get("/company/").content.decode()
    assert link in logged_in(plan.lead).get("/company/").content.decode()
    assert link not in logged_in(plan.member).get("/company/").content.decode()


def test_the_api_makes_one_pack_at_a_time_per_process(plan):
    from hoshin.boardpack import api

    client = logged_in(plan.office)
    with api._one_at_a_time:  # another request is making a pack in this process
        busy = client.get("/api/v1/board-pack")
    assert busy.status_code == 429 and busy["Retry-After"] == "5"
    assert "another board pack is being made" in busy.json()["detail"]
    # Who may not make one is refused before waiting for anyone.
    with api._one_at_a_time:
        assert logged_in(plan.member).get("/api/v1/board-pack").status_code == 403
    assert client.get("/api/v1/board-pack").status_code == 200
