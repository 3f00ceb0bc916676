"""Web page of the Markdown import: paste or upload a page of OKRs, preview what would be
imported (a dry run), then import it. Strategy office and admins only."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import SimpleNamespace

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle
from hoshin.org.models import Person, Role, Unit
from hoshin.planfile.api import MARKDOWN_LIMIT
from hoshin.planfile.markdown_import import (
    DEFAULT_EMAIL_DOMAIN,
    MarkdownImportError,
    import_markdown,
)
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
        if not (data.get("markdown") or "").strip():
            self.add_error("markdown", "paste a page or choose a file")
        return data


@login_required
@role_required(Role.ADMIN, Role.STRATEGY_OFFICE)
def markdown_import_page(request):
    form = MarkdownImportForm(request.POST or None, request.FILES or None)
    report = None
    imported = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dry_run = request.POST.get("action") != "import"
        try:
            report = import_markdown(
                request.user, data["markdown"], cycle=data["cycle"],
                parent=data["parent"] or None, unit=data["unit"] or None,
                owner=data["owner"] or None, dry_run=dry_run,
                email_domain=data["email_domain"] or DEFAULT_EMAIL_DOMAIN)
        except MarkdownImportError as exc:
            report = exc.report
        except DomainError as exc:
            for err in exc.errors:
                form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            imported = not dry_run
        if data.get("file"):
            # Keep the uploaded page in the text box, so "Import" sends what was previewed.
            form = MarkdownImportForm(
                {**request.POST.dict(), "markdown": data["markdown"]})
            form.is_valid()
    if report is not None:
        _name_people(report)
    return HttpResponse(_template().render({
        "form": form, "report": report, "imported": imported,
    }, request))


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


@cache
def _template():
    # hoshin.planfile is not an installed app (it has no models), so the app-directories
    # loader does not see its templates; the file is compiled by the same engine instead.
    path = Path(__file__).parent / "templates" / "planfile" / "markdown_import.html"
    return engines["django"].from_string(path.read_text(encoding="utf-8"))
