"""`hoshin flags`: the open at-risk flags, or evaluate them now."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from hoshin.flags import services


class Command(BaseCommand):
    help = "Show the open at-risk flags (--evaluate: judge every key result first)"

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="only this unit's key results (unit key)")
        parser.add_argument("--evaluate", action="store_true",
                            help="raise and clear flags as of today (or --today) first")
        parser.add_argument("--today", help="the day to judge, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, unit, evaluate, today, format, **options):
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as e:
                raise CommandError(f"--today: {today!r} is not a date (YYYY-MM-DD)") from e
        if evaluate:
            result = services.evaluate_flags(None, today=day)
            if format == "text":
                self.stdout.write(f"Judged {result.key_results} key results: "
                                  f"{len(result.raised)} raised, {len(result.cleared)} cleared.")
        flags = services.open_flags()
        if unit:
            flags = flags.filter(key_result__objective__unit__key=unit)
        rows = [{"key_result": f.key_result.key, "title": f.key_result.title,
                 "owner": f.key_result.owner.email, "unit": f.key_result.objective.unit.key,
                 "code": f.code, "message": f.message, "raised_on": f.raised_on.isoformat()}
                for f in flags]
        if format == "json":
            self.stdout.write(json.dumps({"flags": rows}, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No open flags.")
            return
        for r in rows:
            self.stdout.write(f"{r['key_result']:<8} {r['code']:<16} {r['unit']:<12} "
                              f"{r['owner']}\n         {r['message']}")
