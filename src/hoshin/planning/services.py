"""Operations of the planning rhythm: the readiness diagnostic, the executive alignment
test, the quarter's strategic brief and the gate that moves a cycle to drafting. Each
public write is one transaction and checks permissions first; the readers below them
decide who may see what (answers and rankings are private)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from hoshin.core import clock, events, gates
from hoshin.core.errors import Conflict, DomainError, ErrorCollector, FieldError, NotFound
from hoshin.core.history import service
from hoshin.okrs import services as okrs_services
from hoshin.okrs.models import Cycle, Objective, Theme
from hoshin.org import permissions
from hoshin.org.models import Person, Role, Unit
from hoshin.planning import concordance, readiness
from hoshin.planning.models import (
    AlignmentItem,
    AlignmentRound,
    Brief,
    GateOverride,
    Ranking,
    ReadinessResponse,
    ReadinessSurvey,
)
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

_UNSET = object()
LEADER_ROLES = {Role.ADMIN, Role.STRATEGY_OFFICE, Role.UNIT_LEAD}
# Aggregates of fewer answers would let anyone work out who said what.
MIN_SHARED_RESPONSES = 3
# More themes than this dilute the quarter's focus (the analyzer's too-many-themes).
THEME_LIMIT = 3


def get_cycle(key: str, field: str = "cycle") -> Cycle:
    cycle = Cycle.objects.filter(key=key).first()
    if cycle is None:
        raise NotFound.field(field, f'unknown cycle "{key}"')
    return cycle


def _cycle(cycle: Cycle | str, field: str = "cycle") -> Cycle:
    return cycle if isinstance(cycle, Cycle) else get_cycle(cycle, field)


def _person(email: str, field: str) -> Person:
    person = Person.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None:
        raise NotFound.field(field, f'unknown person "{email}"')
    return person


def is_leader(person: Person | None) -> bool:
    """Leaders answer the readiness questionnaire: admins, the strategy office, unit leads
    and anyone who leads a unit."""
    if person is None or not person.is_active or person.role == Role.VIEWER:
        return False
    return person.role in LEADER_ROLES or Unit.objects.filter(lead=person).exists()


# Readiness ------------------------------------------------------------------------------


def survey_for(cycle: Cycle) -> ReadinessSurvey | None:
    return ReadinessSurvey.objects.filter(cycle=cycle).first()


def get_survey(cycle: Cycle | str) -> ReadinessSurvey:
    cycle = _cycle(cycle)
    survey = survey_for(cycle)
    if survey is None:
        raise NotFound.field("cycle", f'cycle "{cycle.key}" has no readiness survey')
    return survey


@service
def open_survey(actor: Person | None, cycle: Cycle | str) -> ReadinessSurvey:
    permissions.require(permissions.can_edit_strategy(actor), "open a readiness survey")
    cycle = _cycle(cycle)
    if cycle.state == Cycle.State.CLOSED:
        raise DomainError.field("cycle", f'cycle "{cycle.key}" is closed')
    if survey_for(cycle) is not None:
        raise Conflict.field("cycle", f'cycle "{cycle.key}" already has a readiness survey')
    return ReadinessSurvey.objects.create(cycle=cycle, opened_by=actor)


@service
def close_survey(actor: Person | None, survey: ReadinessSurvey) -> ReadinessSurvey:
    permissions.require(permissions.can_edit_strategy(actor), "close a readiness survey")
    if survey.closed_at is None:
        survey.closed_at = clock.now()
        survey.save()
    return survey


@service
def save_response(actor: Person | None, survey: ReadinessSurvey, answers: dict,
                  respondent: str | None = None) -> ReadinessResponse:
    """A leader's answers, replacing their earlier ones while the survey is open. Only the
    system answers on someone else's behalf (the demo, an import)."""
    if respondent is not None:
        permissions.require(actor is None, "answer for someone else")
        person = _person(respondent, "respondent")
    else:
        person = actor
    permissions.require(person is not None and is_leader(person),
                        "answer the readiness questionnaire (it is for leaders)")
    if not ReadinessSurvey.objects.filter(pk=survey.pk, closed_at__isnull=True).exists():
        raise DomainError.field("survey", "the readiness survey is closed")
    errors = readiness.answer_errors(answers)
    if errors:
        raise DomainError([FieldError(f"answers.{k}", v) for k, v in errors.items()])
    clean = {q.key: answers[q.key] for q in readiness.QUESTIONS}
    response, created = ReadinessResponse.objects.get_or_create(
        survey=survey, respondent=person, defaults={"answers": clean})
    if not created:
        response.answers = clean
        response.save()
    return response


