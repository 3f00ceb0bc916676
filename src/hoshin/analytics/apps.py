from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "hoshin.analytics"
    label = "analytics"
    verbose_name = "Execution analytics"
