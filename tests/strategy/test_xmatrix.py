"""The X-matrix's layout and SVG, from plain data (no database)."""

import re
import xml.etree.ElementTree as ET

import pytest

from hoshin.strategy import xmatrix as xm
from hoshin.strategy.xmatrix import Holder, Item, XMatrixData

SVG = "{http://www.w3.org/2000/svg}"


def small() -> XMatrixData:
    return XMatrixData(
        year=2026, vision="Every home heated without fossil fuel",
        breakthroughs=[Item("B1", "Lead the heat-pump market")],
        annuals=[Item("A1", "Double installations"), Item("A2", "Nobody needs me")],
        priorities=[Item("P10", "Tenth"), Item("P2", "Second", "Sales"),
                    Item("P1", "Sell through installers", "Sales")],
        metrics=[Item("M1", "Installations per month", "100 → 200 #"), Item("M2", "Unmoved")],
        holders=[Holder("lea@x.test", "Lea Lead"), Holder("ops", "Operations", "unit")],
        breakthrough_annual={("B1", "A1"): "strong"},
        annual_priority={("A1", "P1"): "strong", ("A1", "P2"): "important"},
        priority_metric={("P1", "M1"): "important", ("P2", "M1"): "weak"},
        roles={("P1", "lea@x.test"): "primary", ("P1", "ops"): "secondary",
               ("P2", "lea@x.test"): "rotating"},
    )


def inside(inner, outer) -> bool:
    return (outer.x - 0.01 <= inner.x and inner.x + inner.width <= outer.x + outer.w + 0.01
            and outer.y - 0.01 <= inner.y and inner.y + inner.height <= outer.y + outer.h + 0.01)


def test_natural_order():
    lay = xm.layout(small())
    assert [p.key for p in lay.data.priorities] == ["P1", "P2", "P10"]
    north = [lb for lb in lay.labels if lb.arm == "north"]
    assert [lb.key for lb in sorted(north, key=lambda lb: lb.y)] == ["P1", "P2", "P10"]


def test_arms_sit_around_the_square():
    lay = xm.layout(small())
    sq = lay.square
    assert sq.w == sq.h
    for lb in lay.labels:
        assert inside(lb, lay.arms[lb.arm]), lb
    west, east = lay.arms["west"], lay.arms["east"]
    north, south, res = lay.arms["north"], lay.arms["south"], lay.arms["resources"]
    # West: columns left of the square, text turned −90°; east: columns right of it.
    assert west.x + west.w == pytest.approx(sq.x) and west.y == sq.y and west.h == sq.h
    assert east.x == pytest.approx(sq.x + sq.w) and east.h == sq.h
    assert all(lb.rotated for lb in lay.labels if lb.arm in ("west", "east", "resources"))
    assert not any(lb.rotated for lb in lay.labels if lb.arm in ("north", "south"))
    # North: rows above; south: rows below; resources right of the metric columns.
    assert north.y + north.h == pytest.approx(sq.y) and north.x == sq.x and north.w == sq.w
    assert south.y == pytest.approx(sq.y + sq.h) and south.x == sq.x
    assert res.x == pytest.approx(east.x + east.w)


def test_corner_grids_are_where_the_arms_cross():
    lay = xm.layout(small())
    west, east = lay.arms["west"], lay.arms["east"]
    north, south, res = lay.arms["north"], lay.arms["south"], lay.arms["resources"]
    nw, sw, ne, rg = (lay.corners[k] for k in ("nw", "sw", "ne", "resources"))
    assert (nw.x, nw.w, nw.y, nw.h) == (west.x, west.w, north.y, north.h)
    assert (sw.x, sw.w, sw.y, sw.h) == (west.x, west.w, south.y, south.h)
    assert (ne.x, ne.w, ne.y, ne.h) == (east.x, east.w, north.y, north.h)
    assert (rg.x, rg.w, rg.y, rg.h) == (res.x, res.w, north.y, north.h)