def my_response(survey: ReadinessSurvey, person: Person | None) -> ReadinessResponse | None:
    if person is None or not person.is_authenticated:
        return None
    return survey.responses.filter(respondent=person).first()


def can_see_answers(actor: Person | None) -> bool:
    """Individual answers are for the strategy office (and admins) only."""
    return permissions.can_edit_strategy(actor)


def can_see_results(actor: Person | None, survey: ReadinessSurvey) -> bool:
    return can_see_answers(actor) or survey.responses.count() >= MIN_SHARED_RESPONSES


def survey_results(survey: ReadinessSurvey) -> readiness.Results:
    return readiness.results(list(survey.responses.values_list("answers", flat=True)))


@dataclass(frozen=True)
class TrendPoint:
    cycle: Cycle
    results: readiness.Results


def readiness_trend(actor: Person | None) -> list[TrendPoint]:
    """Each cycle's results, oldest first, as far as the actor may see them."""
    points = []
    for survey in ReadinessSurvey.objects.select_related("cycle").order_by("cycle__start"):
        if can_see_results(actor, survey):
            points.append(TrendPoint(survey.cycle, survey_results(survey)))
    return points


# Executive alignment test ---------------------------------------------------------------


def get_round(pk, field: str = "id") -> AlignmentRound:
    found = None
    if str(pk).isdigit():
        found = AlignmentRound.objects.select_related("cycle").filter(pk=int(pk)).first()
    if found is None:
        raise NotFound.field(field, f'unknown alignment round "{pk}"')
    return found


def _item(errors: ErrorCollector, index: int, raw) -> AlignmentItem | None:
    """"A1" or "P3" links an annual objective or priority; anything else is free text."""
    if isinstance(raw, dict):
        title, link = (raw.get("title") or "").strip(), (raw.get("link") or "").strip()
    else:
        text = str(raw or "").strip()
        title, link = text, ""
        if text and " " not in text and (
                AnnualObjective.objects.filter(key=text).exists()
                or ImprovementPriority.objects.filter(key=text).exists()):
            title, link = "", text
    item = AlignmentItem(title=title, order=index)
    if link:
        item.annual_objective = AnnualObjective.objects.filter(key=link).first()
        item.priority = (None if item.annual_objective else
                         ImprovementPriority.objects.filter(key=link).first())
        linked = item.annual_objective or item.priority
        if linked is None:
            errors.add(f"items[{index}].link", f'unknown annual objective or priority "{link}"')
            return None
        item.title = item.title or linked.title
    if not item.title:
        errors.add(f"items[{index}]", "must not be empty")
        return None
    return item


