"""Shared model building blocks."""

import secrets

from django.db import models

from hoshin.core import clock

KEY_MAX_LENGTH = 64
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_key(prefix: str) -> str:
    """A short, readable id for items created without one (e.g. ``KR-7XK2QF``)."""
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose `auto_now` / `auto_now_add` stamp comes from the injected clock
    (hoshin.core.clock), so a save in a simulated week is stamped in that week. Otherwise
    Django's own: not editable, so left out of forms and the admin; untouched by
    `QuerySet.update()` and by raw loads (backup restore, loaddata); written by
    `save(update_fields=...)` only when named there."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)


class PlanElement(models.Model):
    """Anything with a human key (the plan file's id), timestamps and soft archiving.

    Plan elements are archived rather than deleted: history and roll-ups of past
    cycles must keep pointing at them.
    """

    key = models.CharField(max_length=KEY_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = ClockDateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    KEY_PREFIX = "X"

    class Meta:
        abstract = True

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = new_key(self.KEY_PREFIX)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        title = getattr(self, "title", None) or getattr(self, "name", "")
        return f"{self.key} {title}".strip()


class IdempotentRequest(models.Model):
    """An API POST sent with an `Idempotency-Key` header, and the response it got, kept so
    a client that retries (its connection dropped before the answer came) gets the same
    answer instead of a second write (hoshin.core.idempotency)."""

    # Whose key: a digest of the bearer token, or the session's person ("p:<id>").
    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    # method, path and a digest of the body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"],
                                               name="idempotent_request_once")]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_age")]

    def __str__(self):
        return f"{self.owner} {self.key}"
