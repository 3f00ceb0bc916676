from __future__ import annotations

import contextlib
import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from hoshin.core import clock, dbstats
from hoshin.core.management.commands._base import (
    HoshinCommand,
    counts_summary,
    error_lines,
    parse_date,
)


# What the plan file does not hold (planning rounds, catchball threads, flags...): each
# app fills in its part of the demo company through its own services.
DEMO_EXTRAS = ["hoshin.planning.demo", "hoshin.catchball.demo", "hoshin.flags.demo",
               "hoshin.pdca.demo", "hoshin.reviews.demo", "hoshin.demo.initiatives",
               "hoshin.portfolio.demo", "hoshin.demo.history", "hoshin.closing.demo",
               "hoshin.analytics.demo"]


def load_demo_extras(day) -> None:
    from importlib import import_module

    from hoshin.notify.models import OutboxMessage

    for name in DEMO_EXTRAS:
        import_module(name).load_demo(day)
    # Building the demo's history queues notifications (catchball rounds, flags) to
    # fictional people; nobody is there to read them, so they are never sent.
    OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.FAILED, last_error="demo data: not delivered")


# How the generators name their organisations and their people (hoshin.demo.company,
# hoshin.demo.synthetic); tests/cli/test_demo.py checks that they still do.
DEMO_ORGANISATION = re.compile(r"Kestrel Heat Pumps Ltd|Synthetic Corp [0-9]+")
DEMO_ADDRESS = r"@(kestrelheat\.test|synth[0-9]+\.test)$"  # SQLite and PostgreSQL alike


def not_a_demo() -> list[str]:
    """What in the database shows that it holds more than a demo organisation: an
    organisation the generators do not name, people whose addresses are not the demo's
    (an admin added with createuser counts: their work may be in the database). Empty
    when the database holds only demos, whose execution records `--replace` may delete."""
    from hoshin.org.models import Organization, Person

    reasons = []
    org = Organization.objects.filter(pk=1).first()
    if org is None or not DEMO_ORGANISATION.fullmatch(org.name):
        reasons.append(f'the organisation is "{org.name}", not a demo' if org is not None
                       else "it holds no organisation")
    others = Person.objects.exclude(email__iregex=DEMO_ADDRESS).order_by("email")
    n = others.count()
    if n:
        shown = ", ".join(others.values_list("email", flat=True)[:3])
        reasons.append(f"{n} {'person is' if n == 1 else 'people are'} not the demo's: "
                       f"{shown}{', ...' if n > 3 else ''}")
    return reasons


def story_start(doc: dict):
    """The first day of the demo document's first quarter (None without quarters)."""
    starts = [c["start"] for c in doc.get("cycles", []) if c.get("kind") == "quarter"]
    return min(starts) if starts else None


def plan_counts() -> dict[str, int]:
    """What of a plan the database already holds. People alone do not count: an operator
    may create an admin before loading anything."""
    from hoshin.okrs.models import Cycle, Objective
    from hoshin.org.models import Unit
    from hoshin.strategy.models import AnnualObjective, Breakthrough

    counts = {
        "units": Unit.objects.count(),
        "breakthroughs": Breakthrough.objects.count(),
        "annual objectives": AnnualObjective.objects.count(),
        "cycles": Cycle.objects.count(),
        "objectives": Objective.objects.count(),
    }
    return {name: n for name, n in counts.items() if n}


