from __future__ import annotations

import json

from hoshin.core.management.commands._base import HoshinCommand
from hoshin.planning.management.commands._planning import cycle_or_error


class Command(HoshinCommand):
    help = ("Print a quarter's strategic brief as Markdown: what success looks like, the "
            "themes with the annual objectives they serve, trade-offs, risks and constraints "
            "(warns above 3 themes).")

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, metavar="ID", help="the quarter")
        parser.add_argument("--format", dest="fmt", choices=["markdown", "json"],
                            default="markdown")

    def handle(self, *args, cycle, fmt, **options):
        from hoshin.planning import services
        from hoshin.planning.schemas import brief_out

        self.require_migrated()
        view = services.brief_view(cycle_or_error(cycle))
        if fmt == "json":
            self.stdout.write(json.dumps(brief_out(view), indent=2, default=str))
        else:
            self.stdout.write(services.brief_markdown(view), ending="")
