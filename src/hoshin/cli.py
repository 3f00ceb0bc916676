"""The `hoshin` command. Each verb is a Django management command underneath, so
`hoshin X` is `django-admin X` with Hoshin's settings and every Django command works too."""

from __future__ import annotations

import os
import sys

# The verbs people need, in the order they meet them. Django lists its own commands
# alphabetically by app, which buries these among forty others.
VERBS: list[tuple[str, str]] = [
    ("serve", "Run the web app and the API (applies migrations first)"),
    ("migrate", "Create or update the database tables"),
    ("demo", "Load a realistic fictional company (--people N: a synthetic one of any size)"),
    ("import", "Load a plan file (YAML or JSON) into the database, all or nothing"),
    ("export", "Write the whole plan as a plan file (YAML or JSON) to stdout or -o FILE"),
    ("checkin", "Record a check-in on a key result: value, confidence, note, blockers"),
    ("tree", "Show a cycle's alignment tree with progress and status (--format json)"),
    ("createuser", "Add a person who can log in (password from HOSHIN_PASSWORD or a prompt)"),
    ("token", "Create an API token for a person and print it"),
    ("catchball", "Propose plan elements to units and answer (list, propose, respond, accept)"),
    ("readiness", "A cycle's readiness diagnostic: scores, spread, what to fix before OKRs"),
    ("alignment", "A cycle's executive alignment test: Kendall's W, rank table, disagreements"),
    ("brief", "Print a quarter's strategic brief as Markdown"),
    ("cycle", "Show a cycle's state and drafting gate; move it with --to [--override REASON]"),
    ("session", "A quarter's alignment session: findings by question, decisions; --close"),
    ("flags", "Show the open at-risk flags of key results (--evaluate judges them first)"),
    ("reviews", "The quarter's governance reviews (week 6 included) and the next agenda"),
    ("close", "Close a quarter after grading (--dry-run lists what blocks it)"),
    ("hansei", "The annual review: each annual objective's real execution record"),
    ("countermeasures", "PDCA countermeasures, overdue first (--open-due opens new ones)"),
    ("learnings", "Search the learnings library (words, --tag, --unit)"),
    ("dependencies", "Requests between units in a quarter, each with its state; loops, chains"),
    ("trade-offs", "The trade-off register, newest first: search with --q, --cycle, --unit"),
    ("portfolio", "Open initiatives ranked by WSJF; WIP limits (wip) and flow metrics (flow)"),
    ("analytics", "Check-in regularity, confidence calibration, forecasts, quarter trends"),
    ("sources", "Key results fed by data: add, sync, list or remove a key result's source"),
    ("trackers", "Initiatives' work in Jira, Asana, GitHub: connect, link, sync, list, hook"),
    ("boardpack", "A quarter's board pack as a PDF: strategy, X-matrix, objectives, risks"),
    ("webhooks", "Signed outgoing webhooks: add, list, deliveries, pause, resume, replay"),
    ("rhythm", "Show or set the check-in rhythm (day, time, time zone, review, channels)"),
    ("worker", "Run background tasks from the database queue (reminders, notifications)"),
    ("scheduler", "Enqueue periodic jobs when due (run exactly one beside the workers)"),
    ("backup", "Write everything (execution records, history) to FILE while the server runs"),
    ("restore", "Load a backup into an empty database, all or nothing (SQLite or PostgreSQL)"),
]
# Verbs that join the overview once their issue lands; Django has its own `check`, so a
# verb is only listed when Hoshin provides it.
LATER_VERBS = ["check"]


def _version() -> str:
    from hoshin import __version__

    return __version__


def overview() -> str:
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    commands = get_commands()
    verbs = list(VERBS)
    for name in LATER_VERBS:
        app = commands.get(name)
        if isinstance(app, str) and app.startswith("hoshin"):
            summary = (load_command_class(app, name).help or "").strip().splitlines()
            first = summary[0].split(". ")[0].split(": ")[0] if summary else ""
            verbs.append((name, first.rstrip(".")))
    width = max(len(name) for name, _ in verbs) + 3
    lines = [
        f"Hoshin {_version()}: strategy deployment (Hoshin Kanri) executed as quarterly OKRs.",
        "",
        "Usage: hoshin COMMAND [options]      hoshin COMMAND --help  shows a command's options",
        "",
        "Commands:",
        *(f"  {name:<{width}}{summary}" for name, summary in verbs),
        "",
        "The database is chosen by HOSHIN_DATABASE_URL for every command",
        "(default: SQLite in HOSHIN_DATA_DIR, ./var).",
        "All Django management commands are available too: hoshin help --all",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    args = list(sys.argv if argv is None else argv)[1:]
    if not args or args[0] in ("-h", "--help") or args == ["help"]:
        print(overview())
        return 0
    if args[0] == "--version":
        print(f"hoshin {_version()}")
        return 0
    if args[:2] == ["help", "--all"]:
        args = ["help", *args[2:]]

    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["hoshin", *args])
    except BrokenPipeError:
        # The reader went away (`hoshin portfolio | head`): stop quietly, as Unix tools do,
        # and point stdout at nothing so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool cut off by a pipe
    return 0


if __name__ == "__main__":
    sys.exit(main())
