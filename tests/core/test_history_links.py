"""History rows carry the pages of who made a change and of the item changed, so every
history list can link them (issue #11, item 3); building them costs no extra query."""

import pytest
from django.urls import reverse

from hoshin.core.history_view import history_rows
from hoshin.okrs import services
from hoshin.okrs.models import KeyResult, Objective
from tests.links import parse

pytestmark = pytest.mark.django_db


def test_rows_know_the_pages_of_the_person_and_the_item(plan, django_assert_max_num_queries):
    services.save_key_result(plan.lead, plan.kr_sales, target=40, reason="board")
    records = list(KeyResult.history.filter(id=plan.kr_sales.pk))
    with django_assert_max_num_queries(2):  # the previous records' lookup and the people
        changed, created = history_rows(records)
    assert changed.who == plan.lead.name
    assert changed.who_url == reverse("okrs:person", args=[plan.lead.pk])
    assert changed.url == reverse("okrs:key_result", args=["KR1"])
    assert created.who == "System" and created.who_url == ""


def test_the_objective_pages_history_links_each_item_and_person(client, plan):
    services.save_key_result(plan.lead, plan.kr_sales, target=40, reason="board")
    services.save_objective(plan.lead, Objective.objects.get(key="O1"), title="Installers first")
    client.force_login(plan.viewer)
    html = client.get(reverse("okrs:objective", args=["O1"])).content.decode()
    history = parse(html[html.index('id="history"'):])
    assert history.links_to("/key-results/KR1/", "Installer-sold units from 20% to 35%")
    assert history.links_to("/objectives/O1/", "Installers first")
    assert history.links_to(f"/people/{plan.lead.pk}/", "Lea Lead")
    assert history.emails() == []