class Command(HoshinCommand):
    help = ("Load the demo: a deterministic, realistic fictional company with a full year of "
            "strategy and quarterly OKRs, then print a login. --people N generates a synthetic "
            "organisation of N people with the same shape, for benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, metavar="N",
                            help="a synthetic organisation of N people instead of the demo "
                                 "company")
        parser.add_argument("--today", metavar="YYYY-MM-DD",
                            help="the date the demo is built around (default: today)")
        parser.add_argument("--seed", type=int, default=0,
                            help="random seed for --people (default 0; same seed, same plan)")
        parser.add_argument("--replace", action="store_true",
                            help="replace the plan already in the database; a demo's own "
                                 "execution records (reviews, catchball threads, flags...) go "
                                 "with it, another organisation's only with --force")
        parser.add_argument("--force", action="store_true",
                            help="with --replace, when the database holds more than a demo: "
                                 "also delete the execution records that hang on the old plan, "
                                 "which a plan file does not carry; run `hoshin backup` first")
        parser.add_argument("--if-empty", action="store_true",
                            help="load only into an empty database; otherwise skip quietly "
                                 "(for start-up scripts)")
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not apply pending migrations first")

    def handle(self, *args, people, today, seed, replace, if_empty, no_migrate, force=False,
               **options):
        from hoshin.demo.generate import demo_plan, synthetic_plan
        from hoshin.planfile.importer import PlanFileError, import_plan

        if people is not None and people < 1:
            raise CommandError("people: must be at least 1")
        if replace and if_empty:
            raise CommandError("--replace and --if-empty: choose one")
        if force and not replace:
            raise CommandError("--force only goes with --replace")
        day = parse_date(today, "today") if today else clock.today()
        if no_migrate:
            self.require_migrated()
        else:
            call_command("migrate", interactive=False, verbosity=0)

        from hoshin.org.services import demo_password

        password = demo_password()
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("HOSHIN_PASSWORD: " + " ".join(exc.messages)) from None
        existing = plan_counts()
        if existing and not replace:
            held = ", ".join(f"{n} {name}" for name, n in existing.items())
            if if_empty:
                self.stdout.write(f"The database already holds a plan ({held}); "
                                  "not loading the demo.")
                self.print_login(self.first_admin(None), password, loaded=False)
                return
            raise CommandError(f"the database already holds a plan ({held}); nothing was "
                               'changed. Use "hoshin demo --replace" to replace it with the '
                               'demo, or "hoshin demo --if-empty" to keep it.')

        # Replacing a demo throws its execution records away with it (that is what the
        # demo is for); those of a database that holds more than a demo need --force, as
        # with `hoshin import --replace`.
        not_demo = not_a_demo() if replace else []
        force = force or (replace and not not_demo)

        doc = synthetic_plan(people, day, seed) if people else demo_plan(day)
        # The demo company's plan was set when its story starts (its first quarter), so its
        # history says so: the plan as it stood on any day of the story (export --as-of,
        # ?as_of=, the alignment map's date picker) is there on a fresh demo. Only into a
        # database without a plan: a replaced plan's deletion must not be dated before the
        # changes made to it.
        set_at = None if people or existing else story_start(doc)
        admin_email = next((p["email"] for p in doc.get("people", [])
                            if p.get("role") == "admin"), None)
        try:
            with transaction.atomic(), self.progress() as report:
                with clock.at(set_at) if set_at else contextlib.nullcontext():
                    counts = import_plan(doc, replace=replace, force=force, progress=report)
                if not people:
                    load_demo_extras(day)
                admin = self.first_admin(admin_email)
                # Everyone in the demo logs in with the same password, so a visitor can
                # try the tool as a unit lead, a key-result owner or a viewer too.
                from hoshin.org.services import set_demo_mode, set_shared_password

                set_shared_password([p["email"] for p in doc.get("people", [])], password)
                # ...and the login page offers them by role, one click each.
                set_demo_mode(None, True)
        except PlanFileError as exc:
            if exc.errors and exc.errors[0].startswith("replacing the plan would delete"):
                raise CommandError(f"the database holds more than a demo organisation "
                                   f"({'; '.join(not_demo)}): {exc.errors[0]}") from None
            # The generator and the importer disagree: a bug, but say exactly where.
            raise CommandError("the demo plan did not import:\n" + error_lines(exc.errors)) \
                from None
        # The query planner's statistics for the tables just filled (hoshin/core/dbstats).
        dbstats.gather()
        name = (doc.get("organization") or {}).get("name", "the demo organisation")
        self.stdout.write(self.style.SUCCESS(f"Loaded {name}: {counts_summary(counts)}."))
        self.print_login(admin, password, loaded=True)

    def first_admin(self, email: str | None):
        from hoshin.org.models import Person, Role

        admins = Person.objects.filter(role=Role.ADMIN, is_active=True)
        if email:
            found = admins.filter(email__iexact=email).first()
            if found is not None:
                return found
        return admins.order_by("date_joined", "pk").first()

    def print_login(self, admin, password: str, *, loaded: bool) -> None:
        if admin is None:
            self.stdout.write('No admin to log in as; add one with "hoshin createuser".')
            return
        if not loaded:
            password = f"{password} (unless it was changed since)"
        self.stdout.write(f"Log in at {settings.BASE_URL}/")
        self.stdout.write(f"  email:    {admin.email}")
        self.stdout.write(f"  password: {password}")
        if loaded:
            self.stdout.write("  (every person in the demo logs in with this password)")
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"Mail (no HOSHIN_EMAIL_HOST set) is written to files in "
                              f"{settings.EMAIL_FILE_PATH}/")
