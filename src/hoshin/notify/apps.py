from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "hoshin.notify"
    label = "notify"

    def ready(self) -> None:
        # Every app's jobs.py registers its periodic jobs with the scheduler on import;
        # the scheduler discovers them rather than naming the apps.
        from hoshin.notify import scheduler

        scheduler.discover()
