from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "hoshin.okrs"
    label = "okrs"
    verbose_name = "OKRs"

    def ready(self):
        from hoshin.okrs import rollups

        rollups.connect()
