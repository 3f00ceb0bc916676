"""The one writer of execution analytics: counting each quarter's trend figures."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

from hoshin.analytics.models import CycleTrend
from hoshin.analyzer import report
from hoshin.core import clock
from hoshin.core.history import service
from hoshin.okrs.models import Cycle, KeyResult, Objective, TradeOff
from hoshin.org.models import Person
from hoshin.reviews.models import Decision, Review

COUNTED_FINDINGS = ("orphan-objective", "output-kr")


def count_trend(cycle: Cycle) -> dict:
    objectives = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    findings = Counter(f.code for f in report.check(cycle.key, codes=set(COUNTED_FINDINGS))
                       .findings)
    held = Review.objects.filter(cycle=cycle, state=Review.State.CLOSED)
    with_decisions = held.annotate(n=Count("items__decision")).filter(n__gt=0).count()
    return {
        "objectives": objectives.count(),
        "key_results": KeyResult.objects.filter(objective__cycle=cycle,
                                                archived_at__isnull=True).count(),
        "orphan_objectives": findings["orphan-objective"],
        "output_key_results": findings["output-kr"],
        "reviews_held": held.count(),
        "reviews_with_decisions": with_decisions,
        "decisions": Decision.objects.filter(item__review__cycle=cycle,
                                             item__review__state=Review.State.CLOSED).count(),
        "trade_offs": TradeOff.objects.filter(cycle=cycle).count(),
    }


@service
def refresh_trends(actor: Person | None, *, cycles=None) -> list[CycleTrend]:
    """Count the trend figures of every quarter (or of `cycles`) now."""
    query = Cycle.objects.filter(kind=Cycle.Kind.QUARTER).order_by("start")
    if cycles is not None:
        query = query.filter(Q(pk__in=[c.pk for c in cycles]))
    counted = []
    for cycle in query:
        trend, _ = CycleTrend.objects.update_or_create(
            cycle=cycle, defaults={**count_trend(cycle), "counted_at": clock.now()})
        counted.append(trend)
    return counted
