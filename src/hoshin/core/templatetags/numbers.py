"""`{% load numbers %}` … `{{ kr.target|number }}`: engine.numbers.number in templates."""

from django import template

from hoshin.engine import numbers

register = template.Library()


@register.filter(name="number")
def number(value, empty: str = ""):
    """A value as people read it; nothing (or the argument) when there is none."""
    if value in (None, ""):
        return empty
    try:
        return numbers.number(float(value))
    except (TypeError, ValueError):
        return value
