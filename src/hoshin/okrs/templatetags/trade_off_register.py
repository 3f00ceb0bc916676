"""`{% trade_offs_affecting item %}`: the register's entries that name an objective, a key
result (with its initiatives) or an annual objective, for that item's page."""

from __future__ import annotations

from django import template
from django.db.models import Q

from hoshin.okrs.models import KeyResult, Objective, TradeOff
from hoshin.strategy.models import AnnualObjective

register = template.Library()


@register.inclusion_tag("okrs/_trade_offs_affecting.html")
def trade_offs_affecting(item):
    if isinstance(item, KeyResult):
        # An initiative has no page of its own: its entries show on its key result's.
        where = Q(key_results=item) | Q(initiatives__key_result=item)
    elif isinstance(item, Objective):
        where = Q(objectives=item)
    elif isinstance(item, AnnualObjective):
        where = Q(annual_objectives=item)
    else:
        return {"entries": []}
    ids = TradeOff.objects.filter(where).values("pk")
    entries = list(TradeOff.objects.filter(pk__in=ids)
                   .select_related("cycle", "decided_by", "superseded_by")
                   .order_by("-decided_on", "-id")[:50])
    return {"entries": entries}
