"""Every web page × every persona, read (GET) and written to (POST): each may do exactly
what SPEC §10 allows; the writes behind the forms are the services' (checked again by the
API matrix, test_api_matrix.py, with valid bodies), so here a POST carries no form data
and the answer shows only whether the page let the person in: refused is 403, anonymous
is sent to the login page.

The pages come from the URL resolver, so a new one fails `test_every_page_has_an_
expectation` until it is given a line in PAGES (keyed by its route). The Django admin is
one family: only admins get in (each model's list, below); the API is the API matrix's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import PERSONAS
from tests.security.test_api_matrix import (
    ADMIN,
    EVERYONE,
    EXECUTIVES,
    GRADERS,
    LEAD_IN,
    KR_OWNER,
    LEADS,
    NOBODY,
    PLAN,
    SALES,
    WRITERS,
)

pytestmark = pytest.mark.django_db

OFF = "405"  # a method the page does not answer, for everyone
# A page that writes nothing whatever the method: a POST is answered as a GET would be (or
# refused); anything but a server error will do.
READ_ONLY = "read-only"


@dataclass(frozen=True)
class Page:
    get: frozenset | str  # who may read it (a set of personas), or OFF
    post: frozenset | str = OFF  # who may post to it
    params: dict = field(default_factory=dict)  # route parameter -> key of world.ids (or a value)
    public: bool = False  # anonymous callers are let in too
    hidden: int | tuple = 403  # what a refused persona gets
    data: dict = field(default_factory=dict)  # the form posted (most pages: none)


def page(get=EVERYONE, post=READ_ONLY, data=None, **params) -> Page:
    return Page(get, post, params, data=data or {})


PAGES: dict[str, Page] = {
    # Accounts: public, or for anyone signed in
    "": page(),
    "healthz": Page(EVERYONE, READ_ONLY, public=True),
    "login/": Page(EVERYONE, EVERYONE, public=True),
    # The demo is loaded, so its one-click log-in is on (404 outside demo mode).
    "login/demo/": Page(OFF, READ_ONLY, public=True),
    # The second step of a two-factor log-in: without a first step, back to the login.
    "login/verify/": Page(READ_ONLY, READ_ONLY, public=True),
    # Single sign-on: the link to the identity provider and its answer (404 while not
    # configured, as here; an answer without a sign-in started here goes back to the login).
    "sso/login/": Page(READ_ONLY, OFF, public=True),
    "sso/callback/": Page(READ_ONLY, OFF, public=True),
    "logout/": page(OFF, READ_ONLY),
    "account/password/": page(EVERYONE, EVERYONE),
    "account/password/done/": page(),
    "account/two-factor/": page(ADMIN, ADMIN),  # two-factor is offered to admins
    "password-reset/": Page(EVERYONE, EVERYONE, public=True),
    "password-reset/sent/": Page(EVERYONE, public=True),
    "password-reset/<uidb64>/<token>/": Page(READ_ONLY, READ_ONLY, {"uidb64": "=MQ",
                                                                   "token": "=x-y"},
                                             public=True),
    "password-reset/complete/": Page(EVERYONE, public=True),
    # Strategy
    "strategy/": page(),
    "strategy/x-matrix/": page(),
    "strategy/x-matrix/print/": page(),
    "strategy/x-matrix.svg": page(),
    "strategy/timeline/": page(),
    "strategy/breakthroughs/<str:key>/": page(key="breakthrough"),
    "strategy/annual/<str:key>/": page(key="annual"),
    "strategy/priorities/<str:key>/": page(key="priority"),
    "strategy/metrics/": page(),
    "strategy/metrics/<str:key>/": page(EVERYONE, PLAN, key="metric"),
    "strategy/vision/edit/": page(PLAN, PLAN),
    "strategy/grids/<str:grid>/": page(EVERYONE, PLAN, grid="=breakthrough-annual"),
    "strategy/new/<str:kind>/": page(PLAN, PLAN, kind="=breakthroughs"),
    "strategy/<str:kind>/<str:key>/edit/": page(PLAN, PLAN, kind="=breakthroughs",
                                                key="breakthrough"),
    "strategy/<str:kind>/<str:key>/archive/": page(OFF, PLAN, kind="=breakthroughs",
                                                   key="breakthrough"),
    # Analyzer, planning, catchball
    "analyzer/": page(),
    "analyzer/settings/": page(PLAN, PLAN),
    "analyzer/draft/": page(EVERYONE, EVERYONE),
    "planning/": page(),
    "planning/readiness/<str:cycle>/": page(EVERYONE, LEADS, cycle="draft"),
    "planning/alignment/new/": page(PLAN, PLAN),
    "planning/alignment/<int:pk>/": page(EVERYONE, EXECUTIVES, pk="round"),
    # A refused post is answered 404 here (the brief's editing form exists only for them;
    # a viewer's is refused before, 403).
    "planning/brief/<str:cycle>/": Page(EVERYONE, PLAN, {"cycle": "draft"}, hidden=(403, 404)),
    "planning/session/<str:cycle>/": page(EVERYONE, LEADS, cycle="draft"),
    "catchball/": page(),
    "catchball/overview/": page(PLAN),
    "catchball/calendar/": page(PLAN, PLAN),
    "catchball/propose/": page(EVERYONE, LEADS),
    "catchball/<int:pk>/": page(EVERYONE, LEAD_IN, {"action": "respond"}, pk="thread"),
    # Notifications, flags, reviews, closing
    "notify/settings/": page(PLAN, PLAN),
    # Viewers read their notification settings here but change them only through the API.
    "notify/me/": page(EVERYONE, WRITERS),
    # Slack signs its requests: no login, a bad signature is refused.
    "notify/slack/commands": Page(OFF, NOBODY, hidden=401),
    "notify/slack/interactions": Page(OFF, NOBODY, hidden=401),
    # So does Teams (an HMAC of the body under the outgoing webhook's security token).
    "notify/teams/messages": Page(OFF, NOBODY, hidden=401),
    "flags/": page(),
    "flags/settings/": page(PLAN, PLAN),
    "reviews/": page(),
    "reviews/schedule/": page(OFF, LEADS),
    "reviews/<int:pk>/": page(EVERYONE, LEADS, {"do": "agenda"}, pk="review"),
    "closing/": page(),
    "closing/annual/<int:year>/": page(EVERYONE, PLAN, year="year"),
    "closing/<str:key>/": page(EVERYONE, GRADERS, key="quarter"),
    "calendar/": page(),
    "calendar/regenerate/": page(OFF, EVERYONE),
    "calendar/<str:token>.ics": Page(EVERYONE, READ_ONLY, {"token": "calendar"}, public=True),
    "calendar/<str:token>/organisation.ics": Page(EVERYONE, READ_ONLY, {"token": "calendar"},
                                                  public=True),
    # PDCA and learnings
    "pdca/": page(),
    "pdca/new/": page(EVERYONE, WRITERS),
    "pdca/<int:pk>/": page(EVERYONE, KR_OWNER, pk="countermeasure"),
    "learnings/": page(),
    "learnings/new/": page(WRITERS, WRITERS),
    "learnings/<int:pk>/": page(EVERYONE, LEADS, pk="learning"),
    # Portfolio, analytics, sources
    "portfolio/": page(),
    "portfolio/flow/": page(),
    "portfolio/score/": page(PLAN, PLAN),
    "portfolio/initiatives/<str:key>/status/": page(OFF, KR_OWNER, key="initiative"),
    "portfolio/units/<str:key>/wip-limit/": page(OFF, SALES, key="unit"),
    "analytics/": page(),
    # No source on the key result: found out before the rights are (404 to all).
    "sources/<str:key>/sync": Page(OFF, KR_OWNER, {"key": "kr"}, hidden=404),
    # Setting, trying and removing a source: who may check in on the key result (its
    # owner, the leads above it, the plan editors). An empty form is 400 to them; removing
    # a source the key result does not have is 404 to them.
    "sources/<str:key>/": page(KR_OWNER, KR_OWNER, key="kr"),
    "sources/<str:key>/try": page(OFF, KR_OWNER, key="kr"),
    "sources/<str:key>/remove": page(OFF, KR_OWNER, key="kr"),
    # Work trackers: everyone reads; who may edit the initiative links, unlinks and syncs
    # (an empty post is "unknown action", sent back to the page). The trackers' webhook
    # calls are verified by signature: no login, an unsigned post is refused.
    "trackers/": page(),
    "trackers/initiatives/<str:key>/": page(EVERYONE, KR_OWNER, key="initiative"),
    # The trackers' connections: admins only (an empty post names no tracker: 400). The
    # world connects none: the admin's remove is a 404, the others' the 403 before it.
    "trackers/connections/": page(ADMIN, ADMIN),
    "trackers/connections/<str:kind>/remove": page(OFF, ADMIN, kind="=jira"),
    # Its webhooks: admins only (an empty post names no tracker: 400; the world has no
    # hook, so the admin's new secret or removal is a 404, the others' the 403 before it).
    "trackers/webhooks/new": page(OFF, ADMIN),
    "trackers/webhooks/<int:pk>/secret": page(OFF, ADMIN, pk="=1"),
    "trackers/webhooks/<int:pk>/remove": page(OFF, ADMIN, pk="=1"),
    "trackers/hooks/<str:kind>/<str:token>/": Page(OFF, NOBODY, {"kind": "=github",
                                                                 "token": "=nope"}, hidden=401),
    # Company-wide views
    "alignment/": page(),
    "alignment/branch/": page(),
    "company/": page(),
    "tv/": page(),
    "import/markdown/": page(PLAN, PLAN),
    # The goal-list import (CSV, .xlsx): an empty form is refused with its errors (400).
    "import/goals/": page(PLAN, PLAN),
    "import/markdown/jobs/<str:job_id>/": Page(PLAN, READ_ONLY, {"job_id": "=no-such-job"}),
    # The board pack (SPEC §10): the strategy office, admins and unit leads make it.
    "board-pack/": page(LEADS, LEADS),
    "board-pack/jobs/<str:job_id>/": Page(LEADS, READ_ONLY, {"job_id": "=no-such-job"}),
    "board-pack/jobs/<str:job_id>/pack.pdf": Page(LEADS, READ_ONLY, {"job_id": "=no-such-job"}),
    "audit/": page(ADMIN),
    # Signed outgoing webhooks: admins only. The world has no webhook (2026 and msg_none
    # name none): the admin gets 404, the others the 403 that comes before the lookup.
    "webhooks/": page(ADMIN, ADMIN),
    "webhooks/<int:pk>/": page(ADMIN, OFF, pk="=2026"),
    "webhooks/<int:pk>/pause": page(OFF, ADMIN, pk="=2026"),
    "webhooks/<int:pk>/resume": page(OFF, ADMIN, pk="=2026"),
    "webhooks/<int:pk>/remove": page(OFF, ADMIN, pk="=2026"),
    "webhooks/messages/<str:message_id>/replay": page(OFF, ADMIN, message_id="=msg_none"),
    # Objectives, key results, units, people
    "key-results/<str:key>/": page(key="kr"),
    "key-results/<str:key>/checkin": page(OFF, KR_OWNER, key="kr"),
    "units/<str:key>/": page(key="unit"),
    # No page for whoever leads no unit (404), and no form posted there either.
    "objectives/new/": Page(LEADS, LEADS, hidden=404),
    "objectives/<str:key>/": page(key="objective"),
    "objectives/<str:key>/edit/": page(SALES, SALES, key="objective"),
    "people/<int:pk>/": page(pk="member_pk"),
    "dependencies/": page(),
    # The trade-off register: everyone reads; the office and unit leads write (an empty
    # form is answered with its errors), the rest are refused.
    "trade-offs/": page(EVERYONE, LEADS),
    "trade-offs/<int:pk>/": page(EVERYONE, LEADS, pk="trade_off"),
    "dependencies/<str:key>/answer": page(OFF, SALES, {"action": "decline", "note": "No"},
                                          key="sales_dependency"),
}


def routes() -> list[str]:
    """The route of every page outside the admin and the API."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    return sorted({r for r in found if not r.startswith(("admin/", "api/v1/"))})


