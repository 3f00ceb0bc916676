from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "hoshin.analytics"
    label = "analytics"
    verbose_name = "Execution analytics"

    def ready(self) -> None:
        from hoshin.analytics import outcomes as similar
        from hoshin.analytics import services
        from hoshin.core import events, outcomes

        # flags judges the grade forecast with the history of similar key results, which
        # analytics counts: flags asks core.outcomes and never imports analytics.
        outcomes.register(similar.table)
        # A check-in moves its key result's stored forecast (the analytics page's list),
        # once it has committed: the check-in does not wait for it.
        events.subscribe(events.CheckInRecorded, services.refresh_after_checkin,
                         after_commit=True)
