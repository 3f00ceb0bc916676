"""The cockpit on the home page of the strategy office, executives and viewers: where the
strategy stands this quarter, what is in trouble, what waits for a decision and when the
next beats of the drum fall.

Progress and status come from the stored roll-up (`okrs.rollups`), the figures of the
alignment tree the alignment map shows, so the cockpit never disagrees with it; when the
store does not hold today's figures they come from the tree itself
(`okrs.progress.alignment_tree`). The rest is counted by the database. A fixed number of
queries whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from hoshin.engine.types import Node, Status
from hoshin.flags.services import open_flags
from hoshin.notify.models import Rhythm
from hoshin.okrs import rollups
from hoshin.okrs.models import Cycle, Theme
from hoshin.okrs.progress import alignment_tree
from hoshin.okrs.rows import StandingFigures
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.reviews.models import Review
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
)


@dataclass
class Standing(StandingFigures):
    """A plan element with its rolled-up progress and status, and its page."""

    key: str
    title: str
    url: str
    progress: float | None
    status: str


@dataclass
class AnnualRow(Standing):
    breakthroughs: list[str] = field(default_factory=list)  # the keys of those it serves


@dataclass
class Trouble:
    """A count of key results in one kind of trouble, and the page that lists them."""

    kind: str  # off_track, at_risk, silent
    label: str
    hint: str
    count: int
    url: str


@dataclass
class Cockpit:
    cycle: Cycle
    breakthroughs: list[Standing]
    annuals: list[AnnualRow]
    priorities: list[Standing]
    themes: list[Theme]
    trouble: list[Trouble]
    key_results: int
    reviews_due: list[Review]  # held back: their day has come and they are not closed
    undecided: int  # agenda items of those reviews still without a decision
    next_review: Review | None
    next_checkin: dt.date
    brief_url: str

    @property
    def decisions_waiting(self) -> bool:
        return bool(self.reviews_due or self.undecided)


def active_quarter() -> Cycle | None:
    """The quarter the cockpit reports on: the latest running one, as /company/ and the
    alignment map take by default, so the links below show the same figures."""
    return rollups.with_mark(Cycle.objects.filter(
        kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
        archived_at__isnull=True)).order_by("-start").first()


def _standing(node: Node, url: str) -> Standing:
    return Standing(node.id, node.title, url, node.progress, str(node.status))


def _key_result_statuses(root: Node) -> dict[str, Status]:
    """Each key result once: a priority serving two annual objectives is in the tree twice."""
    statuses: dict[str, Status] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "key_result":
            statuses[node.id] = node.status
        else:
            stack.extend(node.children)
    return statuses


def natural_key(key: str) -> tuple:
    """P2 before P10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key))


def next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The next day (today included) that falls on `weekday` (Monday = 0)."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def _from_store(cycle: Cycle, today: dt.date):
    """The strategy items' standing and the key results' status counts from the stored
    roll-up, as `_from_tree` reads them off the tree; None when the store does not hold
    today's figures."""
    figures = rollups.strategy_figures(cycle, today)
    if figures is None:
        return None
    K = rollups.K
    year = fiscal_year_of(cycle.start, Organization.current().fiscal_year_start)

    def standing(kind, model, name, **filters):
        items = []
        for pk, key, title in model.objects.filter(archived_at__isnull=True, **filters) \
                .values_list("id", "key", "title"):
            if (kind, pk) not in figures:  # added in this very transaction
                raise LookupError(key)
            progress, status = figures[(kind, pk)]
            items.append((pk, Standing(key, title, reverse(name, args=[key]), progress,
                                       str(status))))
        return items

    try:
        breakthroughs = standing(K.BREAKTHROUGH, Breakthrough, "strategy:breakthrough")
        annuals = {pk: AnnualRow(s.key, s.title, s.url, s.progress, s.status) for pk, s in
                   standing(K.ANNUAL, AnnualObjective, "strategy:annual", year=year)}
        priorities = [s for _, s in standing(K.PRIORITY, ImprovementPriority,
                                             "strategy:priority", year=year)]
    except LookupError:
        return None
    counts = rollups.key_result_status_counts(cycle, figures)
    served = dict(breakthroughs)
    order = {pk: n for n, pk in enumerate(served)}
    # Each annual objective names the breakthroughs it serves in the tree's order.
    for b_id, a_id in sorted(BreakthroughCorrelation.objects.filter(
            breakthrough_id__in=list(served), annual_objective_id__in=list(annuals))
            .values_list("breakthrough_id", "annual_objective_id"),
            key=lambda link: order[link[0]]):
        annuals[a_id].breakthroughs.append(served[b_id].key)
    return ([s for _, s in breakthroughs], list(annuals.values()), priorities,
            counts.get(Status.OFF_TRACK, 0), counts.get(Status.AT_RISK, 0),
            sum(counts.values()))


