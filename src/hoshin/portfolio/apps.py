from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "hoshin.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self):
        from hoshin.core import events
        from hoshin.portfolio import services

        # okrs names no app above it: starting an initiative is checked against the
        # unit's WIP limit here.
        events.subscribe(events.InitiativeStatusChanged, services.warn_over_wip_limit)
