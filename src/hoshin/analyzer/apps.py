from django.apps import AppConfig


class AnalyzerConfig(AppConfig):
    name = "hoshin.analyzer"
    label = "analyzer"
