"""Above the Flags page's page of rows, its count is still every open flag: the same total
the X-matrix's flag box shows, and the rows of all its pages add up to it (issue #11)."""

import datetime as dt
import re

import pytest

from hoshin.flags.models import LABELS, Flag
from hoshin.flags.views import PER_PAGE
from hoshin.okrs.models import KeyResult
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def many_flags(plan, key_results: int) -> int:
    """`key_results` more key results under O1, each with every kind of flag open (one
    open flag per key result and code is the most there can be), written in bulk."""
    KeyResult.objects.bulk_create(
        KeyResult(key=f"BULK{i:04d}", objective=plan.objective, title=f"Bulk key result {i}",
                  owner=plan.member, baseline=0, target=100)
        for i in range(key_results))
    today = dt.date.today()
    Flag.objects.bulk_create(
        Flag(key_result=kr, code=code, message=f"{LABELS[code]}.", raised_on=today)
        for kr in KeyResult.objects.filter(key__startswith="BULK") for code in LABELS)
    return Flag.objects.filter(cleared_on__isnull=True).count()


def rows_on(html: str) -> int:
    return len(re.findall(r'<span class="flag flag-', html))


def test_the_flags_page_and_the_x_matrix_count_every_open_flag_beyond_two_thousand(
        client, plan):
    total = many_flags(plan, 345)  # 6 kinds x 345 = 2,070 open flags
    assert total > 2000
    assert client.login(username="viewer@acme.test", password=PASSWORD)

    flags_page = client.get("/flags/")
    html = flags_page.content.decode()
    assert flags_page.context["count"] == total
    assert f"{total} open flags." in html
    assert rows_on(html) == PER_PAGE < total  # a page of rows, not all 2,070 at once
    assert f"Showing 1–{PER_PAGE}" in html

    matrix = client.get("/strategy/x-matrix/").content.decode()
    box = matrix[matrix.index('id="xm-flags-h"'):]
    assert f"{total} open flags</strong>" in box and f"Flags page ({total})" in box

    # Every flag is on one of the pages, once.
    shown, url, pages = 0, "/flags/", 0
    while url:
        response = client.get(url)
        shown += rows_on(response.content.decode())
        pages += 1
        url = response.context["next_url"] and "/flags/" + response.context["next_url"]
    assert shown == total and pages == -(-total // PER_PAGE)


def test_a_filtered_count_is_the_whole_filtered_total_too(client, plan):
    many_flags(plan, 345)
    assert client.login(username="viewer@acme.test", password=PASSWORD)
    silent = Flag.objects.filter(cleared_on__isnull=True, code="silent").count()
    page = client.get("/flags/", {"code": "silent", "page": 1})
    assert page.context["count"] == silent and silent > 300
    matrix = client.get("/strategy/x-matrix/").content.decode()
    assert re.search(rf'\?code=silent">Silent <strong>{silent}</strong>', matrix)
    # The next page keeps the filter.
    assert page.context["next_url"] is None or "code=silent" in page.context["next_url"]
