"""`hoshin catchball`: the inbox or the overview, and proposing, answering and accepting."""

from __future__ import annotations

from hoshin.core import clock
from hoshin.core.management.commands._base import HoshinCommand, parse_date
from hoshin.engine.numbers import number

# How a missing target reads.
NO_TARGET = "–"


class Command(HoshinCommand):
    help = ("Catchball: list what awaits your answer (or every unit's open threads), propose a "
            "plan element to a unit, respond for a unit, revise, accept or withdraw.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

        def person(p, required=False):
            p.add_argument("--as", dest="as_person", metavar="EMAIL", required=required,
                           help="act as this person, with their permissions")
            p.add_argument("--today", help="judge deadlines as of this day, YYYY-MM-DD")

        def version(p):
            p.add_argument("--title", help="a changed title")
            p.add_argument("--target", type=float, help="a changed target value")
            p.add_argument("--description", help="a changed description")
            p.add_argument("--comment", default="", help="a comment for the other side")

        ls = sub.add_parser("list", help="my inbox (--as EMAIL), or every unit's open threads")
        person(ls)
        show = sub.add_parser("show", help="one thread with every round")
        show.add_argument("thread", type=int, metavar="ID")
        person(show)
        pr = sub.add_parser("propose", help="propose a plan element to a unit")
        pr.add_argument("element", metavar="ELEMENT_ID", help="e.g. P1, O3 or KR12")
        pr.add_argument("unit", metavar="UNIT_ID", help="the receiving unit")
        pr.add_argument("--respond-by", help="answer by, YYYY-MM-DD (default: the calendar)")
        pr.add_argument("--for-unit", dest="proposer_unit", metavar="UNIT_ID",
                        help="the unit you speak for (unit leads)")
        pr.add_argument("--answered-by", dest="delegate", metavar="EMAIL",
                        help="who answers for the unit (when you lead it yourself)")
        person(pr, required=True)
        version(pr)
        rs = sub.add_parser("respond", help="answer for the receiving unit")
        rs.add_argument("thread", type=int, metavar="ID")
        rs.add_argument("--contribution", default="")
        rs.add_argument("--needs-people", default="")
        rs.add_argument("--needs-budget", default="")
        rs.add_argument("--needs-time", default="")
        rs.add_argument("--help-from", default="", metavar="UNIT,UNIT",
                        help="units whose help is needed, comma separated")
        rs.add_argument("--conflicts", default="")
        person(rs)
        version(rs)
        rv = sub.add_parser("revise", help="the proposer's next version")
        rv.add_argument("thread", type=int, metavar="ID")
        person(rv)
        version(rv)
        for name, text in (("accept", "accept the other side's version: agreed and locked"),
                           ("withdraw", "withdraw the proposal")):
            p = sub.add_parser(name, help=text)
            p.add_argument("thread", type=int, metavar="ID")
            p.add_argument("--comment", default="")
            person(p)

    def handle(self, *args, verb, as_person=None, today=None, **options):

        from hoshin.org.services import get_person

        self.require_migrated()
        self.today = parse_date(today, "today") if today else clock.today()
        actor = get_person(as_person, "as") if as_person else None
        getattr(self, f"do_{verb}")(actor, **options)

    # Verbs ------------------------------------------------------------------------------

    def do_list(self, actor, **options):
        from hoshin.catchball import services

        if actor is None:
            rows = services.overview(self.today)
            if not rows:
                self.stdout.write("No open catchball threads.")
            for row in rows:
                late = f", {row['overdue']} overdue" if row["overdue"] else ""
                self.stdout.write(self.style.MIGRATE_HEADING(
                    f"{row['unit'].name} ({row['unit'].key}): {len(row['threads'])} open, "
                    f"{row['unanswered']} not answered{late}"))
                for thread in row["threads"]:
                    self._line(thread)
            return
        awaiting = services.awaiting_answer(actor, self.today)
        waiting = services.waiting_on_others(actor, self.today)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Awaiting your answer ({len(awaiting)})"))
        for thread in awaiting:
            self._line(thread)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Waiting on others ({len(waiting)})"))
        for thread in waiting:
            self._line(thread)

    def _line(self, thread):
        turn = thread.unit.name if thread.waiting_on == "unit" else thread.proposer.name
        due = f" · answer by {thread.respond_by.isoformat()}" if thread.respond_by else ""
        late = self.style.ERROR(" OVERDUE") if getattr(thread, "overdue", False) else ""
        self.stdout.write(f"  #{thread.pk} {thread.element_key} \"{thread.element.title}\" "
                          f"→ {thread.unit.key} · waiting on {turn}{due}{late}")

    def do_show(self, actor, thread, **options):
        from hoshin.catchball import services

        t = services.get_thread(thread, "ID")
        self.stdout.write(f"#{t.pk} {t.element_key} \"{t.element.title}\" → {t.unit.name}: "
                          f"{t.get_state_display().lower()}")
        for row in services.thread_rounds(t):
            r = row["round"]
            who = r.author.email if r.author_id else "system"
            self.stdout.write(f"  {r.number}. {who} {r.get_kind_display().lower()}: "
                              f"\"{r.title}\" target {row['target']}")
            for change in row["changes"]:
                self.stdout.write(f"     {change['field']}: {change['old']} → {change['new']}")
            for label in ("contribution", "needs_people", "needs_budget", "needs_time",
                          "conflicts", "comment"):
                if getattr(r, label):
                    self.stdout.write(f"     {label.replace('_', ' ')}: {getattr(r, label)}")
            if row["help_from"]:
                self.stdout.write("     help from: " + ", ".join(u.key for u in row["help_from"]))
        if actor is not None:
            actions = services.allowed_actions(actor, t)
            self.stdout.write("you may: " + (", ".join(actions) or "nothing now"))

    def _version(self, options) -> dict:
        from hoshin.catchball.services import UNCHANGED

        return {"title": options.get("title"), "description": options.get("description"),
                "target": options["target"] if options.get("target") is not None
                else UNCHANGED}

    def do_propose(self, actor, element, unit, respond_by=None, proposer_unit=None, comment="",
                   delegate=None, **options):
        from hoshin.catchball import services

        thread = services.propose(
            actor, element=element, unit=unit, comment=comment,
            respond_by=parse_date(respond_by, "respond-by") if respond_by else None,
            proposer_unit=proposer_unit, delegate=delegate, today=self.today,
            **self._version(options))
        self.stdout.write(f"Proposed {thread.element_key} to {thread.unit.name} as thread "
                          f"#{thread.pk}; answer by {thread.respond_by.isoformat()}.")

    def do_respond(self, actor, thread, comment="", help_from="", **options):
        from hoshin.catchball import services

        t = services.get_thread(thread, "ID")
        r = services.respond(actor, t, contribution=options["contribution"],
                             needs_people=options["needs_people"],
                             needs_budget=options["needs_budget"],
                             needs_time=options["needs_time"], conflicts=options["conflicts"],
                             help_from=[u for u in help_from.split(",") if u.strip()],
                             comment=comment, **self._version(options))
        self.stdout.write(f"Answered thread #{t.pk} for {t.unit.name}; on the table: "
                          f"\"{r.title}\" target {number(r.target, empty=NO_TARGET)}.")

    def do_revise(self, actor, thread, comment="", **options):
        from hoshin.catchball import services

        t = services.get_thread(thread, "ID")
        r = services.revise(actor, t, comment=comment, today=self.today,
                            **self._version(options))
        self.stdout.write(f"Revised thread #{t.pk}; on the table: \"{r.title}\" target "
                          f"{number(r.target, empty=NO_TARGET)}.")

    def do_accept(self, actor, thread, comment="", **options):
        from hoshin.catchball import services

        t = services.get_thread(thread, "ID")
        r = services.accept(actor, t, comment=comment)
        self.stdout.write(self.style.SUCCESS(
            f"Agreed: {t.element_key} \"{r.title}\" target {number(r.target, empty=NO_TARGET)} "
            "is locked into the plan."))

    def do_withdraw(self, actor, thread, comment="", **options):
        from hoshin.catchball import services

        t = services.get_thread(thread, "ID")
        services.withdraw(actor, t, comment=comment)
        self.stdout.write(f"Withdrew thread #{t.pk}.")
