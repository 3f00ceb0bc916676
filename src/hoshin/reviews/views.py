"""Review pages: the cycle's reviews, and each review's agenda with decisions and actions;
the calendar feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoshin.core import clock, errors, exports
from hoshin.okrs.models import Cycle
from hoshin.okrs.rules import fiscal_year_of
from hoshin.okrs.selectors import quarter_or_current
from hoshin.org import permissions
from hoshin.org.forms import person_choices
from hoshin.org.models import Organization
from hoshin.notify.models import Rhythm
from hoshin.reviews import agenda, ical, schedule, services, then
from hoshin.reviews.forms import ActionForm, DecisionForm, ItemForm
from hoshin.reviews.models import Action, AgendaItem, CalendarFeed, Decision, Review


def _cycle(request) -> Cycle | None:
    return quarter_or_current(request.GET.get("cycle"))


REVIEW_COLUMNS = [
    exports.Column("Date", "date", exports.DATE),
    exports.Column("Week", "week", exports.NUMBER),
    exports.Column("Review", lambda r: r.get_kind_display()),
    exports.Column("Standing", "standing.label"),
    exports.Column("Status meeting", "status_meeting"),
    exports.Column("Closed by", "closed_by.name"),
    exports.Column("Closed at", "closed_at", exports.DATETIME),
]
DECISION_COLUMNS = [
    exports.Column("Review date", "item.review.date", exports.DATE),
    exports.Column("Review", lambda d: d.item.review.get_kind_display()),
    exports.Column("Agenda item", "item.title"),
    exports.Column("Key result id", "item.key_result.key"),
    exports.Column("Decision", lambda d: d.get_kind_display()),
    exports.Column("Rationale", "rationale"),
    exports.Column("New target", "new_target", exports.NUMBER),
    exports.Column("Escalated to", "escalated_to"),
    exports.Column("Decided by", "decided_by.name"),
    exports.Column("Decided at", "decided_at", exports.DATETIME),
]
ACTION_COLUMNS = [
    exports.Column("Action", "title"),
    exports.Column("Owner", "owner.name"),
    exports.Column("Owner e-mail", "owner.email"),
    exports.Column("Due", "due", exports.DATE),
    exports.Column("Agreed in the review of", "review.date", exports.DATE),
]


@login_required
def review_list(request):
    cycle = _cycle(request)
    # The quarter's decisions as a file: the review pages show them review by review.
    if response := exports.respond(
            request, "decisions", DECISION_COLUMNS,
            lambda: Decision.objects.filter(item__review__cycle=cycle).select_related(
                "item__review", "item__key_result", "decided_by").order_by(
                "item__review__date", "decided_at") if cycle else [],
            what=f"Review decisions of {cycle.key if cycle else 'no quarter'}",
            table="decisions"):
        return response
    # Read only: the reviews are scheduled by the scheduler (reviews/jobs.py) or by the
    # "Schedule" button below (review_schedule), never by reading this page.
    reviews = list(cycle.reviews.select_related("closed_by")) if cycle else []
    unscheduled = (len(schedule.schedule(cycle.start, cycle.end,
                                         Rhythm.current().review_weekday))
                   if cycle and not reviews else 0)
    today = clock.today()
    standing_of = agenda.standings(reviews, today)
    for r in reviews:
        r.standing = standing_of[r.pk]
    upcoming = next((r for r in reviews if r.date >= today and r.state != Review.State.CLOSED),
                    None)
    cycles = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True).order_by(
        "-start")
    counts = {code: sum(1 for r in reviews if r.standing.code == code)
              for code in ("held", "missed", "planned")}
    open_actions = Action.objects.filter(review__cycle=cycle, done_on__isnull=True) \
        .select_related("owner", "review") if cycle else []
    if response := exports.respond(request, "reviews", REVIEW_COLUMNS, reviews,
                                   what=f"Reviews of {cycle.key if cycle else 'no quarter'}"):
        return response
    if response := exports.respond(request, "review-actions", ACTION_COLUMNS, open_actions,
                                   what="Open review actions", table="actions"):
        return response
    return render(request, "reviews/list.html", {
        "nav": "reviews", "cycle": cycle, "cycles": cycles, "reviews": reviews,
        "upcoming": upcoming, "today": today, "counts": counts, "unscheduled": unscheduled,
        "can_schedule": services.can_run_reviews(request.user),
        "perms_office": permissions.can_edit_strategy(request.user),
        "fiscal_year": fiscal_year_of(cycle.start, Organization.current().fiscal_year_start)
        if cycle else None,
        "status_meetings": sum(r.status_meeting for r in reviews),
        "open_actions": open_actions})


@login_required
@require_POST
def review_schedule(request):
    """Schedule the quarter's reviews now (the explicit action; the scheduler does it
    every night for the open quarters)."""
    cycle = _cycle(request)
    if cycle is None:
        raise Http404("no such quarter")
    try:
        made = services.schedule_reviews(request.user, cycle)
    except errors.PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{_plural(len(made), 'review')} scheduled for {cycle.key}.")
    return redirect(f"{reverse('reviews:list')}?cycle={cycle.key}")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _domain(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e

    return wrapper


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@login_required
@_domain
def review_detail(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("cycle", "closed_by"), pk=pk)
    can_run = services.can_run_reviews(request.user)
    forms = {}
    errors_for = None
    action = None
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("only leads and the strategy office run reviews")
        action = request.POST.get("do")
        try:
            if action == "agenda":
                new = services.build_agenda(request.user, review)
                messages.success(request, f"{_plural(len(new), 'item')} added to the agenda.")
            elif action == "decide":
                item = get_object_or_404(AgendaItem, pk=request.POST.get("item"), review=review)
                form = DecisionForm(request.POST, item_id=item.pk)
                forms[item.pk] = form
                if form.is_valid():
                    services.decide(request.user, item, **form.cleaned_data)
                    forms.pop(item.pk)  # recorded: the item shows it, with a fresh form
                    if not request.htmx:
                        messages.success(request, "Decision recorded.")
                else:
                    errors_for = item.pk
            elif action == "continue_rest":
                decided = services.continue_the_rest(
                    request.user, review,
                    rationale=request.POST.get("rationale") or services.CONTINUE_REASON)
                left = review.items.filter(decision__isnull=True).count()
                messages.success(request, f"Continue recorded on {_plural(len(decided), 'item')}."
                                 + (f" {_plural(left, 'item')} of other units "
                                    f"{'is' if left == 1 else 'are'} left to their leads."
                                    if left else ""))
            elif action == "action":
                form = ActionForm(request.POST)
                if form.is_valid():
                    data = form.cleaned_data
                    item = review.items.filter(pk=data.get("item")).first()
                    services.add_action(request.user, review, title=data["title"],
                                        owner=data["owner"], due=data["due"], item=item)
                    messages.success(request, "Action added.")
                else:
                    errors_for = "action"
                    forms["action"] = form
            elif action == "item":
                form = ItemForm(request.POST)
                if form.is_valid():
                    services.add_item(request.user, review, **form.cleaned_data)
                else:
                    errors_for = "item"
                    forms["item"] = form
            elif action == "done":
                done = get_object_or_404(Action, pk=request.POST.get("action"))
                services.complete_action(request.user, done)
            elif action == "close":
                closed = services.close_review(request.user, review,
                                               notes=request.POST.get("notes", ""))
                if closed.status_meeting:
                    messages.warning(request, "Closed without a single decision: this was a "
                                              "status meeting, not a review.")
        except errors.PermissionDenied:
            raise  # a 403, not a form error (see _domain)
        except errors.DomainError as e:
            decision_form = forms.get(_int(request.POST.get("item")))
            if action == "decide" and decision_form is not None:
                # Next to the field it concerns, so it shows in the item htmx swaps in.
                for error in e.errors:
                    field = error.field if error.field in decision_form.fields else None
                    decision_form.add_error(field, error.message)
                errors_for = _int(request.POST.get("item"))
            else:
                messages.error(request, e.detail)
                errors_for = errors_for or "domain"
        if action == "decide" and request.htmx:
            # htmx replaces only the item (and the counts that follow it); it swaps only
            # 2xx answers, so a refused decision comes back as 200 with its errors.
            return _decided_item(request, review, forms)
        if errors_for is None:
            # Without JavaScript the page comes back where the person was working.
            anchor = f"#item{_int(request.POST.get('item'))}" if action == "decide" else ""
            return redirect(reverse("reviews:detail", args=[review.pk]) + anchor)
    today = clock.today()
    standing = agenda.standings([review], today)[review.pk]
    figures = _figures(review, standing, today)
    rows = agenda.agenda_rows(review, request.user, today=today, forms=forms, figures=figures)
    people = person_choices()  # one list of names for every item's action form
    for row in rows:
        row.action_form = ActionForm(prefix_id=f"item{row.item.pk}-action",
                                     initial={"item": row.item.pk}, people_choices=people)
    return render(request, "reviews/detail.html", {
        "nav": "reviews", "review": review, "rows": rows, "can_run": can_run,
        "open": review.state != Review.State.CLOSED, "today": today,
        "standing": standing, "figures": figures,
        "actions": review.actions.select_related("owner", "item"),
        "action_form": forms.get("action") or ActionForm(people_choices=people),
        "item_form": forms.get("item") or ItemForm(),
        "continue_reason": services.CONTINUE_REASON,
        **_counts(rows)},
        status=400 if errors_for else 200)


def _figures(review: Review, standing, today) -> then.Figures | None:
    """A past review's figures as they stood when it was held (or on its day, missed)."""
    key_results = set(review.items.filter(key_result__isnull=False)
                      .values_list("key_result_id", flat=True))
    if not key_results:
        return None
    moment = then.moment_of(review, standing, today)
    return then.Figures(moment, key_results) if moment is not None else None


