"""A backup restored into an empty database gives back every row and the same pages, from
SQLite or PostgreSQL alike; a database that holds anything is refused."""

from __future__ import annotations

import difflib

import pytest

from hoshin.backup import tables
from hoshin.backup.services import BackupError, restore
from tests.backup.conftest import render_pages, table_counts

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_table_is_backed_up_unless_named_as_left_out():
    from django.apps import apps

    kept = set(map(tables.label, tables.backed_up_models()))
    for model in apps.get_models(include_auto_created=True):
        name = tables.label(model)
        assert (name in kept) != (name in tables.TRANSIENT | tables.REBUILT_BY_MIGRATE), name
    # The execution records, history and people are all in.
    for name in ("catchball.catchball", "catchball.round", "planning.readinesssurvey",
                 "planning.readinessresponse", "planning.alignmentround", "planning.ranking",
                 "planning.alignmentsession", "planning.brief", "reviews.review",
                 "reviews.decision", "reviews.action", "flags.flag", "pdca.countermeasure",
                 "pdca.learning", "closing.grade", "closing.carryover", "closing.quarterclose",
                 "closing.retrospective", "closing.annualdecision", "notify.rhythm",
                 "notify.preference", "org.person", "org.apitoken", "org.person_groups",
                 "okrs.historicalkeyresult", "okrs.historicaltheme_annual_objectives"):
        assert name in kept, name
    # A backed-up row never points at a row left out: its link would dangle after a restore.
    for model in tables.backed_up_models():
        for field in tables.columns(model):
            if field.is_relation and field.related_model is not None:
                assert tables.label(field.related_model) not in tables.TRANSIENT, (model, field)


def test_restore_gives_back_every_row_and_the_same_pages(demo_backup):
    assert demo_backup.counts["reviews.review"] == 13
    assert table_counts() == dict.fromkeys(demo_backup.counts, 0)

    header = restore(demo_backup.path)

    assert header["counts"] == demo_backup.counts
    assert table_counts() == demo_backup.counts
    pages = render_pages()
    for name, before in demo_backup.pages.items():
        diff = "\n".join(difflib.unified_diff(before.splitlines(), pages[name].splitlines(),
                                              lineterm="", n=1))
        assert not diff, f"the {name} page differs after the restore:\n{diff[:3000]}"


def test_links_to_rows_migrate_makes_survive_new_ids(demo_backup):
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group

    from hoshin.org.models import ApiToken, Person

    restore(demo_backup.path)

    admin = Person.objects.get(groups__name="auditors")
    assert list(admin.user_permissions.values_list("codename", flat=True)) == ["change_person"]
    assert Group.objects.get(name="auditors").permissions.get().codename == "view_person"
    entry = LogEntry.objects.get()
    assert entry.get_edited_object() == admin
    assert ApiToken.objects.get(name="backup test").person == admin


def test_new_rows_after_a_restore_get_fresh_ids(demo_backup):
    from hoshin.org import services as org
    from hoshin.org.models import Person, Role

    restore(demo_backup.path)

    newest = Person.objects.order_by("-pk").first().pk
    person = org.create_person(None, email="new@kestrelheat.test", name="New Person",
                               role=Role.MEMBER)
    assert person.pk > newest


def test_a_database_that_holds_anything_is_refused(demo_backup):
    from hoshin.org.models import Person

    Person.objects.create_user(email="first@acme.test", name="First Admin")
    before = table_counts()

    with pytest.raises(BackupError) as error:
        restore(demo_backup.path)

    assert str(error.value).startswith("the database is not empty: it holds 1 person")
    assert "`hoshin migrate`" in str(error.value)
    assert table_counts() == before
