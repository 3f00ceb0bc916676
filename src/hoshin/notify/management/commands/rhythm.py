"""`hoshin rhythm`: show or set the check-in rhythm."""

from django.core.management.base import BaseCommand, CommandError

from hoshin.core.errors import DomainError
from hoshin.notify import services
from hoshin.notify.models import Rhythm


class Command(BaseCommand):
    help = "Show or set the check-in rhythm: day, time, time zone, review, digest, channels"

    def add_arguments(self, parser):
        for name in services.RHYTHM_FIELDS:
            flag = "--" + name.replace("_", "-")
            parser.add_argument(flag, dest=name, metavar=name.split("_")[-1].upper())

    def handle(self, *args, **options):
        values = {name: options[name] for name in services.RHYTHM_FIELDS
                  if options.get(name) is not None}
        if "nudge_hours_before_review" in values:
            try:
                values["nudge_hours_before_review"] = int(values["nudge_hours_before_review"])
            except ValueError:
                raise CommandError("--nudge-hours-before-review: a whole number") from None
        if values:
            try:
                services.update_rhythm(None, **values)
            except DomainError as e:
                raise CommandError("\n".join(str(x) for x in e.errors)) from None
        r = Rhythm.current()
        days = [d.capitalize() for d in services.WEEKDAYS]
        self.stdout.write(
            f"Time zone:          {r.time_zone}\n"
            f"Check-in reminder:  {days[r.checkin_weekday]} {r.checkin_time:%H:%M}\n"
            f"Leadership review:  {days[r.review_weekday]} {r.review_time:%H:%M} "
            f"(second reminder {r.nudge_hours_before_review} h before)\n"
            f"Lead digest:        {days[r.digest_weekday]} {r.digest_time:%H:%M}\n"
            f"Slack webhook:      {'set' if r.slack_webhook_url else '-'}"
            f"{'  (signing secret set)' if r.slack_signing_secret else ''}\n"
            f"Teams webhook:      {'set' if r.teams_webhook_url else '-'}"
            f"{'  (check-in security token set)' if r.teams_security_token else ''}")
