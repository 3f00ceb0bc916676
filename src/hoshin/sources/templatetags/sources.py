"""`{% key_result_source kr %}` and `{% metric_source metric %}`: the source feeding a key
result or a metric, on its page (the last value and when it was read, a failure with its
reason, "Sync now" and the link to set, change or remove the source for who may), and
`{% failing_sources %}`: the logged-in person's failing sources, for their home."""

from __future__ import annotations

from django import template

from hoshin.sources import services
from hoshin.sources.models import Source

register = template.Library()


def panel_context(person, target, outcome=None) -> dict:
    """`target` is a key result or a metric (the panel names it `kr`)."""
    from hoshin.strategy.models import Metric

    is_metric = isinstance(target, Metric)
    source = Source.objects.filter(**{"metric" if is_metric else "key_result": target}).first()
    may = (person is not None and person.is_authenticated
           and services.can_manage(person, target))
    return {"kr": target, "source": source, "outcome": outcome, "is_metric": is_metric,
            "can_sync": source is not None and may,
            # The source's page: of key results and metrics not archived.
            "can_manage": may and target.archived_at is None}


@register.inclusion_tag("sources/_panel.html", takes_context=True)
def key_result_source(context, key_result):
    request = context.get("request")
    return panel_context(getattr(request, "user", None), key_result)


@register.inclusion_tag("sources/_panel.html", takes_context=True)
def metric_source(context, metric):
    request = context.get("request")
    return panel_context(getattr(request, "user", None), metric)


@register.inclusion_tag("sources/_failing.html", takes_context=True)
def failing_sources(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"failing": []}
    from django.db.models import Q

    failing = list(services.live_sources()
                   .filter(Q(key_result__owner=user) | Q(metric__owner=user), failures__gt=0)
                   .order_by("failing_since")[:20])
    return {"failing": failing}
