from django.apps import AppConfig


class CatchballConfig(AppConfig):
    name = "hoshin.catchball"
    label = "catchball"
