from django.apps import AppConfig


class ClosingConfig(AppConfig):
    name = "hoshin.closing"
    label = "closing"
    verbose_name = "Quarter close and annual review"