def test_marks_land_in_the_row_and_column_of_their_items():
    lay = xm.layout(small())
    marks = {(m.corner, m.row, m.col): m for m in lay.marks}
    assert {k: m.value for k, m in marks.items()} == {
        ("sw", "B1", "A1"): "strong", ("nw", "P1", "A1"): "strong",
        ("nw", "P2", "A1"): "important", ("ne", "P1", "M1"): "important",
        ("ne", "P2", "M1"): "weak", ("resources", "P1", "lea@x.test"): "primary",
        ("resources", "P1", "ops"): "secondary", ("resources", "P2", "lea@x.test"): "rotating"}
    for (corner, row, col), mark in marks.items():
        row_arm = "south" if corner == "sw" else "north"
        col_arm = {"sw": "west", "nw": "west", "ne": "east", "resources": "resources"}[corner]
        assert mark.y == lay.label(row_arm, row).y
        assert mark.x == lay.label(col_arm, col).x
        box = lay.corners[corner]
        assert box.x <= mark.x < box.x + box.w and box.y <= mark.y < box.y + box.h


def test_flags():
    data = small()
    data.holders.append(Holder("busy@x.test", "Busy Bee"))
    data.priorities += [Item("P3", "Third"), Item("P4", "Fourth")]
    for p in ("P2", "P3", "P4"):
        data.roles[(p, "busy@x.test")] = "primary"
    data.roles[("P10", "busy@x.test")] = "secondary"
    flags = {(f.kind, f.key) for f in xm.find_flags(data)}
    assert ("orphan", "A2") in flags and ("orphan", "A1") not in flags
    assert ("orphan", "P10") in flags and ("orphan", "P1") not in flags
    assert ("orphan", "M2") in flags and ("orphan", "M1") not in flags
    assert ("no_primary", "P1") not in flags and ("no_primary", "P10") in flags
    assert ("overloaded", "busy@x.test") in flags
    assert ("overloaded", "lea@x.test") not in flags
    lay = xm.layout(data)
    assert [f.kind for f in lay.label("west", "A2").flags] == ["orphan"]
    assert lay.label("resources", "busy@x.test").flags


def test_overload_limits():
    data = XMatrixData(priorities=[Item(f"P{i}", "x") for i in range(1, 5)],
                       holders=[Holder("a@x", "A")])
    data.roles = {("P1", "a@x"): "primary", ("P2", "a@x"): "primary",
                  ("P3", "a@x"): "secondary"}
    assert not [f for f in xm.find_flags(data) if f.kind == "overloaded"]
    data.roles[("P4", "a@x")] = "secondary"   # four priorities > OVERLOAD_TOTAL
    assert [f for f in xm.find_flags(data) if f.kind == "overloaded"]
    data.roles[("P4", "a@x")] = "primary"
    del data.roles[("P3", "a@x")]             # primary on three > OVERLOAD_PRIMARY
    assert [f for f in xm.find_flags(data) if f.kind == "overloaded"]


def test_priority_without_primary_owner_is_flagged():
    data = small()
    del data.roles[("P1", "lea@x.test")]
    assert ("no_primary", "P1") in {(f.kind, f.key) for f in xm.find_flags(data)}


LONG = ("Transform the end-to-end customer journey from first enquiry to a warm, quiet home "
        "with remote surveys, standard kits and certified installers in every region")


def big() -> XMatrixData:
    data = XMatrixData(
        year=2026, vision="Every home we touch is warm without fossil fuel: quiet, affordable to "
        "run, and looked after for decades, by people who are proud of the work",
        breakthroughs=[Item(f"B{i}", LONG) for i in range(1, 6)],
        annuals=[Item(f"A{i}", LONG) for i in range(1, 6)],
        priorities=[Item(f"P{i}", LONG, "Residential Sales and Installer Partnerships")
                    for i in range(1, 11)],
        metrics=[Item(f"M{i}", LONG, "1234.5 → 9876.5 units/month") for i in range(1, 11)],
        holders=[Holder(f"p{i}@x.test", f"Maximiliana Wolkenstein-Oberhausen {i}")
                 for i in range(1, 16)])
    for i in range(1, 11):
        data.annual_priority[(f"A{(i % 5) + 1}", f"P{i}")] = xm.STRENGTHS[i % 3]
        data.priority_metric[(f"P{i}", f"M{i}")] = "strong"
        data.roles[(f"P{i}", f"p{i}@x.test")] = "primary"
    for i in range(1, 6):
        data.breakthrough_annual[(f"B{i}", f"A{i}")] = "strong"
    return data


