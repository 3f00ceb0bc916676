"""The alignment map: vision → breakthroughs → annual objectives → priorities and themes →
objectives → key results, coloured by status, filterable, every branch collapsible.

A large map is sent as its top levels only: deeper branches come from `alignment_branch`
when opened (HTMX), or open as a page of their own without JavaScript."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.forms import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hoshin.core.errors import DomainError
from hoshin.engine.rollup import node_to_dict
from hoshin.okrs.models import Cycle
from hoshin.okrs.progress import BRANCH_TYPES, alignment_tree_data
from hoshin.okrs.progress import alignment_branch as branch_of
from hoshin.org.forms import find_person
from hoshin.org.models import Person, Unit
from hoshin.web.treeview import (
    SHOWN_STATUS,
    STATUS_WORDS,
    TYPE_LABELS,
    census,
    filter_tree,
    levels_within,
    shown_down_to,
    shown_status,
)
from hoshin.web.treeview import render as render_tree

# A map (or an opened branch) of more nodes than this is sent down to the level that still
# fits, its deeper branches loaded when opened: the page stays small and quick to draw.
LARGE_TREE = 400
# Above this many key-result owners the owner box offers no list to pick from (typing an
# email still filters): thousands of options would weigh more than the map itself.
OWNER_CHOICES = 500
# The status box: the roll-up's statuses, and its "no data" told apart as the cards and
# the legend tell it (never reported, or gone quiet), so each legend count links to
# exactly the key results it counts.
STATUS_CHOICES = {**STATUS_WORDS, "not_started": "not started", "silent": "silent"}


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


class _Filters:
    """The map's filters, read from the query string the same way by the page and by a
    branch, so an opened branch shows what the page would have shown."""

    def __init__(self, request):
        self.cycles = list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER,
                                                archived_at__isnull=True).order_by("-start"))
        wanted = request.GET.get("cycle")
        self.cycle = next((c for c in self.cycles if c.key == wanted), None) or _default_cycle()
        self.unit_key = request.GET.get("unit") or ""
        self.unit = Unit.objects.filter(key=self.unit_key).first() if self.unit_key else None
        self.owner_text = (request.GET.get("owner") or "").strip()
        self.owner = self.owner_text.lower()
        if self.owner and "@" not in self.owner:  # the text box (large organisations) takes a name
            try:
                self.owner = find_person(self.owner_text, Person.objects.all())
            except ValidationError:
                pass  # nobody by that name: nothing matches
        self.status = request.GET.get("status") or ""
        self.units = dict(Unit.objects.filter(archived_at__isnull=True).order_by("name")
                          .values_list("key", "name"))
        # The map as the plan stood at the end of a day (read back from the history); empty
        # for today's live map.
        self.as_of = (request.GET.get("as_of") or "").strip()

    def query(self, **more) -> str:
        params = {"cycle": self.cycle.key if self.cycle else "", "unit": self.unit_key,
                  "owner": self.owner, "status": self.status, "as_of": self.as_of, **more}
        return urlencode({k: v for k, v in params.items() if v})

    def apply(self, tree: dict | None) -> dict | None:
        if tree is not None and self.owner:
            tree = filter_tree(tree, lambda n: (n.get("owner") or "").lower() == self.owner)
        if tree is not None and self.status in STATUS_WORDS:
            tree = filter_tree(tree, lambda n: n["type"] == "key_result"
                               and n["status"] == self.status)
        elif tree is not None and self.status in SHOWN_STATUS:  # not started, silent
            tree = filter_tree(tree, lambda n: n["type"] == "key_result"
                               and shown_status(n) == self.status)
        return tree

    def branch_url(self, node: dict) -> str | None:
        # A past map is rebuilt whole from the history, so it is sent whole: its branches
        # have no live counterpart to load.
        if node["type"] not in BRANCH_TYPES or node.get("ref") or self.as_of:
            return None
        return "/alignment/branch/?" + self.query(node=f"{node['type']}:{node['id']}")

    def render(self, node: dict, *, children_only: bool = False) -> str:
        """The tree as list items, down to the level that fits in LARGE_TREE nodes."""
        lazy_depth = levels_within(node, LARGE_TREE)
        # Only the cards sent are named: at most about LARGE_TREE of them, however large
        # the organisation.
        people = _names(n["owner"] for n in shown_down_to(node, lazy_depth) if n.get("owner"))
        if children_only:
            # The branch's own summary is already on the page: count from its children.
            lazy_depth = None if lazy_depth is None else lazy_depth - 1
            return "".join(render_tree(child, link=_link, units=self.units, people=people,
                                       lazy=self.branch_url, lazy_depth=lazy_depth)
                           for child in node["children"])
        return render_tree(node, link=_link, units=self.units, lazy=self.branch_url,
                           lazy_depth=lazy_depth, people=people)

    def legend(self, counts: dict[str, int]) -> list[dict]:
        """The status legend with the number of key results in each status, each a link
        to the map filtered to exactly those key results."""
        return [{"status": status, "word": word, "icon": icon, "count": counts[status],
                 "url": "/alignment/?" + self.query(status=status)}
                for status, (word, icon) in SHOWN_STATUS.items()]

    def context(self) -> dict:
        return {"nav": "alignment", "cycles": self.cycles, "cycle": self.cycle,
                "unit_options": mark_safe(_options(self.units, self.unit_key)),
                "unit_key": self.unit_key, "owner": self.owner, "owner_text": self.owner_text,
                "status": self.status, "statuses": STATUS_CHOICES, "tree_html": None,
                "nodes": 0, "owners": [],
                "as_of": self.as_of, "today_url": "/alignment/?" + self.query(as_of="")}

    def tree(self) -> dict:
        """The cycle's tree, live or as of the date asked for (DomainError if it cannot be
        shown then, e.g. before the plan or the cycle existed)."""
        if not self.as_of:
            return alignment_tree_data(self.cycle, unit=self.unit)
        from hoshin.planfile.as_of import plan_at

        return plan_at(self.as_of).tree(self.cycle.key, self.unit.key if self.unit else None)


def _options(units: dict[str, str], selected: str) -> str:
    # Built here, not by a template loop: a large organisation has thousands of units.
    return "".join(f'<option value="{escape(key)}"{" selected" if key == selected else ""}>'
                   f"{escape(name)}</option>" for key, name in units.items())


def _names(emails) -> dict[str, str]:
    """People's names by email, for the owners on the cards (never their addresses)."""
    wanted, names = sorted(set(emails)), {}
    for start in range(0, len(wanted), 500):  # within every database's parameter limit
        names.update(Person.objects.filter(email__in=wanted[start:start + 500])
                     .values_list("email", "name"))
    return names


