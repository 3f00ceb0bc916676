"""Progress and expected pace of single key results. Pure engine: no Django, no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoshin.engine.progress import (
    clamp,
    expected_progress,
    in_zone,
    kr_progress,
    snapshot_from_checkins,
)
from hoshin.engine.types import CheckInPoint, Kind, KRSnapshot, Phase, Step

START = dt.date(2025, 1, 1)
END = dt.date(2025, 3, 31)  # 89 days
D = dt.date


def point(day: dt.date, value=None, **kwargs) -> CheckInPoint:
    return CheckInPoint(date=day, value=value, **kwargs)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


# --- in_zone ------------------------------------------------------------------------


def test_in_zone_threshold_itself_counts():
    assert in_zone(Kind.STAY_ABOVE, 95, 95)
    assert in_zone(Kind.STAY_ABOVE, 95, 96)
    assert not in_zone(Kind.STAY_ABOVE, 95, 94.9)
    assert in_zone(Kind.STAY_BELOW, 2, 2)
    assert in_zone(Kind.STAY_BELOW, 2, 1)
    assert not in_zone(Kind.STAY_BELOW, 2, 2.1)


def test_in_zone_refuses_kinds_without_a_zone():
    with pytest.raises(ValueError):
        in_zone(Kind.INCREASE, 10, 5)


# --- snapshot_from_checkins ---------------------------------------------------------


def test_snapshot_sorts_by_date_and_counts():
    snap = snapshot_from_checkins(
        Kind.STAY_ABOVE,
        None,
        95,
        [point(D(2025, 1, 20), 90), point(D(2025, 1, 6), 97), point(D(2025, 1, 13), 95)],
    )
    assert snap.last == point(D(2025, 1, 20), 90)
    assert snap.checkins == 3
    assert snap.in_zone == 2


def test_snapshot_later_input_wins_on_equal_dates():
    """A correction is a new check-in on the same day; it must become the latest."""
    original = point(D(2025, 1, 6), 10)
    correction = point(D(2025, 1, 6), 12)
    snap = snapshot_from_checkins(Kind.INCREASE, 0, 100, [correction, point(D(2025, 1, 1), 5)])
    assert snap.last == correction
    snap = snapshot_from_checkins(Kind.INCREASE, 0, 100, [original, correction])
    assert snap.last == correction
    assert snap.checkins == 2


def test_snapshot_without_checkins():
    snap = snapshot_from_checkins(Kind.INCREASE, 0, 100, [], weight=2.0)
    assert snap.last is None
    assert snap.checkins == 0
    assert snap.weight == 2.0
    assert kr_progress(snap) is None


def test_snapshot_keeps_steps_phases_and_weight():
    steps = [Step("a", 0.5), Step("b", 0.5)]
    phases = [Phase(D(2025, 2, 1), 0.3)]
    snap = snapshot_from_checkins(
        Kind.MILESTONE, None, None, [], weight=3, steps=steps, phases=phases
    )
    assert snap.steps == tuple(steps)
    assert snap.phases == tuple(phases)
    assert snap.weight == 3


def test_snapshot_valueless_checkin_is_not_in_zone():
    snap = snapshot_from_checkins(
        Kind.STAY_BELOW, None, 5, [point(D(2025, 1, 6), 3), point(D(2025, 1, 13), None)]
    )
    assert (snap.checkins, snap.in_zone) == (2, 1)


# --- kr_progress: increase / decrease -----------------------------------------------


def snap(kind, baseline=None, target=None, values=(), **kwargs) -> KRSnapshot:
    checkins = [point(START + dt.timedelta(days=7 * i), v) for i, v in enumerate(values)]
    return snapshot_from_checkins(kind, baseline, target, checkins, **kwargs)


def test_increase_progress_is_share_of_distance():
    assert kr_progress(snap(Kind.INCREASE, 100, 200, [120, 150])) == pytest.approx(0.5)


def test_decrease_progress_is_share_of_distance():
    assert kr_progress(snap(Kind.DECREASE, 40, 10, [30])) == pytest.approx(1 / 3)


def test_increase_progress_is_unclamped():
    assert kr_progress(snap(Kind.INCREASE, 100, 200, [250])) == pytest.approx(1.5)
    assert kr_progress(snap(Kind.INCREASE, 100, 200, [80])) == pytest.approx(-0.2)
    assert kr_progress(snap(Kind.DECREASE, 40, 10, [50])) == pytest.approx(-1 / 3)


@pytest.mark.parametrize(
    "baseline, target, values",
    [
        (100, 100, [150]),  # no distance to cover
        (None, 200, [150]),
        (100, None, [150]),
        (100, 200, [None]),  # latest check-in carries no value
        (100, 200, []),
    ],
)
def test_increase_progress_unknown(baseline, target, values):
    assert kr_progress(snap(Kind.INCREASE, baseline, target, values)) is None


# --- kr_progress: stay_* ------------------------------------------------------------


def test_stay_above_progress_is_share_in_zone():
    assert kr_progress(snap(Kind.STAY_ABOVE, None, 95, [96, 94, 95, 99])) == pytest.approx(0.75)


def test_stay_below_progress_is_share_in_zone():
    assert kr_progress(snap(Kind.STAY_BELOW, None, 2, [1, 3, 4, 2, 0])) == pytest.approx(0.6)


def test_stay_progress_without_checkins_is_unknown():
    assert kr_progress(snap(Kind.STAY_ABOVE, None, 95, [])) is None


# --- kr_progress: milestone ---------------------------------------------------------

STEPS = (Step("design", 0.2), Step("build", 0.5), Step("launch", 0.3))


def test_milestone_steps_sum_done_weights():
    kr = snapshot_from_checkins(
        Kind.MILESTONE,
        None,
        None,
        [point(D(2025, 2, 1), steps_done=frozenset({"design", "build", "unknown"}))],
        steps=STEPS,
    )
    assert kr_progress(kr) == pytest.approx(0.7)


def test_milestone_steps_use_latest_checkin_only():
    kr = snapshot_from_checkins(
        Kind.MILESTONE,
        None,
        None,
        [
            point(D(2025, 2, 8), steps_done=frozenset({"design"})),
            point(D(2025, 2, 1), steps_done=frozenset({"design", "build"})),
        ],
        steps=STEPS,
    )
    assert kr_progress(kr) == pytest.approx(0.2)


def test_milestone_step_weights_need_not_sum_to_one():
    steps = (Step("a", 30), Step("b", 70))
    kr = snapshot_from_checkins(
        Kind.MILESTONE, None, None, [point(START, steps_done=frozenset({"a"}))], steps=steps
    )
    assert kr_progress(kr) == pytest.approx(0.3)


def test_milestone_zero_step_weights_count_steps():
    steps = (Step("a", 0), Step("b", 0), Step("c", 0), Step("d", 0))
    kr = snapshot_from_checkins(
        Kind.MILESTONE, None, None, [point(START, steps_done=frozenset({"a"}))], steps=steps
    )
    assert kr_progress(kr) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "value, expected", [(0, 0.0), (0.5, 0.0), (1, 1.0), (2, 1.0), (None, None)]
)
def test_milestone_without_steps_is_done_or_not(value, expected):
    assert kr_progress(snap(Kind.MILESTONE, None, None, [value])) == expected


# --- clamp --------------------------------------------------------------------------


def test_clamp():
    assert clamp(None) is None
    assert clamp(-0.5) == 0.0
    assert clamp(0.3) == 0.3
    assert clamp(1.7) == 1.0


# --- expected_progress --------------------------------------------------------------


def test_expected_is_linear_in_time():
    kr = snap(Kind.INCREASE, 0, 100)
    assert expected_progress(kr, START, END, START) == 0.0
    assert expected_progress(kr, START, END, D(2024, 12, 1)) == 0.0
    assert expected_progress(kr, START, END, END) == 1.0
    assert expected_progress(kr, START, END, D(2025, 6, 1)) == 1.0
    middle = START + (END - START) / 2
    assert expected_progress(kr, START, END, middle) == pytest.approx(
        (middle - START).days / (END - START).days
    )


def test_expected_for_stay_kinds_is_always_full():
    for kind in (Kind.STAY_ABOVE, Kind.STAY_BELOW):
        kr = snap(kind, None, 95)
        assert expected_progress(kr, START, END, START) == 1.0
        assert expected_progress(kr, START, END, D(2025, 2, 1)) == 1.0


def test_expected_follows_phased_values_for_increase():
    # 0 → 100 over the quarter, but the plan says only 20 by March 1st (a slow start).
    phases = (Phase(D(2025, 3, 1), 20),)
    kr = snap(Kind.INCREASE, 0, 100, phases=phases)
    assert expected_progress(kr, START, END, D(2025, 3, 1)) == pytest.approx(0.2)
    halfway_to_phase = START + (D(2025, 3, 1) - START) / 2
    assert expected_progress(kr, START, END, halfway_to_phase) == pytest.approx(0.1, abs=0.01)
    # after the phase, the line runs from 0.2 up to 1.0 at the end
    assert expected_progress(kr, START, END, D(2025, 3, 16)) == pytest.approx(
        0.2 + 0.8 * 15 / 30
    )


def test_expected_phases_for_decrease_are_values():
    phases = (Phase(D(2025, 2, 15), 35),)  # 40 → 10; 35 is 1/6 of the way
    kr = snap(Kind.DECREASE, 40, 10, phases=phases)
    assert expected_progress(kr, START, END, D(2025, 2, 15)) == pytest.approx(1 / 6)


def test_expected_phases_sorted_and_milestone_fractions():
    phases = (Phase(D(2025, 3, 1), 0.9), Phase(D(2025, 2, 1), 0.5))
    kr = snap(Kind.MILESTONE, phases=phases)
    assert expected_progress(kr, START, END, D(2025, 2, 1)) == pytest.approx(0.5)
    assert expected_progress(kr, START, END, D(2025, 3, 1)) == pytest.approx(0.9)
    assert expected_progress(kr, START, END, D(2025, 2, 15)) == pytest.approx(0.5 + 0.4 * 14 / 28)


def test_expected_ignores_phases_outside_the_cycle():
    phases = (Phase(D(2024, 12, 1), 50), Phase(END, 10), Phase(D(2025, 6, 1), 90))
    kr = snap(Kind.INCREASE, 0, 100, phases=phases)
    on = D(2025, 2, 1)
    assert expected_progress(kr, START, END, on) == pytest.approx(31 / 89)


def test_expected_degenerate_cycle():
    kr = snap(Kind.INCREASE, 0, 100)
    assert expected_progress(kr, START, START, START) == 0.0
    assert expected_progress(kr, START, START, D(2025, 1, 2)) == 1.0


# --- properties ---------------------------------------------------------------------


@given(baseline=finite, target=finite, value=finite)
def test_clamped_progress_is_within_bounds(baseline, target, value):
    progress = clamp(kr_progress(snap(Kind.INCREASE, baseline, target, [value])))
    assert progress is None or 0.0 <= progress <= 1.0


@given(
    baseline=finite,
    distance=st.floats(min_value=1e-3, max_value=1e6),
    a=finite,
    b=finite,
)
def test_increase_is_monotone_in_value(baseline, distance, a, b):
    low, high = sorted((a, b))
    target = baseline + distance
    assert kr_progress(snap(Kind.INCREASE, baseline, target, [high])) >= kr_progress(
        snap(Kind.INCREASE, baseline, target, [low])
    )


@given(
    baseline=finite,
    distance=st.floats(min_value=1e-3, max_value=1e6),
    a=finite,
    b=finite,
)
def test_decrease_is_monotone_in_value(baseline, distance, a, b):
    low, high = sorted((a, b))
    target = baseline - distance
    assert kr_progress(snap(Kind.DECREASE, baseline, target, [low])) >= kr_progress(
        snap(Kind.DECREASE, baseline, target, [high])
    )


@given(
    kind=st.sampled_from([Kind.STAY_ABOVE, Kind.STAY_BELOW]),
    target=finite,
    values=st.lists(st.one_of(st.none(), finite), min_size=1, max_size=30),
)
def test_stay_share_is_a_fraction(kind, target, values):
    progress = kr_progress(snap(kind, None, target, values))
    assert 0.0 <= progress <= 1.0


@st.composite
def unit_weight_steps(draw):
    """Steps whose weights add up to 1 (the last one takes the remainder)."""
    count = draw(st.integers(min_value=1, max_value=8))
    raw = draw(st.lists(st.floats(0.01, 1.0), min_size=count, max_size=count))
    total = sum(raw)
    weights = [w / total for w in raw]
    weights[-1] = 1.0 - sum(weights[:-1])
    return tuple(Step(f"s{i}", w) for i, w in enumerate(weights))


@given(steps=unit_weight_steps(), data=st.data())
def test_milestone_progress_within_bounds_and_complete(steps, data):
    keys = [s.key for s in steps]
    done = frozenset(data.draw(st.lists(st.sampled_from(keys + ["stray"]), unique=True)))
    kr = snapshot_from_checkins(
        Kind.MILESTONE, None, None, [point(START, steps_done=done)], steps=steps
    )
    assert 0.0 <= kr_progress(kr) <= 1.0 + 1e-12

    all_done = snapshot_from_checkins(
        Kind.MILESTONE, None, None, [point(START, steps_done=frozenset(keys))], steps=steps
    )
    assert kr_progress(all_done) == pytest.approx(1.0)


@given(
    kind=st.sampled_from([Kind.INCREASE, Kind.MILESTONE]),
    offset=st.integers(min_value=-200, max_value=200),
    phase_offsets=st.lists(st.integers(min_value=1, max_value=88), max_size=5),
    phase_values=st.lists(st.floats(-2, 2), min_size=5, max_size=5),
)
def test_expected_progress_is_a_fraction(kind, offset, phase_offsets, phase_values):
    phases = tuple(
        Phase(START + dt.timedelta(days=d), v * 100 if kind == Kind.INCREASE else v)
        for d, v in zip(phase_offsets, phase_values, strict=False)
    )
    kr = snap(kind, 0, 100, phases=phases)
    expected = expected_progress(kr, START, END, START + dt.timedelta(days=offset))
    assert 0.0 <= expected <= 1.0
