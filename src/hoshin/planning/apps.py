from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "hoshin.planning"
    label = "planning"