def _owners(tree: dict, chosen: str = "") -> list[tuple[str, str]]:
    """The key-result owners to pick from, as (email, name): the box filters by email,
    the list shows names (never an address: an owner the page cannot name shows the part
    before the @). `chosen`, the owner filtered on, is always among them."""
    owners, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if node.get("owner"):
            owners.add(node["owner"])
        stack.extend(node["children"])
    if chosen:
        owners.add(chosen)
    if len(owners) > OWNER_CHOICES:
        return []
    names = _names(owners)
    return sorted(((email, names.get(email) or email.partition("@")[0]) for email in owners),
                  key=lambda pair: (pair[1].lower(), pair[0]))


@login_required
def alignment_map(request):
    filters = _Filters(request)
    context = filters.context()
    if filters.cycle is not None:
        try:
            tree = filters.tree()
        except DomainError as exc:
            context["as_of_error"] = exc.errors[0].message
            return render(request, "web/alignment.html", context)
        context["owners"] = _owners(tree, filters.owner)
        tree = filters.apply(tree)
        if tree is not None:
            context["nodes"], counts = census(tree)
            context["legend"] = filters.legend(counts)
            context["lazy"] = context["nodes"] > LARGE_TREE
            context["tree_html"] = mark_safe(  # built from escaped text in treeview
                f'<ul class="tree">{filters.render(tree)}</ul>')
    return render(request, "web/alignment.html", context)


@login_required
def alignment_branch(request):
    """One branch of the map: its children as list items for HTMX, or, opened as a link
    (no JavaScript), a page of its own."""
    filters = _Filters(request)
    node_type, _, key = (request.GET.get("node") or "").partition(":")
    if filters.cycle is None or node_type not in BRANCH_TYPES or not key:
        raise Http404("No such branch.")
    node = branch_of(filters.cycle, node_type, key, unit=filters.unit)
    if node is None:
        raise Http404("No such branch.")
    branch = filters.apply(node_to_dict(node))
    if request.htmx:
        if branch is None:
            return HttpResponse('<li class="leaf">Nothing matches these filters.</li>')
        return HttpResponse(filters.render(branch, children_only=True))
    context = filters.context()
    context.update({"branch": {"type": TYPE_LABELS.get(node_type, node_type), "id": key,
                               "title": node.title},
                    "map_url": "/alignment/?" + filters.query()})
    if branch is not None:
        context["nodes"], counts = census(branch)
        context["legend"] = filters.legend(counts)
        context["lazy"] = context["nodes"] > LARGE_TREE
        context["tree_html"] = mark_safe(f'<ul class="tree">{filters.render(branch)}</ul>')
    return render(request, "web/alignment.html", context)
