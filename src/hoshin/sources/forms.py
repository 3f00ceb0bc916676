"""The form that sets, changes or tries a key result's (or metric's) source on the web.

It checks only the shapes a browser sends (text lengths, a whole number); every rule of a
source is the service's (services.add_source, the same for the API and the CLI), whose
errors are put on the fields here. Secrets (the token, the headers, the database URL) are
never rendered back: not the stored ones, not what was typed into a form refused for
another field. Left empty, a stored secret is kept; "clear" removes it."""

from __future__ import annotations

from django import forms

from hoshin.sources import services
from hoshin.sources.models import Source


class SecretTextarea(forms.Textarea):
    """A textarea that never shows a value (the headers' values are secrets)."""

    def format_value(self, value):
        return None


def _secret_input(**attrs):
    return forms.PasswordInput(render_value=False,
                               attrs={"autocomplete": "new-password", **attrs})


# The fields of each kind, as the service takes them (secrets apart).
KIND_FIELDS = {
    Source.Kind.HTTP: ("url", "json_path"),
    Source.Kind.SQL: ("query",),
    Source.Kind.CSV: ("file", "column", "row"),
    Source.Kind.CHILDREN: ("combine",),
}


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label="Where the value comes from", widget=forms.RadioSelect,
                             choices=Source.Kind.choices)
    # HTTP JSON
    url = forms.CharField(label="Address", required=False, max_length=2000,
                          help_text="The JSON endpoint, http(s)://… (no credentials in it: "
                                    "use the token or a header).")
    json_path = forms.CharField(label="JSONPath", required=False, max_length=500,
                                help_text="Where the one number is, e.g. $.data.total.")
    token = forms.CharField(label="Bearer token", required=False, max_length=4000,
                            strip=True, widget=_secret_input())
    clear_token = forms.BooleanField(label="Clear the stored token", required=False)
    headers = forms.CharField(
        label="Headers", required=False, max_length=8000,
        widget=SecretTextarea(attrs={"rows": 2, "autocomplete": "off",
                                     "placeholder": "X-Api-Key: …"}))
    clear_headers = forms.BooleanField(label="Clear the stored headers", required=False)
    # SQL
    query = forms.CharField(label="Query", required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Gives one number, e.g. SELECT count(*) FROM orders "
                                      "WHERE …; run on a read-only connection, with a time "
                                      "limit.")
    database_url = forms.CharField(label="Database URL", required=False, max_length=2000,
                                   strip=True, widget=_secret_input())
    # CSV
    file = forms.CharField(label="File or address", required=False, max_length=2000,
                           help_text="A file under the server's sources folder "
                                     "(HOSHIN_SOURCES_DIR), or an http(s) address.")
    column = forms.CharField(label="Column", required=False, max_length=200,
                             help_text="The header of the column holding the value.")
    row = forms.CharField(label="Row", required=False, max_length=300,
                          help_text='"last" (when empty), a row number from 1, or '
                                    "column=value (e.g. week=12).")
    # Aligned key results
    combine = forms.ChoiceField(label="Combined as", required=False,
                                widget=forms.RadioSelect, choices=Source.Combine.choices)
    every_minutes = forms.IntegerField(label="Read every (minutes)", initial=60)

    def __init__(self, *args, is_metric: bool = False, source: Source | None = None,
                 **kwargs):
        if source is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": source.kind, "every_minutes": source.every_minutes,
                "json_path": source.json_path, "query": source.query,
                "column": source.column, "row": source.row, "combine": source.combine,
                # The address and the file are shown (as the API shows them); a database
                # URL is a secret: its redacted form is in the help text.
                "url": source.location if source.kind == Source.Kind.HTTP else "",
                "file": source.location if source.kind == Source.Kind.CSV else ""}
        super().__init__(*args, **kwargs)
        self.initial.setdefault("kind", Source.Kind.HTTP)
        # The most common first; aligned key results feed only key results.
        self.fields["kind"].choices = [
            (kind.value, kind.label) for kind in (Source.Kind.HTTP, Source.Kind.SQL,
                                                 Source.Kind.CSV, Source.Kind.CHILDREN)
            if not (is_metric and kind == Source.Kind.CHILDREN)]
        if is_metric:
            del self.fields["combine"]
        self.stored = services.secrets_shown(source)
        if not self.stored["token"]:
            del self.fields["clear_token"]
        if not self.stored["headers"]:
            del self.fields["clear_headers"]
        self.fields["token"].help_text = (
            "A token is stored (not shown): leave empty to keep it, type one to replace it."
            if self.stored["token"] else
            "Sent as Authorization: Bearer …; stored encrypted, never shown.")
        self.fields["headers"].help_text = (
            f"Stored: {', '.join(self.stored['headers'])} (values not shown): leave empty to "
            "keep them; what you type replaces them all. One Name: value a line."
            if self.stored["headers"] else
            "One Name: value a line; stored encrypted, never shown.")
        self.fields["database_url"].help_text = (
            f"Stored: {self.stored['database_url']}: leave empty to keep it, type one to "
            "replace it." if self.stored["database_url"] else
            "sqlite:///FILE (under the sources folder) or postgresql://user:password@host/db;"
            " stored encrypted, never shown.")

    def service_arguments(self) -> dict:
        """change_source's and try_source's arguments: the chosen kind's fields, and each
        secret as typed, "" (or no headers) when cleared, None to keep the stored one."""
        data = self.cleaned_data
        kind = data["kind"]
        args = {"kind": kind, "every_minutes": data["every_minutes"]}
        args.update({name: data.get(name) or "" for name in KIND_FIELDS[kind]
                     if name in self.fields})
        if kind == Source.Kind.HTTP:
            args["token"] = data["token"] or ("" if data.get("clear_token") else None)
            lines = [line for line in data["headers"].splitlines() if line.strip()]
            args["headers"] = lines or ([] if data.get("clear_headers") else None)
        elif kind == Source.Kind.SQL:
            args["database_url"] = data["database_url"] or None
        return args

    def add_domain_error(self, exc) -> None:
        """The service's errors on their fields (the rest above the form)."""
        for error in exc.errors:
            self.add_error(error.field if error.field in self.fields else None,
                           error.message)
