"""The demo's board pack as a person sees it: `hoshin boardpack` writes the PDF, pdftoppm turns
its pages into images and pdftotext into text, and the checks compare them with the
database: the page count and numbers, no blank page and nothing over a page's edge, the
X-matrix drawn on its page, and the headings, titles and figures each section shows."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from hoshin.core import clock
from tests.boardpack.conftest import DAY, DPI, Pages, pages_of

pytestmark = pytest.mark.django_db

MM = DPI / 25.4  # pixels per millimetre in the page images
MARGIN_MM = 14  # pack.css's page margin left and right


@pytest.fixture(scope="module")
def pack(demo, django_db_blocker, tmp_path_factory) -> Pages:
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    err = io.StringIO()
    with django_db_blocker.unblock(), clock.at(DAY):
        call_command("boardpack", "--cycle", "2026-Q4", "-o", str(path), stderr=err)
    assert "Wrote the board pack of 2026-Q4" in err.getvalue()
    assert path.read_bytes().startswith(b"%PDF-")
    return pages_of(path)


def words(text: str) -> str:
    return " ".join(text.split())


def ink(png) -> tuple[float, tuple[int, int, int, int] | None]:
    """The share of a page's pixels that are not near white, and the box around them."""
    image = Image.open(png).convert("L")
    dark = image.point(lambda v: 255 if v < 200 else 0)
    histogram = dark.histogram()
    return histogram[255] / (image.width * image.height), dark.getbbox()


def vertical_lines(image, length: int) -> list[int]:
    """The x of each column of pixels holding a dark run at least `length` long."""
    pixels, (width, height) = image.load(), image.size
    found = []
    for x in range(width):
        run = 0
        for y in range(height):
            run = run + 1 if pixels[x, y] < 235 else 0
            if run >= length:
                found.append(x)
                break
    return found


def test_every_page_is_numbered_and_none_is_blank(pack):
    total = len(pack.pngs)
    assert 7 <= total <= 30, total  # cover, strategy, X-matrix, objectives..., record
    assert "Page 1 of" not in pack.texts[0]  # the cover carries no footer
    for number, text in enumerate(pack.texts[1:], start=2):
        assert f"Page {number} of {total}" in text, (number, text[-200:])
        assert "Kestrel Heat Pumps Ltd · Board pack 2026-Q4" in words(text)
    for png in pack.pngs:
        share, _ = ink(png)
        assert share > 0.004, f"{png.name} is (nearly) blank: {share:.4f}"


def test_nothing_crosses_a_page_edge(pack):
    """Content that overflowed its page would print into the left or right margin: both
    strips stay white on every page (the footer sits in the bottom margin, inside them)."""
    for png in pack.pngs:
        image = Image.open(png).convert("L")
        width, height = image.size
        edge = int((MARGIN_MM - 2) * MM)
        for box in ((0, 0, edge, height), (width - edge, 0, width, height)):
            assert image.crop(box).getextrema()[0] > 200, f"{png.name}: ink in margin {box}"


def test_the_x_matrix_page_has_the_drawing(pack):
    from hoshin.strategy.models import AnnualObjective, ImprovementPriority

    index = pack.page_with("Breakthrough objectives")  # the drawing's quadrant labels
    text = words(pack.texts[index])
    assert "X-matrix 2026" in text and "Improvement priorities" in text
    # Every annual objective and priority of the year is drawn with its key.
    for key in (list(AnnualObjective.objects.filter(year=2026).values_list("key", flat=True))
                + list(ImprovementPriority.objects.filter(year=2026)
                       .values_list("key", flat=True))):
        assert key in text.split(), key
    # A drawing, not a page of text: the matrix's grid draws long vertical lines (text,
    # tables and the sparkline cards of other pages draw none longer than 40 mm), across
    # most of the page's width and height.
    image = Image.open(pack.pngs[index]).convert("L")
    assert len(vertical_lines(image, int(40 * MM))) >= 20
    _, (left, top, right, bottom) = ink(pack.pngs[index])
    assert right - left > 0.8 * (image.width - 2 * MARGIN_MM * MM)
    assert bottom - top > 0.6 * image.height
    for other, png in enumerate(pack.pngs):
        if other != index:
            assert not vertical_lines(Image.open(png).convert("L"), int(40 * MM)), png.name
    # The annual objectives are tinted by the quarter's status (the legend's colours).
    colours = Counter(Image.open(pack.pngs[index]).convert("RGB").get_flattened_data())
    assert sum(n for (r, g, b), n in colours.items() if g > r + 20 and g > b + 20) > 200


