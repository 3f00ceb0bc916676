"""Catchball operations: propose, respond, revise, accept, withdraw, delegate; the planning
calendar; and the lock on agreed elements (a guard registered in apps.py, which the plan
element services run before every change). One module per part:

elements   the plan elements catchball is about: finding one, its unit, cycle and version
versions   a version on the table (title, target, description), checked; a round's version
rights     who may act on a thread: propose, answer for either side, accept, delegate
deadlines  the planning calendar (set_deadline, remove_deadline) and answer-by dates
threads    a thread's life: propose, respond, revise, accept, withdraw, delegate
agreement  an agreement written to its element on its authority, and the lock (the guard)
notices    who is told what, through notify; tell_agreed (subscribed to ElementAgreed)
selectors  inbox, waiting on others, the office's overview, badges, a thread's rounds

A thread alternates between its two sides. After a proposal or a revision the receiving
unit is to answer; after a response the proposer is. The version on the table was written
by one side; only the other side can accept it, unchanged, and that agreement is applied to
the element through its own app's services in the same transaction, on the authority of
the agreement (`gates.Agreement(thread)`). Everyone involved is told through notify, on the
channel each person chose. Each public function that writes is one transaction
(`@service`).

Callers import this package (`from hoshin.catchball import services`); the names below
are its public surface.
"""

from hoshin.catchball.services.agreement import agreement_for, check_change, guard
from hoshin.catchball.services.deadlines import (
    DEFAULT_RESPONSE_DAYS,
    deadline,
    default_respond_by,
    remove_deadline,
    set_deadline,
)
from hoshin.catchball.services.elements import (
    ELEMENT_LABELS,
    ELEMENT_MODELS,
    current_version,
    element_cycle,
    element_field,
    element_unit,
    find_element,
)
from hoshin.catchball.services.notices import describe, tell_agreed, thread_url
from hoshin.catchball.services.rights import (
    allowed_actions,
    can_answer_for_proposer,
    can_answer_for_unit,
    can_delegate,
    can_propose,
    can_propose_at_all,
    sides_of,
)
from hoshin.catchball.services.selectors import (
    awaiting_answer,
    awaiting_count,
    in_catchball,
    overview,
    recently_closed,
    thread_rounds,
    waiting_on_others,
)
from hoshin.catchball.services.threads import (
    accept,
    delegate,
    get_thread,
    propose,
    respond,
    revise,
    withdraw,
)
from hoshin.catchball.services.versions import UNCHANGED, version_of

__all__ = [
    "DEFAULT_RESPONSE_DAYS",
    "ELEMENT_LABELS",
    "ELEMENT_MODELS",
    "UNCHANGED",
    "accept",
    "agreement_for",
    "allowed_actions",
    "awaiting_answer",
    "awaiting_count",
    "can_answer_for_proposer",
    "can_answer_for_unit",
    "can_delegate",
    "can_propose",
    "check_change",
    "current_version",
    "deadline",
    "default_respond_by",
    "delegate",
    "describe",
    "element_cycle",
    "element_field",
    "element_unit",
    "find_element",
    "get_thread",
    "guard",
    "in_catchball",
    "overview",
    "propose",
    "recently_closed",
    "remove_deadline",
    "respond",
    "revise",
    "set_deadline",
    "sides_of",
    "tell_agreed",
    "thread_rounds",
    "thread_url",
    "version_of",
    "waiting_on_others",
    "withdraw",
]
