from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "hoshin.flags"
    label = "flags"
    verbose_name = "At-risk flags"

    def ready(self) -> None:
        from hoshin.core import events
        from hoshin.flags import services
        from hoshin.flags.badges import open_flag_badges
        from hoshin.okrs import badges

        # A check-in queues the re-judging of its key result (run by the worker once the
        # check-in committed): okrs publishes the check-in and knows nothing of flags.
        events.subscribe(events.CheckInRecorded, services.judge_after_checkin)
        # Open flags show on every key-result row and on the key result's page.
        badges.register("flags", open_flag_badges, css="flag", heading="At risk",
                        label="At-risk flags")
