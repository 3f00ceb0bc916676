import io
import sys

import pytest
from django.contrib.auth import authenticate
from django.core.management.base import CommandError

from hoshin.org.models import Person, Unit
from hoshin.org.services import authenticate_token

PASSWORD = "a-long-enough-secret-42"


def test_createuser_takes_the_password_from_the_environment(db, run, monkeypatch):
    monkeypatch.setenv("HOSHIN_PASSWORD", PASSWORD)

    result = run("createuser", "Ana@Example.com", "--name", "Ana Silva", "--role", "admin")

    assert "Ana Silva <ana@example.com>" in result.out
    person = authenticate(username="ana@example.com", password=PASSWORD)
    assert person is not None and person.role == "admin"


def test_createuser_unit_lead_leads_the_units_given(plan, run, monkeypatch):
    monkeypatch.setenv("HOSHIN_PASSWORD", PASSWORD)

    run("createuser", "raj@acme.test", "--name", "Raj Patel", "--role", "unit_lead",
        "--unit", "ops")

    ops = Unit.objects.get(key="ops")
    assert ops.lead.email == "raj@acme.test"
    assert ops.members.filter(email="raj@acme.test").exists()


def test_createuser_names_each_bad_field_and_creates_nobody(db, run, monkeypatch):
    monkeypatch.setenv("HOSHIN_PASSWORD", PASSWORD)

    with pytest.raises(CommandError) as error:
        run("createuser", "not-an-email", "--name", "X", "--role", "boss", "--unit", "nowhere")

    message = str(error.value)
    assert 'email: "not-an-email" is not a valid email address' in message
    assert 'role: unknown role "boss"' in message
    assert 'units[0]: unknown unit "nowhere"' in message
    assert not Person.objects.exists()


def test_createuser_refuses_a_duplicate_email(plan, run, monkeypatch):
    monkeypatch.setenv("HOSHIN_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="email: a person with email"):
        run("createuser", "lead@acme.test", "--name", "Again", "--role", "member")


def test_createuser_refuses_a_weak_password(db, run, monkeypatch):
    monkeypatch.setenv("HOSHIN_PASSWORD", "short")

    with pytest.raises(CommandError, match="password: This password is too short"):
        run("createuser", "ana@example.com", "--name", "Ana", "--role", "member")
    assert not Person.objects.exists()


def test_createuser_without_password_or_terminal_is_an_error(db, run, monkeypatch):
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="HOSHIN_PASSWORD"):
        run("createuser", "ana@example.com", "--name", "Ana", "--role", "member")
    assert not Person.objects.exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_createuser_prompts_twice_and_needs_the_same_password(db, run, monkeypatch):
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", Terminal())
    answers = iter([PASSWORD, PASSWORD + "typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="do not match"):
        run("createuser", "ana@example.com", "--name", "Ana", "--role", "member")
    assert not Person.objects.exists()

    answers = iter([PASSWORD, PASSWORD])
    run("createuser", "ana@example.com", "--name", "Ana", "--role", "member")
    assert authenticate(username="ana@example.com", password=PASSWORD) is not None


def test_token_prints_only_a_token_that_authenticates(plan, run):
    result = run("token", "member@acme.test", "--name", "CI")

    lines = result.out.splitlines()
    assert len(lines) == 1
    assert authenticate_token(lines[0]) == plan.member
    assert plan.member.api_tokens.get().name == "CI"


def test_token_for_an_unknown_person(plan, run):
    with pytest.raises(CommandError, match='email: unknown person "nobody@acme.test"'):
        run("token", "nobody@acme.test")
