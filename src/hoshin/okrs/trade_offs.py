"""Reading the trade-off register: one query for the web page, the API and the CLI."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoshin.okrs.models import TradeOff

RELATED = ("cycle", "decided_by", "unit", "supersedes", "superseded_by")
PREFETCH = ("told_people", "told_units", "objectives", "key_results", "initiatives",
            "annual_objectives")
LINKS = ("objectives", "key_results", "initiatives", "annual_objectives")


def register(*, cycle: str | None = None, unit: str | None = None, source: str | None = None,
             q: str | None = None, current_only: bool = False) -> QuerySet:
    """Entries newest first (by the day decided, then as written). `unit`: the entries
    whose work is that unit's or that told it; `q`: words in the title, the reason, where
    it came from or the name of who decided."""
    rows = (TradeOff.objects.select_related(*RELATED).prefetch_related(*PREFETCH)
            .order_by("-decided_on", "-id"))
    if cycle:
        rows = rows.filter(cycle__key=cycle)
    if source:
        rows = rows.filter(source=source)
    if unit:
        told = TradeOff.told_units.through.objects.filter(unit__key=unit).values("tradeoff_id")
        rows = rows.filter(Q(unit__key=unit) | Q(pk__in=told))
    for word in (q or "").split()[:8]:
        rows = rows.filter(Q(title__icontains=word) | Q(reason__icontains=word)
                           | Q(source_note__icontains=word)
                           | Q(decided_by__name__icontains=word))
    if current_only:
        rows = rows.filter(superseded_by__isnull=True)
    return rows


def affecting(item) -> list[TradeOff]:
    """The entries that name this objective, key result, initiative or annual objective,
    newest first (its page's "Trade-offs affecting this")."""
    return list(item.trade_offs.select_related("cycle", "decided_by", "superseded_by")
                .order_by("-decided_on", "-id"))


def affected_keys(entry: TradeOff) -> list[str]:
    return [i.key for name in LINKS for i in getattr(entry, name).all()]
