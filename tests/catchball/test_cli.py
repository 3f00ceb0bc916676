"""`hoshin catchball`: the inbox, the overview and a whole exchange from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from hoshin.catchball.models import Catchball
from hoshin.okrs.models import KeyResult

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("catchball", *args, stdout=out)
    return out.getvalue()


def test_exchange_from_the_command_line(plan):
    out = run("propose", "KR1", "ops", "--as", "lead@acme.test", "--target", "40",
              "--today", "2026-03-02", "--comment", "Help us install faster?")
    thread = Catchball.objects.get()
    assert f"as thread #{thread.pk}" in out
    out = run("list", "--as", "opslead@acme.test", "--today", "2026-03-02")
    assert f'#{thread.pk} KR1 "Installer-sold units from 20% to 35%" → ops' in out
    assert "Awaiting your answer (1)" in out
    out = run("respond", str(thread.pk), "--as", "opslead@acme.test", "--target", "36",
              "--needs-people", "2 fitters", "--help-from", "sales")
    assert "target 36" in out
    out = run("list", "--today", "2099-01-01")  # the overview, as the operator
    assert "Operations (ops): 1 open, 0 not answered, 1 overdue" in out
    out = run("accept", str(thread.pk), "--as", "lead@acme.test")
    assert "Agreed: KR1" in out and "target 36" in out
    assert KeyResult.objects.get(key="KR1").target == 36
    out = run("show", str(thread.pk))
    assert "target: 40 → 36" in out and "needs people: 2 fitters" in out


def test_errors_are_messages(plan):
    with pytest.raises(CommandError, match='unknown unit "mars"'):
        run("propose", "P1", "mars", "--as", "office@acme.test")
    with pytest.raises(CommandError, match="not allowed to propose"):
        run("propose", "P1", "sales", "--as", "member@acme.test")
    with pytest.raises(CommandError, match="unknown catchball thread"):
        run("accept", "999")
