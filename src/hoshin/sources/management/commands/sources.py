"""`hoshin sources`: key results (and strategy metrics) fed by data. Where KR is written, a
metric's key (M1) may stand: each reading then sets the metric's actual of the month.

    hoshin sources add KR --http URL --json-path PATH [--header K:V] [--token T]
    hoshin sources add KR --sql QUERY --database-url URL
    hoshin sources add KR --csv FILE_OR_URL --column C [--row R]
    hoshin sources add KR --children sum|average
    hoshin sources sync [KR]
    hoshin sources list [--format json]
    hoshin sources remove KR
"""

import json

from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.sources import services
from hoshin.sources.api import source_dict
from hoshin.sources.models import Source


class Command(HoshinCommand):
    help = ("Key results (or metrics: M1 for KR) fed by data: `sources add KR --http URL "
            "--json-path PATH "
            "[--header K:V] [--token T]`, `--sql QUERY --database-url URL`, `--csv "
            "FILE_OR_URL --column C [--row R]`, or `--children sum|average`; "
            "`sources sync [KR]` reads now (all sources when no KR is given); "
            "`sources list [--format json]`; `sources remove KR`.")

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", metavar="{add,sync,list,remove}",
                                      required=True)
        add = verbs.add_parser("add", help="feed a key result, or a metric's monthly actual, "
                                           "from a source (replaces its source if it had one)")
        add.add_argument("key_result", metavar="KR")
        kind = add.add_mutually_exclusive_group(required=True)
        kind.add_argument("--http", metavar="URL", help="a JSON endpoint")
        kind.add_argument("--sql", metavar="QUERY", help="a query giving one numeric value")
        kind.add_argument("--csv", metavar="FILE_OR_URL", help="a CSV file or address")
        kind.add_argument("--children", choices=["sum", "average"],
                          help="the key results aligned under it (of its child objectives): "
                               "their sum, or their average weighted by their weights")
        add.add_argument("--json-path", help="http: JSONPath to the value, e.g. $.data.total")
        add.add_argument("--header", action="append", default=[], metavar="K:V",
                         help="http: a header to send (repeatable; stored encrypted)")
        add.add_argument("--token", default="", help="http: a bearer token (stored encrypted)")
        add.add_argument("--database-url", default="",
                         help="sql: sqlite:///FILE or postgresql://... (stored encrypted; "
                              "read-only connection)")
        add.add_argument("--column", default="", help="csv: the column holding the value")
        add.add_argument("--row", default="", help='csv: "last" (default), a row number '
                                                   "from 1, or column=value")
        add.add_argument("--every", type=int, default=60, metavar="MINUTES",
                         help="read every so many minutes (default 60)")
        sync = verbs.add_parser("sync", help="read sources now")
        sync.add_argument("key_result", metavar="KR", nargs="?")
        sync.add_argument("--format", choices=["text", "json"], default="text")
        listing = verbs.add_parser("list", help="every source, failing ones marked")
        listing.add_argument("--format", choices=["text", "json"], default="text")
        remove = verbs.add_parser("remove", help="stop feeding a key result (its check-ins "
                                                 "stay)")
        remove.add_argument("key_result", metavar="KR")

    def handle(self, *args, verb, **options):
        self.require_migrated()
        if verb == "add":
            return self._add(**options)
        if verb == "sync":
            return self._sync(options.get("key_result"), options["format"])
        if verb == "remove":
            services.remove_source(None, options["key_result"])
            self.stdout.write(f"{options['key_result']} is no longer fed by a source.")
            return
        return self._list(options["format"])

    def _add(self, key_result, http=None, sql=None, csv=None, children=None, json_path=None,
             header=(), token="", database_url="", column="", row="", every=60, **_):
        if http is not None:
            if not json_path:
                raise CommandError("--json-path is required with --http")
            source = services.add_source(None, key_result, kind="http", url=http,
                                         json_path=json_path, headers=list(header),
                                         token=token, every_minutes=every)
        elif sql is not None:
            if not database_url:
                raise CommandError("--database-url is required with --sql")
            source = services.add_source(None, key_result, kind="sql", query=sql,
                                         database_url=database_url, every_minutes=every)
        elif children is not None:
            source = services.add_source(None, key_result, kind="children", combine=children,
                                         every_minutes=every)
        else:
            if not column:
                raise CommandError("--column is required with --csv")
            source = services.add_source(None, key_result, kind="csv", file=csv,
                                         column=column, row=row, every_minutes=every)
        self.stdout.write(f"{source.target.key} is fed by {source.get_kind_display()}: "
                          f"{source.location}, read every {source.every_minutes} min. "
                          f"Run `hoshin sources sync {source.target.key}` to read it now.")

    def _sync(self, key_result, format):
        if key_result:
            outcomes = [services.sync_source(None, key_result)]
        else:
            outcomes = [services.sync_source(None, s)
                        for s in services.live_sources().order_by("key_result__key",
                                                                  "metric__key")]
        if format == "json":
            self.stdout.write(json.dumps([o.as_dict() for o in outcomes], indent=2))
        else:
            for o in outcomes:
                if o.result == "failed":
                    self.stdout.write(f"{o.key_result}: failed: {o.error}")
                else:
                    month = f", actual of {o.period}" if o.period else ""
                    self.stdout.write(f"{o.key_result}: {o.value:g} ({o.result}{month})")
            if not outcomes:
                self.stdout.write("No key result or metric is fed by a source.")
        if any(o.result == "failed" for o in outcomes):
            raise CommandError(f"{sum(o.result == 'failed' for o in outcomes)} source(s) "
                               "failed")

    def _list(self, format):
        sources = list(Source.objects.select_related("key_result", "metric")
                       .order_by("key_result__key", "metric__key"))
        if format == "json":
            self.stdout.write(json.dumps([source_dict(s) for s in sources], indent=2,
                                         cls=DjangoJSONEncoder))
            return
        if not sources:
            self.stdout.write("No key result or metric is fed by a source.")
        for s in sources:
            state = (f"FAILING x{s.failures}: {s.error}" if s.failing else
                     f"{s.value:g} at {s.value_at:%Y-%m-%d %H:%M}" if s.value_at else
                     "not read yet")
            self.stdout.write(f"{s.target.key:<8} {s.kind:<8} {s.location}  "
                              f"every {s.every_minutes} min  {state}")
