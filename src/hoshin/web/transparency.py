"""Company-wide transparency: every unit's objectives for the active quarter (/company/)
and the same status cycled full screen, one unit at a time, for a TV on the wall (/tv/)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from hoshin.core import clock, exports
from hoshin.engine.rollup import rollup
from hoshin.engine.types import Status
from hoshin.okrs import charts, rollups
from hoshin.okrs.pages import OKR_COLUMNS
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective
from hoshin.okrs.progress import key_result_states
from hoshin.okrs.rows import STATUSES, KRRow, StandingFigures, status_label
from hoshin.org.models import Organization, Unit

TV_DEFAULT_SECONDS = 15
TV_MIN_SECONDS, TV_MAX_SECONDS = 5, 600
# The company screen shows at most this many unit tiles (five a row, three rows); more
# units make more company screens, shown in turn like a unit's and shared out evenly (14
# units: one screen; 16: two of 8), so a 1920 x 1080 screen never scrolls however large
# the organisation.
TV_UNITS_PER_SCREEN = 15
# Above this many screens the header names the screen in words instead of a dot each
# (dots for 60 units would fill the header and push the screen down).
TV_MAX_DOTS = 24


class _Standing(StandingFigures):
    """Progress and status of a rolled-up objective or unit, in the key-result row's words
    and figures (okrs/rows.py)."""

    progress: float | None
    status: str


@dataclass
class ObjectiveRow(_Standing):
    key: str
    title: str
    progress: float | None
    status: str
    key_results: list[KRRow] = field(default_factory=list)  # okrs's rows, without forms


@dataclass
class UnitSection(_Standing):
    key: str
    name: str
    objectives: list[ObjectiveRow]
    status: str = "no_data"
    progress: float | None = None

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        tally = Counter(o.status for o in self.objectives)
        return [(s, label, tally[s]) for s, label in STATUSES]


def _active_quarter() -> Cycle | None:
    return rollups.with_mark(Cycle.objects.filter(
        kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
        archived_at__isnull=True)).order_by("-start").first()


def _tree_order(units: list[dict]) -> list[dict]:
    """Units depth-first from the top of the organisation, siblings by name, so the
    company comes before its divisions and a division before its teams."""
    children: dict[int | None, list[dict]] = {}
    ids = {u["id"] for u in units}
    for u in units:
        parent = u["parent_id"] if u["parent_id"] in ids else None
        children.setdefault(parent, []).append(u)
    ordered: list[dict] = []
    stack = sorted(children.get(None, []), key=lambda u: u["name"].lower(), reverse=True)
    while stack:
        u = stack.pop()
        ordered.append(u)
        stack.extend(sorted(children.get(u["id"], []), key=lambda c: c["name"].lower(),
                            reverse=True))
    return ordered


def company_status(cycle: Cycle | None) -> list[UnitSection]:
    """Units that have objectives in `cycle`, with objective and key-result status, in a
    fixed number of queries whatever the size of the company. Key results' states come
    from the stored roll-up when it holds today's figures, else are computed."""
    if cycle is None:
        return []
    objectives_qs = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    krs_qs = KeyResult.objects.filter(objective__in=objectives_qs.values("id"),
                                      archived_at__isnull=True)
    # Read from the stored roll-up when it holds today's figures (okrs/rollups.py).
    states = rollups.key_result_states(cycle)
    if states is None:
        states = key_result_states(krs_qs)
    krs_by_objective: dict[int, list[KRRow]] = {}
    for kr in krs_qs.order_by("key").only("id", "objective_id", "key", "title", "weight"):
        row = KRRow(kr=kr, state=states[kr.pk], due=False)
        krs_by_objective.setdefault(kr.objective_id, []).append(row)

    by_unit: dict[int, list[ObjectiveRow]] = {}
    for pk, unit_id, key, title in objectives_qs.order_by("key").values_list(
            "id", "unit_id", "key", "title"):
        krs = krs_by_objective.get(pk, [])
        progress, status = rollup([(r.kr.weight, r.state.progress, r.state.status)
                                   for r in krs])
        by_unit.setdefault(unit_id, []).append(
            ObjectiveRow(key, title, progress, str(status), krs))

    units = list(Unit.objects.filter(archived_at__isnull=True)
                 .values("id", "key", "name", "parent_id"))
    sections = []
    for u in _tree_order(units):
        objectives = by_unit.get(u["id"])
        if not objectives:
            continue
        progress, status = rollup([(1.0, o.progress, Status(o.status)) for o in objectives])
        sections.append(UnitSection(u["key"], u["name"], objectives, str(status), progress))
    return sections


