from __future__ import annotations

import json

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand

TYPE_LABELS = {
    "vision": "Vision",
    "breakthrough": "Breakthrough",
    "annual_objective": "Annual objective",
    "improvement_priority": "Priority",
    "theme": "Theme",
    "objective": "Objective",
    "key_result": "Key result",
}
# The words are printed too, so the status reads the same without colour.
STATUS_STYLE = {
    "on_track": ("on track", "green"),
    "at_risk": ("at risk", "yellow"),
    "off_track": ("off track", "red"),
    "no_data": ("no data", "grey50"),
}
BAR_WIDTH = 10


def progress_bar(progress: float | None) -> str:
    """`████████░░  80%`; the bar is clamped, the number is not (a KR may pass 100%)."""
    if progress is None:
        return "░" * BAR_WIDTH + "    –"
    filled = round(min(max(progress, 0.0), 1.0) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled) + f" {round(progress * 100):>3}%"


def cut(node: dict, depth: int | None) -> dict:
    """The tree down to `depth` levels below the root."""
    if depth is None:
        return node
    stack = [(node, 0)]
    while stack:
        current, level = stack.pop()
        if level >= depth:
            current["children"] = []
        else:
            stack.extend((child, level + 1) for child in current["children"])
    return node


def label(node: dict):
    from rich.text import Text

    text = Text()
    text.append(TYPE_LABELS.get(node["type"], node["type"]), style="dim")
    if node["type"] != "vision":
        text.append(f" {node['id']}", style="bold")
    text.append(f" {node['title']}  ")
    words, colour = STATUS_STYLE.get(node["status"], (node["status"], ""))
    text.append(progress_bar(node["progress"]), style=colour)
    text.append("  ")
    text.append(words, style=f"bold {colour}")
    details = [node[k] for k in ("unit", "owner") if node.get(k)]
    if details:
        text.append(f"  ({', '.join(details)})", style="dim")
    if node.get("ref"):
        # Also serves this parent; its branch is drawn at its first place above.
        text.append("  ↑ expanded above", style="dim italic")
    return text


def render(root: dict):
    from rich.tree import Tree

    tree = Tree(label(root))
    stack = [(root, tree)]
    while stack:
        node, branch = stack.pop()
        for child in node["children"]:
            stack.append((child, branch.add(label(child))))
    return tree


class Command(HoshinCommand):
    help = ("Show the alignment tree of a cycle (vision, breakthroughs, annual objectives, "
            "priorities and themes, objectives, key results) with progress bars and status. "
            '--format json prints the same tree as nested {"id", "type", "title", '
            '"progress", "status", "children": [...]}.')

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, metavar="ID",
                            help="the quarter (or year) to show, e.g. 2026-Q4")
        parser.add_argument("--unit", metavar="UNIT_ID",
                            help="only this unit's objectives (and its sub-units')")
        parser.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")
        parser.add_argument("--depth", type=int, metavar="N",
                            help="show only N levels below the vision")

    def handle(self, *args, cycle, unit, fmt, depth, **options):
        from hoshin.okrs.models import Cycle
        from hoshin.okrs.progress import alignment_tree_data
        from hoshin.org.services import get_unit

        self.require_migrated()
        if depth is not None and depth < 0:
            raise CommandError("depth: must be 0 or more")
        cycle_obj = Cycle.objects.filter(key=cycle).first()
        if cycle_obj is None:
            known = list(Cycle.objects.filter(archived_at__isnull=True)
                         .values_list("key", flat=True))
            hint = f" (cycles: {', '.join(known)})" if known else " (there are no cycles yet)"
            raise CommandError(f'cycle: unknown cycle "{cycle}"{hint}')
        unit_obj = get_unit(unit) if unit else None
        root = cut(alignment_tree_data(cycle_obj, unit=unit_obj), depth)
        if fmt == "json":
            self.stdout.write(json.dumps(root, indent=2, ensure_ascii=False))
            return
        console = self.console()
        if not console.is_terminal:
            # Piped into a file, a pager or grep: one line per item, never wrapped.
            console.width = 100_000
        console.print(render(root))
