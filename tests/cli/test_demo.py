import datetime as dt

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
    # Not only the admin: one person of each role can try the tool with the same password.
    assert "every person in the demo logs in with this password" in result.out
    for role in Person.objects.values_list("role", flat=True).distinct():
        someone = Person.objects.filter(role=role, is_active=True).first()
        assert authenticate(username=someone.email, password="hoshin-demo") == someone, role
    assert authenticate(username=someone.email, password="not-the-password") is None


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


# --- replacing: a demo's execution records go with it, another organisation's need --force


def counts_of(*models) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


def test_demo_replace_over_the_demo_throws_the_old_demo_away(db, run):
    from hoshin.catchball.models import Catchball, PlanningDeadline
    from hoshin.flags.models import Flag
    from hoshin.reviews.models import Review

    run("demo", "--today", "2026-08-14")
    with pytest.raises(CommandError, match="already holds a plan"):
        run("demo", "--today", TODAY)
    assert counts_of(Catchball, Review) == (5, 13)

    # The old demo's catchball threads, reviews and flags hang on its plan: they go, and
    # the new demo brings its own, dated around the new day.
    result = run("demo", "--today", TODAY, "--replace")

    assert result.out.startswith("Loaded Kestrel Heat Pumps Ltd: 150 people")
    assert counts_of(Catchball, Review) == (5, 13) and Flag.objects.exists()
    assert list(PlanningDeadline.objects.values_list("due", flat=True)) == [
        dt.date(2026, 11, 27), dt.date(2026, 12, 11)]


def planning_deadline() -> None:
    from hoshin.catchball import services
    from hoshin.okrs.models import Cycle

    year = Cycle.objects.filter(kind="year").order_by("start").first()
    services.set_deadline(None, cycle=year.key, what="catchball_response", due=year.end)


def test_demo_replace_refuses_to_delete_another_organisations_records(plan, run):
    from hoshin.catchball.models import PlanningDeadline

    planning_deadline()
    before = counts_of(Person, Objective, KeyResult, CheckIn, PlanningDeadline)

    with pytest.raises(CommandError) as error:
        run("demo", "--people", "30", "--today", TODAY, "--replace")

    message = str(error.value)
    assert message.startswith("the database holds more than a demo organisation "
                              '(the organisation is "Acme Inc.", not a demo; 6 people are '
                              "not the demo's: admin@acme.test, lead@acme.test, "
                              "member@acme.test, ...): replacing the plan would delete "
                              "1 planning deadline, which a plan file does not carry; "
                              "nothing was changed.")
    assert message.endswith("Run `hoshin backup` first, then add --force")
    assert counts_of(Person, Objective, KeyResult, CheckIn, PlanningDeadline) == before

    with pytest.raises(CommandError, match="--force only goes with --replace"):
        run("demo", "--people", "30", "--today", TODAY, "--force")

    run("demo", "--people", "30", "--today", TODAY, "--replace", "--force")
    assert not PlanningDeadline.objects.exists()
    assert Person.objects.filter(email__endswith="@synth0.test").exists()


def test_a_person_added_to_the_demo_makes_replacing_it_need_force(db, run, monkeypatch):
    from hoshin.catchball.models import PlanningDeadline

    run("demo", "--people", "30", "--today", TODAY, "--seed", "1")
    monkeypatch.setenv("HOSHIN_PASSWORD", "correct-horse-battery-staple")
    run("createuser", "ops@example.com", "--name", "Ops", "--role", "admin")
    planning_deadline()

    with pytest.raises(CommandError, match=r"^the database holds more than a demo "
                       r"organisation \(1 person is not the demo's: ops@example.com\): "
                       r"replacing the plan would delete 1 planning deadline, "):
        run("demo", "--people", "30", "--today", TODAY, "--seed", "2", "--replace")
    assert PlanningDeadline.objects.exists()


def test_the_generators_name_their_organisations_and_people_as_the_demo_command_knows():
    import re

    from hoshin.demo.company import demo_plan
    from hoshin.demo.management.commands.demo import DEMO_ADDRESS, DEMO_ORGANISATION
    from hoshin.demo.synthetic import synthetic_plan

    day = dt.date(2026, 11, 20)
    for doc in (demo_plan(day), synthetic_plan(40, day, 0), synthetic_plan(40, day, 17)):
        assert DEMO_ORGANISATION.fullmatch(doc["organization"]["name"])
        assert all(re.search(DEMO_ADDRESS, p["email"]) for p in doc["people"])
