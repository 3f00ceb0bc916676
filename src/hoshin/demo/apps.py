from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The `hoshin demo` verb. The generators beside it are pure Python (no Django); the
    command loads their plan file and lets each app add its part of the demo. No models."""

    name = "hoshin.demo"
    label = "demo"
    verbose_name = "Demo"
