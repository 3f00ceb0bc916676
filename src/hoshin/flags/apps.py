from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "hoshin.flags"
    label = "flags"
    verbose_name = "At-risk flags"
