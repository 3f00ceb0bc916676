import pytest
from django.contrib.auth import authenticate
from django.core.management.base import CommandError

from hoshin.okrs.models import CheckIn, KeyResult, Objective
from hoshin.org.models import Person

TODAY = "2026-11-20"


def login_email(out: str) -> str:
    return next(line.split()[-1] for line in out.splitlines() if line.strip().startswith("email:"))


def test_demo_of_a_synthetic_organisation_loads_and_prints_a_login(db, run, monkeypatch):
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)

    result = run("demo", "--people", "60", "--today", TODAY)

    assert Person.objects.count() >= 60
    assert Objective.objects.exists() and KeyResult.objects.exists()
    assert CheckIn.objects.exists()
    assert "Log in at http://127.0.0.1:8000/" in result.out
    assert "password: hoshin-demo" in result.out
    admin = authenticate(username=login_email(result.out), password="hoshin-demo")
    assert admin is not None and admin.role == "admin"


def test_demo_refuses_a_loaded_database_unless_told(db, run, monkeypatch):
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    run("demo", "--people", "30", "--today", TODAY, "--seed", "1")
    before = (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count())

    with pytest.raises(CommandError, match="already holds a plan"):
        run("demo", "--people", "30", "--today", TODAY, "--seed", "2")
    assert (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count()) == before

    skipped = run("demo", "--if-empty", "--today", TODAY)
    assert "not loading the demo" in skipped.out
    assert "Log in at" in skipped.out
    assert (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count()) == before


def test_demo_replace_with_a_chosen_password(db, run, monkeypatch):
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    run("demo", "--people", "30", "--today", TODAY, "--seed", "1")
    monkeypatch.setenv("HOSHIN_PASSWORD", "our-own-demo-secret")

    result = run("demo", "--people", "30", "--today", TODAY, "--seed", "2", "--replace")

    assert "password: our-own-demo-secret" in result.out
    assert authenticate(username=login_email(result.out), password="our-own-demo-secret")
    # People are kept and updated by email; the plan itself is the new one.
    assert Person.objects.filter(email__endswith="@synth2.test").exists()


def test_demo_rejects_a_weak_password_before_loading(db, run, monkeypatch):
    monkeypatch.setenv("HOSHIN_PASSWORD", "abc")

    with pytest.raises(CommandError, match="HOSHIN_PASSWORD: This password is too short"):
        run("demo", "--people", "30", "--today", TODAY)
    assert not Objective.objects.exists()


def test_the_demo_sends_nothing_to_its_fictional_people(db, run):
    from hoshin.notify.models import OutboxMessage

    run("demo", "--today", TODAY)
    assert OutboxMessage.objects.exists()  # the demo's history did notify people
    assert not OutboxMessage.objects.filter(state="pending").exists()
