"""The board pack's web page: choose the quarter, make the pack (queued for the worker,
boardpack/tasks.py), follow the job (polled by htmx, as the Markdown import's page does) and
download the PDF. Admins, the strategy office and unit leads (services.MAKERS)."""

from __future__ import annotations

import base64
from types import SimpleNamespace

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from hoshin.boardpack import tasks
from hoshin.boardpack.services import MAKERS
from hoshin.okrs.models import Cycle
from hoshin.org.decorators import role_required
from hoshin.org.models import Role


class BoardPackForm(forms.Form):
    cycle = forms.ChoiceField(label="Quarter")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True
                                        ).order_by("-start")
        self.fields["cycle"].choices = [
            (c.key, f"{c.key} · {c.get_state_display().lower()}") for c in quarters]
        running = quarters.filter(state=Cycle.State.ACTIVE).first()
        if running is not None:
            self.fields["cycle"].initial = running.key


@login_required
@role_required(*MAKERS)
def board_pack_page(request):
    """The form; the pack is made by the worker and the page then follows the job.
    `?job=<id>` shows a job started before; `?cycle=` chooses the quarter."""
    if request.method == "POST":
        form = BoardPackForm(request.POST)
        if form.is_valid():
            job = tasks.make_board_pack.enqueue(request.user.pk, form.cleaned_data["cycle"])
            return redirect(f"{reverse('boardpack')}?job={job.id}", permanent=False)
        job = None
    else:
        initial = {"cycle": request.GET["cycle"]} if request.GET.get("cycle") else None
        form = BoardPackForm(initial=initial)
        job = _job(request, request.GET.get("job"))
    return render(request, "boardpack/page.html", {"form": form, "job": _view_of(job)},
                  status=400 if form.errors else 200)


@login_required
@role_required(*MAKERS)
def board_pack_job(request, job_id: str):
    """The job's status as a fragment the page polls until the pack is ready."""
    job = _job(request, job_id)
    if job is None:
        raise Http404("no such board pack")
    return render(request, "boardpack/_job.html", {"job": _view_of(job)})


@login_required
@role_required(*MAKERS)
def board_pack_download(request, job_id: str):
    """The PDF a finished job made."""
    job = _job(request, job_id)
    if job is None or job.status != TaskResultStatus.SUCCESSFUL or "pdf" not in job.return_value:
        raise Http404("no such board pack")
    result = job.return_value
    response = HttpResponse(base64.b64decode(result["pdf"]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{result["filename"]}"'
    return response


def _job(request, job_id: str | None):
    """The board pack job `job_id` when the person asking started it (or is an admin)."""
    if not job_id:
        return None
    try:
        job = tasks.make_board_pack.get_result(job_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, ValidationError, ValueError):
        return None
    if job.args[0] != request.user.pk and request.user.role != Role.ADMIN:
        return None
    return job


STATES = {TaskResultStatus.READY: "Waiting for the worker…",
          TaskResultStatus.RUNNING: "Making the pack…"}


def _view_of(job):
    if job is None:
        return None
    view = SimpleNamespace(id=job.id, cycle=job.args[1], done=job.is_finished,
                           state=STATES.get(job.status, ""), ready=False, error="",
                           failed=job.status == TaskResultStatus.FAILED,
                           queued_at=job.enqueued_at, started_at=job.started_at)
    if job.status == TaskResultStatus.SUCCESSFUL:
        result = job.return_value
        view.error = result.get("error", "")
        view.ready = not view.error
        if view.ready:
            view.pages, view.filename, view.seconds = (result["pages"], result["filename"],
                                                       result["seconds"])
            view.kilobytes = round(result["bytes"] / 1024)
            view.cycle = result["cycle"]
    return view
