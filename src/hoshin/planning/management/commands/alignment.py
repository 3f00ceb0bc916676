from __future__ import annotations

import json

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.planning.management.commands._planning import cycle_or_error, num


class Command(HoshinCommand):
    help = ("Show the executive alignment test of a cycle: Kendall's W (corrected for ties) "
            "against the threshold, the rank table, the executives who disagree most and the "
            "candidates ranked furthest apart. Rankings of an open round stay sealed.")

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, metavar="ID")
        parser.add_argument("--round", type=int, metavar="N",
                            help="this round (default: the cycle's latest)")
        parser.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")

    def handle(self, *args, cycle, round, fmt, **options):
        from hoshin.planning import concordance, services
        from hoshin.planning.models import AlignmentRound
        from hoshin.planning.schemas import result_out, round_out

        self.require_migrated()
        cycle_obj = cycle_or_error(cycle)
        rounds = AlignmentRound.objects.filter(cycle=cycle_obj).order_by("-opened_at", "-id")
        round_ = rounds.filter(pk=round).first() if round else rounds.first()
        if round_ is None:
            raise CommandError(f'round: cycle "{cycle_obj.key}" has no alignment round'
                               + (f" {round}" if round else ""))
        closed = not round_.is_open
        result = services.round_result(round_) if closed else None
        if fmt == "json":
            out = {"round": round_out(round_),
                   "result": result_out(round_, result) if result else None}
            self.stdout.write(json.dumps(out, indent=2, default=str))
            return
        items = {str(i.pk): i.title for i in round_.items.all()}
        self.stdout.write(f"{round_} · cycle {cycle_obj.key} · threshold {round_.threshold:.2f}")
        if not closed:
            ranked = set(round_.rankings.values_list("executive__email", flat=True))
            self.stdout.write(f"Open: {len(ranked)} of {round_.executives.count()} executives "
                              "have ranked (rankings are sealed until the round closes).")
            for p in round_.executives.order_by("name"):
                self.stdout.write(f"  {'✓' if p.email in ranked else '·'} {p.name} <{p.email}>")
            return
        verdict = "passes" if round_.passed else "below the threshold: drafting needs an override"
        self.stdout.write(f"W = {num(round_.w)} ({concordance.strength(round_.w)} agreement), "
                          f"{verdict}\n")
        names = dict(round_.executives.values_list("email", "name"))
        width = max(len(t) for t in items.values()) + 2
        self.stdout.write("candidate".ljust(width) + "".join(
            names.get(e, e)[:14].rjust(16) for e in result.raters) + "mean".rjust(8))
        for item in result.consensus:
            self.stdout.write(items[item].ljust(width) + "".join(
                f"{result.ranks[e][item]:g}".rjust(16) for e in result.raters)
                + num(result.mean_ranks[item]).rjust(8))
        self.stdout.write("\nMost disagreeing executives (Spearman rho):")
        for p in result.pairs[:3]:
            self.stdout.write(f"  {names.get(p.a, p.a)} / {names.get(p.b, p.b)}: {num(p.rho)}")
        self.stdout.write("Candidates ranked furthest apart:")
        for s in result.spreads[:3]:
            self.stdout.write(f"  {items[s.item]}: {s.lowest:g} to {s.highest:g}")
