"""The admins' webhook pages: the list with the form to add one (the new secret is shown
on the answer to that form, once), a webhook's deliveries, and the buttons that pause,
resume, remove and replay. Every write goes through the services as the signed-in admin."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hoshin.core.errors import DomainError, NotFound, PermissionDenied
from hoshin.org.decorators import domain_errors_as_http
from hoshin.webhooks import services
from hoshin.webhooks.forms import WebhookForm
from hoshin.webhooks.models import FAMILIES


@login_required
@domain_errors_as_http
def webhook_list(request):
    subs = services.subscriptions(request.user).select_related("created_by")
    created, secret = None, ""
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.add_subscription(
                request.user, form.cleaned_data["url"], form.cleaned_data["events"],
                secret=form.cleaned_data["secret"],
                description=form.cleaned_data["description"])
        except (PermissionDenied, NotFound):
            raise
        except DomainError as exc:
            for error in exc.errors:
                form.add_error(error.field if error.field in form.fields else None,
                               error.message)
        else:
            form = WebhookForm()
    return render(request, "webhooks/list.html", {
        "subscriptions": subs, "form": form, "created": created, "secret": secret,
        "families": FAMILIES})


@login_required
@require_GET
@domain_errors_as_http
def webhook_detail(request, pk: int):
    sub = services.subscription(request.user, pk)
    page = Paginator(services.messages(request.user, pk), 50).get_page(request.GET.get("page"))
    return render(request, "webhooks/detail.html", {"sub": sub, "page": page})


def _back(pk: int):
    return redirect(reverse("webhooks:detail", args=[pk]))


@login_required
@require_POST
@domain_errors_as_http
def pause(request, pk: int):
    services.update_subscription(request.user, pk, active=False)
    flash.success(request, "Paused: no new events are queued for this webhook.")
    return _back(pk)


@login_required
@require_POST
@domain_errors_as_http
def resume(request, pk: int):
    services.update_subscription(request.user, pk, active=True)
    flash.success(request, "Resumed: new events are sent again.")
    return _back(pk)


@login_required
@require_POST
@domain_errors_as_http
def remove(request, pk: int):
    services.remove_subscription(request.user, pk)
    flash.success(request, "Webhook removed; nothing more is sent to it.")
    return redirect(reverse("webhooks:list"))


@login_required
@require_POST
@domain_errors_as_http
def replay(request, message_id: str):
    message = services.message(request.user, message_id)
    try:
        services.replay(request.user, message_id)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        flash.error(request, f"{message_id} was not sent again: {exc.detail}")
    else:
        flash.success(request, f"{message_id} queued again (same id, signed afresh).")
    return _back(message.subscription_id) if message.subscription_id else \
        redirect(reverse("webhooks:list"))