def _summary(sections: list[UnitSection], attr: str = "objectives") -> list[tuple]:
    tally: Counter = Counter()
    for s in sections:
        for o in s.objectives:
            if attr == "objectives":
                tally[o.status] += 1
            else:
                tally.update(k.status for k in o.key_results)
    return [(s, label, tally[s]) for s, label in STATUSES]


def company_export_rows(cycle: Cycle, sections: list[UnitSection]) -> list[dict]:
    """Every objective of the quarter, each followed by its key results, unit by unit as
    the page lists them, in the unit page's columns (okrs.pages.OKR_COLUMNS: Type, Id,
    Parent id..., a goal list `hoshin import` reads back). The page's rows hold only what
    it shows, so parents, owners, values and last check-ins are read here: two queries
    more."""
    objective_keys = [o.key for s in sections for o in s.objectives]
    objectives = {o.key: o for o in Objective.objects.filter(cycle=cycle, key__in=objective_keys)
                  .select_related("parent_annual", "parent_priority", "parent_theme",
                                  "parent_objective")}
    kr_ids = [r.kr.pk for s in sections for o in s.objectives for r in o.key_results]
    krs = {kr.pk: kr for kr in KeyResult.objects.filter(pk__in=kr_ids)
           .select_related("owner", "last_checkin")}
    out = []
    for section in sections:
        for o in section.objectives:
            objective = objectives[o.key]
            out.append({"type": "objective", "id": o.key, "title": o.title,
                        "unit": section.key, "cycle": cycle.key,
                        "parent": getattr(objective.parent, "key", None),
                        "description": objective.description,
                        "row": {"progress_pct": o.percent, "status_label": o.label}})
            for row in o.key_results:
                kr = krs[row.kr.pk]
                out.append({"type": "key result", "id": kr.key, "parent": o.key,
                            "title": kr.title, "unit": section.key, "cycle": cycle.key,
                            "kr": kr, "row": KRRow(kr=kr, state=row.state, due=False),
                            "description": ""})
    return out


@login_required
def company(request):
    cycle = _active_quarter()
    sections = company_status(cycle)
    # Everyone signed in reads the whole company here, and so in its file.
    if response := exports.respond(
            request, "company-okrs", OKR_COLUMNS,
            lambda: company_export_rows(cycle, sections) if cycle else [],
            what="Objectives and key results of the whole organisation"):
        return response
    return render(request, "web/company.html", {
        "nav": "company", "cycle": cycle, "sections": sections,
        "organization": Organization.current(),
        "objective_summary": _summary(sections),
        "kr_summary": _summary(sections, "key_results")})


def _seconds(request) -> int:
    """How long a screen stays up: ?every= (or the older ?seconds=), within bounds."""
    try:
        seconds = int(request.GET.get("every") or request.GET.get("seconds")
                      or TV_DEFAULT_SECONDS)
    except ValueError:
        return TV_DEFAULT_SECONDS
    return max(TV_MIN_SECONDS, min(TV_MAX_SECONDS, seconds))


@dataclass
class _TVCard:
    """What okrs.charts.small_multiples reads of a row: the key result and its status."""

    kr: KeyResult
    status: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def _tv_cards(section: UnitSection, cycle: Cycle) -> dict[str, list]:
    """Sparkline cards of the shown unit's key results, by objective: three queries
    (key results with their steps, check-ins) whatever the size of the unit."""
    rows = {r.kr.pk: r for o in section.objectives for r in o.key_results}
    krs = {kr.pk: kr for kr in KeyResult.objects.filter(pk__in=list(rows))
           .only("id", "key", "title", "kind", "baseline", "target", "unit", "objective_id")
           .prefetch_related("steps")}
    readings: dict[int, list[CheckIn]] = {}
    for c in (CheckIn.objects.filter(key_result_id__in=list(rows))
              .only("id", "key_result_id", "date", "value", "steps_done", "confidence",
                    "note")):
        readings.setdefault(c.key_result_id, []).append(c)
    cards: dict[str, list] = {}
    for o in section.objectives:
        tv_rows = [_TVCard(krs[r.kr.pk], r.status) for r in o.key_results if r.kr.pk in krs]
        cards[o.key] = charts.small_multiples(
            tv_rows, lambda kr: cycle, lambda kr: readings.get(kr.pk, []),
            steps_of=lambda kr: list(kr.steps.all()), today=clock.today())
    return cards


