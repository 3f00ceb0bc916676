from django.apps import AppConfig


class CatchballConfig(AppConfig):
    name = "hoshin.catchball"
    label = "catchball"

    def ready(self) -> None:
        from hoshin.catchball import services
        from hoshin.core import events, gates

        # An agreed title or target is locked: the plan element services (strategy, okrs)
        # run this guard before every change without importing catchball.
        gates.register_guard("catchball-lock", services.guard)
        # Both sides hear of an agreement; in the accepting transaction, through the outbox.
        events.subscribe(events.ElementAgreed, services.tell_agreed)
