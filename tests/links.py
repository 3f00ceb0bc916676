"""Reading a page as a person does: which names are links, and to where.

    page = parse(response.content.decode())
    assert page.links_to("/units/sales/", "Sales")   # "Sales" is inside <a href="/units/sales/…">
    page.breadcrumb()  # [("Acme Inc.", "/units/acme/?cycle=…"), …] in order

The standard library's html.parser: no extra dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@dataclass
class Link:
    href: str
    text: str
    attrs: dict
    in_breadcrumb: bool

    @property
    def path(self) -> str:
        return urlsplit(self.href).path


@dataclass
class Page(HTMLParser):
    links: list[Link] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def __post_init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self._open: list[dict] = []  # the <a> elements being read (never nested, but safe)
        self._nav_depth: list[bool] = []  # for each open <nav>: is it the breadcrumb?
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "nav":
            self._nav_depth.append(attrs.get("aria-label") == "Breadcrumb")
        elif tag == "a":
            self._open.append({"href": attrs.get("href") or "", "text": [], "attrs": attrs,
                               "crumb": any(self._nav_depth)})

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "nav" and self._nav_depth:
            self._nav_depth.pop()
        elif tag == "a" and self._open:
            a = self._open.pop()
            self.links.append(Link(a["href"], " ".join("".join(a["text"]).split()), a["attrs"],
                                   a["crumb"]))

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        for a in self._open:
            a["text"].append(data)

    def links_to(self, path: str, name: str) -> bool:
        """Is `name` shown inside a link to `path` (query and fragment aside)?"""
        return any(link.path == path and name in link.text for link in self.links)

    def where(self, name: str) -> list[str]:
        """Where each link showing `name` goes: for a readable failure."""
        return [link.href for link in self.links if name in link.text]

    def breadcrumb(self) -> list[tuple[str, str]]:
        return [(link.text, link.path) for link in self.links if link.in_breadcrumb]

    def current_crumb(self) -> list[str]:
        return [link.text for link in self.links
                if link.in_breadcrumb and link.attrs.get("aria-current") == "page"]

    def emails(self) -> list[str]:
        """E-mail addresses a reader would see (text, not attributes)."""
        return EMAIL.findall(" ".join(self.text))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page
