"""Forms of the notification pages; services decide what is valid."""

from __future__ import annotations

import zoneinfo

from django import forms

from hoshin.notify.models import WEBHOOK_URLS, Preference, Weekday

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RhythmForm(forms.Form):
    time_zone = forms.ChoiceField(label="Time zone", choices=())
    checkin_weekday = forms.TypedChoiceField(label="Check-in day", coerce=int,
                                             choices=Weekday.choices)
    checkin_time = forms.TimeField(label="Reminder time", widget=TIME)
    review_weekday = forms.TypedChoiceField(label="Leadership review day", coerce=int,
                                            choices=Weekday.choices)
    review_time = forms.TimeField(label="Review time", widget=TIME)
    nudge_hours_before_review = forms.IntegerField(
        label="Second reminder, hours before the review", min_value=0, max_value=72)
    digest_weekday = forms.TypedChoiceField(label="Lead digest day", coerce=int,
                                            choices=Weekday.choices)
    digest_time = forms.TimeField(label="Digest time", widget=TIME)
    # The stored webhook URLs are never put back into the page (they are credentials):
    # empty keeps the stored one, the box beside it removes it.
    slack_webhook_url = forms.URLField(
        label="Slack incoming webhook", required=False, assume_scheme="https", max_length=500,
        help_text="https://hooks.slack.com/services/…. Leave empty to keep the stored one.")
    clear_slack_webhook_url = forms.BooleanField(label="Remove the Slack webhook",
                                                 required=False)
    slack_signing_secret = forms.CharField(
        label="Slack signing secret", required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored one.")
    slack_bot_token = forms.CharField(
        label="Slack bot token", required=False, widget=forms.PasswordInput(render_value=False),
        help_text="xoxb-…, needed to open the check-in dialog. Leave empty to keep it.")
    teams_webhook_url = forms.URLField(
        label="Microsoft Teams incoming webhook", required=False, assume_scheme="https",
        max_length=500, help_text="The channel's incoming webhook (https://…). Leave empty to "
                                  "keep the stored one.")
    clear_teams_webhook_url = forms.BooleanField(label="Remove the Teams webhook",
                                                 required=False)
    teams_security_token = forms.CharField(
        label="Microsoft Teams security token", required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Shown once by Teams when you create the outgoing webhook that lets people "
                  "check in with @Hoshin. Leave empty to keep the stored one.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in
                                            sorted(zoneinfo.available_timezones())]

    def rhythm_values(self) -> dict:
        """The cleaned values for `services.update_rhythm`: an empty webhook URL keeps the
        stored one (the page never shows it); a ticked "remove" box clears it."""
        values = dict(self.cleaned_data)
        for name in WEBHOOK_URLS:
            if values.pop("clear_" + name, False):
                values[name] = ""
            elif not values.get(name):
                values.pop(name, None)
        return values


class PreferenceForm(forms.Form):
    channel = forms.ChoiceField(label="Remind me by", choices=Preference.Channel.choices,
                                widget=forms.RadioSelect)
    slack_user_id = forms.CharField(
        label="Slack member id", required=False, max_length=20,
        help_text="In Slack: your profile → ⋮ → Copy member ID (looks like U024BE7LH).")
    teams_user_id = forms.CharField(
        label="Microsoft Teams id", required=False, max_length=36,
        help_text="Write “@Hoshin my” in a Teams channel: if Hoshin does not know you yet, its "
                  "answer shows the id to paste here.")
