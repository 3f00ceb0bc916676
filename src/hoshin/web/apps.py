from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hoshin.web"
    label = "web"
    verbose_name = "Web"
