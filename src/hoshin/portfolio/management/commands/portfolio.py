"""`hoshin portfolio`: open initiatives ranked by WSJF."""

import json

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.org.models import Unit
from hoshin.portfolio import selectors


class Command(HoshinCommand):
    help = ("Open initiatives ranked by WSJF = cost of delay / job size (on equal WSJF "
            "the smaller job first, then the key). --format json prints "
            '[{"id", "title", "unit", "cod", "size", "wsjf", ...}].')

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="only this unit and the units below it (unit key)")
        parser.add_argument("--annual", metavar="KEY",
                            help="only initiatives serving this annual objective")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, unit, annual, format, **options):
        scope = None
        if unit:
            scope = Unit.objects.filter(key=unit, archived_at__isnull=True).first()
            if scope is None:
                raise CommandError(f'--unit: no unit "{unit}"')
        found = selectors.portfolio(unit=scope, annual_objective=annual)
        if format == "json":
            self.stdout.write(json.dumps([r.as_dict() for r in found.rows], indent=2,
                                         ensure_ascii=False))
            return
        if not found.rows:
            self.stdout.write("No scored open initiative here.")
        else:
            self.stdout.write(f"{'#':>3}  {'WSJF':>6} {'CoD':>4} {'size':>4}  initiative")
        for r in found.rows:
            self.stdout.write(f"{r.rank:>3}  {r.score.wsjf:>6.2f} {r.score.cost_of_delay:>4} "
                              f"{r.score.job_size:>4}  {r.initiative.key} {r.initiative.title} "
                              f"({r.unit.name})" + (f"  [{r.tie_break}]" if r.tie_break else ""))
        if found.unscored:
            self.stdout.write(f"{len(found.unscored)} open initiative(s) not scored yet: "
                              + ", ".join(i.key for i in found.unscored[:20])
                              + (" …" if len(found.unscored) > 20 else ""))
