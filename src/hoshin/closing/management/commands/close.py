"""`hoshin close CYCLE`: what stops a quarter from closing, or close it."""

from django.core.management.base import BaseCommand, CommandError

from hoshin.closing import services
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle


class Command(BaseCommand):
    help = "Close a quarter (read-only afterwards); --dry-run lists what blocks it"

    def add_arguments(self, parser):
        parser.add_argument("cycle")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--override", default="",
                            help="close despite missing grades or decisions, with this reason")

    def handle(self, *args, cycle, dry_run, override, **options):
        row = Cycle.objects.filter(key=cycle, kind=Cycle.Kind.QUARTER).first()
        if row is None:
            raise CommandError(f'no quarter "{cycle}"')
        check = services.close_check(row)
        for line in check.lines():
            self.stdout.write(f"- {line}")
        if dry_run:
            self.stdout.write("Ready to close." if check.ready else "Not ready to close.")
            return
        try:
            services.close_quarter(None, row, override_reason=override)
        except DomainError as e:
            raise CommandError(e.detail) from None
        self.stdout.write(f"{row.key} is closed.")
