"""What a strategy page shows of an element's links: correlations with their marks, the
metrics its priorities move (with their latest actual), the resources of priorities."""

from __future__ import annotations

from collections import defaultdict

from hoshin.engine.numbers import number
from hoshin.strategy.models import MetricActual, MetricCorrelation, Resource, ResourceRole

MARKS = {"strong": "●", "important": "○", "weak": "△"}


def latest_actuals(metric_ids) -> dict[int, MetricActual]:
    """Each metric's latest month with an actual."""
    latest: dict[int, MetricActual] = {}
    for row in (MetricActual.objects.filter(metric_id__in=metric_ids, actual__isnull=False)
                .order_by("metric_id", "period")):
        latest[row.metric_id] = row
    return latest


def resources_by_priority(priority_ids) -> dict[int, list[Resource]]:
    """Each priority's resources, primary first, then by name."""
    out: dict[int, list[Resource]] = defaultdict(list)
    order = {ResourceRole.PRIMARY: 0, ResourceRole.SECONDARY: 1, ResourceRole.ROTATING: 2}
    for res in (Resource.objects.filter(priority_id__in=priority_ids)
                .select_related("person", "unit")):
        out[res.priority_id].append(res)
    for items in out.values():
        items.sort(key=lambda r: (order.get(r.role, 9), holder_name(r)))
    return out


def holder_name(res: Resource) -> str:
    return res.person.name if res.person_id else res.unit.name


def correlation_links(qs, other: str) -> list[dict]:
    """The correlations in `qs` as the element at their `other` end with the mark."""
    return [{"item": getattr(link, other), "strength": link.strength,
             "mark": MARKS.get(link.strength, ""), "label": link.get_strength_display()}
            for link in qs.select_related(other)]


def metric_links(priority_ids) -> list[dict]:
    """The metrics the priorities move, each with the priority, mark and latest actual."""
    rows = list(MetricCorrelation.objects.filter(priority_id__in=priority_ids,
                                                  metric__archived_at__isnull=True)
                 .select_related("metric", "priority").order_by("metric__key", "priority__key"))
    latest = latest_actuals({link.metric_id for link in rows})
    return [{"item": link.metric, "via": link.priority, "strength": link.strength,
             "mark": MARKS.get(link.strength, ""), "label": link.get_strength_display(),
             "baseline": number(link.metric.baseline, empty="–"),
             "target": number(link.metric.target, empty="–"),
             "latest": latest.get(link.metric_id)} for link in rows]

