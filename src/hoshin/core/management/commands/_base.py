"""What every hoshin verb shares: broken rules shown as clean messages (never a
traceback), a database that must be migrated, dates, and rich progress bars."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError, SystemCheckError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from hoshin.core.errors import DomainError

ProgressCallback = Callable[[str, int, int], None]


def error_lines(errors) -> str:
    """One line per error, `field: message`, the form every caller prints."""
    return "\n".join(str(e) for e in errors)


# The importer counts by plan-file section; people read words.
_COUNT_WORDS = {"checkins": "check-ins", "trade_offs": "trade-offs"}


def counts_summary(counts: dict[str, int]) -> str:
    """`150 people, 15 units, 1063 check-ins`: what was loaded, leaving out what was not."""
    return ", ".join(f"{n} {_COUNT_WORDS.get(name, name.replace('_', ' '))}"
                     for name, n in counts.items() if n) or "nothing"


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f'{field}: "{value}" is not a date (expected YYYY-MM-DD)') from None


class HoshinCommand(BaseCommand):
    _no_color = _force_color = False
    # Settings come from HOSHIN_* variables, and --version would print Django's version.
    suppressed_base_arguments = {"--settings", "--pythonpath", "--version"}

    def execute(self, *args, **options):
        self._no_color = options.get("no_color", False)
        self._force_color = options.get("force_color", False)
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            error = CommandError(error_lines(exc.errors))
        except OperationalError as exc:
            error = CommandError(f"database error: {exc}")
        except CommandError as exc:
            error = exc
        if not self._called_from_command_line or options.get("traceback"):
            raise error
        # Django would print "CommandError: ..." in front; people only need the message.
        self.stderr.write(str(error), None if isinstance(error, SystemCheckError) else
                          self.style.ERROR)
        sys.exit(error.returncode)

    def require_migrated(self, using: str = DEFAULT_DB_ALIAS) -> None:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[using])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(f"the database has {len(pending)} unapplied migration(s); "
                               'run "hoshin migrate" first')

    def console(self, stream=None, **kwargs):
        """A rich console on the command's own stream, so call_command(stdout=...) and
        --no-color / --force-color behave as for any other output."""
        from rich.console import Console

        wrapper = stream or self.stdout
        options = {}
        if self._force_color:
            options["force_terminal"] = True
        elif self._no_color:
            options["no_color"] = True
        return Console(file=wrapper._out, highlight=False, **options, **kwargs)

    @contextmanager
    def progress(self) -> Iterator[ProgressCallback]:
        """A progress callback `(stage, done, total)` drawing one bar per stage on stderr
        when it is a terminal; silent otherwise, so logs and pipes stay clean."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = self.console(self.stderr)
        if not console.is_terminal:
            yield lambda stage, done, total: None
            return
        with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console) as bar:
            tasks: dict[str, int] = {}

            def report(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total or None)
                bar.update(tasks[stage], completed=done, total=total or None)

            yield report
