"""`hoshin hansei YEAR`: the annual review's execution record."""

from django.core.management.base import BaseCommand

from hoshin.closing import services


class Command(BaseCommand):
    help = ("The annual review (hansei): each annual objective's, improvement priority's "
            "and breakthrough's real record")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        for r in services.annual_records(year):
            grade = "-" if r.mean_grade is None else f"{r.mean_grade:.1f}"
            decided = f"  -> {r.decision.get_decision_display()}" if r.decision else ""
            self.stdout.write(f"{r.kind:<12} {r.key:<8} grade {grade:<4} {r.status:<9} "
                              f"{r.title}{decided}")
            for q in r.quarters:
                if q.key_results:
                    mean = "-" if q.mean_grade is None else f"{q.mean_grade:.1f}"
                    self.stdout.write(f"    {q.cycle.key}: {q.objectives} objectives, "
                                      f"{q.key_results} key results, mean {mean}")
