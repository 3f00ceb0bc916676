from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "hoshin.planning"
    label = "planning"

    def ready(self) -> None:
        from hoshin.core import events, gates
        from hoshin.planning import services, trade_offs

        # Drafting opens only when the executives agree on the priorities (or with a
        # recorded override).
        gates.register_gate(services.ALIGNMENT_GATE, applies=services.alignment_gate_applies,
                            check=services.alignment_gate_check)
        events.subscribe(events.CycleTransitioned, services.record_gate_override)
        # Whoever a trade-off names as told hears of it, in the entry's transaction.
        events.subscribe(events.TradeOffRecorded, trade_offs.tell_trade_off)
