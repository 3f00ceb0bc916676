from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import CommandError
from django.db import transaction

from hoshin.core.management.commands._base import HoshinCommand

ROLES = "admin, strategy_office, unit_lead, member, viewer"


class Command(HoshinCommand):
    help = ("Add a person who can log in. The password comes from the HOSHIN_PASSWORD "
            "environment variable, else it is asked for twice.")

    def add_arguments(self, parser):
        parser.add_argument("email", metavar="EMAIL", help="their email, also their login")
        parser.add_argument("--name", required=True, help="full name")
        parser.add_argument("--role", required=True, help=f"one of {ROLES}")
        parser.add_argument("--unit", dest="units", action="append", default=[],
                            metavar="UNIT_ID",
                            help="a unit they belong to (repeat for several); with "
                                 "--role unit_lead they also become its lead")

    def handle(self, *args, email, name, role, units, **options):
        from hoshin.org import services

        self.require_migrated()
        password = self.password()
        with transaction.atomic():
            person = services.create_person(None, email=email, name=name, role=role,
                                            password=password, units=units)
            if role == "unit_lead":
                for key in units:
                    services.update_unit(None, services.get_unit(key), lead=person.email)
        led = f", lead of {', '.join(units)}" if role == "unit_lead" and units else ""
        self.stdout.write(f"Created {person.name} <{person.email}> as {person.role}{led}.")

    def password(self) -> str:
        if password := os.environ.get("HOSHIN_PASSWORD"):
            return password
        if not sys.stdin.isatty():
            raise CommandError("password: set HOSHIN_PASSWORD, or run this in a terminal "
                               "to be asked for one")
        first = getpass.getpass("Password: ")
        if not first:
            raise CommandError("password: must not be empty")
        if getpass.getpass("Password (again): ") != first:
            raise CommandError("password: the two passwords do not match")
        return first
