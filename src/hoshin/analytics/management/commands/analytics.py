"""`hoshin analytics regularity|calibration|forecast|trends`: execution analytics from
the organisation's own history (SPEC §6)."""

import json

from django.core.management.base import CommandError

from hoshin.analytics import selectors, services
from hoshin.analytics.selectors import Scope
from hoshin.core.management.commands._base import HoshinCommand
from hoshin.okrs.models import Cycle
from hoshin.org.models import Person, Unit


class Command(HoshinCommand):
    help = ("Execution analytics: regularity (completion and grade by share of weeks with a "
            "check-in), calibration (Brier score of stated confidence; JSON carries brier and "
            "n), forecast (running key results' end-of-quarter grade with an 80%% interval, from "
            "their trend and similar key results of closed quarters; --refresh recounts), "
            "trends (per quarter; --refresh counts them now).")

    def add_arguments(self, parser):
        parser.add_argument("figure", choices=["regularity", "calibration", "forecast", "trends"])
        parser.add_argument("--unit", help="a unit and the units below it (unit key)")
        parser.add_argument("--cycle", help="one quarter (cycle key)")
        parser.add_argument("--person", metavar="EMAIL", help="key results this person owns")
        parser.add_argument("--refresh", action="store_true",
                            help="count the figures now (as the nightly jobs do)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, figure, unit, cycle, person, refresh, format, **options):
        scope = Scope(unit=self._get(Unit, "unit", key=unit) if unit else None,
                      cycle=self._get(Cycle, "cycle", key=cycle) if cycle else None,
                      person=self._get(Person, "person", email__iexact=person)
                      if person else None)
        if refresh and figure in ("regularity", "calibration"):
            services.count_graded(None)
        data = getattr(self, f"_{figure}")(scope, refresh)
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(data["text"])

    @staticmethod
    def _get(model, what, **lookup):
        found = model.objects.filter(**lookup).first()
        if found is None:
            raise CommandError(f'--{what}: no {what} "{next(iter(lookup.values()))}"')
        return found

    def _regularity(self, scope, refresh):
        from hoshin.analytics.report import regularity_dict

        data = regularity_dict(scope)
        lines = [f"Graded key results of {scope.words()}: {data['n']}"]
        for b in data["bands"]:
            share = "-" if b["reached_share"] is None else f"{b['reached_share']:.0%}"
            grade = "-" if b["mean_grade"] is None else f"{b['mean_grade']:.2f}"
            lines.append(f"  checked in {b['label']:<38} n={b['n']:<5} reached {share:>4}  "
                         f"mean grade {grade}")
        data["text"] = "\n".join(lines)
        return data

    def _calibration(self, scope, refresh):
        from hoshin.analytics.report import calibration_dict

        data = calibration_dict(scope)
        if data["brier"] is None:
            data["text"] = f"No graded key result with a stated confidence in {scope.words()}."
            return data
        lines = [f"Confidence calibration, {scope.words()}: Brier score {data['brier']:.3f} over "
                 f"{data['n']} check-ins of {data['key_results']} key results (base rate "
                 f"{data['base_rate']:.0%}; always saying it would score "
                 f"{data['reference']:.3f})"]
        for b in data["bins"]:
            lines.append(f"  confidence {b['confidence']:>2}: {b['hits']:>5} of {b['n']:<5} "
                         f"reached ({b['observed']:.0%})")
        data["text"] = "\n".join(lines)
        return data

    def _forecast(self, scope, refresh):
        from hoshin.analytics.report import forecast_dicts

        if refresh:
            services.count_outcomes(None)
            services.refresh_forecasts(None)
        rows = forecast_dicts(scope)
        lines = [f"{len(rows)} running key results with a forecast in {scope.words()}, lowest "
                 "first (own trend blended with n similar key results of closed quarters):"]
        lines += [f"  {r['key_result']:<24} grade {r['grade']:.1f} (80%: {r['low']:.1f}–"
                  f"{r['high']:.1f}; {r['checkins']} check-ins, n={r['similar']} similar)  "
                  f"{r['title']}" for r in rows]
        return {"forecasts": rows, "text": "\n".join(lines)}

    def _trends(self, scope, refresh):
        from hoshin.analytics.report import trends_dict

        if scope.unit or scope.person:
            raise CommandError("trends are the organisation's: --unit and --person do not apply")
        if refresh:
            services.refresh_trends(None)
        data = trends_dict()
        header = (f"{'quarter':<10}{'objectives':>11}{'KRs':>6}{'orphans':>8}{'output':>7}"
                  f"{'reviews':>8}{'decided':>8}{'trade-offs':>11}")
        lines = [header] + [
            f"{t['cycle']:<10}{t['objectives']:>11}{t['key_results']:>6}"
            f"{t['orphan_objectives']:>8}{t['output_key_results']:>7}{t['reviews_held']:>8}"
            f"{t['reviews_with_decisions']:>8}{t['trade_offs']:>11}" for t in data["quarters"]]
        if data["not_counted"]:
            lines.append("Not counted yet (counted nightly; --refresh counts now): "
                         + ", ".join(data["not_counted"]))
        data["text"] = "\n".join(lines)
        return data
