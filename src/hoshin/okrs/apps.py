from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "hoshin.okrs"
    label = "okrs"
    verbose_name = "OKRs"