@dataclass
class _Screen:
    """One screen of the rotation: a page of the company's unit tiles, or one unit."""

    name: str
    unit: str = ""  # the unit's key; empty for a company screen
    page: int = 1   # the company screen's page

    def url(self, seconds: int) -> str:
        query = {"unit": self.unit} if self.unit else (
            {"page": self.page} if self.page > 1 else {})
        return reverse("tv") + "?" + urlencode({**query, "every": seconds})


def _per_screen(units: int) -> int:
    """Unit tiles on each company screen: the fewest screens, evenly filled."""
    pages = max(1, -(-units // TV_UNITS_PER_SCREEN))
    return max(1, -(-units // pages))


def _screens(sections: list[UnitSection]) -> list[_Screen]:
    pages = max(1, -(-len(sections) // _per_screen(len(sections))))
    company = [_Screen("Company" if pages == 1 else f"Company {n} of {pages}", page=n)
               for n in range(1, pages + 1)]
    return company + [_Screen(s.name, unit=s.key) for s in sections]


def _screen_index(request, screens: list[_Screen]) -> int:
    """The screen asked for: ?unit=, else the company's ?page= (the first if unknown)."""
    wanted = request.GET.get("unit", "")
    if wanted:
        return next((i for i, s in enumerate(screens) if s.unit == wanted), 0)
    page = request.GET.get("page", "")
    pages = sum(1 for s in screens if not s.unit)
    return min(int(page), pages) - 1 if page.isdigit() and int(page) >= 1 else 0


@login_required
def tv(request):
    """The company first (a screen per TV_UNITS_PER_SCREEN units), then each unit with
    objectives, one screen at a time: the page moves on to the next after `every`
    seconds (a small script that pauses while the pointer or focus is on the page, or a
    plain refresh without scripts)."""
    cycle = _active_quarter()
    sections = company_status(cycle)
    seconds = _seconds(request)
    screens = _screens(sections)
    index = _screen_index(request, screens)
    screen = screens[index]
    section = next((s for s in sections if s.key == screen.unit), None) if screen.unit else None
    next_url = prev_url = None
    if sections:
        next_url = screens[(index + 1) % len(screens)].url(seconds)
        prev_url = screens[(index - 1) % len(screens)].url(seconds)
    objectives = [o for s in sections for o in s.objectives]
    overall = rollup([(1.0, o.progress, Status(o.status)) for o in objectives])
    company_standing = UnitSection("", "", objectives, str(overall[1]), overall[0])
    today = clock.today()
    days_left = (cycle.end - today).days if cycle else None
    cards = _tv_cards(section, cycle) if section else {}
    objectives_view = [(o, cards.get(o.key, [])) for o in section.objectives] if section else []
    per_screen = _per_screen(len(sections))
    first = (screen.page - 1) * per_screen
    tiles = sections[first:first + per_screen] if not section else []
    pages = len(screens) - len(sections)
    return render(request, "web/tv.html", {
        "cycle": cycle, "section": section, "position": index - pages + 1 if section else 0,
        "total": len(sections), "sections": sections, "tiles": tiles,
        "company_page": screen.page if pages > 1 and not section else None,
        "company_pages": pages, "tiles_from": first + 1, "tiles_to": first + len(tiles),
        "seconds": seconds, "next_url": next_url, "prev_url": prev_url,
        "next_name": screens[(index + 1) % len(screens)].name,
        "organization": Organization.current(), "summary": _summary(sections),
        "kr_summary": _summary(sections, "key_results"), "company": company_standing,
        "days_left": days_left, "objectives": objectives_view, "current": index,
        "screen_count": len(screens),
        "screens": [(s.url(seconds), s.name) for s in screens]
        if len(screens) <= TV_MAX_DOTS else []})
