from __future__ import annotations

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.planning.management.commands._planning import cycle_or_error, num


class Command(HoshinCommand):
    help = ("Show a cycle's state and its drafting gate, or move it forward with --to. "
            "Opening drafting (--to planning) needs the executives' agreement (the latest "
            "closed alignment round at or above its threshold) or --override \"reason\", "
            "which is recorded.")

    def add_arguments(self, parser):
        parser.add_argument("cycle", metavar="ID")
        parser.add_argument("--to", dest="to_state", metavar="STATE",
                            choices=["planning", "active", "closed"],
                            help="planning (drafting), active or closed")
        parser.add_argument("--override", metavar="REASON",
                            help="move through a closed alignment gate, for this reason")

    def handle(self, *args, cycle, to_state, override, **options):
        from hoshin.planning import services

        self.require_migrated()
        cycle_obj = cycle_or_error(cycle)
        if to_state:
            before = cycle_obj.state
            cycle_obj = services.move_cycle(None, cycle_obj, to_state, override)
            self.stdout.write(f"{cycle_obj.key}: {before} → {cycle_obj.state}")
            last = cycle_obj.gate_overrides.order_by("-at", "-id").first()
            if last and override and last.reason == override.strip() and \
                    last.to_state == to_state:
                self.stdout.write(f"Gate overridden, recorded: {last.reason}")
            return
        gate = services.gate(cycle_obj)
        self.stdout.write(f"{cycle_obj.key} ({cycle_obj.get_kind_display().lower()}, "
                          f"{cycle_obj.start} – {cycle_obj.end}): {cycle_obj.state}")
        word = "open" if gate.passed else "closed"
        self.stdout.write(f"Alignment gate {word}: {gate.reason}")
        for o in cycle_obj.gate_overrides.select_related("by"):
            who = o.by.email if o.by else "the system"
            self.stdout.write(f"Override {o.at:%Y-%m-%d} by {who} ({o.from_state} → "
                              f"{o.to_state}, W {num(o.w)}): {o.reason}")
