"""What an agreement does to its element: the agreed version is written through the
element's own app's services on the agreement's authority (`gates.Agreement(thread)`), and
the element is then locked. The lock is a guard (`guard`, registered in apps.py as
"catchball-lock"), which the plan element services run through `gates.check_guards` before
every change, without knowing catchball."""

from __future__ import annotations

from hoshin.catchball.models import Catchball
from hoshin.catchball.services.elements import ELEMENT_MODELS, element_field
from hoshin.catchball.services.versions import UNCHANGED, latest_round, version_of
from hoshin.core import gates
from hoshin.core.errors import Conflict, DomainError
from hoshin.okrs import services as okrs_services
from hoshin.okrs.models import KeyResult, Objective
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.strategy import services as strategy_services
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


def apply_agreed(actor: Person | None, thread: Catchball, version: dict) -> None:
    """Write the agreed version to the element through its own app's services, inside the
    accepting transaction. The agreement of both sides is the authority (the person
    accepting may not be the element's editor): the services take it as `authority`, and
    the catchball guard lets exactly the agreed values through. The history credits the
    person who accepted."""
    element = thread.element
    authority = gates.Agreement(thread)
    fields = {"title": version["title"], "description": version["description"]}
    if isinstance(element, AnnualObjective):
        strategy_services.save_annual_objective(actor, element, **fields, authority=authority)
    elif isinstance(element, ImprovementPriority):
        strategy_services.save_improvement_priority(actor, element, **fields,
                                                    authority=authority)
    elif isinstance(element, Objective):
        okrs_services.save_objective(actor, element, **fields, authority=authority)
    else:
        changes = {"title": version["title"]}
        if version["target"] != element.target:
            changes["target"] = version["target"]
        okrs_services.save_key_result(
            actor, element, **changes, authority=authority,
            reason=f"agreed in catchball #{thread.pk} with {thread.unit.name}")


# The lock --------------------------------------------------------------------------------


def agreement_for(element) -> Catchball | None:
    """The latest agreement about the element, if any."""
    field = element_field(element)
    return (Catchball.objects.filter(**{field: element}, state=Catchball.State.AGREED)
            .order_by("-closed_at", "-id").first())


def check_change(actor: Person | None, element, *, title=UNCHANGED, target=UNCHANGED,
                 override: bool = False) -> None:
    """Refuse a change to the title or target of an element agreed in catchball, unless the
    strategy office overrides explicitly. Pass only what the caller is changing; values
    equal to the current ones pass."""
    changed = []
    if title is not UNCHANGED and title is not None and str(title).strip() != element.title:
        changed.append("title")
    if (target is not UNCHANGED and isinstance(element, KeyResult)
            and target != element.target):
        changed.append("target")
    if not changed:
        return
    agreed = agreement_for(element)
    if agreed is None:
        return
    if override:
        permissions.require(permissions.can_edit_strategy(actor),
                            "override an agreement reached in catchball")
        return
    raise Conflict([DomainError.field(name, f"was agreed in catchball #{agreed.pk} with "
                                            f"{agreed.unit.name}; propose a new round, or the "
                                            "strategy office may override").errors[0]
                    for name in changed])


def guard(actor: Person | None, element, changes: dict, authority) -> None:
    """The catchball lock as a guard (registered in apps.py; the plan element services run
    it through `gates.check_guards` before every change, without knowing catchball).

    With no authority, a changed title or target of an agreed element is refused; the
    strategy office's own edit counts as its override (kept in the history). With
    `gates.Agreement(thread)`, the change must be what that thread agreed about this very
    element: an agreement is not a pass for anything else."""
    if not isinstance(element, tuple(ELEMENT_MODELS.values())):
        return
    given = {name: changes[name] for name in ("title", "target") if name in changes}
    if isinstance(authority, gates.Agreement):
        _check_agreement(authority.thread, element, given)
        return
    if given:
        check_change(actor, element, override=permissions.can_edit_strategy(actor), **given)


def _check_agreement(thread: Catchball, element, given: dict) -> None:
    field = element_field(element)
    if thread.state != Catchball.State.AGREED:
        raise Conflict.field("state", f"catchball #{thread.pk} is not agreed")
    if getattr(thread, f"{field}_id") != element.pk:
        raise Conflict.field("element", f"catchball #{thread.pk} agreed another element, "
                                        f'not "{element.key}"')
    agreed = version_of(latest_round(thread))
    if "title" in given and given["title"] is not None \
            and str(given["title"]).strip() != agreed["title"]:
        raise Conflict.field("title", f"is not the title agreed in catchball #{thread.pk}")
    if "target" in given and isinstance(element, KeyResult) and given["target"] != agreed["target"]:
        raise Conflict.field("target", f"is not the target agreed in catchball #{thread.pk}")
