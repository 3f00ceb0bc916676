"""The demo organisation, with some of everything, as it looked and counted before a backup;
the backup file; and the empty database a new install has, for the tests to restore into."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

TODAY = dt.date(2026, 11, 20)


@dataclass
class DemoBackup:
    path: Path
    counts: dict[str, int]
    pages: dict[str, str]


def table_counts() -> dict[str, int]:
    """Rows in every table the backup holds."""
    from hoshin.backup import tables

    return {tables.label(model): model._base_manager.count()
            for model in tables.backed_up_models()}


def add_some_of_everything() -> None:
    """What the demo does not make: grades, a retrospective, an API token, a group with a
    permission, an admin log entry (the last three point at rows `migrate` makes itself)."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from hoshin.closing import services as closing
    from hoshin.core import clock
    from hoshin.okrs.models import Cycle, KeyResult
    from hoshin.org import services as org
    from hoshin.org.models import Person, Role, Unit

    admin = Person.objects.filter(role=Role.ADMIN).order_by("pk").first()
    with clock.at(TODAY):
        quarter = Cycle.objects.get(key="2026-Q4")
        suggested = closing.suggestions(quarter)
        for kr in KeyResult.objects.filter(objective__cycle=quarter).order_by("pk")[:3]:
            closing.grade_key_result(None, kr, grade=suggested.get(kr.pk, 0.0))
        closing.write_retrospective(None, quarter, Unit.objects.get(key="sales"),
                                    worked="Installer training", did_not_work="Lead times")
        org.create_token(None, admin, name="backup test")
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_person"))
    admin.groups.add(auditors)
    admin.user_permissions.add(Permission.objects.get(codename="change_person"))
    LogEntry.objects.create(user=admin, content_type=ContentType.objects.get_for_model(Person),
                            object_id=str(admin.pk), object_repr=str(admin),
                            action_flag=CHANGE, change_message="[]")


def page_addresses() -> dict[str, tuple[str, str]]:
    """name → (who looks, address): home as a member with key results, the others as an
    admin, who sees everything."""
    from hoshin.okrs.models import KeyResult
    from hoshin.org.models import Person, Role
    from hoshin.reviews.models import Review

    member = (KeyResult.objects.filter(owner__role=Role.MEMBER, objective__cycle__key="2026-Q4")
              .order_by("pk").first().owner.email)
    admin = Person.objects.filter(role=Role.ADMIN).order_by("pk").first().email
    review = Review.objects.order_by("pk").first()
    return {
        "home": (member, "/"),
        "strategy": (admin, "/strategy/"),
        "unit": (admin, "/units/sales/"),
        "review": (admin, f"/reviews/{review.pk}/"),
        "close": (admin, "/closing/2026-Q4/"),
        "closed quarter": (admin, "/closing/2026-Q3/"),
    }


# Each request gets a fresh CSRF token and Content Security Policy nonce; nothing else on
# a page may differ.
_CSRF = re.compile(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": ?|csrf-token" content=|'
                   r'nonce=)"[^"]*"')


def render_pages() -> dict[str, str]:
    from hoshin.core import clock
    from hoshin.org.models import Person

    pages = {}
    with clock.at(TODAY):
        for name, (email, address) in page_addresses().items():
            client = Client()
            client.force_login(Person.objects.get(email=email))
            response = client.get(address)
            assert response.status_code == 200, (name, address, response.status_code)
            pages[name] = _CSRF.sub(r'\1"…"', response.content.decode())
    return pages


def empty_database() -> None:
    """What `migrate` leaves in a new database: no rows but content types and permissions,
    made afresh (so with other ids than before)."""
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def demo_backup(django_db_setup, django_db_blocker, tmp_path_factory) -> DemoBackup:
    """The demo with some of everything, backed up; the database is left empty."""
    from hoshin.backup.services import write_backup

    path = tmp_path_factory.mktemp("backup") / "demo.json.gz"
    with django_db_blocker.unblock():
        try:
            call_command("demo", "--today", TODAY.isoformat(), stdout=_Null(), stderr=_Null())
            add_some_of_everything()
            counts = table_counts()
            write_backup(path)
            pages = render_pages()
        finally:
            empty_database()
    return DemoBackup(path, counts, pages)


@dataclass
class Result:
    out: str
    err: str


@pytest.fixture
def run():
    """Run a hoshin verb in-process; returns its stdout and stderr."""
    import io

    def run(*args, **options) -> Result:
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, stdout=out, stderr=err, **options)
        return Result(out.getvalue(), err.getvalue())

    return run


class _Null:
    def write(self, text):
        pass

    def flush(self):
        pass
