"""Web page of the Markdown import: paste or upload a page of OKRs, preview what would be
imported (a dry run), then import it. Strategy office and admins only."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from hoshin.okrs.models import Cycle
from hoshin.org.models import Person, Role, Unit
from hoshin.planfile.api import MARKDOWN_LIMIT
from hoshin.planfile import tasks
from hoshin.planfile.markdown_import import DEFAULT_EMAIL_DOMAIN, ImportReport
from hoshin.org.decorators import role_required


class MarkdownImportForm(forms.Form):
    markdown = forms.CharField(
        label="Markdown page", required=False, max_length=MARKDOWN_LIMIT,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="Paste the page, or choose its file below.")
    file = forms.FileField(label="…or a .md file", required=False)
    cycle = forms.ChoiceField(label="Into cycle")
    unit = forms.ChoiceField(
        label="Default unit", required=False,
        help_text="For objectives under no department heading; the units the headings "
                  "create go under it.")
    parent = forms.CharField(label="Parent of the top-level objectives", required=False,
                             help_text="Id of an annual objective, priority, theme or "
                                       "objective. Left empty, the analyzer flags them as "
                                       "orphans.")
    owner = forms.EmailField(label="Default key-result owner", required=False,
                             help_text="Email of who owns the key results for which the "
                                       "page names nobody.")
    email_domain = forms.CharField(label="Email domain for new people",
                                   initial=DEFAULT_EMAIL_DOMAIN, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True
                                        ).exclude(state=Cycle.State.CLOSED).order_by("-start")
        self.fields["cycle"].choices = [(c.key, f"{c.key} {c.name}".strip()) for c in quarters]
        self.fields["unit"].choices = [("", "—")] + [
            (u.key, f"{u.name} ({u.key})")
            for u in Unit.objects.filter(archived_at__isnull=True).order_by("name")]

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MARKDOWN_LIMIT * 4:
                self.add_error("file", "is too large for a page of OKRs")
                return data
            try:
                data["markdown"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("file", "is not a UTF-8 text file")
                return data
            if len(data["markdown"]) > MARKDOWN_LIMIT:
                # The same limit as the text box and the API, in characters.
                self.add_error("file", f"has {len(data['markdown']):,} characters; a page "
                                       f"may have at most {MARKDOWN_LIMIT:,}")
                return data
        if not (data.get("markdown") or "").strip():
            self.add_error("markdown", "paste a page or choose a file")
        return data


@login_required
@role_required(Role.ADMIN, Role.STRATEGY_OFFICE)
def markdown_import_page(request):
    """The form; a preview or an import is queued for the worker (planfile/tasks.py) and
    the page then shows the job's status (polled by htmx) and, when it is done, its
    report. `?job=<id>` shows a job started before, with the page it was given."""
    job = None
    if request.method == "POST":
        form = MarkdownImportForm(request.POST, request.FILES or None)
        if form.is_valid():
            data = form.cleaned_data
            dry_run = request.POST.get("action") != "import"
            options = {"cycle": data["cycle"], "parent": data["parent"] or None,
                       "unit": data["unit"] or None, "owner": data["owner"] or None,
                       "email_domain": data["email_domain"] or DEFAULT_EMAIL_DOMAIN}
            job = tasks.import_markdown_page.enqueue(request.user.pk, data["markdown"],
                                                     options, dry_run)
            return redirect(f"{reverse('markdown_import')}?job={job.id}", permanent=False)
    else:
        form = MarkdownImportForm()
        job = _job(request, request.GET.get("job"))
        if job is not None:
            # The page the job was given stays in the box, so "Import" sends what was
            # previewed.
            _actor, markdown, options, _dry_run = job.args
            form = MarkdownImportForm(initial={**options, "markdown": markdown,
                                               "parent": options.get("parent") or "",
                                               "unit": options.get("unit") or "",
                                               "owner": options.get("owner") or ""})
    return render(request, "planfile/markdown_import.html",
                  {"form": form, "job": _view_of(job)}, status=400 if form.errors else 200)


@login_required
@role_required(Role.ADMIN, Role.STRATEGY_OFFICE)
def markdown_import_job(request, job_id: str):
    """The job's status as a fragment the page polls until the job is done."""
    job = _job(request, job_id)
    if job is None:
        raise Http404("no such import")
    return render(request, "planfile/_markdown_job.html", {"job": _view_of(job)})


def _job(request, job_id: str | None):
    """The import job `job_id` when the person asking started it (or is an admin)."""
    if not job_id:
        return None
    try:
        job = tasks.import_markdown_page.get_result(job_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, ValidationError, ValueError):
        return None
    if job.args[0] != request.user.pk and not request.user.role == Role.ADMIN:
        return None
    return job


STATES = {TaskResultStatus.READY: "Waiting for the worker…",
          TaskResultStatus.RUNNING: "Reading and checking the page…"}


def _view_of(job):
    if job is None:
        return None
    view = SimpleNamespace(id=job.id, done=job.is_finished, dry_run=job.args[3],
                           state=STATES.get(job.status, ""), report=None, imported=False,
                           errors=[], failed=job.status == TaskResultStatus.FAILED,
                           queued_at=job.enqueued_at, started_at=job.started_at)
    if job.status == TaskResultStatus.SUCCESSFUL:
        result = job.return_value
        view.imported = result["imported"]
        view.errors = result.get("errors", [])
        if result["report"] is not None:
            report = ImportReport(**{k: v for k, v in result["report"].items()
                                     if k in ImportReport.__dataclass_fields__})
            _name_people(report)
            view.report = report
    return view


def _name_people(report) -> None:
    """Give each key result's owner and each new person a `who` the page shows by name
    (the {% person %} chip, linked when the person is stored), never by address: the
    addresses stay in the report's JSON, which the API and the CLI return. A person a
    preview would create exists nowhere yet, so is named without a link."""
    emails = {kr["owner"] for o in report.objectives for kr in o["key_results"]}
    emails |= {p["email"] for p in report.people_created}
    stored = {p.email: p for p in Person.objects.filter(email__in=emails)}
    names = {p["email"]: p["name"] for p in report.people_created}

    def who(email: str):
        return stored.get(email) or SimpleNamespace(name=names.get(email)
                                                    or email.partition("@")[0])

    for o in report.objectives:
        for kr in o["key_results"]:
            kr["who"] = who(kr["owner"])
    for p in report.people_created:
        p["who"] = who(p["email"])
