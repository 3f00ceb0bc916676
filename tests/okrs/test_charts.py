"""Key-result charts as SVG (okrs/charts.py), without a database: the views hand in
check-ins they have read; here plain objects stand in for them."""

import datetime as dt
from types import SimpleNamespace as NS
from xml.etree import ElementTree

from hoshin.okrs import chart_layout as layout
from hoshin.okrs import charts

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
CYCLE = NS(key="2026-Q1", name="Q1 2026", start=START, end=END)


def kr(**kw):
    args = {"key": "KR1", "title": "Installer-sold units", "kind": "increase",
            "baseline": 20.0, "target": 35.0, "unit": "%"}
    args.update(kw)
    return NS(**args)


def checkin(day, value, pk, note="", confidence=7, steps_done=()):
    return NS(date=START + dt.timedelta(days=day), value=value, pk=pk, note=note,
              confidence=confidence, steps_done=list(steps_done))


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML, or this raises


NS_SVG = "{http://www.w3.org/2000/svg}"


def test_the_latest_reading_of_a_day_counts():
    points = charts.readings(kr(), [checkin(3, 22, 2), checkin(3, 21, 1),
                                    checkin(1, None, 3), checkin(0, 20, 4)])
    assert [(p.date.day, p.value) for p in points] == [(1, 20), (4, 22)]


def test_burnup_in_every_width_with_axis_titles_pace_forecast_and_notes():
    chart = charts.kr_chart(kr(), CYCLE, [checkin(0, 20, 1, "kick-off"),
                                          checkin(20, 24, 2, 'a "good" <week> & more')],
                            today=dt.date(2026, 2, 1))
    assert [name for name, _ in chart.svgs] == ["wide", "medium", "compact"]
    assert chart.forecast and chart.summary[0] == "Now 24 % (21 Jan)"
    for _, svg in chart.svgs:
        root = parse(svg)
        assert root.get("viewBox").startswith("0 0 ") and root.get("width") == "100%"
        texts = {t.get("class"): t.text for t in root.iter(f"{NS_SVG}text")}
        assert texts["axis-title y-title"] == "%"
        assert texts["axis-title x-title"] == "Q1 2026: 1 Jan – 31 Mar 2026"
        assert 'class="pace-line"' in svg and 'class="forecast-band"' in svg
        assert 'class="today-mark"' in svg
        points = [g for g in root.iter(f"{NS_SVG}g") if g.get("class") == "pt"]
        assert len(points) == 2 and all(g.get("tabindex") == "0" for g in points)
        titles = [g.find(f"{NS_SVG}title").text for g in points]
        assert titles[0] == "1 Jan 2026: 20 %, confidence 7/10. Note: kick-off"
        assert titles[1].endswith('Note: a "good" <week> & more')  # escaped, then parsed
    assert "&lt;week&gt; &amp; more" in chart.svgs[0][1]


def test_one_reading_has_no_forecast_and_none_says_so():
    chart = charts.kr_chart(kr(), CYCLE, [checkin(0, 20, 1)])
    assert not chart.forecast and 'class="forecast-band"' not in chart.svgs[0][1]
    empty = charts.kr_chart(kr(), CYCLE, [])
    assert "No check-ins yet" in empty.svgs[0][1]


def test_stay_kinds_draw_the_zone_not_a_pace():
    chart = charts.kr_chart(kr(kind="stay_below", baseline=None, target=6.0), CYCLE,
                            [checkin(0, 5, 1), checkin(7, 5.5, 2)])
    svg = chart.svgs[0][1]
    assert chart.stay and 'class="zone"' in svg and 'class="pace-line"' not in svg
    assert "Threshold 6" in svg


def test_milestones_get_a_timeline_of_steps_done():
    steps = [NS(key="S1", title="Curriculum", weight=0.25), NS(key="S2", title="Pilot",
                                                              weight=0.25),
             NS(key="S3", title="Launch", weight=0.5)]
    chart = charts.kr_chart(kr(kind="milestone", baseline=None, target=None), CYCLE,
                            [checkin(10, None, 1, steps_done=["S1"]),
                             checkin(30, None, 2, steps_done=["S1", "S2"])], steps=steps)
    assert chart.milestone and chart.pending == ["Launch"]
    root = parse(chart.svgs[0][1])
    labels = [g.get("aria-label") for g in root.iter(f"{NS_SVG}g") if g.get("class") == "pt"]
    assert labels == ["Curriculum: done 11 Jan 2026", "Pilot: done 31 Jan 2026"]
    assert charts.readings(kr(kind="milestone"), [checkin(30, None, 2, steps_done=["S1", "S3"])],
                           steps)[0].value == 0.75


def test_spark_is_well_formed_and_coloured_by_status():
    s = layout.spark(start=START, end=END, kind="increase", baseline=20, target=35,
                     readings=[(START, 20.0), (dt.date(2026, 2, 1), 30.0)])
    svg = charts.spark_svg(s, status="off_track", label='KR1 "x" & y')
    root = parse(svg)
    assert root.get("aria-label") == 'KR1 "x" & y'
    assert charts.STATUS_COLOURS["off_track"] in svg and 'class="pace"' in svg
