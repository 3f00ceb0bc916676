from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hoshin.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth

        from hoshin.audit import handlers
        from hoshin.core import events

        # Written in the transaction of the change it records: a change that rolls back
        # leaves no entry, and a committed one cannot lose its entry.
        events.subscribe(events.AccessChanged, handlers.access_changed)
        events.subscribe(events.DataExported, handlers.data_exported)
        auth.user_logged_in.connect(handlers.logged_in, dispatch_uid="audit-login")
        auth.user_logged_out.connect(handlers.logged_out, dispatch_uid="audit-logout")
        auth.user_login_failed.connect(handlers.login_failed, dispatch_uid="audit-login-failed")
