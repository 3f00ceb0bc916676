"""Status rules of single key results. Pure engine: no Django, no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoshin.engine.progress import kr_status, snapshot_from_checkins, worse
from hoshin.engine.types import CheckInPoint, Kind, KRSnapshot, Phase, Status, StatusPolicy, Step

START = dt.date(2025, 1, 1)
END = dt.date(2025, 4, 11)  # 100 days: elapsed days are percentages
MID = START + dt.timedelta(days=50)  # expected linear progress 0.5

ON, RISK, OFF, NONE = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA


def increase(value, *, day=MID, baseline=0, target=100, phases=(), **checkin):
    return snapshot_from_checkins(
        Kind.INCREASE,
        baseline,
        target,
        [CheckInPoint(date=day, value=value, **checkin)],
        phases=phases,
    )


# --- worse --------------------------------------------------------------------------


def test_worse_orders_best_to_worst():
    assert worse(ON, RISK) == RISK
    assert worse(OFF, RISK) == OFF
    assert worse(ON, ON) == ON
    assert worse(RISK, ON) == RISK


def test_worse_never_lets_no_data_look_good():
    assert worse(ON, NONE) == NONE
    assert worse(NONE, OFF) == NONE


# --- no data ------------------------------------------------------------------------


def test_no_checkin_is_no_data():
    kr = snapshot_from_checkins(Kind.INCREASE, 0, 100, [])
    assert kr_status(kr, START, END, MID) == NONE


def test_silence_is_never_green():
    kr = increase(100, day=MID)  # target already reached
    assert kr_status(kr, START, END, MID + dt.timedelta(days=13)) == ON
    assert kr_status(kr, START, END, MID + dt.timedelta(days=14)) == NONE


def test_silence_days_follow_the_policy():
    kr = increase(100, day=MID)
    policy = StatusPolicy(silence_days=7)
    assert kr_status(kr, START, END, MID + dt.timedelta(days=7), policy) == NONE


def test_unknown_progress_is_no_data():
    assert kr_status(increase(None), START, END, MID) == NONE
    assert kr_status(increase(50, baseline=100, target=100), START, END, MID) == NONE


# --- increase / decrease / milestone: pace ------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (100, ON),  # ahead
        (50, ON),  # exactly on pace
        (40, ON),  # gap 0.10: still on track
        (39, RISK),
        (25, RISK),  # gap 0.25: at risk, not yet off track
        (24, OFF),
        (-30, OFF),  # slid back past the baseline
    ],
)
def test_increase_pace(value, expected):
    assert kr_status(increase(value), START, END, MID) == expected


def test_decrease_pace():
    def decrease(value):
        return snapshot_from_checkins(
            Kind.DECREASE, 40, 20, [CheckInPoint(date=MID, value=value)]
        )

    assert kr_status(decrease(30), START, END, MID) == ON  # half way at half time
    assert kr_status(decrease(33), START, END, MID) == RISK  # 0.35 done, gap 0.15
    assert kr_status(decrease(38), START, END, MID) == OFF


def test_overshoot_is_simply_done():
    """Progress is clamped before comparing with pace: 300% counts as 100%."""
    late = END - dt.timedelta(days=1)
    assert kr_status(increase(300, day=late), START, END, late) == ON


def test_phased_target_changes_what_on_track_means():
    # Plan: slow start — only 10 of 100 by mid-quarter.
    phases = (Phase(MID, 10),)
    assert kr_status(increase(10), START, END, MID) == OFF
    assert kr_status(increase(10, phases=phases), START, END, MID) == ON


def test_milestone_without_steps_is_on_track_early_and_off_track_late():
    def milestone(value, day):
        return snapshot_from_checkins(Kind.MILESTONE, None, None, [CheckInPoint(day, value)])

    early = START + dt.timedelta(days=5)
    assert kr_status(milestone(0, early), START, END, early) == ON
    assert kr_status(milestone(0, MID), START, END, MID) == OFF
    assert kr_status(milestone(1, MID), START, END, MID) == ON


def test_milestone_steps_against_phases():
    steps = (Step("a", 0.5), Step("b", 0.5))
    phases = (Phase(MID, 0.5),)
    kr = snapshot_from_checkins(
        Kind.MILESTONE,
        None,
        None,
        [CheckInPoint(MID, steps_done=frozenset({"a"}))],
        steps=steps,
        phases=phases,
    )
    assert kr_status(kr, START, END, MID) == ON


# --- stay_above / stay_below --------------------------------------------------------


def stay(kind, target, values):
    checkins = [
        CheckInPoint(date=MID - dt.timedelta(days=7 * (len(values) - 1 - i)), value=v)
        for i, v in enumerate(values)
    ]
    return snapshot_from_checkins(kind, None, target, checkins)


def test_stay_held_is_on_track():
    assert kr_status(stay(Kind.STAY_ABOVE, 95, [96, 97, 95, 99, 96]), START, END, MID) == ON


def test_stay_latest_out_of_zone_is_off_track():
    assert kr_status(stay(Kind.STAY_ABOVE, 95, [96, 97, 95, 99, 94]), START, END, MID) == OFF
    assert kr_status(stay(Kind.STAY_BELOW, 2, [1, 1, 3]), START, END, MID) == OFF


def test_stay_held_now_but_unreliable_is_at_risk():
    # 3 of 5 in zone (0.6 < 0.8), latest in zone
    assert kr_status(stay(Kind.STAY_BELOW, 2, [3, 4, 1, 2, 0]), START, END, MID) == RISK


def test_stay_share_exactly_at_threshold_is_on_track():
    assert kr_status(stay(Kind.STAY_ABOVE, 95, [90, 96, 96, 96, 96]), START, END, MID) == ON


# --- the owner's own signal ---------------------------------------------------------


@pytest.mark.parametrize(
    "confidence, expected",
    [(None, ON), (10, ON), (5, ON), (4, RISK), (3, RISK), (2, OFF), (0, OFF)],
)
def test_confidence_can_only_lower_status(confidence, expected):
    assert kr_status(increase(60, confidence=confidence), START, END, MID) == expected


def test_low_confidence_does_not_improve_off_track():
    assert kr_status(increase(0, confidence=4), START, END, MID) == OFF


def test_blockers_cap_at_at_risk():
    assert kr_status(increase(60, has_blockers=True), START, END, MID) == RISK
    assert kr_status(increase(0, has_blockers=True), START, END, MID) == OFF


def test_adjustments_apply_to_stay_kinds():
    kr = snapshot_from_checkins(
        Kind.STAY_ABOVE, None, 95, [CheckInPoint(MID, 99, confidence=1)]
    )
    assert kr_status(kr, START, END, MID) == OFF


def test_custom_policy_thresholds():
    policy = StatusPolicy(at_risk_gap=0.2, off_track_gap=0.4, low_confidence=8)
    assert kr_status(increase(31), START, END, MID, policy) == ON
    assert kr_status(increase(11), START, END, MID, policy) == RISK
    assert kr_status(increase(60, confidence=7), START, END, MID, policy) == RISK


# --- properties ---------------------------------------------------------------------

any_value = st.one_of(st.none(), st.floats(-1e6, 1e6))


@st.composite
def any_kr(draw, last_day):
    """A key result of any kind whose latest check-in is on `last_day`."""
    kind = draw(st.sampled_from(list(Kind)))
    count = draw(st.integers(min_value=1, max_value=10))
    checkins = [
        CheckInPoint(
            date=last_day - dt.timedelta(days=draw(st.integers(0, 120))),
            value=draw(any_value),
            confidence=draw(st.one_of(st.none(), st.integers(0, 10))),
            steps_done=frozenset(draw(st.lists(st.sampled_from("abc"), max_size=3))),
            has_blockers=draw(st.booleans()),
        )
        for _ in range(count - 1)
    ]
    checkins.append(CheckInPoint(date=last_day, value=draw(any_value)))
    steps = draw(st.sampled_from([(), (Step("a", 0.3), Step("b", 0.7))]))
    return snapshot_from_checkins(
        kind, draw(any_value), draw(any_value), checkins, steps=steps
    )


@given(data=st.data(), age=st.integers(min_value=14, max_value=400))
def test_any_kr_silent_for_two_weeks_is_no_data(data, age):
    today = MID + dt.timedelta(days=200)
    kr = data.draw(any_kr(today - dt.timedelta(days=age)))
    assert kr_status(kr, START, END, today) == NONE


@given(data=st.data(), age=st.integers(min_value=0, max_value=400))
def test_status_is_always_one_of_the_four(data, age):
    today = MID
    kr = data.draw(any_kr(today - dt.timedelta(days=age)))
    assert kr_status(kr, START, END, today) in set(Status)


def test_assess_agrees_with_the_single_functions():
    from hoshin.engine.progress import assess, expected_progress, kr_progress, kr_status

    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    today = dt.date(2026, 2, 15)
    for kr in (
        KRSnapshot(kind=Kind.INCREASE, baseline=0, target=10,
                   last=CheckInPoint(dt.date(2026, 2, 13), value=4, confidence=6)),
        KRSnapshot(kind=Kind.STAY_BELOW, target=5, checkins=6, in_zone=5,
                   last=CheckInPoint(dt.date(2026, 2, 13), value=4)),
        KRSnapshot(kind=Kind.DECREASE, baseline=10, target=0,
                   last=CheckInPoint(dt.date(2026, 1, 20), value=9)),
    ):
        result = assess(kr, start, end, today)
        assert result.progress == kr_progress(kr)
        assert result.expected == expected_progress(kr, start, end, today)
        assert result.status == kr_status(kr, start, end, today)
