"""Shared model building blocks."""

import secrets

from django.db import models
from django.utils import timezone

KEY_MAX_LENGTH = 64
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_key(prefix: str) -> str:
    """A short, readable id for items created without one (e.g. ``KR-7XK2QF``)."""
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class PlanElement(models.Model):
    """Anything with a human key (the plan file's id), timestamps and soft archiving.

    Plan elements are archived rather than deleted: history and roll-ups of past
    cycles must keep pointing at them.
    """

    key = models.CharField(max_length=KEY_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
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
