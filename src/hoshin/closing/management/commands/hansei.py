"""`hoshin hansei YEAR`: the annual review's execution record, and its decisions.

`--decide KEY=carry_over|modify|drop` records what happens next year to an annual
objective, improvement priority or breakthrough (repeatable, all or nothing, one rationale
for the run); carrying over or modifying seeds next year's element, which key results
carried from the last quarter into the next year follow (`hoshin close`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hoshin.closing import services
from hoshin.closing.models import AnnualDecision
from hoshin.core.errors import DomainError
from hoshin.strategy.models import AnnualObjective, Breakthrough, ImprovementPriority


def _pairs(values: list[str], option: str, example: str) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CommandError(f'{option} "{item}": expected {example}')
        out[key.strip()] = value.strip()
    return out


def _item_type(key: str, year: int) -> str | None:
    if AnnualObjective.objects.filter(key=key, year=year).exists():
        return "annual"
    if ImprovementPriority.objects.filter(key=key, year=year).exists():
        return "priority"
    if Breakthrough.objects.filter(key=key).exists():
        return "breakthrough"
    return None


class Command(BaseCommand):
    help = ("The annual review (hansei): each annual objective's, improvement priority's "
            "and breakthrough's real record; --decide records carry over, modify or drop")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--decide", action="append", default=[], metavar="KEY=DECISION",
                            help="carry_over, modify or drop an annual objective, improvement "
                                 "priority or breakthrough of YEAR (repeatable; all or "
                                 "nothing)")
        parser.add_argument("--title", action="append", default=[], metavar="KEY=TITLE",
                            help="the new title of an element decided 'modify'")
        parser.add_argument("--rationale", default="",
                            help="why, on its real record (needed with --decide)")

    def handle(self, *args, year, decide, title, rationale, **options):
        decisions = _pairs(decide, "--decide", "KEY=carry_over, KEY=modify or KEY=drop")
        titles = _pairs(title, "--title", "KEY=new title")
        if titles and not decisions:
            raise CommandError("--title goes with --decide KEY=modify")
        if decisions:
            self._decide(year, decisions, titles, rationale)
        for r in services.annual_records(year):
            grade = "-" if r.mean_grade is None else f"{r.mean_grade:.1f}"
            decided = f"  -> {r.decision.get_decision_display()}" if r.decision else ""
            seed = r.decision and (r.decision.seeded or r.decision.seeded_priority)
            if seed:
                decided += f" as {seed.key} in {year + 1}"
            self.stdout.write(f"{r.kind:<12} {r.key:<8} grade {grade:<4} {r.status:<9} "
                              f"{r.title}{decided}")
            for q in r.quarters:
                if q.key_results:
                    mean = "-" if q.mean_grade is None else f"{q.mean_grade:.1f}"
                    self.stdout.write(f"    {q.cycle.key}: {q.objectives} objectives, "
                                      f"{q.key_results} key results, mean {mean}")

    def _decide(self, year: int, decisions: dict[str, str], titles: dict[str, str],
                rationale: str) -> None:
        problems = [f'--title {key}: "{key}" is not decided "modify"' for key in titles
                    if decisions.get(key) != AnnualDecision.Decision.MODIFY]
        try:
            with transaction.atomic():
                for key, decision in decisions.items():
                    item_type = _item_type(key, year)
                    if item_type is None:
                        problems.append(f'{key}: no annual objective or improvement priority '
                                        f'of {year}, nor breakthrough, has this key')
                        continue
                    try:
                        services.decide_annual(None, year=year, item_type=item_type,
                                               item_key=key, decision=decision,
                                               rationale=rationale,
                                               new_title=titles.get(key, ""))
                    except DomainError as e:
                        problems += [f"{key}: {x}" for x in e.errors]
                if problems:
                    raise DomainError.field("decide", "; ".join(problems))
        except DomainError:
            for line in problems:
                self.stderr.write(f"- {line}")
            raise CommandError("nothing was decided.") from None
