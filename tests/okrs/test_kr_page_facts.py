"""The key result page's first line says what the key result asks in words: a range kind
reads "Stay at or below 2.5 %", not "Stay below from 1.5 to 2.5 %"."""

import pytest
from django.test import Client

from hoshin.okrs import services as okrs
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "words"), [("stay_below", "Stay at or below 2.5 %"),
                                             ("stay_above", "Stay at or above 2.5 %")])
def test_a_range_key_result_reads_as_the_limit_to_keep(plan, kind, words):
    okrs.save_key_result(None, key="KR9", objective="O1",
                         title="Failed collections", owner="member@acme.test", kind=kind,
                         baseline=1.5, target=2.5, unit="%")
    client = Client()
    client.login(email="member@acme.test", password=PASSWORD)
    html = client.get("/key-results/KR9/").content.decode()
    facts = html[html.index('<p class="kr-facts">'):]
    facts = facts[:facts.index("</p>")]
    assert words in facts and "(baseline 1.5)" in facts and " from " not in facts


def test_an_increase_still_reads_from_baseline_to_target(plan):
    client = Client()
    client.login(email="member@acme.test", password=PASSWORD)
    html = client.get(f"/key-results/{plan.kr_sales.key}/").content.decode()
    facts = html[html.index('<p class="kr-facts">'):]
    assert facts.index("Increase from ") < facts.index("</p>")
