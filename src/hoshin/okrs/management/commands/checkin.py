from __future__ import annotations

from hoshin.core.errors import DomainError, FieldError
from hoshin.core.management.commands._base import HoshinCommand, parse_date

OPTION_OF = {"steps_done": "done"}

STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
                "no_data": "no data"}


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


class Command(HoshinCommand):
    help = ("Record a check-in on a key result: its current value (or the milestone steps "
            "done), your confidence 0-10, a note and any blockers. Prints the key result's "
            "new progress and status.")

    def add_arguments(self, parser):
        parser.add_argument("key_result", metavar="KR_ID", help="id of the key result, e.g. KR1")
        parser.add_argument("--value", type=float,
                            help="current value (not needed for milestone key results)")
        parser.add_argument("--confidence", type=int, metavar="0-10",
                            help="how confident you are the key result will be met, 0 to 10")
        parser.add_argument("--note", default="", help="a short note")
        parser.add_argument("--blockers", default="", help="what stands in the way, if anything")
        parser.add_argument("--done", default="", metavar="S1,S2",
                            help="milestone steps done so far, comma separated")
        parser.add_argument("--date", help="date of the check-in, YYYY-MM-DD (default: today)")
        parser.add_argument("--as", dest="as_person", metavar="EMAIL",
                            help="check in as this person, with their permissions "
                                 "(default: the operator, who may check in on any key result)")

    def handle(self, *args, key_result, value, confidence, note, blockers, done, date,
               as_person, **options):
        from hoshin.okrs import services
        from hoshin.okrs.models import KeyResult
        from hoshin.okrs.progress import key_result_states
        from hoshin.org.services import get_person

        self.require_migrated()
        day = parse_date(date, "date") if date else None
        actor = get_person(as_person, "as") if as_person else None
        kr = services.get(KeyResult, key_result, "key_result")
        steps = [s.strip() for s in done.split(",") if s.strip()]
        try:
            checkin = services.record_checkin(actor, kr, value=value, confidence=confidence,
                                              note=note, blockers=blockers, steps_done=steps,
                                              date=day)
        except DomainError as exc:
            # Name the option the person typed, not the service's argument.
            raise type(exc)([FieldError(OPTION_OF.get(e.field, e.field), e.message)
                               for e in exc.errors]) from None
        state = key_result_states(KeyResult.objects.filter(pk=kr.pk))[kr.pk]
        expected = f" (expected {percent(state.expected)})" if state.expected is not None else ""
        self.stdout.write(f'Checked in on {kr.key} "{kr.title}" for {checkin.date.isoformat()}.')
        self.stdout.write(f"progress: {percent(state.progress)}{expected}")
        status = STATUS_WORDS.get(state.status, str(state.status))
        style = {"on_track": self.style.SUCCESS, "at_risk": self.style.WARNING,
                 "off_track": self.style.ERROR}.get(state.status, str)
        self.stdout.write("status: " + style(status))