def _counts(rows) -> dict:
    decided = sum(1 for r in rows if r.decision)
    return {"decided_count": decided, "item_count": len(rows),
            # What "continue the rest" would decide for this reader.
            "rest_count": sum(1 for r in rows if r.can_decide and not r.decision)}


def _decided_item(request, review: Review, forms: dict) -> HttpResponse:
    item_pk = _int(request.POST.get("item"))
    today = clock.today()
    figures = _figures(review, agenda.standings([review], today)[review.pk], today)
    rows = agenda.agenda_rows(review, request.user, today=today, forms=forms, figures=figures)
    row = next(r for r in rows if r.item.pk == item_pk)
    row.action_form = ActionForm(prefix_id=f"item{item_pk}-action", initial={"item": item_pk})
    return render(request, "reviews/_decided.html", {
        "row": row, "review": review, "can_run": True, "figures": figures,
        "open": review.state != Review.State.CLOSED,
        "continue_reason": services.CONTINUE_REASON, **_counts(rows)})


@login_required
def calendar_page(request):
    feed, _ = CalendarFeed.objects.get_or_create(person=request.user)
    base = request.build_absolute_uri("/")[:-1]
    cycle = _cycle(request)
    reviews = list(cycle.reviews.select_related("closed_by")) if cycle else []
    standing_of = agenda.standings(reviews, clock.today())
    for r in reviews:
        r.standing = standing_of[r.pk]
    return render(request, "reviews/calendar.html", {
        "nav": "reviews", "cycle": cycle, "reviews": reviews,
        "personal": base + reverse("calendar-person", args=[feed.token]),
        "organisation": base + reverse("calendar-org", args=[feed.token])})


@login_required
@require_POST
def calendar_regenerate(request):
    CalendarFeed.objects.filter(person=request.user).delete()
    CalendarFeed.objects.create(person=request.user)
    messages.success(request, "New calendar addresses made; the old ones no longer work.")
    return redirect("calendar")


def _feed_person(token: str):
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise Http404("no such calendar")
    return feed.person


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


def calendar_person(request, token: str):
    return _ics(ical.feed(_feed_person(token)), "hoshin")


def calendar_org(request, token: str):
    _feed_person(token)
    return _ics(ical.feed(None), "hoshin-organisation")
