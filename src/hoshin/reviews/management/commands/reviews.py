"""`hoshin reviews`: the quarter's reviews and the agenda of the next one."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from hoshin.core import clock
from hoshin.okrs.models import Cycle
from hoshin.reviews import services
from hoshin.reviews.agenda import standings
from hoshin.reviews.models import Review


class Command(BaseCommand):
    help = "List a quarter's reviews (week-6 included) and show the next review's agenda"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", help="quarter key (default: the active quarter)")
        parser.add_argument("--agenda", action="store_true",
                            help="build the next review's agenda from today's signals first")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, cycle, agenda, today, **options):
        today = today or clock.today()
        quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
        row = (quarters.filter(key=cycle).first() if cycle else
               quarters.filter(state=Cycle.State.ACTIVE).order_by("-start").first())
        if row is None:
            raise CommandError(f'no quarter "{cycle}"' if cycle else "no active quarter")
        services.reviews_of(row)
        reviews = list(row.reviews.select_related("closed_by"))
        standing_of = standings(reviews, today)
        for r in reviews:
            standing = standing_of[r.pk]
            mark = " (status meeting)" if r.status_meeting else ""
            if standing.code == "held":
                by = f" by {standing.held_by_text}" if standing.held_by else ""
                mark = f" {standing.held_on:%d %b}{by}, {standing.decisions} decisions{mark}"
            self.stdout.write(f"{r.date:%a %d %b}  week {r.week:>2}  {r.get_kind_display():<26} "
                              f"{standing.label}{mark}")
        upcoming = next((r for r in reviews if r.date >= today
                         and r.state != Review.State.CLOSED), None)
        if upcoming is None:
            return
        if agenda:
            services.build_agenda(None, upcoming, today)
        self.stdout.write(f"\nNext: {upcoming} (#{upcoming.pk})")
        for i, item in enumerate(upcoming.items.all(), 1):
            decided = getattr(item, "decision", None)
            self.stdout.write(f"  {i}. {item.title}"
                              + (f"  -> {decided.get_kind_display()}" if decided else ""))
