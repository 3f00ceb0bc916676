"""Flow metrics (issue #14 item 2): the pure computation, and the same figures read from the
status history that okrs' services leave, with an injected clock."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Initiative
from hoshin.portfolio import flow, flow_chart, selectors
from hoshin.portfolio.flow import Change, Timeline

D = dt.date(2026, 10, 1)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def timeline(key, *changes):
    return Timeline(key, [Change(day(n), status) for n, status in changes])


# Pure --------------------------------------------------------------------------------------


def test_throughput_cycle_time_wip_and_the_cumulative_flow_of_a_small_sequence():
    items = [
        timeline("A", (0, "not_started"), (2, "in_progress"), (6, "done")),       # 4 days
        timeline("B", (0, "not_started"), (3, "in_progress"), (4, "blocked"),
                 (5, "in_progress"), (9, "done")),                                 # 6 days
        timeline("C", (1, "not_started"), (5, "in_progress")),                    # running
        timeline("D", (0, "not_started"), (7, "cancelled")),
        timeline("E", (0, "not_started"), (3, "done")),                           # no start
        timeline("OLD", (-9, "in_progress"), (-3, "done")),                       # before
        timeline("LATE", (20, "not_started")),                                    # after
    ]
    f = flow.measure(items, day(0), day(9))
    assert f.items == 5
    assert f.throughput == flow.Figure(3, 3)  # A, B and E finished
    assert f.finished == [("A", 4), ("B", 6), ("E", None)]
    assert (f.cycle_time_mean.value, f.cycle_time_mean.n) == (5.0, 2)
    assert f.cycle_time_median.value == 5.0 and f.cycle_time_p85.value == 6.0
    # In progress or blocked at the end of each day 0..9.
    assert f.wip == [0, 0, 1, 2, 2, 3, 2, 2, 2, 1]
    assert f.average_wip == flow.Figure(1.5, 10)
    assert f.cumulative["done"] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]
    assert f.cumulative["blocked"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert f.cumulative["cancelled"] == [0] * 7 + [1, 1, 1]
    assert f.cumulative["not_started"] == [4, 5, 4, 2, 2, 1, 1, 0, 0, 0]
    # Each day the bands add up to the initiatives that existed by then.
    assert [sum(f.cumulative[b][i] for b in flow.BANDS) for i in range(10)] == [4] + [5] * 9
    assert f.little.wip_at_start == 0 and f.little.wip_at_end == 1
    assert f.little.departures == 2 and f.little.average_time_in_wip == 5.0  # A and B
    svg = flow_chart.cumulative_flow_svg(f)
    assert svg.count('class="band band-') == 5 and "Done (3)" in svg
    assert "WIP limit 2" in flow_chart.wip_svg(f, 2)


def test_littles_law_holds_exactly_on_a_steady_flow_inside_the_window():
    # One initiative starts every 3 days and takes 9: three at a time in steady state.
    items = [timeline(f"I{n}", (3 * n, "in_progress"), (3 * n + 9, "done")) for n in range(10)]
    f = flow.measure(items, day(0), day(38))
    little = f.little
    assert f.throughput.value == 10 and f.cycle_time_mean.value == 9
    assert little.average_wip == pytest.approx(little.predicted_wip)
    assert little.ratio == pytest.approx(1.0) and little.consistent is True
    assert max(f.wip) == 3


def test_littles_law_counts_work_cancelled_after_starting_as_leaving_wip():
    items = [timeline("A", (0, "in_progress"), (4, "done")),
             timeline("B", (0, "in_progress"), (6, "cancelled")),
             timeline("C", (1, "cancelled"))]  # never started: never in WIP
    f = flow.measure(items, day(0), day(9))
    assert f.throughput.value == 1 and f.cycle_time_mean.value == 4
    assert (f.little.departures, f.little.average_time_in_wip) == (2, 5.0)
    assert sum(f.wip) == 10 and f.little.ratio == pytest.approx(1.0)


def test_littles_law_shows_the_gap_when_work_is_still_running_at_the_end():
    items = [timeline(f"I{n}", (n, "in_progress")) for n in range(5)]
    items.append(timeline("X", (0, "in_progress"), (2, "done")))
    f = flow.measure(items, day(0), day(9))
    assert f.little.wip_at_end == 5
    assert f.little.consistent is False and f.little.ratio > 1.2


@st.composite
def flows(draw):
    n = draw(st.integers(1, 25))
    items = []
    for i in range(n):
        start = draw(st.integers(1, 60))
        length = draw(st.integers(0, 30))
        blocked = draw(st.booleans()) and length > 1
        changes = [(start - 1, "not_started"), (start, "in_progress")]
        if blocked:
            changes.append((start + 1, "blocked"))
        changes.append((start + length, "done"))
        items.append(timeline(f"I{i}", *changes))
    return items


@given(flows())
@settings(max_examples=150, deadline=None)
def test_littles_law_on_generated_flows_that_start_and_finish_inside_the_window(items):
    f = flow.measure(items, day(0), day(95))
    assert f.throughput.value == len(items) == f.cycle_time_mean.n
    # Every initiative adds its cycle time in days to the sum of the daily WIP.
    assert sum(f.wip) == sum(t.cycle_time for t in items)
    assert f.little.average_wip == pytest.approx(f.little.predicted_wip)
    for i in range(len(f.days)):
        assert sum(f.cumulative[b][i] for b in flow.BANDS) <= len(items)
        assert f.cumulative["in_progress"][i] + f.cumulative["blocked"][i] == f.wip[i]
    assert f.cumulative["done"] == sorted(f.cumulative["done"])


# From the status history --------------------------------------------------------------------


@pytest.fixture
def history(plan):
    """Sales' initiatives changing status day by day through okrs' service."""
    start = plan.quarter.start

    def on(n, key, **fields):
        with clock.at(start + dt.timedelta(days=n)):
            existing = Initiative.objects.filter(key=key).first()
            if existing is None:
                return okrs.save_initiative(None, key=key, key_result="KR1",
                                            title=f"Work {key}", **fields)
            return okrs.save_initiative(None, existing, **fields)

    on(0, "I1", status="not_started")
    on(0, "I2", status="not_started")
    on(1, "I3", status="not_started")
    on(2, "I1", status="in_progress")
    on(3, "I2", status="in_progress")
    on(4, "I2", status="blocked")
    on(5, "I2", status="in_progress")
    on(6, "I1", status="done")
    on(8, "I3", status="in_progress")
    on(9, "I2", status="done")
    # Operations' work is not Sales' flow.
    with clock.at(start):
        okrs.save_initiative(None, key="I9", key_result="KR3", title="Ops work",
                             status="in_progress")
    return plan


@pytest.mark.django_db
def test_the_flow_of_a_unit_is_read_from_the_status_history(history):
    p = history
    sales = p.lead.led_units.get(key="sales")
    end = p.quarter.start + dt.timedelta(days=9)
    report = selectors.flow_of(sales, p.quarter, end)
    f = report.flow
    assert f.days[0] == p.quarter.start and f.end == end
    assert f.items == 3
    assert f.finished == [("I1", 4), ("I2", 6)]
    assert f.throughput.value == 2 and f.cycle_time_mean == flow.Figure(5.0, 2)
    assert f.wip == [0, 0, 1, 2, 2, 2, 1, 1, 2, 1]
    assert f.cumulative["done"][-1] == 2 and f.cumulative["in_progress"][-1] == 1
    assert f.cumulative["blocked"][4] == 1
    # The whole organisation adds Operations' running initiative.
    everyone = selectors.flow_of(None, p.quarter, end).flow
    assert everyone.items == 4 and everyone.wip[0] == 1
    # Before the quarter begins there is nothing to measure.
    assert selectors.flow_of(sales, p.quarter, p.quarter.start - dt.timedelta(days=1)).flow is None
