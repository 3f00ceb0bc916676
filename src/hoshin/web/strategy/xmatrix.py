"""The X-matrix (SPEC §2.5), generated from the model on every request, its annual
objectives and priorities coloured by the running quarter's OKRs (SPEC §3.8), with the open
flags on key results as the Flags page lists them and the plan's own structural gaps."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hoshin.flags.models import LABELS as FLAG_LABELS
from hoshin.flags.services import open_flags
from hoshin.okrs.models import Cycle
from hoshin.okrs.rollups import strategy_statuses
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.strategy import xmatrix
from hoshin.strategy.views.xmatrix import xmatrix_data
from hoshin.strategy.views.years import plan_years, selected_year
from hoshin.web.strategy.years import active_quarter


def real_statuses(year: int, org: Organization) -> tuple[Cycle | None, dict[str, str]]:
    """Status of the year's annual objectives and priorities from the active quarter's OKRs
    (SPEC §3.8: real execution data, not self-reported colours), read from the stored
    roll-up (okrs/rollups.py) when it holds today's figures."""
    cycle = active_quarter()
    if cycle is None or fiscal_year_of(cycle.start, org.fiscal_year_start) != year:
        return None, {}
    return cycle, {key: str(status) for key, status in strategy_statuses(cycle).items()}


# The flag box lists this many flags and links to the Flags page for the rest: a large
# organisation can have thousands open, and the matrix must stay quick.
FLAGS_LISTED = 50
STATUS_ORDER = ("off_track", "at_risk", "no_data", "on_track")
STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
                "no_data": "no data"}


def key_result_flags() -> dict:
    """The open flags on key results, chosen exactly as the Flags page chooses them
    (flags.services.open_flags, in its order): their count, their count per warning and
    the first FLAGS_LISTED. Three queries whatever the number of flags."""
    flags = open_flags()
    by_code = dict(flags.order_by().values_list("code").annotate(n=Count("id")))
    # Rows as plain values with their links made here: a template tag per cell cost more
    # than the rest of the box.
    listed = [{"key": key, "code": code, "label": FLAG_LABELS.get(code, code),
               "message": message, "title": title, "href": f"/key-results/{quote(key)}/",
               "unit": unit_name, "unit_href": f"/units/{quote(unit_key)}/"}
              for key, code, message, title, unit_key, unit_name in flags.values_list(
                  "key_result__key", "code", "message", "key_result__title",
                  "key_result__objective__unit__key",
                  "key_result__objective__unit__name")[:FLAGS_LISTED]]
    return {"count": sum(by_code.values()), "listed": listed,
            "by_code": [(code, label, by_code[code]) for code, label in FLAG_LABELS.items()
                        if by_code.get(code)]}


def status_summary(data: xmatrix.XMatrixData) -> list[dict]:
    """The tinted items grouped by status, worst first: what the matrix's colours say, in
    words and links, for the people who read the page rather than look at it."""
    groups = []
    for status in STATUS_ORDER:
        items = [(kind, item) for kind, items in (("Annual objective", data.annuals),
                                                  ("Priority", data.priorities))
                 for item in items if item.status == status]
        if items:
            groups.append({"status": status, "word": STATUS_WORDS[status],
                           "items": [{"kind": kind, "key": item.key, "title": item.title,
                                      "href": item.href} for kind, item in items]})
    return groups


def _build(request):
    org = Organization.current()
    year = selected_year(request, org)
    cycle, statuses = real_statuses(year, org)
    data = xmatrix_data(year, statuses)
    svg, lay = xmatrix.build_svg(data, f"{org.name} · X-matrix {year}")
    return org, year, svg, lay, cycle


@login_required
def xmatrix_page(request, printable: bool = False):
    org, year, svg, lay, cycle = _build(request)
    names = {h.key: h.name for h in lay.data.holders}
    flags = [{"kind": f.kind, "key": f.key, "name": names.get(f.key, f.key),
              "message": f.message} for f in lay.flags]
    d = lay.data
    # The drawing's own <style> (link focus and hover) carries the page's Content Security
    # Policy nonce, like the page's <style> elements (docs/security.md).
    # (django-csp's nonce is lazy and false until read: str() reads it.)
    nonce = str(getattr(request, "csp_nonce", ""))
    if nonce:
        svg = svg.replace("<style>", f'<style nonce="{nonce}">', 1)
    context = {
        "nav": "xmatrix", "year": year, "years": plan_years(year), "svg": mark_safe(svg),
        "flags": flags, "kr_flags": key_result_flags(),
        "status_groups": status_summary(d) if cycle is not None else [],
        "printable": printable, "organization": org, "status_cycle": cycle,
        "counts": {"breakthroughs": len(d.breakthroughs), "annuals": len(d.annuals),
                   "priorities": len(d.priorities), "metrics": len(d.metrics),
                   "resources": len(d.holders)},
        "overload_total": xmatrix.OVERLOAD_TOTAL, "overload_primary": xmatrix.OVERLOAD_PRIMARY,
    }
    return render(request, "strategy/xmatrix.html", context)


@login_required
def xmatrix_svg(request):
    _, year, svg, _, _ = _build(request)
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="x-matrix-{year}.svg"'
    return response
