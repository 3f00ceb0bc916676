from django.apps import AppConfig


class BoardPackConfig(AppConfig):
    name = "hoshin.boardpack"
    label = "boardpack"
    verbose_name = "Board pack"
