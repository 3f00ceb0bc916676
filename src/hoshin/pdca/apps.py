from django.apps import AppConfig


class PdcaConfig(AppConfig):
    name = "hoshin.pdca"
    label = "pdca"
    verbose_name = "PDCA and learnings"
