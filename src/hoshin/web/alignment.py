"""The alignment map: vision → breakthroughs → annual objectives → priorities and themes →
objectives → key results, coloured by status, filterable, every branch collapsible."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hoshin.okrs.models import Cycle, KeyResult
from hoshin.okrs.progress import alignment_tree_data
from hoshin.org.models import Unit
from hoshin.web.treeview import STATUS_WORDS, count, filter_tree
from hoshin.web.treeview import render as render_tree

# Above this many nodes the map opens collapsed below the annual objectives, so a whole
# large organisation stays usable; a unit filter shows everything open.
LARGE_TREE = 1500


def _default_cycle():
    return (Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
                                 archived_at__isnull=True).order_by("-start").first()
            or Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
            .order_by("-start").first())


def _link(node: dict) -> str | None:
    if node["type"] == "key_result":
        return f"/key-results/{node['id']}/"
    if node["type"] == "objective":
        return f"/objectives/{node['id']}/"
    return None


@login_required
def alignment_map(request):
    cycles = list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                  .order_by("-start"))
    cycle = next((c for c in cycles if c.key == request.GET.get("cycle")), None) \
        or _default_cycle()
    units = list(Unit.objects.filter(archived_at__isnull=True).order_by("name")
                 .values_list("key", "name"))
    unit_key = request.GET.get("unit") or ""
    unit = Unit.objects.filter(key=unit_key).first() if unit_key else None
    owner = (request.GET.get("owner") or "").strip().lower()
    status = request.GET.get("status") or ""
    context = {"nav": "alignment", "cycles": cycles, "cycle": cycle, "units": units,
               "unit_key": unit_key, "owner": owner, "status": status,
               "statuses": STATUS_WORDS, "tree_html": None, "nodes": 0}
    if cycle is not None:
        tree = alignment_tree_data(cycle, unit=unit)
        if owner:
            tree = filter_tree(tree, lambda n: (n.get("owner") or "").lower() == owner)
        if tree is not None and status in STATUS_WORDS:
            tree = filter_tree(tree, lambda n: n["type"] == "key_result"
                               and n["status"] == status)
        if tree is not None:
            nodes = count(tree)
            filtered = bool(unit or owner or status)
            open_depth = 99 if filtered or nodes <= LARGE_TREE else 2
            context["nodes"] = nodes
            context["collapsed"] = open_depth < 99
            context["tree_html"] = mark_safe(  # built from escaped text in treeview
                f'<ul class="tree">{render_tree(tree, link=_link, open_depth=open_depth)}</ul>')
        context["owners"] = list(KeyResult.objects.filter(
            objective__cycle=cycle, archived_at__isnull=True).values_list(
            "owner__email", flat=True).distinct().order_by("owner__email"))
    return render(request, "web/alignment.html", context)
