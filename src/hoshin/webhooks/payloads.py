"""The `data` of each event type, built from the records the events carry.

Every payload is {"type": ..., "timestamp": ..., "data": {...}} (the envelope the Standard
Webhooks specification recommends); docs/integrations.md lists every type and its shape.
Records are read by attribute, so this module names no app above it (flags, reviews and
catchball publish; webhooks only listens).
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from hoshin.core import clock
from hoshin.notify.outbox import absolute_url


def envelope(event_type: str, data: dict) -> str:
    """The exact body sent and signed (compact JSON; the same bytes on every attempt)."""
    body = {"type": event_type, "timestamp": clock.now().isoformat(), "data": data}
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def person(who) -> dict | None:
    if who is None or not getattr(who, "pk", None):
        return None
    return {"email": who.email, "name": who.name}


def key_result(kr) -> dict:
    objective = kr.objective
    return {"id": kr.key, "title": kr.title, "unit_of_measure": kr.unit,
            "target": kr.target, "owner": person(kr.owner),
            "objective": {"id": objective.key, "title": objective.title,
                          "unit": objective.unit.key if objective.unit_id else None,
                          "cycle": objective.cycle.key},
            "url": absolute_url(f"/key-results/{kr.key}/")}


def checkin(actor, kr, check_in) -> dict:
    return {"id": check_in.pk, "key_result": key_result(kr), "date": check_in.date,
            "value": check_in.value, "confidence": check_in.confidence,
            "note": check_in.note, "blockers": check_in.blockers,
            "author": person(check_in.author), "actor": person(actor)}


def flag(flag) -> dict:
    return {"id": flag.pk, "code": flag.code, "label": flag.get_code_display(),
            "message": flag.message, "raised_on": flag.raised_on,
            "cleared_on": flag.cleared_on, "key_result": key_result(flag.key_result)}


def decision(actor, review, decision) -> dict:
    item = decision.item
    return {"id": decision.pk, "kind": decision.kind, "label": decision.get_kind_display(),
            "rationale": decision.rationale, "new_target": decision.new_target,
            "escalated_to": decision.escalated_to, "decided_at": decision.decided_at,
            "decided_by": person(decision.decided_by or actor),
            "item": {"title": item.title, "source": item.source,
                     "key_result": key_result(item.key_result) if item.key_result_id else None},
            "review": {"id": review.pk, "kind": review.kind, "date": review.date,
                       "cycle": review.cycle.key,
                       "url": absolute_url(f"/reviews/{review.pk}/")}}


def agreement(actor, thread, element, version) -> dict:
    return {"thread": thread.pk,
            "element": {"kind": thread.element_kind, "id": thread.element_key,
                        "title": getattr(element, "title", "")},
            "unit": thread.unit.key,
            "proposer": person(thread.proposer),
            "agreed_by": person(actor),
            "version": version or {},
            "url": absolute_url(f"/catchball/{thread.pk}/")}


def cycle(actor, cycle, from_state, to_state, override_reason, gates) -> dict:
    return {"cycle": {"id": cycle.key, "name": cycle.name, "kind": cycle.kind,
                      "start": cycle.start, "end": cycle.end},
            "from": from_state, "to": to_state, "override_reason": override_reason or "",
            "gates": [{"gate": g.gate, "passed": g.passed, "reason": g.reason} for g in gates],
            "actor": person(actor)}
