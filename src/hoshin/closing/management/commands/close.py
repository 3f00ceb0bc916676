"""`hoshin close CYCLE`: what stops a quarter from closing, or close it; optionally accept
the suggested grades and carry over every unfinished key result on the way, all in one
transaction (nothing is written unless the quarter closes)."""

from django.core.management.base import BaseCommand, CommandError

from hoshin.closing import services
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle


class Command(BaseCommand):
    help = ("Close a quarter (read-only afterwards); --dry-run lists what blocks it; "
            "--accept-suggested and --carry-over unfinished finish the grading and the "
            "decisions first")

    def add_arguments(self, parser):
        parser.add_argument("cycle")
        parser.add_argument("--dry-run", action="store_true",
                            help="only list what blocks the close (and where carried key "
                                 "results would land)")
        parser.add_argument("--override", default="",
                            help="close despite missing grades or decisions, or before the "
                                 "quarter's last day, with this reason")
        parser.add_argument("--accept-suggested", action="store_true",
                            help="grade every ungraded key result with its suggested grade")
        parser.add_argument("--carry-over", choices=["unfinished"],
                            help="carry every unfinished, undecided key result into the next "
                                 "quarter (its objective's twin keeps its parent)")
        parser.add_argument("--parent", action="append", default=[], metavar="KEY=PARENT",
                            help="where a carried key result's objective needs a parent in "
                                 "the next quarter: the key result's or objective's key and "
                                 "the parent's (repeatable)")
        parser.add_argument("--reason", default="",
                            help="the carry-over reason (default: unfinished at the close)")

    def handle(self, *args, cycle, dry_run, override, accept_suggested, carry_over, parent,
               reason, **options):
        row = Cycle.objects.filter(key=cycle, kind=Cycle.Kind.QUARTER).first()
        if row is None:
            raise CommandError(f'no quarter "{cycle}"')
        parents = {}
        for item in parent:
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise CommandError(f'--parent "{item}": expected KEY=PARENT, e.g. KR12=A7')
            parents[key.strip()] = value.strip()
        if dry_run:
            self._dry_run(row, accept_suggested, carry_over, parents)
            return
        if not (accept_suggested or carry_over):
            for line in services.close_check(row).lines():
                self.stdout.write(f"- {line}")
        try:
            done = services.finish_quarter(None, row, accept=accept_suggested,
                                           carry_over=bool(carry_over), parents=parents,
                                           reason=reason, override_reason=override)
        except DomainError as e:
            needs = [x for x in e.errors if x.field == "parent"]
            for x in e.errors:
                self.stderr.write(f"- {x.message}" if x.field in ("parent", "cycle", "state")
                                  else f"- {x}")
            if needs:
                self.stderr.write(f"{len(needs)} key result(s) need a parent in the next "
                                  "quarter: give each with --parent KEY=PARENT.")
            raise CommandError(f"{row.key} is not closed; nothing was written.") from None
        for grade in done.graded:
            self.stdout.write(f"{grade.key_result.key}: suggested grade "
                              f"{grade.grade:.1f} accepted")
        for c in done.carried:
            twin = c.carried_to.objective
            parent_el = twin.parent
            self.stdout.write(f"{c.key_result.key} carried over as {c.carried_to.key} in "
                              f"{twin.key} ({twin.cycle.key}"
                              f"{', under ' + parent_el.key if parent_el else ''})")
        self.stdout.write(f"{row.key} is closed.")

    def _dry_run(self, row, accept_suggested, carry_over, parents):
        check = services.close_check(row)
        for line in check.lines():
            self.stdout.write(f"- {line}")
        if carry_over:
            into = services.next_quarter(row)
            suggested = services.suggestions(row) if accept_suggested else {}
            pending = list(check.undecided) + [kr for kr in check.ungraded
                                               if suggested.get(kr.pk, 1.0) < 1.0]
            if into is None and pending:
                self.stdout.write("No next quarter to carry into: create it first.")
            carried = {kr.objective_id for kr in pending}
            for kr in sorted(pending, key=lambda k: k.key) if into else []:
                place = services.landing(kr.objective, into)
                given = parents.get(kr.key) or parents.get(kr.objective.key)
                above = kr.objective.parent_objective
                if given and place.twin is None:
                    where = f"under {given} in {into.key} (--parent)"
                elif place.needs_parent and above is not None and above.pk in carried:
                    # Parents are carried first in the run, so the twin will be there.
                    where = f"under the twin of {above.key} in {into.key}"
                else:
                    where = place.describe()
                self.stdout.write(f"  {kr.key} would be carried over: {where}")
        self.stdout.write("Ready to close." if check.ready else "Not ready to close.")
