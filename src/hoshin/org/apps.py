from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "hoshin.org"
    label = "org"
    verbose_name = "Organisation"
