"""The demo organisation loaded once per test module, its board pack made once and turned into
page images (pdftoppm) and page texts (pdftotext), as a person opening the PDF would see
it. Loading the demo and laying out the pack take seconds; the checks read the result.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from hoshin.core import clock

DAY = dt.date(2026, 11, 20)  # the demo's day: week 8 of 2026-Q4
DPI = 60  # enough to tell a drawing from an empty page, cheap to read


@dataclass
class Pages:
    pdf: Path
    pngs: list[Path]
    texts: list[str]  # each page's text in the order it is drawn (pdftotext -raw)

    def page_with(self, heading: str) -> int:
        """The index of the first page after the cover (whose contents name every
        section) whose text holds `heading`."""
        for i, text in enumerate(self.texts[1:], start=1):
            if heading in " ".join(text.split()):
                return i
        raise AssertionError(f"no page holds {heading!r}")


def _tools() -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.fail("poppler-utils (pdftoppm, pdftotext) are missing: scripts/test.sh "
                    "installs them")


def pages_of(pdf: Path) -> Pages:
    """The PDF's pages as PNG images and as text, one of each per page."""
    _tools()
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(prefix)], check=True)
    pngs = sorted(pdf.parent.glob(prefix.name + "-*.png"))
    texts = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    return Pages(pdf, pngs, texts[:len(pngs)])


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module as of DAY, its stored roll-up built (the
    import's own rebuild waits for a commit that this rolled-back block never makes), and
    rolled back after the module."""
    from hoshin.okrs import rollups

    with django_db_blocker.unblock(), clock.at(DAY):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("demo", "--today", DAY.isoformat(), "--no-migrate",
                         stdout=io.StringIO(), stderr=io.StringIO())
            rollups.rebuild_all(DAY)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _on_the_demo_day(request):
    if "demo" not in request.fixturenames:
        yield
        return
    with clock.at(DAY):
        yield
