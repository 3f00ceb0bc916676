import datetime as dt
from typing import Literal

from ninja import Field, Schema

from hoshin.core.api import Input, Measure

Severity = Literal["error", "warning", "info"]


class FindingItemOut(Schema):
    type: str = Field(..., description="objective, key_result, theme, annual_objective, "
                                        "improvement_priority, unit, person, metric, dependency "
                                        "or cycle")
    id: str = Field(..., description="The item's id (people: email).")
    title: str


class AnalyzerFindingOut(Schema):
    code: str = Field(..., description="The rule's code (hoshin check --rules).")
    severity: Severity
    message: str = Field(..., description="What is wrong, why it matters and what to do.")
    items: list[FindingItemOut]


class FindingCountsOut(Schema):
    error: int
    warning: int
    info: int


class CheckReportOut(Schema):
    findings: list[AnalyzerFindingOut]
    cycles: list[str] = Field(..., description="The cycles checked.")
    counts: FindingCountsOut


class DraftCheckOut(Schema):
    findings: list[AnalyzerFindingOut]
    counts: FindingCountsOut


class DraftCheckKeyResultIn(Input):
    id: str = Field(None, description="The stored key result this row edits, if any.")
    title: str = ""
    owner: str = Field(None, description="Email of the owner (any text is checked as given).")
    kind: Literal["increase", "decrease", "stay_above", "stay_below", "milestone"] = Field(None)
    baseline: Measure | None = Field(None)
    target: Measure | None = Field(None)
    steps: list[str] = Field([], max_length=50, description="Milestone steps' titles.")


class DraftCheckIn(Input):
    cycle: str = Field(None, description="The quarter (default: the current one).")
    id: str = Field(None, description="The objective being edited, if it exists already.")
    unit: str = Field(None, description="Id of the unit (required for a new objective).")
    title: str = ""
    parent: str = Field(None, description="Id of the annual objective, priority, theme or "
                                          "objective it serves.")
    kind: Literal["committed", "aspirational"] = Field(None)
    key_results: list[DraftCheckKeyResultIn] = Field([], max_length=50)


class AnalyzerRuleOut(Schema):
    code: str
    severity: Severity
    description: str


class AnalyzerSettingsOut(Schema):
    max_objectives: int
    max_krs: int
    max_owner_krs: int
    max_themes: int
    department_depth: int
    overlap_threshold: float | None


class AnalyzerSettingsPatch(Input):
    max_objectives: int = Field(None, ge=1, le=1000)
    max_krs: int = Field(None, ge=1, le=1000)
    max_owner_krs: int = Field(None, ge=1, le=1000)
    max_themes: int = Field(None, ge=1, le=1000)
    department_depth: int = Field(None, ge=1, le=10)
    overlap_threshold: float | None = Field(None, ge=0, le=1)


class DependencyRequestIn(Input):
    id: str = Field(None, description="The id (e.g. D1); generated when left out.")
    key_result: str = Field(None, description="Id of the key result that relies on the work.")
    objective: str = Field(None, description="Or the objective, when no single KR does.")
    providing_unit: str = Field(..., description="Id of the unit asked for the work.")
    description: str


class DependencyDecisionIn(Input):
    note: str = Field("", max_length=2000, description="Declining: why (required).")
    deliverable: str = Field("", max_length=2000,
                             description="Accepting: what the unit will deliver (required).")
    due: dt.date | None = Field(None, description="Accepting: by when (required).")


class DependencyDeliveredIn(Input):
    delivered_on: dt.date | None = Field(None, description="Default: today.")


class DependencyOut(Schema):
    id: str
    key_result: str | None
    objective: str | None
    providing_unit: str
    description: str
    state: Literal["requested", "accepted", "declined"]
    note: str
    requested_by: str | None
    decided_by: str | None
    requested_at: str
    decided_at: str | None
    deliverable: str
    due: dt.date | None
    delivered_on: dt.date | None
    late: bool = Field(..., description="Accepted, past its due date and not delivered.")
