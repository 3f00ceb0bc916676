"""`hoshin dependencies`: requests between units, each with its state, and the cycles and
long chains among them."""

import json

from django.core.management.base import CommandError

from hoshin.core import clock
from hoshin.core.management.commands._base import HoshinCommand
from hoshin.okrs import dependency_graph as graph
from hoshin.okrs.dependencies import consumer_of, edges, in_cycle, shown_state
from hoshin.okrs.selectors import quarter_or_current


class Command(HoshinCommand):
    help = ("Dependencies between units in a quarter (the running one by default), each "
            "with its state: requested, accepted, late, delivered or declined. --unit keeps "
            "those a unit relies on or is asked for. --format json prints "
            '{"cycle", "dependencies": [{"id", "state", ...}], "cycles", "chains"}.')

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="a unit's requests, made and received (unit key)")
        parser.add_argument("--cycle", help="the quarter (cycle key; default: the running one)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, unit, cycle, format, **options):
        found = quarter_or_current(cycle)
        if found is None:
            raise CommandError(f'--cycle: no quarter "{cycle}"' if cycle else
                               "no quarter yet: name one with --cycle")
        today = clock.today()
        deps = list(in_cycle(found))
        drawn = edges(deps, today)
        rows = [{"id": d.key, "state": shown_state(d, today), "from_unit": consumer_of(d).key,
                 "to_unit": d.providing_unit.key, "description": d.description,
                 "key_result": d.key_result.key if d.key_result else None,
                 "objective": d.objective.key if d.objective else None,
                 "deliverable": d.deliverable, "due": d.due.isoformat() if d.due else None,
                 "delivered_on": d.delivered_on.isoformat() if d.delivered_on else None,
                 "note": d.note} for d in deps]
        if unit:
            rows = [r for r in rows if unit in (r["from_unit"], r["to_unit"])]
        data = {"cycle": found.key, "dependencies": rows, "cycles": graph.cycles(drawn),
                "chains": graph.longest_chains(drawn)}
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write(f"No dependencies in {found.key}.")
        for r in rows:
            commitment = (f" — {r['deliverable']} by {r['due']}" if r["deliverable"] else
                          f" — {r['note']}" if r["note"] else "")
            self.stdout.write(f"{r['id']:<14} {r['state']:<10} {r['from_unit']} → "
                              f"{r['to_unit']}: {r['description']}{commitment}")
        for group in data["cycles"]:
            self.stdout.write("Units waiting on each other: " + " ⇄ ".join(group))
        for chain in data["chains"]:
            self.stdout.write("Long chain: " + " → ".join(chain))
