"""What the audit log subscribes to (apps.py): org's AccessChanged, DataExported, and
Django's sign-in signals."""

from __future__ import annotations

from hoshin.audit.models import AuditEntry
from hoshin.audit.services import record


def access_changed(event) -> None:
    record(event.kind, event.what, actor=event.actor, person=event.person)


def data_exported(event) -> None:
    record(event.kind, event.what, actor=event.actor)


def logged_in(sender, request=None, user=None, **kwargs) -> None:
    # Django names the backend that let the person in; single sign-on's is hoshin.sso's.
    how = (" with single sign-on" if str(getattr(user, "backend", "")).startswith("hoshin.sso.")
           else "")
    record(AuditEntry.Kind.LOGIN, f"{user.name} signed in{how}", actor=user, person=user,
           request=request)


def logged_out(sender, request=None, user=None, **kwargs) -> None:
    if user is not None:
        record(AuditEntry.Kind.LOGOUT, f"{user.name} signed out", actor=user, person=user,
               request=request)


def login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    from hoshin.org.models import Person

    # Django hides the password; the name tried is kept, and whose account it is.
    tried = str((credentials or {}).get("username") or (credentials or {}).get("email") or "")
    person = Person.objects.filter(email__iexact=tried.strip()).first() if tried else None
    who = person.name if person else "an unknown account"
    record(AuditEntry.Kind.LOGIN_FAILED, f"Failed sign-in for {who}", person=person,
           request=request)
