"""Notification settings pages and Slack's endpoints."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http.request import RawPostDataException
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hoshin.core import errors
from hoshin.notify import services, slack, teams
from hoshin.notify.forms import PreferenceForm, RhythmForm
from hoshin.notify.models import Preference, Rhythm
from hoshin.okrs.models import KeyResult
from hoshin.org import permissions
from hoshin.org.decorators import forbid_viewers


def _apply_errors(form, error: errors.DomainError) -> None:
    for e in error.errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


@login_required
def rhythm_settings(request):
    if not permissions.can_edit_strategy(request.user):
        raise PermissionDenied("only the strategy office sets the rhythm")
    rhythm = Rhythm.current()
    initial = {name: getattr(rhythm, name) for name in services.RHYTHM_FIELDS
               if name not in services.SECRETS}
    form = RhythmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rhythm(request.user, **form.rhythm_values())
        except errors.DomainError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "Rhythm saved.")
            return redirect("notify:settings")
    return render(request, "notify/settings.html", {
        "form": form, "rhythm": rhythm, "nav": "settings",
        "has_secret": bool(rhythm.slack_signing_secret), "has_token": bool(rhythm.slack_bot_token),
        "has_teams_token": bool(rhythm.teams_security_token),
        "has_slack_webhook": bool(rhythm.slack_webhook_url),
        "has_teams_webhook": bool(rhythm.teams_webhook_url),
    }, status=400 if form.errors else 200)


@login_required
@forbid_viewers
def my_notifications(request):
    pref = Preference.objects.filter(person=request.user).first()
    initial = {"channel": pref.channel if pref else Preference.Channel.EMAIL,
               "slack_user_id": pref.slack_user_id if pref else "",
               "teams_user_id": pref.teams_user_id if pref else ""}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preference(request.user, request.user, **form.cleaned_data)
        except errors.DomainError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "Saved.")
            return redirect("notify:me")
    return render(request, "notify/me.html", {"form": form, "rhythm": Rhythm.current()},
                  status=400 if form.errors else 200)


def _verified(request) -> str | None:
    try:
        body = request.body
    except RawPostDataException:
        # A multipart body was parsed (and checked) before the view: Slack never sends
        # one, and its signature covers the raw bytes, which are gone.
        return "not a Slack request: Slack sends a url-encoded form"
    return slack.verification_problem(
        slack.signing_secret(), request.headers.get("X-Slack-Request-Timestamp"),
        request.headers.get("X-Slack-Signature"), body)


@csrf_exempt
@require_POST
def slack_command(request):
    problem = _verified(request)
    if problem:
        return HttpResponse(problem, status=401, content_type="text/plain")
    return JsonResponse(slack.command_response(request.POST.get("user_id", ""),
                                               request.POST.get("text", "")))


@csrf_exempt
@require_POST
def slack_interaction(request):
    problem = _verified(request)
    if problem:
        return HttpResponse(problem, status=401, content_type="text/plain")
    try:
        payload = json.loads(request.POST.get("payload", ""))
    except ValueError:
        return HttpResponseBadRequest("payload is not JSON")
    person = slack.person_for((payload.get("user") or {}).get("id", ""))
    if person is None:
        return JsonResponse({"response_type": "ephemeral",
                             "text": "Link your Slack member id in Hoshin first."})
    kind = payload.get("type")
    if kind == "block_actions":
        action = next((a for a in payload.get("actions", []) if a.get("action_id") == "checkin"),
                      None)
        kr = KeyResult.objects.filter(key=(action or {}).get("value", "")).first()
        if kr is None or not permissions.can_check_in(person, kr):
            return HttpResponse(status=200)
        token = Rhythm.current().secret("slack_bot_token")
        try:
            slack.open_view(payload.get("trigger_id", ""), slack.checkin_view(kr), token)
        except OSError as e:
            return HttpResponse(f"could not open the dialog: {e}", status=502,
                                content_type="text/plain")
        return HttpResponse(status=200)
    if kind == "view_submission" and \
            (payload.get("view") or {}).get("callback_id") == slack.CHECKIN_CALLBACK:
        answer = slack.submit_checkin(person, payload["view"])
        return JsonResponse(answer) if answer else HttpResponse(status=200)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def teams_message(request):
    """A message to @Hoshin from a Teams outgoing webhook; the reply is its Adaptive Card."""
    try:
        body = request.body
    except RawPostDataException:
        return JsonResponse({"type": "message", "text": "not a Teams request"}, status=401)
    problem = teams.verification_problem(teams.security_token(),
                                         request.headers.get("Authorization"), body)
    if problem:
        return JsonResponse({"type": "message", "text": problem}, status=401)
    try:
        activity = json.loads(body)
    except ValueError:
        return JsonResponse({"type": "message", "text": "the message is not JSON"}, status=400)
    if not isinstance(activity, dict):
        return JsonResponse({"type": "message", "text": "the message is not an activity"},
                            status=400)
    return JsonResponse(teams.answer(activity))
