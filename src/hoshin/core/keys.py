"""Plan-element keys share one namespace, so a reference like `parent: A1` is never ambiguous."""

from __future__ import annotations

import re

from django.apps import apps

from hoshin.core.errors import Conflict, DomainError
from hoshin.core.models import KEY_MAX_LENGTH, PlanElement

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def plan_element_models() -> list[type[PlanElement]]:
    return [m for m in apps.get_models() if issubclass(m, PlanElement)]


def key_owner(key: str) -> str | None:
    """The verbose name of the kind of item that already uses `key`, if any."""
    for model in plan_element_models():
        if model.objects.filter(key=key).exists():
            return str(model._meta.verbose_name)
    return None


def claim_key(key: str | None, field: str = "key") -> str:
    """Check a user-given key is well formed and free; '' lets the model generate one."""
    if not key:
        return ""
    if len(key) > KEY_MAX_LENGTH or not KEY_PATTERN.match(key):
        raise DomainError.field(field, "use letters, digits, '-', '_' or '.', starting with a "
                                       f"letter or digit, at most {KEY_MAX_LENGTH} characters")
    if owner := key_owner(key):
        raise Conflict.field(field, f'"{key}" is already the id of a {owner}')
    return key
