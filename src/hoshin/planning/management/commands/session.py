from __future__ import annotations

import json

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.planning.management.commands._planning import cycle_or_error


class Command(HoshinCommand):
    help = ("A quarter's alignment session: the analyzer's findings grouped by the four "
            "questions, with the decisions taken. --open starts it, --rerun runs the analyzer "
            "again, --close stores the approved OKR set and makes the quarter active (only "
            "when every error and warning has a decision).")

    def add_arguments(self, parser):
        parser.add_argument("cycle", metavar="CYCLE")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--open", action="store_true", help="open the session")
        parser.add_argument("--rerun", action="store_true", help="run the analyzer again")
        parser.add_argument("--close", action="store_true",
                            help="close with the approved set; the quarter becomes active")
        parser.add_argument("--override", metavar="REASON",
                            help="with --close on a draft quarter: pass the drafting gate")

    def handle(self, *args, cycle, format, open, rerun, close, override, **options):
        from hoshin.planning import session_services as sessions
        from hoshin.planning.session_api import session_out

        self.require_migrated()
        cycle_obj = cycle_or_error(cycle)
        if open:
            sessions.open_session(None, cycle_obj)
        session = sessions.session_for(cycle_obj)
        if session is None:
            raise CommandError(f'cycle: "{cycle_obj.key}" has no alignment session '
                               "(start it with --open)")
        if rerun:
            session = sessions.rerun(None, session)
        if close:
            session = sessions.close(None, session, override)
        data = session_out(session)
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(f"Alignment session {data['cycle']}: {data['state']}, "
                          f"{data['decided']} of {data['findings']} decided")
        for q in data["questions"]:
            self.stdout.write(f"\n{q['question']} ({q['count']})")
            for f in q["findings"]:
                d = f["decision"]
                said = f"{d['kind']}" + (f": {d['reason']}" if d and d["reason"] else "") \
                    if d else "undecided"
                self.stdout.write(f"  [{f['severity']}] {f['fingerprint']} — {said}")
                self.stdout.write(f"      {f['message']}")
        if data["state"] == "closed":
            approved = data["approved"] or {}
            self.stdout.write(f"\nApproved: {', '.join(approved.get('objectives', []))} "
                              f"({len(approved.get('key_results', []))} key results)")
        elif data["blocking"]:
            self.stdout.write(f"\nClosing waits for {len(data['blocking'])} decision(s).")
