from django.apps import AppConfig


class CatchballConfig(AppConfig):
    name = "hoshin.catchball"
    label = "catchball"

    def ready(self) -> None:
        from hoshin.catchball.services import agreement, notices
        from hoshin.core import events, gates

        # An agreed title or target is locked: the plan element services (strategy, okrs)
        # run this guard before every change without importing catchball.
        gates.register_guard("catchball-lock", agreement.guard)
        # Both sides hear of an agreement; in the accepting transaction, through the outbox.
        events.subscribe(events.ElementAgreed, notices.tell_agreed)
