from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "hoshin.trackers"
    label = "trackers"
    verbose_name = "Work trackers"

    def ready(self) -> None:
        # Initiatives' progress from their trackers, on the key-result rows of every page
        # that lists key results (okrs asks the providers; it names no app).
        from hoshin.okrs import badges
        from hoshin.portfolio import tracked
        from hoshin.trackers.selectors import portfolio_work, tracker_badges

        badges.register("trackers", tracker_badges, css="tracker",
                        heading="Initiatives' work", label="Initiatives' work in trackers")
        # The same progress on the portfolio's rows (the portfolio names no app above it).
        tracked.register("trackers", portfolio_work)
