"""PDCA operations: open, work and close countermeasures; write, find and adopt learnings."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from hoshin.core import clock
from hoshin.core.errors import DomainError, ErrorCollector
from hoshin.core.history import service
from hoshin.notify.channels import Link, Notice, notify
from hoshin.okrs.models import KeyResult
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
from hoshin.pdca.models import Countermeasure, Learning, LearningUse
from hoshin.strategy import bowling
from hoshin.strategy.models import MetricActual

MAX_WHYS = 5
# Red months older than this are history, not a problem to start work on today.
RED_MONTH_WINDOW = dt.timedelta(days=62)


def _can_work_on(actor: Person | None, cm: Countermeasure) -> bool:
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    if not actor.is_active or actor.role == "viewer":
        return False
    if cm.owner_id == actor.pk:
        return True
    return cm.unit is not None and permissions.can_edit_unit_plan(actor, cm.unit)


def _tell_owner(cm: Countermeasure) -> None:
    if cm.owner is None:
        return
    notify(cm.owner, Notice(
        subject=f"Countermeasure to work out: {cm.subject}"[:200],
        intro=(f"{cm.problem} Ask why five times to find the root cause, then plan a "
               "countermeasure with a due date and a date to check its effect."),
        links=[Link(cm.subject, f"/pdca/{cm.pk}/")], action_url=f"/pdca/{cm.pk}/",
        action_label="Open the countermeasure", kind="countermeasure"),
        dedupe_key=f"countermeasure:{cm.pk}:{cm.owner_id}")


@service
def open_countermeasure(actor: Person | None, *, problem: str, key_result: str | None = None,
                        owner: str | None = None, due: dt.date | None = None,
                        today: dt.date | None = None) -> Countermeasure:
    """Open a countermeasure by hand on a key result (or on no subject, for a problem
    found in a review)."""
    errors = ErrorCollector()
    kr = None
    if key_result:
        kr = KeyResult.objects.select_related("objective__unit", "owner").filter(
            key=key_result).first()
        if kr is None:
            errors.add("key_result", f'no key result "{key_result}"')
    unit = kr.objective.unit if kr else None
    if actor is None or permissions.can_edit_strategy(actor):
        allowed = True
    elif not actor.is_active or actor.role == "viewer":
        allowed = False
    elif kr is None:
        allowed = True  # a problem someone saw, owned by them until they hand it on
    else:
        allowed = kr.owner_id == actor.pk or permissions.can_edit_unit_plan(actor, unit)
    permissions.require(allowed, "open a countermeasure here")
    if not (problem or "").strip():
        errors.add("problem", "say what the problem is")
    person = kr.owner if kr else actor
    if owner:
        person = Person.objects.filter(email=owner.lower(), is_active=True).first()
        if person is None:
            errors.add("owner", f'no active person with email "{owner}"')
    if kr is not None and Countermeasure.objects.filter(
            key_result=kr, status__in=Countermeasure.ACTIVE).exists():
        errors.add("key_result", f"{kr.key} already has a countermeasure under way")
    errors.raise_if_any()
    cm = Countermeasure.objects.create(
        key_result=kr, unit=unit, problem=problem.strip(), owner=person, due=due,
        opened_on=today or clock.today(), opened_by=actor)
    _tell_owner(cm)
    return cm


EDITABLE = ("problem", "whys", "root_cause", "countermeasure", "owner", "due", "check_on",
            "result", "status")


@service
def update_countermeasure(actor: Person | None, cm: Countermeasure, *,
                          today: dt.date | None = None, **values) -> Countermeasure:
    permissions.require(_can_work_on(actor, cm), "work on this countermeasure")
    cm = Countermeasure.objects.select_for_update().get(pk=cm.pk)
    errors = ErrorCollector()
    for name, value in values.items():
        if name not in EDITABLE:
            errors.add(name, "cannot be changed here")
        elif name == "whys":
            whys = [str(w).strip() for w in (value or []) if str(w).strip()]
            if len(whys) > MAX_WHYS:
                errors.add("whys", f"at most {MAX_WHYS} whys")
            cm.whys = whys[:MAX_WHYS]
        elif name == "owner":
            person = Person.objects.filter(email=str(value or "").lower(),
                                           is_active=True).first()
            if person is None:
                errors.add("owner", f'no active person with email "{value}"')
            else:
                cm.owner = person
        elif name == "status":
            if value not in Countermeasure.Status.values:
                errors.add("status", "one of: " + ", ".join(Countermeasure.Status.values))
            else:
                cm.status = value
        else:
            setattr(cm, name, value.strip() if isinstance(value, str) else value)
    if cm.status in (Countermeasure.Status.CHECKED, Countermeasure.Status.CLOSED) \
            and not cm.result.strip():
        errors.add("result", "write what the check showed before marking it checked or closed")
    if cm.status == Countermeasure.Status.CLOSED and not cm.root_cause.strip():
        errors.add("root_cause", "a closed countermeasure names its root cause")
    if cm.due and cm.check_on and cm.check_on < cm.due:
        errors.add("check_on", "check the effect on or after the due date")
    errors.raise_if_any()
    if cm.status in (Countermeasure.Status.CLOSED, Countermeasure.Status.ABANDONED):
        cm.closed_on = cm.closed_on or today or clock.today()
    else:
        cm.closed_on = None
    cm.save()
    return cm


def _off_track_key_results(today: dt.date) -> list[tuple[KeyResult, object]]:
    from hoshin.okrs.progress import active_key_results, key_result_states

    query = active_key_results(today).exclude(
        countermeasures__status__in=Countermeasure.ACTIVE)
    states = key_result_states(query, today)
    off = [pk for pk, state in states.items() if str(state.status) == "off_track"]
    krs = KeyResult.objects.filter(pk__in=off).select_related("objective__unit", "owner")
    return [(kr, states[kr.pk]) for kr in krs.order_by("key")]


@service
def open_due_countermeasures(actor: Person | None, *, today: dt.date | None = None
                             ) -> list[Countermeasure]:
    """Open a countermeasure for every off-track key result and every recent red month
    that has none yet; tell each owner once."""
    permissions.require(actor is None or permissions.can_edit_strategy(actor),
                        "open countermeasures for the whole organisation")
    today = today or clock.today()
    opened = []
    for kr, state in _off_track_key_results(today):
        pace = "" if state.progress is None or state.expected is None else (
            f": {round(state.progress * 100)} % of the way where "
            f"{round(state.expected * 100)} % was expected")
        cm = Countermeasure.objects.create(
            key_result=kr, unit=kr.objective.unit, owner=kr.owner, opened_on=today,
            opened_automatically=True,
            problem=f"{kr.key} \u201c{kr.title}\u201d is off track{pace}.")
        opened.append(cm)
    months = (MetricActual.objects.filter(period__gte=today - RED_MONTH_WINDOW, period__lte=today,
                                          actual__isnull=False, plan__isnull=False,
                                          metric__archived_at__isnull=True)
              .select_related("metric__owner").order_by("metric__key", "period"))
    existing = set(Countermeasure.objects.filter(metric__isnull=False)
                   .values_list("metric_id", "period"))
    for row in months:
        metric = row.metric
        if (metric.pk, row.period) in existing:
            continue
        if bowling.cell_state(row.plan, row.actual, metric.direction) != bowling.RED:
            continue
        unit_word = f" {metric.unit}" if metric.unit and metric.unit != "%" else metric.unit
        cm = Countermeasure.objects.create(
            metric=metric, period=row.period, owner=metric.owner, opened_on=today,
            opened_automatically=True,
            problem=(f"{metric.title} missed plan in {row.period:%B %Y}: "
                     f"{row.actual:g}{unit_word} against a plan of {row.plan:g}{unit_word}."))
        opened.append(cm)
    for cm in opened:
        _tell_owner(cm)
    return opened


def overdue_countermeasures(today: dt.date, units=None) -> QuerySet:
    """Countermeasures past their due date and not closed: they go on review agendas."""
    query = Countermeasure.objects.filter(status__in=Countermeasure.ACTIVE, due__lt=today)
    if units is not None:
        query = query.filter(Q(unit__in=units) | Q(unit__isnull=True))
    return query.select_related("owner", "key_result", "metric", "unit").order_by("due")


# Learnings ---------------------------------------------------------------------------

_TAG = re.compile(r"[^a-z0-9\-]+")


def normalise_tags(tags) -> str:
    items = tags.split(",") if isinstance(tags, str) else list(tags or [])
    clean = []
    for tag in items:
        tag = _TAG.sub("-", str(tag).strip().lower()).strip("-")
        if tag and tag not in clean:
            clean.append(tag)
    return ("," + ",".join(clean) + ",") if clean else ""


@service
def create_learning(actor: Person | None, *, title: str, worked: str = "",
                    did_not_work: str = "", tags=(), unit: str | None = None,
                    source: str = Learning.Source.MANUAL, countermeasure: int | None = None,
                    reference: str = "") -> Learning:
    permissions.require(actor is None or (actor.is_active and actor.role != "viewer"),
                        "write a learning")
    errors = ErrorCollector()
    if not (title or "").strip():
        errors.add("title", "give the learning a title")
    if not (worked or "").strip() and not (did_not_work or "").strip():
        errors.add("worked", "say what worked, what did not, or both")
    unit_row = None
    if unit:
        unit_row = Unit.objects.filter(key=unit, archived_at__isnull=True).first()
        if unit_row is None:
            errors.add("unit", f'no unit "{unit}"')
    if source not in Learning.Source.values:
        errors.add("source", "one of: " + ", ".join(Learning.Source.values))
    cm = None
    if countermeasure is not None:
        cm = Countermeasure.objects.filter(pk=countermeasure).first()
        if cm is None:
            errors.add("countermeasure", f"no countermeasure {countermeasure}")
    errors.raise_if_any()
    return Learning.objects.create(
        title=title.strip(), worked=worked.strip(), did_not_work=did_not_work.strip(),
        tags=normalise_tags(tags), unit=unit_row or (cm.unit if cm else None), source=source,
        countermeasure=cm, reference=reference, author=actor)


@service
def adopt_learning(actor: Person | None, learning: Learning, *, unit: str,
                   note: str = "") -> LearningUse:
    row = Unit.objects.filter(key=unit, archived_at__isnull=True).first()
    if row is None:
        raise DomainError.field("unit", f'no unit "{unit}"')
    permissions.require(actor is None or permissions.can_edit_unit_plan(actor, row),
                        f"adopt a learning for {row.name}")
    if learning.unit_id == row.pk:
        raise DomainError.field("unit", "this learning comes from that unit already")
    if LearningUse.objects.filter(learning=learning, unit=row).exists():
        raise DomainError.field("unit", f"{row.name} already uses this learning")
    return LearningUse.objects.create(learning=learning, unit=row, adopted_by=actor,
                                      note=note.strip())


def search_learnings(text: str = "", *, tags=(), unit: str | None = None,
                     limit: int = 200) -> list[Learning]:
    """Every word must appear (title, what worked, what did not, tags); titles rank first.
    Portable across SQLite and PostgreSQL."""
    query = Learning.objects.select_related("unit", "author").prefetch_related("uses__unit")
    words = [w for w in re.findall(r"\w+", (text or "").lower()) if len(w) > 1]
    for word in words:
        query = query.filter(Q(title__icontains=word) | Q(worked__icontains=word)
                             | Q(did_not_work__icontains=word) | Q(tags__icontains=word))
    for tag in normalise_tags(tags).strip(",").split(","):
        if tag:
            query = query.filter(tags__icontains=f",{tag},")
    if unit:
        query = query.filter(Q(unit__key=unit) | Q(uses__unit__key=unit)).distinct()
    found = list(query[:1000])

    def score(learning: Learning) -> tuple:
        title = learning.title.lower()
        body = f"{learning.worked} {learning.did_not_work}".lower()
        hits = sum(3 * title.count(w) + body.count(w) + 2 * (f",{w}," in learning.tags)
                   for w in words)
        return (-hits, -len(learning.uses.all()), -learning.pk)

    found.sort(key=score)
    return found[:limit]
