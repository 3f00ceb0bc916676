"""`hoshin learnings [TEXT]`: search the learnings library."""

from django.core.management.base import BaseCommand

from hoshin.pdca import services


class Command(BaseCommand):
    help = "Search the learnings library by words (--tag, --unit to narrow)"

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="*")
        parser.add_argument("--tag")
        parser.add_argument("--unit")

    def handle(self, *args, text, tag, unit, **options):
        found = services.search_learnings(" ".join(text), tags=[tag] if tag else (), unit=unit)
        for learning in found:
            tags = " ".join(f"#{t}" for t in learning.tag_list)
            where = learning.unit.name if learning.unit else "-"
            self.stdout.write(f"#{learning.pk:<5} {learning.title}\n       {where}  {tags}")
        if not found:
            self.stdout.write("Nothing found.")