def _from_tree(cycle: Cycle, today: dt.date):
    tree = alignment_tree(cycle, today)
    breakthroughs: list[Standing] = []
    annuals: dict[str, AnnualRow] = {}
    priorities: dict[str, Standing] = {}
    # Breakthroughs hold their annual objectives, annual objectives their priorities and
    # themes; an element not linked upward sits at the top. Each is listed once.
    stack = [(node, None) for node in reversed(tree.children)]
    while stack:
        node, parent = stack.pop()
        if node.type == "breakthrough":
            breakthroughs.append(_standing(node, reverse("strategy:breakthrough",
                                                         args=[node.id])))
        elif node.type == "annual_objective":
            row = annuals.get(node.id)
            if row is None:
                row = annuals[node.id] = AnnualRow(
                    node.id, node.title, reverse("strategy:annual", args=[node.id]),
                    node.progress, str(node.status))
            if parent is not None:
                row.breakthroughs.append(parent.id)
        elif node.type == "improvement_priority":
            priorities.setdefault(node.id, _standing(
                node, reverse("strategy:priority", args=[node.id])))
        if node.type in ("breakthrough", "annual_objective"):
            stack.extend((child, node) for child in reversed(node.children))
    statuses = _key_result_statuses(tree)
    return (breakthroughs, list(annuals.values()), list(priorities.values()),
            sum(s == Status.OFF_TRACK for s in statuses.values()),
            sum(s == Status.AT_RISK for s in statuses.values()), len(statuses))


def build(cycle: Cycle, today: dt.date) -> Cockpit:
    breakthroughs, annuals, priorities, off_track, at_risk, key_results = (
        _from_store(cycle, today) or _from_tree(cycle, today))
    alignment = reverse("alignment")

    def listed(status: str) -> str:
        return f"{alignment}?{urlencode({'cycle': cycle.key, 'status': status})}"

    # This quarter's silent key results, as the Flags page lists them with the same
    # filters: the count is the number of rows its link shows.
    silent_filters = {"cycle": cycle.key, "code": "silent"}
    silent = open_flags(cycle=cycle).filter(code="silent").count()
    trouble = [
        Trouble("off_track", "Off track", "far behind the pace the target needs",
                off_track, listed("off_track")),
        Trouble("at_risk", "At risk", "behind pace or losing confidence",
                at_risk, listed("at_risk")),
        Trouble("silent", "Silent", "no check-in for too long",
                silent, f"{reverse('flags:list')}?{urlencode(silent_filters)}"),
    ]

    reviews = Review.objects.filter(cycle=cycle).exclude(state=Review.State.CLOSED)
    reviews_due = list(reviews.filter(date__lte=today).order_by("-date")
                       .annotate(undecided=Count("items", filter=Q(items__decision__isnull=True))))
    undecided = sum(r.undecided for r in reviews_due)
    next_review = reviews.filter(date__gt=today).order_by("date").first()
    if next_review is None and reviews_due and reviews_due[0].date == today:
        next_review = reviews_due[0]
    themes = list(Theme.objects.filter(cycle=cycle, archived_at__isnull=True).order_by("key"))
    return Cockpit(
        cycle=cycle, breakthroughs=breakthroughs,
        annuals=sorted(annuals, key=lambda a: natural_key(a.key)),
        priorities=sorted(priorities, key=lambda p: natural_key(p.key)),
        themes=themes,
        trouble=trouble, key_results=key_results, reviews_due=reviews_due,
        undecided=undecided, next_review=next_review,
        next_checkin=next_weekday(today, Rhythm.current().checkin_weekday),
        brief_url=reverse("planning:brief", args=[cycle.key]))
