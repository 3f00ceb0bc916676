"""`hoshin trackers`: initiatives' progress from Jira, Asana and GitHub.

    hoshin trackers connect jira --url https://acme.atlassian.net --account me@acme.com --token T
    hoshin trackers connect asana --token T        (github likewise; --url for GitHub Enterprise)
    hoshin trackers hook github|jira|asana [--secret S]
    hoshin trackers hook-secret HOOK_ID [--secret S]   (a new secret, GitHub and Jira)
    hoshin trackers link INITIATIVE --jira KEY | --asana GID | --github owner/repo#N
    hoshin trackers unlink INITIATIVE --jira KEY | --asana GID | --github owner/repo#N
    hoshin trackers sync [INITIATIVE] [--format json]
    hoshin trackers list [--format json]
"""

import json
import os

from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.trackers import services
from hoshin.trackers.api import link_dict
from hoshin.trackers.models import Hook, TrackerLink
from hoshin.trackers.progress import combine


def _target(parser):
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--jira", metavar="KEY", help="a Jira issue or epic (PROJ-12)")
    group.add_argument("--asana", metavar="GID", help="an Asana task or project id")
    group.add_argument("--github", metavar="OWNER/REPO#N", help="a GitHub issue")


def _which(options) -> tuple[str, str]:
    for kind in ("jira", "asana", "github"):
        if options.get(kind):
            return kind, options[kind]
    raise CommandError("name the item: --jira KEY, --asana GID or --github owner/repo#N")


