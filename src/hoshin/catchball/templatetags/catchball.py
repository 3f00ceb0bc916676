"""`{% catchball_status element %}`: where an element stands in catchball, for the pages
of plan elements (open threads, the latest agreement, a link to propose)."""

from __future__ import annotations

from django import template

from hoshin.catchball import services
from hoshin.catchball.models import Catchball, Round
from hoshin.core import clock

register = template.Library()


@register.inclusion_tag("catchball/_element_status.html", takes_context=True)
def catchball_status(context, element, propose=True):
    try:
        field = services.element_field(element)
    except Exception:  # not a kind of element catchball is about (e.g. a breakthrough)
        return {"show": False}
    threads = list(Catchball.objects.filter(**{field: element})
                   .exclude(state=Catchball.State.WITHDRAWN).select_related("unit")
                   .order_by("-id")[:20])
    open_threads = [t for t in threads if t.state == Catchball.State.OPEN]
    agreed = next((t for t in threads if t.state == Catchball.State.AGREED), None)
    version = None
    if agreed is not None:
        last = Round.objects.filter(catchball=agreed).order_by("-number").first()
        version = {"title": last.title, "target": last.target}
    roles = context.get("roles")
    can_propose = propose and bool(roles and (roles.can_edit_strategy or roles.leads_a_unit))
    return {"show": True, "element": element, "open_threads": open_threads, "agreed": agreed,
            "version": version, "can_propose": can_propose}


@register.inclusion_tag("catchball/_awaiting.html", takes_context=True)
def catchball_awaiting(context, today=None):
    """What awaits the logged-in person's answer, as a section (for the home page):
    `{% load catchball %}{% catchball_awaiting %}`."""

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"awaiting": [], "hide_empty": True}
    shared = context.get("catchball_awaiting")  # the nav's, when already fetched
    rows = (shared.threads if shared is not None and today is None
            else services.awaiting_answer(user, today or clock.today()))
    # Shown only when something waits: most people never play catchball.
    return {"awaiting": rows, "show_app": True, "with_style": True, "hide_empty": True}
