"""`hoshin webhooks`: signed outgoing webhooks (run as the server's operator).

    hoshin webhooks add URL --events checkin,flag,decision,agreement,cycle [--secret whsec_…]
    hoshin webhooks list [--format json]
    hoshin webhooks deliveries ID [--format json]
    hoshin webhooks pause ID | resume ID | remove ID
    hoshin webhooks replay MESSAGE_ID
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.webhooks import services
from hoshin.webhooks.api import message_dict, webhook_dict
from hoshin.webhooks.models import FAMILIES


class Command(HoshinCommand):
    help = ("Signed outgoing webhooks: `webhooks add URL --events checkin,flag,... "
            "[--secret whsec_…]` (the secret is printed once), `webhooks list [--format "
            "json]`, `webhooks deliveries ID`, `webhooks pause|resume|remove ID`, "
            "`webhooks replay MESSAGE_ID`.")

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(
            dest="verb", metavar="{add,list,deliveries,pause,resume,remove,replay}",
            required=True)
        add = verbs.add_parser("add", help="send events to a receiver, signed")
        add.add_argument("url", metavar="URL")
        add.add_argument("--events", default="all",
                         help="comma-separated: " + ", ".join(FAMILIES) + " (default all)")
        add.add_argument("--secret", default="",
                         help="a whsec_ signing secret (made when left out); printed once")
        add.add_argument("--description", default="")
        add.add_argument("--format", choices=["text", "json"], default="text")
        listing = verbs.add_parser("list", help="every webhook (secrets are never shown)")
        listing.add_argument("--format", choices=["text", "json"], default="text")
        deliveries = verbs.add_parser("deliveries", help="a webhook's messages and attempts")
        deliveries.add_argument("id", metavar="ID")
        deliveries.add_argument("--format", choices=["text", "json"], default="text")
        deliveries.add_argument("--limit", type=int, default=20)
        for verb, what in (("pause", "queue no new events for it"),
                           ("resume", "send new events again"),
                           ("remove", "delete it (its delivery log stays)")):
            verbs.add_parser(verb, help=what).add_argument("id", metavar="ID")
        replay = verbs.add_parser("replay", help="send a message again (same id and body)")
        replay.add_argument("message_id", metavar="MESSAGE_ID")

    def handle(self, *args, verb, **options):
        self.require_migrated()
        return getattr(self, "_" + verb)(**options)

    def _add(self, url, events, secret, description, format, **_):
        sub, secret = services.add_subscription(None, url, events, secret=secret,
                                                description=description)
        if format == "json":
            self.stdout.write(json.dumps({**webhook_dict(sub), "secret": secret}, indent=2,
                                         cls=DjangoJSONEncoder))
            return
        self.stdout.write(f"Webhook {sub.pk} sends {', '.join(sub.events)} to {sub.url}.\n"
                          f"Signing secret (shown once, stored encrypted): {secret}")

    def _list(self, format, **_):
        subs = list(services.subscriptions(None).select_related("created_by"))
        if format == "json":
            self.stdout.write(json.dumps([webhook_dict(s) for s in subs], indent=2,
                                         cls=DjangoJSONEncoder))
            return
        if not subs:
            self.stdout.write("No webhook.")
        for s in subs:
            state = "active" if s.active else "PAUSED"
            self.stdout.write(f"{s.pk:<4} {state:<7} {s.url}  {','.join(s.events)}  "
                              f"{s.message_count} message(s)")

    def _deliveries(self, id, format, limit, **_):
        rows = list(services.messages(None, id)[:max(limit, 1)])
        if format == "json":
            self.stdout.write(json.dumps([message_dict(m) for m in rows], indent=2,
                                         cls=DjangoJSONEncoder))
            return
        if not rows:
            self.stdout.write("No message yet.")
        for m in rows:
            self.stdout.write(f"{m.message_id} {m.type} {m.created_at:%Y-%m-%d %H:%M:%S}")
            for a in m.attempts.all():
                answer = f"HTTP {a.status_code}" if a.status_code else "no answer"
                self.stdout.write(f"    {a.at:%Y-%m-%d %H:%M:%S} {'replay ' if a.replay else ''}"
                                  f"#{a.number} {a.outcome} {answer} {a.duration_ms} ms"
                                  f"{'  ' + a.error if a.error else ''}")

    def _pause(self, id, **_):
        sub = services.update_subscription(None, id, active=False)
        self.stdout.write(f"Webhook {sub.pk} paused.")

    def _resume(self, id, **_):
        sub = services.update_subscription(None, id, active=True)
        self.stdout.write(f"Webhook {sub.pk} resumed.")

    def _remove(self, id, **_):
        services.remove_subscription(None, id)
        self.stdout.write(f"Webhook {id} removed.")

    def _replay(self, message_id, **_):
        services.replay(None, message_id)
        self.stdout.write(f"{message_id} queued again; the outbox sends it "
                          "(`hoshin worker`).")
