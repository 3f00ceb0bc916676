from django.apps import AppConfig


class PdcaConfig(AppConfig):
    name = "hoshin.pdca"
    label = "pdca"
    verbose_name = "PDCA and learnings"

    def ready(self) -> None:
        from hoshin.core import events
        from hoshin.pdca.retrospectives import learning_from_retrospective

        # A retrospective shared at the quarter's close becomes a learning, in the same
        # transaction: closing publishes the event and knows nothing of the library.
        events.subscribe(events.RetrospectiveShared, learning_from_retrospective)
