from __future__ import annotations

from hoshin.core.management.commands._base import HoshinCommand


class Command(HoshinCommand):
    help = ("Create an API token for a person and print it, and nothing else, so it can be "
            "captured: TOKEN=$(hoshin token ana@example.com). Only its digest is stored: "
            "it cannot be shown again. It expires after --days (default HOSHIN_TOKEN_DAYS, 90) "
            "and reaches what --scope allows; the audit log records it as made by the "
            "server's operator.")

    def add_arguments(self, parser):
        parser.add_argument("email", metavar="EMAIL", help="the person the token acts as")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'CI sync'")
        parser.add_argument("--scope", default="write", choices=["read", "checkin", "write"],
                            help="read: GET only; checkin: reads and check-ins; write: "
                                 "everything the person may do (default)")
        parser.add_argument("--days", type=int, default=None,
                            help="days until it expires (default: HOSHIN_TOKEN_DAYS, 90)")

    def handle(self, *args, email, name, scope, days, **options):
        from hoshin.org.services import create_token, get_person

        self.require_migrated()
        self.stdout.write(create_token(None, get_person(email), name, scope=scope, days=days))