def test_the_largest_readable_matrix_fits_one_landscape_page_without_overflow():
    svg, lay = xm.build_svg(big())
    assert lay.width > lay.height                     # landscape
    assert lay.width / lay.height < 1.6               # and not a strip: A4 is 1.41
    # Scaled onto A4 landscape (277 mm printable), the 10 px label font stays above ~2 mm.
    assert 277 / lay.width * xm.FONT >= 2.0
    for lb in lay.labels:
        assert 1 <= len(lb.lines) <= 2
        assert len(lb.lines) * xm.LINE_H <= lb.thickness
        for line in lb.lines:
            assert xm.text_width(line) <= lb.length - 2 * xm.PAD, line
    truncated = [lb for lb in lay.labels if lb.lines[-1].endswith("…")]
    assert truncated                                  # LONG does not fit two lines…
    assert f"<title>{LONG}" not in svg                # …the tooltip holds the full text
    assert f"B1 {LONG}" in svg
    ET.fromstring(svg)                                # well-formed


def test_wrap_keeps_words_and_cuts_with_ellipsis():
    assert xm.wrap("short", 100, 2) == ["short"]
    lines = xm.wrap("alpha beta gamma delta epsilon zeta eta theta", 80, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(xm.text_width(line) <= 80 for line in lines)
    assert xm.wrap("Supercalifragilisticexpialidocious", 60, 1)[0].endswith("…")


def test_svg_content_and_escaping():
    data = small()
    data.annuals.append(Item("A3", 'Beat <Rivals> & "friends"'))
    svg, _ = xm.build_svg(data)
    root = ET.fromstring(svg)
    assert "Beat &lt;Rivals&gt; &amp;" in svg
    assert "<Rivals>" not in svg
    quadrants = {t.text for t in root.iter(f"{SVG}text") if "quadrant-label" in t.get("class", "")}
    assert quadrants == set(xm.QUADRANTS.values())
    assert len([p for p in root.iter(f"{SVG}polygon") if "quadrant" in p.get("class", "")]) == 4
    assert "Every home heated without fossil fuel" in svg
    west = [g for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("label west")]
    assert west and all("rotate(-90)" in g.get("transform") for g in west)
    marks = {(g.get("data-row"), g.get("data-col")): g.get("data-mark")
             for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("mark")}
    assert marks[("B1", "A1")] == "strong" and marks[("P2", "M1")] == "weak"
    for symbol in ("●", "○", "△"):
        assert symbol in svg
    flagged = {g.get("data-key"): g.get("data-flags") for g in root.iter(f"{SVG}g")
               if "flagged" in g.get("class", "")}
    assert flagged["A2"] == "orphan" and flagged["M2"] == "orphan"
    assert "no_primary" in flagged["P10"]
    assert re.search(r'class="legend"', svg) and "Orphan" in svg


def test_empty_plan_still_renders():
    svg, lay = xm.build_svg(XMatrixData(year=2030))
    ET.fromstring(svg)
    assert lay.flags == [] and lay.marks == []


def test_wrap_treats_line_breaks_as_spaces_and_keeps_the_separator_at_line_end():
    assert xm.wrap("one\ntwo\r\n three", 500, 2) == ["one two three"]
    lines = xm.wrap(xm._label_text(Item("P1", "x" * 20, "Sales")),
                    xm.text_width("P1 " + "x" * 22), 2)
    assert not lines[-1].startswith("·")
