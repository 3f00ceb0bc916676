from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "hoshin.sources"
    label = "sources"
    verbose_name = "Key results fed by data"
