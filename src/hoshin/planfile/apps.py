from django.apps import AppConfig


class PlanfileConfig(AppConfig):
    """The plan file: schema, import and export, and the `hoshin import` / `hoshin export`
    verbs. No models of its own."""

    name = "hoshin.planfile"
    label = "planfile"
    verbose_name = "Plan file"