ROUTES = routes()


def test_every_page_has_an_expectation():
    assert sorted(set(ROUTES) - PAGES.keys()) == [], "pages with no line in PAGES"
    assert sorted(PAGES.keys() - set(ROUTES)) == [], "lines in PAGES for no page"


def _url(world, route: str, spec: Page) -> str:
    url = "/" + route
    for name, key in spec.params.items():
        value = key[1:] if key.startswith("=") else world.ids[key]
        url = url.replace(f"<{name}>", str(value))
        for conv in ("str", "int", "path", "slug"):
            url = url.replace(f"<{conv}:{name}>", str(value))
    return url


def _client(world, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.people[persona])
    return client


def _check(response, persona: str, allowed, spec: Page, what: str) -> None:
    status = response.status_code
    to_login = status == 302 and response["Location"].startswith(("/login/", "/admin/login/"))
    if allowed == READ_ONLY:
        assert status < 500, f"{what}: {status}"
    elif allowed == OFF:
        assert status == 405 or (persona == "anonymous" and to_login), f"{what}: {status}"
    elif persona == "anonymous" and not spec.public:
        assert to_login or status in (401, 403), f"anonymous {what}: {status}"
    elif persona in allowed or (persona == "anonymous" and spec.public):
        assert status != 403 and not to_login and status < 500, \
            f"{persona} refused {what}: {status}"
    else:
        hidden = spec.hidden if isinstance(spec.hidden, tuple) else (spec.hidden,)
        assert status in hidden, f"{persona} allowed {what}: {status}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES)
def test_page(world, route, persona):
    spec = PAGES.get(route)
    assert spec is not None, f"/{route} has no line in PAGES"
    url = _url(world, route, spec)
    client = _client(world, persona)
    _check(client.get(url), persona, spec.get, spec, f"GET {url}")
    # Posted as a browser posts a form.
    posted = client.post(url, urlencode(spec.data),
                         content_type="application/x-www-form-urlencoded")
    _check(posted, persona, spec.post, spec, f"POST {url}")


def _changelists() -> list[str]:
    return sorted(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"
                  for m in admin.site._registry)


@pytest.mark.parametrize("persona", ["admin", "office", "lead_in", "viewer", "anonymous"])
@pytest.mark.parametrize("name", _changelists())
def test_the_admin_site_is_for_admins_only(world, name, persona):
    response = _client(world, persona).get(reverse(name))
    if persona == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
