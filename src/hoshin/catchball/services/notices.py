"""Telling the people of a thread: who is on each side, how a version and a thread read in
a message, and the message of an agreement (`tell_agreed`, subscribed to `ElementAgreed`
in apps.py). Every message goes through notify, on the channel each person chose."""

from __future__ import annotations

from django.urls import reverse

from hoshin.catchball.models import Catchball, Round
from hoshin.catchball.services.elements import ELEMENT_LABELS
from hoshin.core import events
from hoshin.engine.numbers import number
from hoshin.notify.channels import Notice, notify
from hoshin.org.models import Person


def thread_url(thread: Catchball) -> str:
    return reverse("catchball:thread", args=[thread.pk])


def describe(thread: Catchball) -> str:
    element = thread.element
    return f'{ELEMENT_LABELS[thread.element_kind]} {element.key} "{element.title}"'


def unit_side_people(thread: Catchball) -> list[Person]:
    people = [thread.unit.lead, thread.delegate]
    return [p for i, p in enumerate(people) if p is not None and p not in people[:i]
            and p.pk != thread.proposer_id]


def proposer_side_people(thread: Catchball) -> list[Person]:
    people = [thread.proposer, thread.proposer_unit.lead if thread.proposer_unit_id else None]
    return [p for i, p in enumerate(people) if p is not None and p not in people[:i]]


def tell(people, thread: Catchball, subject: str, lines: list[str]) -> None:
    # Through notify, like every other message: each person hears on the channel they
    # chose (email, Slack, Teams, or not at all), queued in the outbox inside this
    # transaction, so a change that rolls back tells nobody.
    notice = Notice(subject=subject, intro="\n".join(lines), action_label="Open the thread",
                    action_url=thread_url(thread), kind="catchball")
    for person in people:
        notify(person, notice)


def version_line(version: dict) -> str:
    target = "" if version["target"] is None else f", target {number(version['target'])}"
    return f'"{version["title"]}"{target}'


def actor_name(person: Person | None) -> str:
    return person.name if person is not None else "The system"


def needs_text(round_: Round) -> str:
    parts = [f"people: {round_.needs_people}" if round_.needs_people else "",
             f"budget: {round_.needs_budget}" if round_.needs_budget else "",
             f"time: {round_.needs_time}" if round_.needs_time else ""]
    helpers = [u.name for u in round_.help_from.all()] if round_.pk else []
    if helpers:
        parts.append("help from " + ", ".join(helpers))
    return "; ".join(p for p in parts if p)


def tell_agreed(event: events.ElementAgreed) -> None:
    """Tell both sides of the agreement (subscribed to ElementAgreed in apps.py). It runs
    in the accepting transaction and queues in the outbox, which sends only what committed;
    so an agreement that rolls back tells nobody, and one that commits cannot lose its
    message between the commit and a later write."""
    thread, version = event.thread, event.version
    comment = thread.rounds.order_by("-number").values_list("comment", flat=True).first()
    people = proposer_side_people(thread) + unit_side_people(thread)
    tell([p for i, p in enumerate(people) if p not in people[:i]], thread,
         f"Catchball agreed: {thread.element_key} with {thread.unit.name}",
         [f"{actor_name(event.actor)} accepted; {describe(thread)} is agreed between "
          f"{thread.proposer.name} and {thread.unit.name}.",
          f"Agreed version: {version_line(version)}",
          *([f"Comment: {comment}"] if comment else []),
          "It is now locked into the plan: changing its title or target takes a new round "
          "of catchball."])
