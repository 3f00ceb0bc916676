"""`{% load people %}` … `{% person kr.owner %}`: a person as people recognise them, a small
circle with their initials and their name, linked to their page; never their e-mail
address (that is their login, not how colleagues know them).

The tag reads only `name` and `get_absolute_url()` of what it is given, so core names no
app's model; it takes a plain name and URL too (history rows carry those):
`{% person row.who url=row.who_url %}`. The circle's look is in web/bars.css, which every
page links; pages may link core/people.css too (hover, spacing).
"""

from __future__ import annotations

import zlib

from django import template
from django.utils.html import format_html

register = template.Library()

# One colour per person (white initials on each: contrast 4.5:1 or more), chosen by the
# data-hue attribute (0 … 7) in web/bars.css, with the circle's look, which every page
# links: a style= attribute would be refused by the Content Security Policy.
HUE_COUNT = 8


def initials(name: str) -> str:
    """"Lea Lead" → "LL", "Otto" → "O", "Anna-Lena von Berg" → "AB"; "?" for no name."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    first, last = words[0], words[-1]
    if len(words) > 1 and last[:1].islower():  # "von Berg": the family name's capital
        capitals = [w for w in words[1:] if w[:1].isupper()]
        last = capitals[-1] if capitals else last
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


def hue(name: str) -> str:
    """The same colour for the same person on every page: its data-hue number."""
    return str(zlib.crc32(name.encode()) % HUE_COUNT)


@register.simple_tag
def person(who, url: str | None = None, empty: str = "nobody", link: bool = True):
    """An avatar with initials and the name, linked to the person's page.

    `who` is a person (anything with `name` and `get_absolute_url`) or a plain name;
    `empty` is shown when there is nobody; `link=False` for a name inside another link."""
    if who is None or who == "":
        return format_html('<span class="person person-none">{}</span>', empty)
    if isinstance(who, str) and not url:  # "System", or a name with no page: just words
        return who
    name = str(getattr(who, "name", None) or who)
    if url is None and link and hasattr(who, "get_absolute_url"):
        url = who.get_absolute_url()
    avatar = format_html('<span class="person-avatar" data-hue="{}" aria-hidden="true">{}</span>',
                         hue(name), initials(name))
    if url and link:
        return format_html('<a class="person" href="{}">{} '
                           '<span class="person-name">{}</span></a>',
                           url, avatar, name)
    return format_html('<span class="person">{} <span class="person-name">{}</span></span>',
                       avatar, name)
