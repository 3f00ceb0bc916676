"""`hoshin trade-offs`: the trade-off register, newest first, searchable."""

import json

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.okrs.models import Cycle, TradeOff
from hoshin.okrs.schemas import trade_off_dicts
from hoshin.okrs.trade_offs import register
from hoshin.org.models import Unit


class Command(HoshinCommand):
    help = ("The trade-off register, newest first: what was paused, slowed or stopped, why, "
            "who decided, who was told, what it affects and where it came from. --q searches "
            "the words; --cycle, --unit and --source narrow it; --current leaves out "
            "superseded entries. --format json prints a list of entries as the API gives "
            'them ({"id", "cycle", "title", "kind", "reason", "decided_by", ...}).')

    def add_arguments(self, parser):
        parser.add_argument("--cycle", help="a cycle key")
        parser.add_argument("--unit", help="entries of a unit's work or told to it (unit key)")
        parser.add_argument("--source", choices=TradeOff.Source.values)
        parser.add_argument("--q", help="words in the title, reason, source or decider's name")
        parser.add_argument("--current", action="store_true",
                            help="leave out entries superseded by a later one")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, cycle, unit, source, q, current, format, **options):
        if cycle and not Cycle.objects.filter(key=cycle).exists():
            raise CommandError(f'--cycle: no cycle "{cycle}"')
        if unit and not Unit.objects.filter(key=unit).exists():
            raise CommandError(f'--unit: no unit "{unit}"')
        rows = trade_off_dicts(list(register(cycle=cycle, unit=unit, source=source, q=q,
                                             current_only=current)))
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
            return
        if not rows:
            self.stdout.write("No trade-offs.")
        for r in rows:
            told = ", ".join(r["told_people"] + r["told_units"]) or "nobody named"
            affects = ", ".join(k for keys in r["affects"].values() for k in keys)
            self.stdout.write(f"#{r['id']:<5} {r['decided_on']} {r['cycle']:<9} "
                              f"{r['kind'].capitalize()}: {r['title']}")
            self.stdout.write(f"       why: {r['reason'] or '–'}")
            self.stdout.write(f"       decided by {r['decided_by'] or '–'} ({r['source']}"
                              + (f": {r['source_note']}" if r["source_note"] else "")
                              + f"); told: {told}" + (f"; affects {affects}" if affects else ""))
            if r["superseded_by"]:
                self.stdout.write(f"       superseded by #{r['superseded_by']}")