class Command(HoshinCommand):
    help = ("Initiatives' progress from work trackers: `trackers connect KIND --token T` "
            "(Jira: --url and --account too), `trackers hook KIND`, `trackers link "
            "INITIATIVE --jira KEY|--asana GID|--github owner/repo#N`, `trackers unlink ...`, "
            "`trackers sync [INITIATIVE]`, `trackers list [--format json]`.")

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True,
                                      metavar="{connect,hook,hook-secret,link,unlink,sync,"
                                              "list}")
        connect = verbs.add_parser("connect", help="set how Hoshin reaches a tracker")
        connect.add_argument("kind", choices=["jira", "asana", "github"])
        connect.add_argument("--url", default="", help="Jira: https://YOURS.atlassian.net; "
                             "GitHub Enterprise: its API address")
        connect.add_argument("--account", default="", help="Jira: the e-mail of the token's "
                                                           "account")
        connect.add_argument("--token", default="", help="the API token (stored encrypted)")
        connect.add_argument("--token-env", default="", metavar="VAR",
                             help="read the token from this environment variable instead")
        connect.add_argument("--every", type=int, default=30, metavar="MINUTES",
                             help="sync every so many minutes (default 30)")
        hook = verbs.add_parser("hook", help="a webhook address for a tracker")
        hook.add_argument("kind", choices=["jira", "asana", "github"])
        hook.add_argument("--secret", default="", help="GitHub, Jira: the secret (made when "
                                                       "not given)")
        rotate = verbs.add_parser("hook-secret", help="a new secret for a GitHub or Jira "
                                                      "webhook (the old one stops at once)")
        rotate.add_argument("hook_id", type=int, metavar="HOOK_ID",
                            help="the webhook's id (GET /api/v1/trackers/hooks)")
        rotate.add_argument("--secret", default="", help="the new secret (made when not given)")
        link = verbs.add_parser("link", help="link an initiative to a work item, and sync it")
        link.add_argument("initiative", metavar="INITIATIVE")
        _target(link)
        link.add_argument("--no-sync", action="store_true", help="link only")
        unlink = verbs.add_parser("unlink", help="remove a link")
        unlink.add_argument("initiative", metavar="INITIATIVE")
        _target(unlink)
        sync = verbs.add_parser("sync", help="read the links now (every live one when no "
                                             "initiative is given)")
        sync.add_argument("initiative", metavar="INITIATIVE", nargs="?")
        sync.add_argument("--format", choices=["text", "json"], default="text")
        listing = verbs.add_parser("list", help="every link, with its progress")
        listing.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, verb, **options):
        self.require_migrated()
        if verb == "connect":
            token = options["token"]
            if options["token_env"]:
                token = os.environ.get(options["token_env"], "")
                if not token:
                    raise CommandError(f"${options['token_env']} is empty")
            connection = services.connect(None, options["kind"], base_url=options["url"],
                                          account=options["account"], token=token,
                                          every_minutes=options["every"])
            self.stdout.write(f"{connection} connected; links synced every "
                              f"{connection.every_minutes} minutes.")
            return
        if verb == "hook":
            hook, secret = services.add_hook(None, options["kind"], secret=options["secret"])
            self.stdout.write(f"Webhook address: <Hoshin's address>/trackers/hooks/"
                              f"{hook.kind}/{hook.token}/")
            if secret:
                self.stdout.write(f"Secret (shown this once): {secret}")
            else:
                self.stdout.write("Asana sends its secret in the handshake when the webhook "
                                  "is created (POST /api/1.0/webhooks with this target).")
            return
        if verb == "hook-secret":
            found = Hook.objects.filter(pk=options["hook_id"]).first()
            if found is None:
                raise CommandError(f"no tracker webhook has the id {options['hook_id']}")
            hook, secret = services.rotate_hook_secret(None, found.token,
                                                       secret=options["secret"])
            self.stdout.write(f"Webhook address: <Hoshin's address>/trackers/hooks/"
                              f"{hook.kind}/{hook.token}/")
            self.stdout.write(f"New secret (shown this once): {secret}")
            self.stdout.write(f"The old secret no longer verifies: paste this one into "
                              f"{hook.get_kind_display()} now.")
            return
        if verb == "link":
            kind, ref = _which(options)
            row = services.link(None, options["initiative"], kind, ref)
            self.stdout.write(f"{row.initiative.key} is linked to {row.get_kind_display()} "
                              f"{row.ref}.")
            if not options["no_sync"]:
                self._print([services.sync_link(None, row)], "text")
            return
        if verb == "unlink":
            kind, ref = _which(options)
            services.unlink(None, options["initiative"], kind, ref)
            self.stdout.write(f"{options['initiative']} is no longer linked to {kind} {ref}.")
            return
        if verb == "sync":
            if options.get("initiative"):
                outcomes = services.sync_initiative(None, options["initiative"])
            else:
                outcomes = [services.sync_link(None, row)
                            for row in services.live_links().order_by("initiative__key",
                                                                      "kind", "ref")]
            self._print(outcomes, options["format"])
            if not outcomes and options["format"] == "text":
                self.stdout.write("No initiative is linked to a work tracker.")
            failed = sum(o.result == "failed" for o in outcomes)
            if failed:
                raise CommandError(f"{failed} link(s) failed; the figures last read stay")
            return
        self._list(options["format"])

    def _print(self, outcomes, format):
        if format == "json":
            self.stdout.write(json.dumps([o.as_dict() for o in outcomes], indent=2))
            return
        for o in outcomes:
            if o.result == "failed":
                self.stdout.write(f"{o.initiative} {o.kind} {o.ref}: failed: {o.error}")
            else:
                self.stdout.write(f"{o.initiative} {o.kind} {o.ref}: {o.progress.words()}")

    def _list(self, format):
        rows = list(TrackerLink.objects.select_related("initiative")
                    .order_by("initiative__key", "kind", "ref"))
        if format == "json":
            self.stdout.write(json.dumps([link_dict(r) for r in rows], indent=2,
                                         cls=DjangoJSONEncoder))
            return
        if not rows:
            self.stdout.write("No initiative is linked to a work tracker.")
            return
        current = None
        for row in rows:
            if row.initiative_id != current:
                current = row.initiative_id
                mine = [r for r in rows if r.initiative_id == current]
                self.stdout.write(f"{row.initiative.key} {row.initiative.title}: "
                                  f"{combine(r.progress for r in mine).words()}")
            state = (f"FAILING x{row.failures}: {row.error}" if row.failing
                     else row.progress.words() if row.synced_at else "not read yet")
            self.stdout.write(f"  {row.kind:<6} {row.ref:<24} {state}")
