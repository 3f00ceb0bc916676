from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from hoshin.core import clock
from hoshin.core.management.commands._base import (
    HoshinCommand,
    counts_summary,
    error_lines,
    parse_date,
)

DEFAULT_PASSWORD = "hoshin-demo"


# What the plan file does not hold (planning rounds, catchball threads, flags...): each
# app fills in its part of the demo company through its own services.
DEMO_EXTRAS = ["hoshin.planning.demo", "hoshin.catchball.demo", "hoshin.flags.demo",
               "hoshin.pdca.demo", "hoshin.reviews.demo"]


def load_demo_extras(day) -> None:
    from importlib import import_module

    from hoshin.notify.models import OutboxMessage

    for name in DEMO_EXTRAS:
        import_module(name).load_demo(day)
    # Building the demo's history queues notifications (catchball rounds, flags) to
    # fictional people; nobody is there to read them, so they are never sent.
    OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.FAILED, last_error="demo data: not delivered")


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
                            help="replace the plan already in the database")
        parser.add_argument("--if-empty", action="store_true",
                            help="load only into an empty database; otherwise skip quietly "
                                 "(for start-up scripts)")
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not apply pending migrations first")

    def handle(self, *args, people, today, seed, replace, if_empty, no_migrate, **options):
        from hoshin.demo.generate import demo_plan, synthetic_plan
        from hoshin.planfile.importer import PlanFileError, import_plan

        if people is not None and people < 1:
            raise CommandError("people: must be at least 1")
        if replace and if_empty:
            raise CommandError("--replace and --if-empty: choose one")
        day = parse_date(today, "today") if today else clock.today()
        if no_migrate:
            self.require_migrated()
        else:
            call_command("migrate", interactive=False, verbosity=0)

        password = os.environ.get("HOSHIN_PASSWORD") or DEFAULT_PASSWORD
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

        doc = synthetic_plan(people, day, seed) if people else demo_plan(day)
        admin_email = next((p["email"] for p in doc.get("people", [])
                            if p.get("role") == "admin"), None)
        try:
            with transaction.atomic(), self.progress() as report:
                counts = import_plan(doc, replace=replace, progress=report)
                if not people:
                    load_demo_extras(day)
                admin = self.first_admin(admin_email)
                if admin is not None:
                    from hoshin.org.services import set_password

                    set_password(admin, password)
        except PlanFileError as exc:
            # The generator and the importer disagree: a bug, but say exactly where.
            raise CommandError("the demo plan did not import:\n" + error_lines(exc.errors)) \
                from None
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
