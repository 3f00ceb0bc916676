from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "hoshin.notify"
    label = "notify"
