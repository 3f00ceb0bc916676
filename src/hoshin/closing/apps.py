from django.apps import AppConfig


class ClosingConfig(AppConfig):
    name = "hoshin.closing"
    label = "closing"
    verbose_name = "Quarter close and annual review"

    def ready(self) -> None:
        from hoshin.closing import services
        from hoshin.core import events, gates

        # A quarter closes graded and decided (or with a reason), and always leaves a
        # close record, whether closed from the close page, the API or the command line.
        gates.register_gate(services.CLOSE_GATE, applies=services.close_gate_applies,
                            check=services.close_gate_check, field="cycle")
        events.subscribe(events.CycleTransitioned, services.record_close)
