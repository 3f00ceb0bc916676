"""Running the analyzer on stored cycles or on a draft: what the CLI, the API and the
web pages call. Reads only; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from hoshin.analyzer import plan as p
from hoshin.analyzer.collect import collect, collect_near, cycles_to_check
from hoshin.analyzer.models import AnalyzerSettings
from hoshin.analyzer.plan import Finding, Limits, at_least
from hoshin.analyzer.rules import analyze
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle, Objective
from hoshin.org.models import Person, Unit

DRAFT_ID = p.DRAFT_PREFIX


@dataclass
class Report:
    cycles: list[Cycle]
    findings: list[Finding]

    def as_dict(self) -> dict:
        # The contract's key comes first; the rest is extra context for clients.
        return findings_dict(self.findings, cycles=[c.key for c in self.cycles])


def findings_dict(findings: list[Finding], **extra) -> dict:
    from hoshin.analyzer.rules import counts

    return {"findings": [f.as_dict() for f in findings], **extra, "counts": counts(findings)}


def limits(**overrides) -> Limits:
    return AnalyzerSettings.current().limits(**overrides)


def check(cycle: str | None = None, *, severity: str = "info", codes=None,
          overrides: dict | None = None) -> Report:
    cycles = cycles_to_check(cycle)
    findings = analyze(collect(cycles), limits(**(overrides or {})), codes=codes)
    return Report(cycles, [f for f in findings if at_least(f.severity, severity)])


def _number(value, field: str, errors: list) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        errors.append((field, "must be a number"))
        return None


def check_draft(draft: dict, *, severity: str = "info") -> list[Finding]:
    """Findings for one objective draft, typed but not saved, in the context of the
    stored plan of its cycle: the draft's own problems and how it sits with the rest
    (limits, overlaps, contradictions). Keys: cycle, unit, title, parent, kind, id (the
    objective being edited, if any), key_results [{id (a stored key result being edited),
    title, owner, kind, baseline, target, steps (their titles)}]."""
    cycles = cycles_to_check(draft.get("cycle") or None)
    if not cycles:
        raise DomainError.field("cycle", "there is no quarter to check the draft against")
    editing = None
    if draft.get("id"):
        editing = (Objective.objects.select_related("cycle", "unit")
                   .filter(key=draft["id"]).first())
    cycle = cycles[0] if editing is None else editing.cycle
    unit_key = draft.get("unit") or (editing.unit.key if editing else "")
    if not Unit.objects.filter(key=unit_key).exists():
        raise DomainError.field("unit", f'unknown unit "{unit_key}"')
    objective_id = editing.key if editing else DRAFT_ID
    rows = [kr for kr in draft.get("key_results") or [] if (kr.get("title") or "").strip()]
    title = (draft.get("title") or "").strip()
    # Only the part of the quarter the draft is compared with (its unit, the items sharing
    # its words, its owners' key results, its parent): the rules, run with the draft as
    # focus, find there exactly what they would find in the whole quarter.
    plan = collect_near(
        cycle, unit=unit_key, editing=editing.key if editing else None,
        texts=[title, *(kr["title"].strip() for kr in rows)],
        owners=[str(kr.get("owner") or "").strip() for kr in rows],
        subjects={objective_id, *(kr["id"] for kr in rows if kr.get("id") and editing)},
        parent=draft.get("parent") or None)
    kept = []
    if editing is not None:
        stored = next((o for o in plan.objectives if o.id == editing.key), None)
        # Rows naming a stored key result replace it; the others stay as stored.
        edited = {kr.get("id") for kr in rows if kr.get("id")}
        kept = [k for k in stored.key_results if k.id not in edited] if stored else []
        plan.objectives = [o for o in plan.objectives if o.id != editing.key]
    errors: list[tuple[str, str]] = []
    emails = [str(kr.get("owner") or "").strip().lower() for kr in rows]
    names = dict(Person.objects.filter(email__in=[e for e in emails if "@" in e])
                 .values_list("email", "name"))
    krs = []
    for i, (kr, email) in enumerate(zip(rows, emails, strict=True)):
        owner_text = str(kr.get("owner") or "").strip()
        stored_id = kr.get("id") if editing is not None else None
        krs.append(p.KeyResult(
            id=stored_id or f"{DRAFT_ID}-kr-{i + 1}", title=kr["title"].strip(),
            objective=objective_id, steps=len(kr.get("steps") or []),
            owner=p.Owner(id=owner_text, name=names.get(email, "")) if owner_text else None,
            kind=kr.get("kind") or None,
            baseline=_number(kr.get("baseline"), f"key_results[{i}].baseline", errors),
            target=_number(kr.get("target"), f"key_results[{i}].target", errors)))
    if errors:
        from hoshin.core.errors import FieldError

        raise DomainError([FieldError(f, m) for f, m in errors])
    objective = p.Objective(id=objective_id, title=(draft.get("title") or "").strip(),
                            unit=unit_key, cycle=cycle.key, parent=draft.get("parent") or None,
                            kind=draft.get("kind") or "committed", key_results=[*kept, *krs],
                            draft=True)
    plan.objectives.append(objective)
    focus = {objective_id, *(k.id for k in krs)}
    if not objective.title:
        focus.discard(objective_id)  # nothing typed yet: no verdicts on an empty title
    findings = analyze(plan, limits(), focus=focus)
    if not objective.title:
        findings = [f for f in findings if f.items and f.items[0].id != objective_id]
    return [f for f in findings if at_least(f.severity, severity)]

