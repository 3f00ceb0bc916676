from __future__ import annotations

from hoshin.core.management.commands._base import HoshinCommand


class Command(HoshinCommand):
    help = ("Create an API token for a person and print it, and nothing else, so it can be "
            "captured: TOKEN=$(hoshin token ana@example.com). Only its digest is stored: "
            "it cannot be shown again.")

    def add_arguments(self, parser):
        parser.add_argument("email", metavar="EMAIL", help="the person the token acts as")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'CI sync'")

    def handle(self, *args, email, name, **options):
        from hoshin.org.services import create_token, get_person

        self.require_migrated()
        self.stdout.write(create_token(None, get_person(email), name))
