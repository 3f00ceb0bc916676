"""A quarter's retrospective shared as a learning: closing publishes RetrospectiveShared,
this writes the learning (subscribed in apps.py), so closing does not import pdca."""

from __future__ import annotations

from hoshin.core import events
from hoshin.pdca.models import Learning
from hoshin.pdca.services import create_learning


def learning_from_retrospective(event: events.RetrospectiveShared) -> Learning:
    """Runs in the transaction that writes the retrospective: a learning refused (an
    archived unit, a viewer) leaves the retrospective unwritten too."""
    retro = event.retrospective
    unit, cycle = retro.unit, retro.cycle
    return create_learning(event.actor,
                           title=f"{unit.name}, {cycle.name or cycle.key}: retrospective",
                           worked=retro.worked, did_not_work=retro.did_not_work,
                           tags=["retrospective", cycle.key], unit=unit.key,
                           source=Learning.Source.RETROSPECTIVE,
                           reference=f"Retrospective {cycle.key}")
