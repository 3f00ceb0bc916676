from __future__ import annotations

import json

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.planning.management.commands._planning import cycle_or_error, num


class Command(HoshinCommand):
    help = ("Show a cycle's readiness diagnostic: scores per dimension (1–5, higher = readier) "
            "and overall, the spread between the leaders who answered, and what to fix "
            "before OKRs. --format json for scripts; --trend for every cycle.")

    def add_arguments(self, parser):
        parser.add_argument("--cycle", metavar="ID", help="the year or quarter, e.g. 2026")
        parser.add_argument("--trend", action="store_true",
                            help="overall and per-dimension scores of every cycle surveyed")
        parser.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")

    def handle(self, *args, cycle, trend, fmt, **options):
        from hoshin.planning import readiness, services
        from hoshin.planning.schemas import results_out

        self.require_migrated()
        if trend:
            points = services.readiness_trend(None)
            if fmt == "json":
                self.stdout.write(json.dumps([results_out(p.cycle, p.results) for p in points],
                                             indent=2))
                return
            header = "cycle".ljust(12) + "".join(d.key.rjust(11) for d in readiness.DIMENSIONS) \
                + "overall".rjust(9)
            self.stdout.write(header)
            for p in points:
                means = {d.key: d.mean for d in p.results.dimensions}
                self.stdout.write(p.cycle.key.ljust(12) + "".join(
                    num(means.get(d.key), 1).rjust(11) for d in readiness.DIMENSIONS)
                    + num(p.results.overall, 1).rjust(9))
            return
        if not cycle:
            raise CommandError("cycle: give --cycle ID (or --trend)")
        cycle_obj = cycle_or_error(cycle)
        survey = services.survey_for(cycle_obj)
        if survey is None:
            raise CommandError(f'cycle: "{cycle_obj.key}" has no readiness survey')
        res = services.survey_results(survey)
        if fmt == "json":
            self.stdout.write(json.dumps(results_out(cycle_obj, res), indent=2))
            return
        state = "open" if survey.is_open else "closed"
        self.stdout.write(f"Readiness {cycle_obj.key} ({state}): {res.respondents} leader(s) "
                          "answered. Scores 1–5, higher = readier.\n")
        self.stdout.write(f"{'dimension':<22}{'score':>7}{'lowest':>8}{'highest':>9}"
                          f"{'stdev':>7}  reading")
        for d in res.dimensions:
            note = d.level + (", leaders divided" if d.divided else "")
            self.stdout.write(f"{d.name:<22}{num(d.mean, 1):>7}{num(d.lowest, 1):>8}"
                              f"{num(d.highest, 1):>9}{num(d.stdev, 1):>7}  {note}")
        verdict = "ready for OKRs" if res.ready else "fix first"
        self.stdout.write(f"{'Overall':<22}{num(res.overall, 1):>7}"
                          f"{num(res.overall_lowest, 1):>8}{num(res.overall_highest, 1):>9}"
                          f"{'':>7}  {verdict if res.respondents else 'no answers yet'}")
        if res.recommendations:
            self.stdout.write("\nWhat to fix before OKRs:")
            for i, rec in enumerate(res.recommendations, 1):
                self.stdout.write(f"{i}. {rec.text}")