@service
def open_round(actor: Person | None, cycle: Cycle | str, *, items: list,
               executives: list[str], title: str = "", threshold: float | None = None
               ) -> AlignmentRound:
    permissions.require(permissions.can_edit_strategy(actor), "open an alignment round")
    cycle = _cycle(cycle)
    errors = ErrorCollector()
    if cycle.state == Cycle.State.CLOSED:
        errors.add("cycle", f'cycle "{cycle.key}" is closed')
    built = [_item(errors, i, raw) for i, raw in enumerate(items or [])]
    if len(items or []) < 2:
        errors.add("items", "give at least two candidate priorities to rank")
    titles = [i.title.casefold() for i in built if i]
    if len(set(titles)) < len(titles):
        errors.add("items", "the same candidate appears twice")
    people = []
    for i, email in enumerate(executives or []):
        person = Person.objects.filter(email__iexact=(email or "").strip()).first()
        if person is None:
            errors.add(f"executives[{i}]", f'unknown person "{email}"')
        elif not person.is_active or person.role == Role.VIEWER:
            errors.add(f"executives[{i}]", f"{person.email} cannot take part (viewer or "
                                           "inactive)")
        else:
            people.append(person)
    if len({p.pk for p in people}) < 2 and not any(e.field.startswith("executives")
                                                   for e in errors.errors):
        errors.add("executives", "invite at least two executives")
    if threshold is None:
        threshold = concordance.DEFAULT_THRESHOLD
    if not (0 < threshold <= 1):
        errors.add("threshold", "must be above 0 and at most 1")
    errors.raise_if_any()
    round_ = AlignmentRound.objects.create(cycle=cycle, title=(title or "").strip(),
                                           threshold=threshold, opened_by=actor)
    for item in built:
        item.round = round_
        item.save()
    round_.executives.set(people)
    return round_


@service
def save_ranking(actor: Person | None, round_: AlignmentRound, positions: dict,
                 executive: str | None = None) -> Ranking:
    """An executive's order of the items: {item id: position}, 1 = most important. Equal
    positions are ties; items left out tie after the ranked ones."""
    if executive is not None:
        permissions.require(actor is None, "rank for someone else")
        person = _person(executive, "executive")
    else:
        person = actor
    permissions.require(person is not None and person.is_active
                        and round_.executives.filter(pk=person.pk).exists(),
                        "rank in this round (you are not one of its executives)")
    if not AlignmentRound.objects.filter(pk=round_.pk, closed_at__isnull=True).exists():
        raise DomainError.field("round", "the alignment round is closed")
    item_ids = {str(pk) for pk in round_.items.values_list("pk", flat=True)}
    errors = ErrorCollector()
    clean: dict[str, int] = {}
    for raw_key, value in (positions or {}).items():
        key = str(raw_key)
        if key not in item_ids:
            errors.add(f"positions.{key}", "not an item of this round")
        elif value is None or value == "":
            continue
        elif isinstance(value, bool) or not isinstance(value, int) \
                or not 1 <= value <= len(item_ids):
            errors.add(f"positions.{key}", f"must be a whole number from 1 to {len(item_ids)}")
        else:
            clean[key] = value
    if not errors and not clean:
        errors.add("positions", "rank at least one item")
    errors.raise_if_any()
    ranking, created = Ranking.objects.get_or_create(round=round_, executive=person,
                                                     defaults={"positions": clean})
    if not created:
        ranking.positions = clean
        ranking.save()
    return ranking


def round_result(round_: AlignmentRound) -> concordance.Concordance:
    """Raters are the executives' emails, items the items' ids (as strings)."""
    items = [str(pk) for pk in round_.items.values_list("pk", flat=True)]
    rankings = {r.executive.email: r.positions
                for r in round_.rankings.select_related("executive").order_by("executive__name")}
    return concordance.concordance(rankings, items)


@service
def close_round(actor: Person | None, round_: AlignmentRound) -> AlignmentRound:
    permissions.require(permissions.can_edit_strategy(actor), "close an alignment round")
    if round_.closed_at is not None:
        raise Conflict.field("round", "the alignment round is already closed")
    if round_.rankings.count() < 2:
        raise DomainError.field("round", "at least two executives must rank before closing")
    round_.w = round_result(round_).w
    round_.closed_at = clock.now()
    round_.save()
    return round_


def can_see_rankings(actor: Person | None, round_: AlignmentRound) -> bool:
    """Everyone's rankings are sealed until the round closes, even for the office: an
    executive who sees others' orders first is no longer ranking independently."""
    return round_.closed_at is not None and (actor is None or actor.is_authenticated)


