"""The worker takes a job somebody is waiting for before background work queued earlier."""

import pytest
from django_tasks_db.models import DBTaskResult

from hoshin.boardpack.tasks import make_board_pack
from hoshin.flags.tasks import judge_checked_in
from hoshin.okrs.models import KeyResult
from hoshin.planfile.tasks import import_markdown_page

pytestmark = pytest.mark.django_db


def test_a_watched_job_goes_before_the_flag_judgements_queued_before_it(plan):
    kr = KeyResult.objects.get(key="KR1")
    for _ in range(3):
        judge_checked_in.enqueue(kr.pk, "2026-11-20")
    page = import_markdown_page.enqueue(plan.office.pk, "# Sales", {}, True)
    judge_checked_in.enqueue(kr.pk, "2026-11-20")
    pack = make_board_pack.enqueue(plan.office.pk, None)
    # What the worker claims next (django_tasks_db's worker: ready().get_locked()),
    # claimed in turn.
    order = []
    while (next_task := DBTaskResult.objects.ready().first()) is not None:
        order.append(str(next_task.pk))
        next_task.claim("test-worker")
    assert order[:2] == [str(page.id), str(pack.id)]
    assert len(order) == 6
