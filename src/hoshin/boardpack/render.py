"""The board pack as a PDF: contents.py's data laid out by templates/boardpack/pack.html with
its print CSS (pack.css), made into PDF pages by WeasyPrint.

Nothing is fetched while rendering: the drawings are inline SVG, the fonts the system's
(fontconfig), and any other URL is refused, so a title that smuggles an <img> or a CSS
url() in (escaped anyway) can make the server fetch nothing. Links (the X-matrix's items,
the contents) stay links in the PDF, absolute to the server's BASE_URL.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from hoshin.boardpack import contents

CSS_FILE = Path(__file__).parent / "templates" / "boardpack" / "pack.css"
# Bar widths as classes (no style attributes: the same markup rules as the web pages).
WIDTHS = "".join(f".w{i}{{width:{i}%}}" for i in range(101))


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    filename: str
    seconds: float  # reading the data and laying it out, together
    cycle: str


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the board pack fetches nothing ({url[:60]})")


def html_of(pack: contents.Pack) -> str:
    return render_to_string("boardpack/pack.html", {
        "pack": pack, "xmatrix_svg": mark_safe(pack.xmatrix_svg)})


def filename_of(pack: contents.Pack) -> str:
    return f"board-pack-{pack.cycle.key}-{pack.made_on:%Y-%m-%d}.pdf"


def render(cycle_key: str | None = None, today: dt.date | None = None) -> Rendered:
    """The pack of the quarter `cycle_key` (the running one by default) as PDF bytes.
    Raises NotFound (field "cycle") when there is no such quarter."""
    from weasyprint import CSS, HTML  # a heavy import, paid only by who makes a pack

    started = time.perf_counter()
    pack = contents.build(cycle_key, today)
    document = HTML(string=html_of(pack), base_url=settings.BASE_URL + "/",
                    url_fetcher=_no_fetching).render(
        stylesheets=[CSS(string=CSS_FILE.read_text() + WIDTHS)])
    pdf = document.write_pdf()
    return Rendered(pdf=pdf, pages=len(document.pages), filename=filename_of(pack),
                    seconds=round(time.perf_counter() - started, 2), cycle=pack.cycle.key)
