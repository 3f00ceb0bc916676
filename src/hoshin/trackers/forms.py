"""The admin's form to connect a tracker or replace its connection (the service checks
everything again). The token is a password field that never shows what is stored: left
empty, the stored token is kept."""

from __future__ import annotations

from django import forms

from hoshin.trackers import services
from hoshin.trackers.models import DEFAULT_BASE_URLS, Kind

URL_HELP = {
    Kind.JIRA: "Your site: https://YOURS.atlassian.net.",
    Kind.ASANA: "Leave empty for Asana's own (https://app.asana.com).",
    Kind.GITHUB: "Leave empty for github.com's API; GitHub Enterprise: its API address.",
}
TOKEN_HELP = {
    Kind.JIRA: "An API token of that account (id.atlassian.com → Security → API tokens).",
    Kind.ASANA: "A personal access token, or a service account's.",
    Kind.GITHUB: "A fine-grained token with read access to issues.",
}


class ConnectionForm(forms.Form):
    base_url = forms.CharField(label="Address", required=False, max_length=500)
    account = forms.CharField(label="Account e-mail", required=False, max_length=254,
                              help_text="The e-mail of the account the API token belongs to.")
    token = forms.CharField(
        label="API token", required=False, max_length=4000, strip=True,
        # Never rendered back: not the stored token, not what was typed into a form
        # refused for another field.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
    every_minutes = forms.IntegerField(label="Sync every (minutes)", initial=30,
                                       min_value=services.MIN_EVERY,
                                       max_value=services.MAX_EVERY)

    def __init__(self, *args, kind: str, connected: bool, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = Kind(kind)
        self.connected = connected
        self.fields["base_url"].help_text = URL_HELP[self.kind]
        self.fields["base_url"].widget.attrs["placeholder"] = DEFAULT_BASE_URLS.get(
            self.kind, "https://YOURS.atlassian.net")
        if self.kind == Kind.JIRA:
            self.fields["account"].required = True
        else:
            del self.fields["account"]
        self.fields["token"].required = not connected
        self.fields["token"].help_text = TOKEN_HELP[self.kind] + (
            " Stored encrypted and never shown; leave empty to keep the stored one."
            if connected else " Stored encrypted and never shown again.")


class HookForm(forms.Form):
    """A new webhook address for a tracker; GitHub's and Jira's secret typed or made."""

    kind = forms.ChoiceField(label="Tracker", choices=Kind.choices)
    secret = forms.CharField(
        label="Secret", required=False, max_length=200, strip=True,
        help_text="GitHub, Jira: leave empty and Hoshin makes one, or paste the secret Jira's "
                  "“Generate secret” made (16 characters or more). Asana: leave empty, it "
                  "sends its own in the handshake. Shown once, then stored encrypted.",
        # The secret is shown once on the next page, never written back into a form.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
