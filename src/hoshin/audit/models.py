"""The audit log: who signed in (or failed to), whose access changed, which tokens were
made or revoked, what was done with a token on someone's behalf, and what data left the
system (exports, backups). Append-only: nothing in the app updates or deletes an entry,
a plan replace included (entries hang on people, who are never deleted)."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.org.models import Person


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login-failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"
        PERSON_ADDED = "person-added", "Person added"
        ROLE_CHANGED = "role-changed", "Role changed"
        PERSON_ARCHIVED = "person-archived", "Person archived"
        PERSON_RESTORED = "person-restored", "Person restored"
        LEAD_CHANGED = "lead-changed", "Unit lead changed"
        TOKEN_CREATED = "token-created", "API token created"
        TOKEN_REVOKED = "token-revoked", "API token revoked"
        ON_BEHALF = "on-behalf", "Acted on behalf"
        EXPORT = "export", "Export"
        BACKUP = "backup", "Backup"
        # `hoshin restore`: the whole database replaced by a backup's rows.
        RESTORE = "restore", "Restore"
        # Signed outgoing webhooks (hoshin.webhooks): data leaves for the address added.
        WEBHOOK_ADDED = "webhook-added", "Webhook added"
        WEBHOOK_REMOVED = "webhook-removed", "Webhook removed"
        # Work trackers (hoshin.trackers): who gave Hoshin a tracker's credentials, and
        # which addresses a tracker may call.
        TRACKER_CONNECTED = "tracker-connected", "Tracker connected"
        TRACKER_CHANGED = "tracker-changed", "Tracker connection changed"
        TRACKER_DISCONNECTED = "tracker-disconnected", "Tracker disconnected"
        TRACKER_HOOK_ADDED = "tracker-hook-added", "Tracker webhook added"
        TRACKER_HOOK_REMOVED = "tracker-hook-removed", "Tracker webhook removed"
        TRACKER_HOOK_ROTATED = "tracker-hook-rotated", "Tracker webhook secret replaced"

    at = models.DateTimeField(default=clock.now, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    # Who did it (None: the server's operator, or nobody signed in) and whom it concerns;
    # their names are kept as written then, so renaming someone does not rewrite the log.
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    what = models.TextField()
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.what}"
