"""The weekly drumbeat: check-in reminders, the nudge before the leadership review, and
the digest for unit leads. Each is a periodic job; each message carries a dedupe key of
its week and person, so nothing is sent twice whatever the scheduler or worker do."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from hoshin.notify import rhythm as drumbeat
from hoshin.notify.channels import Link, Notice, notify
from hoshin.notify.models import Rhythm
from hoshin.notify.scheduler import job
from hoshin.okrs.models import KeyResult
from hoshin.okrs.progress import active_key_results as running_key_results
from hoshin.okrs.progress import key_result_states
from hoshin.okrs.rows import STATUSES, status_words
from hoshin.org.models import Person, Unit


def active_key_results(today: dt.date):
    """Key results that take reminders: those of running quarters with an active owner."""
    return running_key_results(today).filter(owner__is_active=True)


def due_key_results(today: dt.date):
    """Key results with no check-in yet in the week of `today`."""
    week_start = drumbeat.week_monday(today)
    return (active_key_results(today)
            .filter(Q(last_checkin__isnull=True) | Q(last_checkin__date__lt=week_start))
            .select_related("owner", "objective", "last_checkin").order_by("owner_id", "key"))


def _detail(kr: KeyResult, today: dt.date) -> str:
    if kr.last_checkin is None:
        return "no check-in yet this quarter"
    days = (today - kr.last_checkin.date).days
    return f"last check-in {days} day{'s' if days != 1 else ''} ago"


def _by_owner(today: dt.date) -> dict[Person, list[KeyResult]]:
    owners: dict[Person, list[KeyResult]] = defaultdict(list)
    for kr in due_key_results(today):
        owners[kr.owner].append(kr)
    return owners


def _checkin_notice(krs: list[KeyResult], today: dt.date, *, nudge_before: str = "") -> Notice:
    count = f"{len(krs)} key result{'s' if len(krs) != 1 else ''}"
    if nudge_before:
        subject = f"Still to check in before the review: {count}"
        intro = (f"The leadership review is {nudge_before}. These key results have no check-in "
                 "this week yet; a check-in takes seconds (value, confidence, a note).")
    else:
        subject = f"Check-in due: {count}"
        intro = (f"It's check-in day ({today:%A %-d %B}). Record where each key result "
                 "stands: the value, your confidence (0-10), a short note and any blockers.")
    links = [Link(f"{kr.key} {kr.title}", f"/key-results/{kr.key}/", _detail(kr, today))
             for kr in krs]
    action = f"/key-results/{krs[0].key}/" if len(krs) == 1 else "/"
    return Notice(subject=subject, intro=intro, links=links, action_url=action,
                  action_label="Check in now", kind="nudge" if nudge_before else "reminder")


def _rhythm_slots(now: dt.datetime, which: str) -> list[str]:
    r = Rhythm.current()
    if which == "checkin":
        return drumbeat.weekly_slots(now, r.checkin_weekday, r.checkin_time, r.zone)
    if which == "digest":
        return drumbeat.weekly_slots(now, r.digest_weekday, r.digest_time, r.zone)
    return drumbeat.nudge_slots(now, r.review_weekday, r.review_time, r.zone,
                                r.nudge_hours_before_review)


@job("checkin-reminders", slots=lambda now: _rhythm_slots(now, "checkin"))
def send_checkin_reminders(slot: str, now: dt.datetime) -> int:
    rhythm = Rhythm.current()
    today = now.astimezone(rhythm.zone).date()
    sent = 0
    for owner, krs in _by_owner(today).items():
        sent += notify(owner, _checkin_notice(krs, today), now=now, rhythm=rhythm,
                       dedupe_key=f"reminder:{slot}:{owner.pk}")
    return sent


@job("review-nudges", slots=lambda now: _rhythm_slots(now, "nudge"))
def send_review_nudges(slot: str, now: dt.datetime) -> int:
    rhythm = Rhythm.current()
    today = now.astimezone(rhythm.zone).date()
    review = drumbeat.moment(drumbeat.monday_of_slot(slot), rhythm.review_weekday,
                             rhythm.review_time, rhythm.zone).astimezone(rhythm.zone)
    when = review.strftime("%A %-d %B at %H:%M")
    sent = 0
    for owner, krs in _by_owner(today).items():
        sent += notify(owner, _checkin_notice(krs, today, nudge_before=when), now=now,
                       rhythm=rhythm, dedupe_key=f"nudge:{slot}:{owner.pk}")
    return sent


def lead_digest(lead: Person, units: list[Unit], today: dt.date) -> Notice | None:
    week_start = drumbeat.week_monday(today)
    query = (active_key_results(today).filter(objective__unit__in=units)
             .select_related("owner", "objective__unit", "last_checkin").order_by("key"))
    krs = list(query)
    if not krs:
        return None
    states = key_result_states(query, today)
    checked = [kr for kr in krs if kr.last_checkin and kr.last_checkin.date >= week_start]
    missing = [kr for kr in krs if kr not in checked]
    by_status: dict[str, int] = defaultdict(int)
    for kr in krs:
        by_status[str(states[kr.pk].status)] += 1
    summary = ", ".join(f"{by_status[s]} {status_words(s)}" for s, _ in STATUSES
                        if by_status[s])
    names = ", ".join(u.name for u in units)
    intro = (f"Week of {week_start:%-d %B} in {names}: {len(checked)} of {len(krs)} key "
             f"results checked in; {summary}.")
    if missing:
        intro += " Not checked in yet:"
    worrying = [kr for kr in krs if str(states[kr.pk].status) in ("off_track", "at_risk")
                and kr not in missing]
    links = [Link(f"{kr.key} {kr.title}", f"/key-results/{kr.key}/",
                  f"{kr.owner.name}, {_detail(kr, today)}") for kr in missing]
    links += [Link(f"{kr.key} {kr.title}", f"/key-results/{kr.key}/",
                   f"{kr.owner.name}: {status_words(states[kr.pk].status)}")
              for kr in worrying]
    return Notice(subject=f"Weekly digest: {names}", intro=intro, links=links,
                  action_url=f"/units/{units[0].key}/", action_label="Open the unit page",
                  kind="digest")


@job("lead-digests", slots=lambda now: _rhythm_slots(now, "digest"))
def send_lead_digests(slot: str, now: dt.datetime) -> int:
    rhythm = Rhythm.current()
    today = now.astimezone(rhythm.zone).date()
    led: dict[Person, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(lead__isnull=False, lead__is_active=True,
                                    archived_at__isnull=True).select_related("lead"):
        led[unit.lead].append(unit)
    sent = 0
    for lead, units in led.items():
        notice = lead_digest(lead, units, today)
        if notice is not None:
            sent += notify(lead, notice, now=now, rhythm=rhythm,
                           dedupe_key=f"digest:{slot}:{lead.pk}")
    return sent
