from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "hoshin.notify"
    label = "notify"

    def ready(self) -> None:
        # Periodic jobs register themselves with the scheduler on import.
        from hoshin.notify import jobs  # noqa: F401
