from __future__ import annotations

from hoshin.core.management.commands._base import HoshinCommand


class Command(HoshinCommand):
    help = ("Rebuild the stored roll-up of the running quarters from the plan (after restoring "
            "or importing by other means); --check compares it with a full recomputation "
            "first and says what differed")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="compare first and list the differences, then repair them")

    def handle(self, *args, check: bool = False, **options):
        from hoshin.okrs import rollups

        self.require_migrated()
        if check:
            problems = rollups.check(repair=True)
            for line in problems:
                self.stdout.write(line)
            self.stdout.write(f"{len(problems)} difference(s) found and repaired."
                              if problems else "The stored roll-up matches the plan.")
            return
        built = rollups.rebuild_all()
        if not built:
            self.stdout.write("No running quarter: nothing to store.")
        for key, rows in built.items():
            self.stdout.write(f"{key}: {rows} items stored.", self.style.SUCCESS)
