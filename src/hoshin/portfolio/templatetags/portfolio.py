"""`{% unit_wip unit %}`: a unit's work in progress against its WIP limit, for the unit page
(okrs's template loads it; okrs's code names no app above it)."""

from __future__ import annotations

from django import template

from hoshin.portfolio import selectors

register = template.Library()


@register.inclusion_tag("portfolio/_unit_wip.html")
def unit_wip(unit):
    load = selectors.load_of(unit)
    return {"load": load, "show": load.limit is not None or load.in_progress > 0}
