"""Template context shared by every page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import cached_property

from hoshin.org import permissions
from hoshin.org.models import Role


class Roles:
    """What the logged-in person may do, for templates to hide controls they cannot use.

    Hiding a control is a courtesy only: the view must still check on the server (see
    hoshin.org.decorators), because a viewer can post a form by hand.

    In a template: ``{% if roles.can_edit_strategy %}<a href="…">Edit</a>{% endif %}``.
    Unit-specific rights (leading one unit but not another) need the object, so views
    compute those with hoshin.org.permissions and pass them in the context.
    """

    def __init__(self, user):
        self._user = user if user is not None and user.is_authenticated else None

    @property
    def role(self) -> str:
        return self._user.role if self._user else ""

    @property
    def is_admin(self) -> bool:
        return self._user is not None and permissions.is_admin(self._user)

    @property
    def is_viewer(self) -> bool:
        """True for the viewer role and for anyone not logged in or deactivated."""
        return self._user is None or not self._user.is_active or self._user.role == Role.VIEWER

    @property
    def can_write(self) -> bool:
        """Anyone who may change something somewhere (every role but viewer)."""
        return not self.is_viewer

    @property
    def can_edit_strategy(self) -> bool:
        return self._user is not None and permissions.can_edit_strategy(self._user)

    @cached_property
    def leads_a_unit(self) -> bool:
        # Lazy: one query, and only on pages that ask.
        return (self._user is not None and self.can_write
                and self._user.led_units.exists())


def roles(request):
    """Context processor: ``roles`` (a `Roles`) and ``navigation`` (a `Navigation`, below)
    on every template rendered with a request. Both compute on first use only."""
    return {"roles": Roles(getattr(request, "user", None)), "navigation": Navigation(request)}


# Navigation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    # Further addresses that belong to this item (its pages below other prefixes).
    also: tuple[str, ...] = ()

    def matches(self, path: str) -> int:
        """Length of the longest of this item's prefixes that `path` starts with (0: none)."""
        prefixes = (self.href, *self.also)
        return max((len(p) for p in prefixes if path.startswith(p)), default=0)


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    items: tuple[NavItem, ...]
    # Addresses that belong to the section without an item of their own (a unit's page).
    also: tuple[str, ...] = ()

    @property
    def href(self) -> str:
        return self.items[0].href

    def matches(self, path: str) -> int:
        best = max((item.matches(path) for item in self.items), default=0)
        return max(best, *(len(p) for p in self.also if path.startswith(p)), 0)


# Grouped by what people do, not by app: look at the plan, run the quarter, plan the next,
# learn from what happened. The section of a page follows from its address, so a page
# needs to pass nothing (the `nav` some views still pass is for their own use).
SECTIONS: tuple[NavSection, ...] = (
    NavSection("home", "Home", (NavItem("Home", "/"),)),
    NavSection("strategy", "Strategy", (
        NavItem("Strategy", "/strategy/"),
        NavItem("X-matrix", "/strategy/x-matrix/"),
        NavItem("Alignment", "/alignment/"),
        NavItem("Metrics", "/strategy/metrics/"),
        NavItem("Timeline", "/strategy/timeline/"),
        NavItem("Portfolio", "/portfolio/"),
        # Initiatives' progress from Jira, Asana and GitHub (hoshin.trackers).
        NavItem("Work trackers", "/trackers/"),
    )),
    NavSection("execution", "Execution", (
        NavItem("Company", "/company/", also=("/tv/",)),
        NavItem("Flags", "/flags/"),
        NavItem("Reviews", "/reviews/", also=("/calendar/",)),
        NavItem("Catchball", "/catchball/"),
        NavItem("Dependencies", "/dependencies/"),
        NavItem("Trade-offs", "/trade-offs/"),
        # The running quarter's close (/closing/ redirects to it) and the annual review.
        NavItem("Quarter close", "/closing/"),
    ), also=("/units/", "/objectives/", "/key-results/", "/people/")),
    NavSection("planning", "Planning", (
        NavItem("Planning", "/planning/", also=("/import/",)),
        NavItem("Analyzer", "/analyzer/"),
    )),
    NavSection("learn", "Learn", (
        NavItem("Learnings", "/learnings/"),
        NavItem("Countermeasures", "/pdca/"),
        NavItem("Analytics", "/analytics/"),
    )),
)