# The gate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    round: AlignmentRound | None
    passed: bool
    reason: str  # why it is closed, or what let it open

    @property
    def w(self) -> float | None:
        return self.round.w if self.round else None

    @property
    def threshold(self) -> float:
        return self.round.threshold if self.round else concordance.DEFAULT_THRESHOLD


def _year_of(cycle: Cycle) -> Cycle | None:
    if cycle.kind == Cycle.Kind.YEAR:
        return None
    return (Cycle.objects.filter(kind=Cycle.Kind.YEAR, start__lte=cycle.start,
                                 end__gte=cycle.end, archived_at__isnull=True)
            .order_by("-start").first())


def gate_round(cycle: Cycle) -> AlignmentRound | None:
    """The latest closed round of the cycle, else of the year it belongs to."""
    for candidate in (cycle, _year_of(cycle)):
        if candidate is None:
            continue
        found = (AlignmentRound.objects.filter(cycle=candidate, closed_at__isnull=False)
                 .order_by("-closed_at", "-id").first())
        if found is not None:
            return found
    return None


def gate(cycle: Cycle) -> Gate:
    round_ = gate_round(cycle)
    if round_ is None:
        return Gate(None, False, "no alignment round has been closed for this cycle or its "
                                 "year: the executives have not shown that they agree on the "
                                 "priorities")
    if round_.w is None:
        return Gate(round_, False, "the latest alignment round has no computable agreement")
    if round_.passed:
        return Gate(round_, True, f"the executives agree: W = {round_.w:.2f} "
                                  f"(threshold {round_.threshold:.2f})")
    return Gate(round_, False, f"the executives do not agree enough: W = {round_.w:.2f} is "
                               f"below the threshold {round_.threshold:.2f}")


_ORDER = [s.value for s in Cycle.State]


def _gated(current: str, new: str) -> bool:
    """Leaving draft for planning (drafting) or beyond passes the alignment gate."""
    return current == Cycle.State.DRAFT and _ORDER.index(new) >= _ORDER.index("planning")


ALIGNMENT_GATE = "alignment-test"


def alignment_gate_applies(transition: gates.Transition) -> bool:
    return _gated(transition.from_state, transition.to_state)


def alignment_gate_check(transition: gates.Transition) -> gates.GateResult:
    status = gate(transition.cycle)
    reason = status.reason if status.passed else f"drafting cannot open: {status.reason}"
    return gates.GateResult(ALIGNMENT_GATE, status.passed, reason, data=status)


def record_gate_override(event: events.CycleTransitioned) -> None:
    """Keep who overrode the alignment gate, when and why (subscribed to the transition)."""
    refused = event.refused(ALIGNMENT_GATE)
    if refused is None:
        return
    status = refused.data
    GateOverride.objects.create(
        cycle=event.cycle, from_state=event.from_state, to_state=event.to_state,
        reason=event.override_reason, by=event.actor, round=status.round, w=status.w,
        threshold=status.threshold)


def move_cycle(actor: Person | None, cycle: Cycle, to_state: str,
               override_reason: str | None = None) -> Cycle:
    """Move a cycle forward (kept for callers in this app; the transition itself and its
    gates are `okrs.services.transition_cycle`)."""
    return okrs_services.transition_cycle(actor, cycle, to_state,
                                          override_reason=override_reason)


# Strategic brief ------------------------------------------------------------------------


def _quarter(cycle: Cycle) -> None:
    if cycle.kind != Cycle.Kind.QUARTER:
        raise DomainError.field("cycle", f'"{cycle.key}" is a year; a strategic brief belongs '
                                         "to a quarter")


