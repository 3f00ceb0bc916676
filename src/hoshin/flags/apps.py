from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "hoshin.flags"
    label = "flags"
    verbose_name = "At-risk flags"

    def ready(self) -> None:
        from hoshin.core import events
        from hoshin.flags import services

        # A flag clears (or is raised) with the check-in that changes its cause, in the
        # check-in's transaction: okrs publishes the check-in and knows nothing of flags.
        events.subscribe(events.CheckInRecorded, services.judge_after_checkin)
