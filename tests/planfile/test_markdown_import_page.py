"""The web page of the Markdown import: a preview or an import is queued for the worker
and the page follows it (issue #13: an 818 KB page held a request, and SQLite's write
lock, for about 110 s)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from hoshin.org.models import Person
from hoshin.planfile.api import MARKDOWN_LIMIT
from tests.planfile.test_markdown_import import fixture, imported_objectives, second_root

# The worker closes and reopens its database connection between tasks, as in production,
# so these tests commit for real instead of running in one transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("worker", "--batch", verbosity=0)


def office_client(plan) -> Client:
    client = Client()
    client.force_login(plan.office)
    return client


def submit(client: Client, form: dict) -> tuple[str, str]:
    """Post the form; returns the job's page (as the browser lands on it, before the worker
    ran) and its status fragment once the worker has run."""
    posted = client.post("/import/markdown/", form)
    assert posted.status_code == 302, posted.content[:500]
    waiting = client.get(posted.url).content.decode()
    run_worker()
    job_id = posted.url.split("job=")[1]
    done = client.get(f"/import/markdown/jobs/{job_id}/")
    assert done.status_code == 200
    return waiting, done.content.decode()


def test_web_page_previews_then_imports_through_the_worker(plan):
    client = office_client(plan)
    page = client.get("/import/markdown/")
    assert page.status_code == 200
    assert b'<label for="id_markdown">Markdown page</label>' in page.content
    form = {"markdown": fixture("gitlab-engineering-fy24-q2.md"), "cycle": plan.quarter.key,
            "unit": "ops", "email_domain": "acme.test"}

    waiting, preview = submit(client, {**form, "action": "preview"})
    # Until the worker has run, the page says so and polls for the job's status.
    assert "Waiting for the worker" in waiting and 'hx-trigger="every 1s"' in waiting
    # The page it was given stays in the box, so "Import" sends what was previewed.
    assert "Reducing churn and contraction" in waiting
    assert "Preview: what an import into" in preview and "hx-trigger" not in preview
    assert "Reducing churn and contraction" in preview
    assert imported_objectives(plan).count() == 0

    _, done = submit(client, {**form, "action": "import"})
    assert "Imported into" in done
    assert imported_objectives(plan).count() == 5
    key = imported_objectives(plan).get(title="Reducing churn and contraction").key
    assert f'href="/objectives/{key}/"' in done


def test_web_page_shows_errors_and_is_for_the_strategy_office_only(plan):
    second_root()
    client = office_client(plan)
    response = client.post("/import/markdown/", {"markdown": "", "cycle": plan.quarter.key,
                                                 "email_domain": "x.test", "action": "import"})
    assert response.status_code == 400
    assert b"paste a page or choose a file" in response.content
    _, done = submit(client, {"markdown": fixture("gitlab-engineering-fy24-q2.md"),
                              "cycle": plan.quarter.key, "email_domain": "x.test",
                              "action": "import"})
    assert "Nothing was imported: 5 errors" in done
    member = Client()
    member.force_login(plan.member)
    assert member.get("/import/markdown/").status_code == 403
    assert member.post("/import/markdown/", {"markdown": "x"}).status_code == 403


def test_a_job_is_shown_only_to_whoever_started_it(plan):
    from tests.factories import person

    client = office_client(plan)
    posted = client.post("/import/markdown/", {
        "markdown": fixture("sourcegraph-cy19-q4.md"), "cycle": plan.quarter.key,
        "unit": "sales", "email_domain": "x.test", "action": "preview"})
    job_id = posted.url.split("job=")[1]
    other = Client()
    other.force_login(person("office2@acme.test", "strategy_office", "Otto Office"))

    assert other.get(f"/import/markdown/jobs/{job_id}/").status_code == 404
    assert "Distribution" not in other.get(posted.url).content.decode()
    assert client.get("/import/markdown/jobs/not-a-job/").status_code == 404


def test_an_uploaded_file_has_the_text_boxs_character_limit(plan):
    client = office_client(plan)
    # Under the byte limit (4 bytes a character) but over the character limit.
    text = "1. **Sales: Grow**\n" + "x" * MARKDOWN_LIMIT
    response = client.post("/import/markdown/", {
        "file": SimpleUploadedFile("page.md", text.encode()), "cycle": plan.quarter.key,
        "email_domain": "x.test", "action": "preview"})

    assert response.status_code == 400
    assert f"a page may have at most {MARKDOWN_LIMIT:,}" in response.content.decode()


def test_web_preview_and_import_name_people_never_by_address(plan):
    """Key results' owners and the people an import would create are shown by name with
    their initials (issue #11); the addresses stay in the report the API returns."""
    from tests.links import parse

    client = office_client(plan)
    form = {"markdown": fixture("sourcegraph-cy19-q4.md"), "cycle": plan.quarter.key,
            "unit": "sales", "email_domain": "sourcegraph.test"}
    _, preview = submit(client, {**form, "action": "preview"})
    page = parse(preview)
    assert "Preview: what an import into" in preview
    assert page.emails() == [], page.emails()[:3]
    new = preview[preview.index('id="new-h"'):]
    # A person the preview would create exists nowhere yet: a name, initials, no link.
    assert '<span class="person"><span class="person-avatar' in new
    assert '<span class="person-name">Distribution</span>' in new
    assert not any(link.path.startswith("/people/") for link in parse(new).links)
    _, done = submit(client, {**form, "action": "import"})
    assert parse(done).emails() == []
    distribution = Person.objects.get(email="distribution@sourcegraph.test")
    assert parse(done).links_to(distribution.get_absolute_url(), "Distribution")
