"""`hoshin countermeasures`: the PDCA countermeasures, overdue first."""

import datetime as dt

from django.core.management.base import BaseCommand

from hoshin.core import clock
from hoshin.pdca import services
from hoshin.pdca.models import Countermeasure


class Command(BaseCommand):
    help = "List countermeasures (--overdue only those past due; --open-due opens new ones)"

    def add_arguments(self, parser):
        parser.add_argument("--overdue", action="store_true")
        parser.add_argument("--open-due", action="store_true",
                            help="open countermeasures for off-track key results and red "
                                 "months first")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="YYYY-MM-DD (default: today)")

    def handle(self, *args, overdue, open_due, today, **options):
        today = today or clock.today()
        if open_due:
            opened = services.open_due_countermeasures(None, today=today)
            self.stdout.write(f"Opened {len(opened)} countermeasure(s).")
        rows = (services.overdue_countermeasures(today) if overdue else
                Countermeasure.objects.filter(status__in=Countermeasure.ACTIVE)
                .select_related("owner", "key_result", "metric").order_by("due", "id"))
        for cm in rows:
            late = " OVERDUE" if cm.is_overdue(today) else ""
            owner = cm.owner.email if cm.owner else "no owner"
            self.stdout.write(f"#{cm.pk:<5} {cm.get_status_display():<12} due "
                              f"{cm.due or '-'}{late}  {owner}\n       {cm.subject}")
        if not rows:
            self.stdout.write("No countermeasures.")
