import re

import pytest
from django.core.management.base import CommandError

from hoshin.okrs.models import CheckIn

STATUS_LINE = re.compile(r"^status: (on track|at risk|off track|no data)$", re.M)


def test_checkin_records_and_prints_progress_and_status(plan, run):
    result = run("checkin", "KR1", "--value", "30", "--confidence", "8", "--note", "good week",
                 "--blockers", "installer training slots")

    checkin = CheckIn.objects.get(key_result=plan.kr_sales)
    assert (checkin.value, checkin.confidence, checkin.note) == (30, 8, "good week")
    assert checkin.blockers == "installer training slots"
    assert checkin.author is None  # the operator
    # (30 - 20) / (35 - 20)
    assert "progress: 67%" in result.out
    assert STATUS_LINE.search(result.out)


def test_checkin_of_milestone_steps(plan, run):
    result = run("checkin", "KR2", "--done", "S1,S2", "--confidence", "6")

    assert CheckIn.objects.get(key_result=plan.kr_milestone).steps_done == ["S1", "S2"]
    assert "progress: 50%" in result.out


def test_checkin_as_a_person_uses_their_permissions(plan, run):
    run("checkin", "KR1", "--value", "22", "--confidence", "7", "--as", "member@acme.test")
    assert CheckIn.objects.get().author == plan.member

    with pytest.raises(CommandError, match='check in on key result "KR1"'):
        run("checkin", "KR1", "--value", "23", "--confidence", "7", "--as", "viewer@acme.test")
    assert CheckIn.objects.count() == 1


def test_checkin_bad_input_names_each_field_and_stores_nothing(plan, run):
    with pytest.raises(CommandError) as error:
        run("checkin", "KR1", "--confidence", "11")

    lines = str(error.value).splitlines()
    assert "confidence: must be between 0 and 10" in lines
    assert "value: a number is required" in lines
    assert not CheckIn.objects.exists()


def test_checkin_names_the_done_option_for_unknown_steps(plan, run):
    with pytest.raises(CommandError, match=r"^done: unknown step S9"):
        run("checkin", "KR2", "--done", "S9", "--confidence", "5")


def test_checkin_bad_date_and_unknown_key_result(plan, run):
    with pytest.raises(CommandError, match='date: "yesterday" is not a date'):
        run("checkin", "KR1", "--value", "25", "--date", "yesterday")
    with pytest.raises(CommandError, match='key_result: unknown key result "KR99"'):
        run("checkin", "KR99", "--value", "25")
    assert not CheckIn.objects.exists()
