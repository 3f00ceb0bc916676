"""Versions of a plan element on the table: what a round proposes (title, target,
description), checked as the element's own rules would check it."""

from __future__ import annotations

import math

from hoshin.catchball.models import Catchball, Round
from hoshin.core.errors import ErrorCollector
from hoshin.okrs import rules
from hoshin.okrs.models import KeyResult

# Pass as `target` to leave the version's target as it is (None means "no target").
UNCHANGED = object()


def clean_version(errors: ErrorCollector, element, base: dict, title, target,
                  description) -> dict:
    """`base` with the given changes, each checked; what is wrong is added to `errors`."""
    version = dict(base)
    if title is not None and title is not UNCHANGED:
        if not str(title).strip():
            errors.add("title", "must not be empty")
        elif len(str(title).strip()) > 300:
            errors.add("title", "must be at most 300 characters")
        version["title"] = str(title).strip()
    if target is not UNCHANGED:
        if target is None or target == "":
            version["target"] = None
        else:
            try:
                value = float(target)
                if not math.isfinite(value) or abs(value) > 1e12:
                    raise ValueError
                version["target"] = value
            except (TypeError, ValueError):
                errors.add("target", f'"{target}" is not a number')
    if description is not None and description is not UNCHANGED:
        version["description"] = str(description)
    if isinstance(element, KeyResult) and "target" not in {e.field for e in errors.errors}:
        steps = list(element.steps.values_list("key", "weight"))
        for err in rules.key_result_errors(element.kind, element.baseline, version["target"],
                                           steps, element.weight):
            if err.field == "target":
                errors.add("target", err.message)
    return version


def version_of(round_: Round) -> dict:
    return {"title": round_.title, "target": round_.target, "description": round_.description}


def latest_round(thread: Catchball) -> Round:
    return thread.rounds.order_by("-number").first()
