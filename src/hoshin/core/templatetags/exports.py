"""`{% load exports %}{% export_links %}`: the "Export CSV / Excel" links of a list page,
on the page's own address with its filters (hoshin.core.exports answers them)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def export_links(context, label: str = "Export", table: str = ""):
    request = context.get("request")
    if request is None:
        return ""
    links = []
    for fmt, name in (("csv", "CSV"), ("xlsx", "Excel")):
        params = request.GET.copy()
        params.pop("page", None)
        params["export"] = fmt
        if table:
            params["table"] = table
        else:
            params.pop("table", None)
        links.append(format_html('<a href="?{}" download data-export="{}">{}</a>',
                                 params.urlencode(), fmt, name))
    return format_html('<p class="export-links">{} {} / {}</p>', label, links[0], links[1])