def test_cover_and_strategy_pages_say_what_the_database_holds(pack):
    from hoshin.okrs.models import Cycle, Objective, Theme
    from hoshin.okrs.rollups import compute
    from hoshin.strategy.models import AnnualObjective, Breakthrough, Vision

    quarter = Cycle.objects.get(key="2026-Q4")
    cover = words(pack.texts[0])
    assert "Kestrel Heat Pumps Ltd" in cover and "Board pack" in cover
    assert "2026-Q4" in cover and "1 October – 31 December 2026" in cover
    objectives = Objective.objects.filter(cycle=quarter, archived_at__isnull=True).count()
    assert f"Objectives {objectives}" in cover
    statuses = Counter(str(f["status"]) for (kind, _), f in compute(quarter, DAY).items()
                       if kind == "key_result")
    for status, words_ in (("on_track", "on track"), ("at_risk", "at risk"),
                           ("off_track", "off track"), ("no_data", "no data")):
        assert f"{statuses[status]} {words_}" in cover, (status, cover)

    strategy = words(pack.texts[pack.page_with("The strategy on a page")])
    assert words(Vision.objects.get().statement) in strategy
    for b in Breakthrough.objects.filter(archived_at__isnull=True):
        assert b.title in strategy, b.title
    for theme in Theme.objects.filter(cycle=quarter, archived_at__isnull=True):
        assert theme.title in strategy, theme.title
    whole = words(" ".join(pack.texts))
    for a in AnnualObjective.objects.filter(year=2026, archived_at__isnull=True):
        assert a.title in whole, a.title


def test_objectives_by_theme_read_the_stored_roll_up(pack):
    from hoshin.okrs.models import Cycle, Objective, RollupRow

    quarter = Cycle.objects.get(key="2026-Q4")
    start = pack.page_with("The quarter's objectives by theme")
    end = pack.page_with("Decisions and trade-offs")
    text = words(" ".join(pack.texts[start:end]))
    shown = 0
    for row in RollupRow.objects.filter(cycle=quarter, kind="objective").exclude(
            parent_kind="objective"):
        o = Objective.objects.get(pk=row.item_id)
        if o.key in text:
            shown += 1
            # its progress as the roll-up stores it, next to its title
            assert f"{round(row.progress * 100)} %" in text
    assert shown >= 10, shown


def test_decisions_trade_offs_and_risks_match_the_database(pack):
    from hoshin.flags.services import open_flags
    from hoshin.okrs.models import Cycle, Dependency, TradeOff
    from hoshin.reviews.models import Decision

    quarter = Cycle.objects.get(key="2026-Q4")
    decisions = words(" ".join(pack.texts[pack.page_with("Decisions and trade-offs"):
                                          pack.page_with("Open at-risk flags")]))
    for t in TradeOff.objects.filter(cycle=quarter):
        assert t.title in decisions, t.title
    key = Decision.objects.filter(item__review__cycle=quarter).exclude(kind="continue")
    assert f"Key decisions of the quarter's reviews: {key.count()}" in decisions
    continued = Decision.objects.filter(item__review__cycle=quarter, kind="continue").count()
    assert f"Besides these, {continued} agenda items were decided" in decisions

    risks = words(" ".join(pack.texts[pack.page_with("Open at-risk flags"):
                                      pack.page_with("Execution record of the annual")]))
    flags = open_flags(cycle=quarter)
    assert f"Open at-risk flags: {flags.count()}" in risks
    first = flags.first()
    assert first.key_result.key in risks
    late = [d for d in Dependency.objects.all() if d.is_late(DAY)]
    assert f"Late dependencies: {len(late)}" in risks
    for d in late:
        assert d.providing_unit.name in risks


def test_the_execution_record_shows_each_quarters_grades(pack):
    from hoshin.web.strategy.timeline import timeline

    record = words(" ".join(pack.texts[pack.page_with("Execution record of the annual"):]))
    bands, quarters = timeline([2026])
    assert [q.key for q in quarters] == ["2026-Q3", "2026-Q4"]
    graded = 0
    for band in bands:
        for row in band.rows:
            assert row.annual.title in record
            for cell in row.cells:
                for r in cell.shown:
                    graded += r.words.startswith("grade")
                    assert f"{r.words} {r.objective.title[:40]}" in record, r.words
    assert graded >= 5  # the closed quarter 2026-Q3 was graded


def test_the_stored_roll_up_is_read_in_one_query(demo, django_assert_num_queries):
    from hoshin.boardpack.contents import figures
    from hoshin.okrs.models import Cycle
    from hoshin.okrs.rollups import compute

    quarter = Cycle.objects.get(key="2026-Q4")
    with django_assert_num_queries(1):
        stored, from_store = figures(quarter, DAY)
    assert from_store
    computed = compute(quarter, DAY)
    assert {k: (f["progress"], str(f["status"])) for k, f in stored.items()} == \
        {k: (f["progress"], str(f["status"])) for k, f in computed.items()}
    # A closed quarter has no stored rows: computed once, whole.
    closed, from_store = figures(Cycle.objects.get(key="2026-Q3"), DAY)
    assert not from_store and closed


def test_an_unknown_quarter_is_a_clear_error(demo, tmp_path):
    with pytest.raises(CommandError, match='cycle: no quarter "2031-Q9"'):
        call_command("boardpack", "--cycle", "2031-Q9", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
