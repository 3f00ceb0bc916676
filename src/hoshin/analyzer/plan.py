"""What the analyzer reads and what it reports, as plain data (no Django).

`collect.py` fills a `Plan` from the database; the draft check adds a draft objective to
it; tests may build one by hand. Ids are the plan elements' human keys (people: email).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"
# Most serious first; `--severity warning` keeps errors and warnings.
SEVERITIES = (ERROR, WARNING, INFO)
# Ids of a draft's items (not stored yet): "draft", "draft-kr-1", ...
DRAFT_PREFIX = "draft"


def at_least(severity: str, floor: str) -> bool:
    return SEVERITIES.index(severity) <= SEVERITIES.index(floor)


@dataclass(frozen=True)
class Item:
    type: str  # objective, key_result, theme, annual_objective, improvement_priority,
    #            unit, person, metric, dependency, cycle
    id: str
    title: str


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    items: tuple[Item, ...] | list[Item]

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "items": [{"type": i.type, "id": i.id, "title": i.title} for i in self.items]}


@dataclass(frozen=True)
class Limits:
    """The analyzer's configurable thresholds (SPEC §4 defaults)."""

    max_objectives: int = 3       # objectives per unit and quarter
    max_krs: int = 5              # key results per objective
    max_owner_krs: int = 5        # key results one person owns in a quarter
    max_themes: int = 3           # strategic themes per quarter
    department_depth: int = 2     # company 0 → division 1 → department 2 (for `silos`)
    overlap_threshold: float | None = None  # None: the text module's default


@dataclass
class Unit:
    id: str
    name: str
    parent: str | None = None


@dataclass
class Owner:
    id: str        # email, or whatever text names the owner in a draft or an import
    name: str = ""


@dataclass
class Cycle:
    id: str
    title: str
    fiscal_year: int


@dataclass
class KeyResult:
    id: str
    title: str
    objective: str
    owner: Owner | None
    kind: str | None = None
    baseline: float | None = None
    target: float | None = None
    steps: int = 0


@dataclass
class Objective:
    id: str
    title: str
    unit: str
    cycle: str
    parent: str | None = None     # key of an annual objective, priority, theme or objective
    kind: str = "committed"
    key_results: list[KeyResult] = field(default_factory=list)
    draft: bool = False


@dataclass
class Theme:
    id: str
    title: str
    cycle: str
    annual_objectives: list[str] = field(default_factory=list)


@dataclass
class AnnualObjective:
    id: str
    title: str
    year: int


@dataclass
class Priority:
    id: str
    title: str
    year: int
    unit: str | None = None
    annual_objectives: list[str] = field(default_factory=list)


@dataclass
class Metric:
    id: str
    title: str
    priorities: list[str] = field(default_factory=list)


@dataclass
class Dependency:
    id: str
    key_result: str | None      # the KR (or, with objective, the objective) that relies on it
    objective: str | None
    providing_unit: str
    description: str
    state: str                  # requested | accepted | declined


@dataclass
class UnitWip:
    """A unit's initiatives in progress or blocked in the checked quarters, with its WIP
    limit (units without a limit are not collected)."""

    unit: str
    limit: int
    initiatives: list[tuple[str, str]] = field(default_factory=list)  # (key, title)


@dataclass
class Plan:
    cycles: list[Cycle] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    objectives: list[Objective] = field(default_factory=list)
    # Objectives outside the checked cycles that checked objectives name as parent
    # (e.g. a year cycle's objective): for the parent chain and fake-cascade only.
    outside_objectives: dict[str, Objective] = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    annual_objectives: list[AnnualObjective] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    wip: list[UnitWip] = field(default_factory=list)

    def key_results(self):
        for objective in self.objectives:
            yield from objective.key_results