@service
def save_brief(actor: Person | None, cycle: Cycle | str, *, success=_UNSET, risks=_UNSET,
               constraints=_UNSET) -> Brief:
    permissions.require(permissions.can_edit_strategy(actor), "edit the strategic brief")
    cycle = _cycle(cycle)
    _quarter(cycle)
    if cycle.state == Cycle.State.CLOSED:
        raise DomainError.field("cycle", f'cycle "{cycle.key}" is closed and read-only')
    brief = Brief.objects.filter(cycle=cycle).first() or Brief(cycle=cycle)
    for name, value in (("success", success), ("risks", risks), ("constraints", constraints)):
        if value is not _UNSET:
            setattr(brief, name, (value or "").strip())
    brief.save()
    return brief


@dataclass
class BriefView:
    cycle: Cycle
    brief: Brief | None
    themes: list[Theme]
    trade_offs: list
    drafts_by_theme: dict[int, int]  # theme id → objectives that point to it

    @property
    def too_many_themes(self) -> bool:
        return len(self.themes) > THEME_LIMIT

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.too_many_themes:
            out.append(f"{len(self.themes)} themes: more than {THEME_LIMIT} dilutes the "
                       "quarter's focus (too-many-themes)")
        unlinked = [t.key for t in self.themes if not t.annual_objectives.all()]
        if unlinked:
            out.append(f"not linked to any annual objective: {', '.join(unlinked)}")
        if self.themes and not self.trade_offs:
            out.append("no trade-offs: what is paused, slowed or stopped to make room?")
        return out


def brief_view(cycle: Cycle | str) -> BriefView:
    cycle = _cycle(cycle)
    themes = list(Theme.objects.filter(cycle=cycle, archived_at__isnull=True)
                  .prefetch_related("annual_objectives").order_by("key"))
    drafts: dict[int, int] = {}
    for theme_id in (Objective.objects.filter(parent_theme__in=themes, archived_at__isnull=True)
                     .values_list("parent_theme_id", flat=True)):
        drafts[theme_id] = drafts.get(theme_id, 0) + 1
    return BriefView(cycle, Brief.objects.filter(cycle=cycle).first(), themes,
                     list(cycle.trade_offs.select_related("decided_by", "superseded_by")
                          .order_by("id")), drafts)


def brief_markdown(view: BriefView) -> str:
    c = view.cycle
    lines = [f"# Strategic brief {c.key}" + (f" ({c.name})" if c.name else ""), ""]
    for warning in view.warnings:
        lines.append(f"> Warning: {warning}")
    if view.warnings:
        lines.append("")
    brief = view.brief
    lines += ["## What success looks like", "", (brief.success if brief and brief.success
                                                  else "_not written yet_"), ""]
    lines += ["## Themes", ""]
    for t in view.themes:
        links = ", ".join(a.key for a in t.annual_objectives.all()) or "no annual objective"
        lines.append(f"- **{t.key} {t.title}** (serves {links}; "
                     f"{view.drafts_by_theme.get(t.id, 0)} objective(s) point to it)")
        if t.success:
            lines.append(f"  - Success: {t.success}")
    if not view.themes:
        lines.append("_no themes yet_")
    lines += ["", "## Trade-offs", ""]
    for t in view.trade_offs:
        lines.append(f"- {t.get_kind_display()}: {t.title}" + (f". {t.reason}" if t.reason
                                                                else "")
                     + ("" if t.is_current else f" (superseded by entry {t.superseded_by.pk})"))
    if not view.trade_offs:
        lines.append("_none recorded_")
    for title, text in (("Risks", brief.risks if brief else ""),
                        ("Constraints", brief.constraints if brief else "")):
        lines += ["", f"## {title}", "", text or "_none recorded_"]
    return "\n".join(lines) + "\n"


def leaders() -> list[Person]:
    """Everyone who may answer the questionnaire or rank, for pickers."""
    return list(Person.objects.filter(is_active=True)
                .filter(Q(role__in=LEADER_ROLES) | Q(led_units__isnull=False))
                .distinct().order_by("name"))
