"""Changing the analyzer's limits: the strategy office's call."""

from __future__ import annotations

from hoshin.analyzer.models import LIMIT_FIELDS, AnalyzerSettings
from hoshin.core.errors import ErrorCollector
from hoshin.core.history import service
from hoshin.org import permissions
from hoshin.org.models import Person


@service
def update_settings(actor: Person | None, **values) -> AnalyzerSettings:
    permissions.require(permissions.can_edit_strategy(actor), "change the analyzer's limits")
    settings = AnalyzerSettings.current()
    errors = ErrorCollector()
    for name, value in values.items():
        if name not in LIMIT_FIELDS:
            errors.add(name, "unknown setting")
            continue
        if name == "overlap_threshold":
            if value is not None and not 0 <= value <= 1:
                errors.add(name, "must be between 0 and 1 (or empty for the default)")
        elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.add(name, "must be a whole number of at least 1")
        elif name == "department_depth" and value > 10:
            errors.add(name, "must be at most 10")
        setattr(settings, name, value)
    errors.raise_if_any()
    settings.save()
    return settings