def _active(path: str) -> tuple[NavSection | None, NavItem | None]:
    """The section and item a path belongs to: the longest prefix wins, so /strategy/x-matrix/
    is the X-matrix and not Strategy, and "/" (Home) claims only the home page itself."""
    if path == "/":
        return SECTIONS[0], SECTIONS[0].items[0]
    best_section, best_item, best_len = None, None, 0
    for section in SECTIONS[1:]:
        length = section.matches(path)
        if length > best_len:
            best_section, best_len = section, length
            best_item = max(section.items, key=lambda i: i.matches(path))
            if best_item.matches(path) == 0:
                best_item = None
    return best_section, best_item


class Navigation:
    """The header's links for the logged-in person: the sections with the current one
    marked, their own unit and key results, and the account menu.

    In a template: ``{% for section in navigation.sections %}``; each section and item is a
    dict with ``current`` ("true", "page" or "") for aria-current.
    """

    def __init__(self, request):
        self._path = getattr(request, "path", "/") or "/"
        user = getattr(request, "user", None)
        self._user = user if user is not None and user.is_authenticated else None

    @cached_property
    def sections(self) -> list[dict]:
        section_now, item_now = _active(self._path)
        result = []
        for section in SECTIONS:
            items = [{"label": item.label, "href": item.href,
                      "current": ("page" if item.href == self._path else "true")
                      if item is item_now else ""}
                     for item in section.items]
            result.append({"key": section.key, "label": section.label, "href": section.href,
                           "items": items if len(items) > 1 else [],
                           "current": ("page" if section.href == self._path else "true")
                           if section is section_now else ""})
        return result

    @cached_property
    def current(self) -> dict | None:
        """The current section (for the row of its pages under the header)."""
        return next((s for s in self.sections if s["current"]), None)

    @cached_property
    def _facts(self) -> dict:
        """What the header needs to know about the person, in one query for every page:
        the unit they lead and the first they belong to (by name), whether they own key
        results and whether they hold an API token."""
        if self._user is None:
            return {}
        from django.db.models import Exists, OuterRef, Subquery

        from hoshin.okrs.models import KeyResult
        from hoshin.org.models import ApiToken, Person, Unit

        units = Unit.objects.filter(archived_at__isnull=True).order_by("name")
        led = units.filter(lead=OuterRef("pk"))
        joined = units.filter(memberships__person=OuterRef("pk"))
        return Person.objects.filter(pk=self._user.pk).annotate(
            led_key=Subquery(led.values("key")[:1]), led_name=Subquery(led.values("name")[:1]),
            joined_key=Subquery(joined.values("key")[:1]),
            joined_name=Subquery(joined.values("name")[:1]),
            owns_krs=Exists(KeyResult.objects.filter(owner=OuterRef("pk"),
                                                     archived_at__isnull=True)),
            holds_token=Exists(ApiToken.objects.filter(person=OuterRef("pk"),
                                                       revoked_at__isnull=True)),
        ).values("led_key", "led_name", "joined_key", "joined_name", "owns_krs",
                 "holds_token").first() or {}

    @property
    def my_unit(self) -> dict | None:
        """The unit page to offer as "My unit": the unit the person leads (the first by name
        when several), else the first they belong to; None when they belong to none.
        A dict with ``key``, ``name`` and ``url``."""
        facts = self._facts
        for prefix in ("led", "joined"):
            key = facts.get(f"{prefix}_key")
            if key:
                return {"key": key, "name": facts[f"{prefix}_name"],
                        "url": reverse("okrs:unit", args=[key])}
        return None

    @property
    def has_key_results(self) -> bool:
        """Whether to offer "My key results" (the section of the home page that lists them)."""
        return bool(self._facts.get("owns_krs"))

    @property
    def may_use_api(self) -> bool:
        """The API's documentation is offered to those who integrate: the admin and the
        strategy office, and anyone who holds an API token. Anyone logged in can still open
        it (the API authenticates every person); the menu only stays short for the rest."""
        if self._user is None or not self._user.is_active:
            return False
        return (permissions.can_edit_strategy(self._user)
                or bool(self._facts.get("holds_token")))

    @property
    def passwords_on(self) -> bool:
        """Whether people have a Hoshin password (HOSHIN_PASSWORD_LOGIN; off when everyone
        signs in through single sign-on): the menu then offers no password pages."""
        from django.conf import settings

        return bool(getattr(settings, "HOSHIN_PASSWORD_LOGIN", True))

    @property
    def is_admin(self) -> bool:
        """Admins' own pages (audit log, signed webhooks) join their account menu."""
        return self._user is not None and permissions.is_admin(self._user)

    @property
    def initials(self) -> str:
        if self._user is None:
            return ""
        words = [w for w in (self._user.name or self._user.email).split() if w[:1].isalpha()]
        return "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper() or "?"
