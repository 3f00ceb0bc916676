"""`{% load bars %}` … `<span class="{{ row.bar_pct|width_class }}">`: a bar's width or a pace
tick's place as a class of web/bars.css (w-0 … w-100, at-0 … at-100) instead of a style=
attribute, which the Content Security Policy refuses (docs/security.md)."""

from __future__ import annotations

from django import template

register = template.Library()


def _whole_percent(value) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    if number != number:  # NaN
        return 0
    return max(0, min(100, round(number)))


@register.filter
def width_class(percent) -> str:
    """A percentage (clamped to 0–100, rounded) as the class giving that width."""
    return f"w-{_whole_percent(percent)}"


@register.filter
def left_class(percent) -> str:
    """A percentage (clamped to 0–100, rounded) as the class placing a tick there."""
    return f"at-{_whole_percent(percent)}"
