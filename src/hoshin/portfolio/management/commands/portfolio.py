"""`hoshin portfolio`: open initiatives ranked by WSJF; `hoshin portfolio wip` shows or sets
units' WIP limits; `hoshin portfolio flow` prints a unit's flow over a quarter."""

import json

from django.core.management.base import CommandError

from hoshin.core.errors import DomainError
from hoshin.core.management.commands._base import HoshinCommand
from hoshin.org.models import Unit
from hoshin.portfolio import selectors, services


def _tracked_words(figures: dict | None) -> str:
    """"  work: 3/7 done, 2 in progress" (the last figures read when a sync failed)."""
    if not figures:
        return ""
    return (f"  work: {figures['done']}/{figures['total']} done, {figures['in_progress']} in "
            "progress" + (" (last sync failed)" if figures["failing"] else ""))


class Command(HoshinCommand):
    help = ("Open initiatives ranked by WSJF = cost of delay / job size (on equal WSJF "
            "the smaller job first, then the key). --format json prints "
            '[{"id", "title", "unit", "cod", "size", "wsjf", ..., "tracked"}] ("tracked": the '
            "progress of its work linked in a tracker: done, in_progress, to_do, share_done; "
            "null when none is linked). "
            "`portfolio wip [--unit U] [--limit N | --no-limit]` shows or sets WIP limits; "
            "`portfolio flow [--unit U] [--cycle Q]` prints throughput, cycle time, WIP and "
            "Little's law.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="only this unit and the units below it (unit key)")
        parser.add_argument("--annual", metavar="KEY",
                            help="only initiatives serving this annual objective")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        verbs = parser.add_subparsers(dest="verb", metavar="{wip,flow}")
        wip = verbs.add_parser("wip", help="units' work in progress against their WIP limits; "
                                           "with --limit, set the unit's limit")
        wip.add_argument("--unit", help="the unit (key); needed with --limit")
        group = wip.add_mutually_exclusive_group()
        group.add_argument("--limit", type=int, help="set the unit's WIP limit (1-500)")
        group.add_argument("--no-limit", action="store_true", help="remove the unit's WIP limit")
        wip.add_argument("--format", choices=["text", "json"], default="text")
        flow = verbs.add_parser("flow", help="throughput, cycle time, WIP over time and "
                                             "Little's law over a quarter")
        flow.add_argument("--unit", help="the unit (key); default the whole organisation")
        flow.add_argument("--cycle", help="the quarter (key); default the running one")
        flow.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, unit=None, annual=None, format="text", verb=None, **options):
        scope = None
        if unit:
            scope = Unit.objects.filter(key=unit, archived_at__isnull=True).first()
            if scope is None:
                raise CommandError(f'--unit: no unit "{unit}"')
        if verb == "wip":
            return self._wip(scope, options.get("limit"), options.get("no_limit"), format)
        if verb == "flow":
            return self._flow(scope, options.get("cycle"), format)
        found = selectors.portfolio(unit=scope, annual_objective=annual)
        if format == "json":
            self.stdout.write(json.dumps(found.ranked_dicts(), indent=2, ensure_ascii=False))
            return
        if not found.rows:
            self.stdout.write("No scored open initiative here.")
        else:
            self.stdout.write(f"{'#':>3}  {'WSJF':>6} {'CoD':>4} {'size':>4}  initiative")
        for r in found.rows:
            self.stdout.write(f"{r.rank:>3}  {r.score.wsjf:>6.2f} {r.score.cost_of_delay:>4} "
                              f"{r.score.job_size:>4}  {r.key} {r.title} "
                              f"({r.unit_name})" + (f"  [{r.tie_break}]" if r.tie_break else "")
                              + _tracked_words(found.tracked.get(r.pk)))
        if found.unscored_count:
            self.stdout.write(f"{found.unscored_count} open initiative(s) not scored yet: "
                              + ", ".join(i.key for i in found.unscored_first[:20])
                              + (" …" if found.unscored_count > 20 else ""))

    def _wip(self, unit, limit, no_limit, format):
        if limit is not None or no_limit:
            if unit is None:
                raise CommandError("--unit: name the unit whose WIP limit to set")
            services.set_wip_limit(None, unit, None if no_limit else limit)
        found = selectors.loads(units=[unit] if unit else None)
        if format == "json":
            self.stdout.write(json.dumps([load.as_dict() for load in found], indent=2,
                                         ensure_ascii=False))
            return
        if not found:
            self.stdout.write("No unit has a WIP limit or work in progress.")
        for load in found:
            limit_text = "no limit" if load.limit is None else f"limit {load.limit}"
            self.stdout.write(f"{load.unit.name} ({load.unit.key}): {load.in_progress} in "
                              f"progress or blocked, {limit_text}"
                              + (f"  OVER BY {load.over_by}" if load.over else ""))

    def _flow(self, unit, cycle, format):
        try:
            data = selectors.flow_dict(unit, cycle)
        except DomainError as e:
            raise CommandError("; ".join(f"--{x.field}: {x.message}" for x in e.errors)) from e
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        who = unit.name if unit else "Whole organisation"
        self.stdout.write(f"{who}, {data['cycle']}"
                          + (f" (WIP limit {data['wip_limit']})" if data["wip_limit"] else ""))
        if "start" not in data or data.get("start") is None:
            self.stdout.write("The quarter has not begun: no flow to measure yet.")
            return
        ct = data["cycle_time_days"]
        little = data["littles_law"]

        def fig(f, unit=""):
            return "–" if f["value"] is None else f"{f['value']:g}{unit}"

        self.stdout.write(f"{data['start']} to {data['end']}: {data['days']} days, "
                          f"{data['initiatives']} initiatives")
        self.stdout.write(f"throughput      {fig(data['throughput'])} finished "
                          f"({fig(data['throughput_per_week'])} a week)  n={data['throughput']['n']}")
        self.stdout.write(f"cycle time      mean {fig(ct['mean'], ' d')}, median "
                          f"{fig(ct['median'], ' d')}, 85th percentile {fig(ct['p85'], ' d')}  "
                          f"n={ct['mean']['n']}")
        self.stdout.write(f"average WIP     {fig(data['average_wip'])}  "
                          f"n={data['average_wip']['n']} days")
        if little["departures_x_time_in_wip"] is None:
            self.stdout.write("Little's law    nothing started has left work in progress yet")
        else:
            verdict = "consistent" if little["consistent"] else "inconsistent"
            self.stdout.write(
                f"Little's law    average WIP {little['average_wip']:g} vs "
                f"{little['departures_per_day']:g} leaving WIP a day (n={little['departures']}) "
                f"x {little['average_time_in_wip_days']:g} d in WIP = "
                f"{little['departures_x_time_in_wip']:g}"
                f" (ratio {little['ratio']:g}, {verdict}; WIP {little['wip_at_start']} at the "
                f"start, {little['wip_at_end']} at the end)")
