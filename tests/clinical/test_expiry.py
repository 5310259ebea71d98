"""Expiry warnings (SPEC §12), table-driven: within 14 days, or before the next stage that
needs the record can start; renewals, lapsed records and failed tests warn of nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given as given_cases
from hypothesis import settings
from hypothesis import strategies as st

from clinical import protocol
from clinical.expiry import (
    CLEARANCE,
    READINESS,
    expiry_warnings,
    lapse_lookahead,
    next_stage_start,
    records_needed_by,
)
from clinical.facts import AssessmentFacts, AthleteFacts, ClearanceFacts
from clinical.thresholds import ASSESSMENT_VALID_DAYS, EXPIRY_WARNING_DAYS

TODAY = date(2026, 3, 4)  # a Wednesday
NEXT_MONDAY = date(2026, 3, 9)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def running(expires_in: int | None, *, given: int = -30, recorded: int = 1) -> ClearanceFacts:
    return ClearanceFacts(
        days(given),
        "running",
        None if expires_in is None else days(expires_in),
        recorded,
        pelvic_health_assessed=True,
    )


def passed_lasting(days_left: int, *, passed: bool = True, recorded: int = 7) -> AssessmentFacts:
    """A readiness assessment whose pass counts until ``days_left`` days from today."""
    return AssessmentFacts(days(days_left - ASSESSMENT_VALID_DAYS), passed, recorded=recorded)


def her(*clearances: ClearanceFacts, assessments: tuple = (), weeks_pp: int = 30) -> AthleteFacts:
    return AthleteFacts(
        delivery_date=TODAY - timedelta(weeks=weeks_pp),
        clearances=clearances,
        assessments=assessments,
    )


def test_the_window_is_fourteen_days():
    assert EXPIRY_WARNING_DAYS == 14


def test_which_stage_needs_what():
    assert records_needed_by("run_walk") == {CLEARANCE, READINESS}
    for key in ("continuous", "build", "trail", "speed"):
        assert records_needed_by(key) == {CLEARANCE}
    assert records_needed_by("walk") == records_needed_by("recover") == frozenset()


@pytest.mark.parametrize(
    ("stage", "level", "weeks_pp", "expected"),
    [
        # From the top level of walking, next Monday if she is 12 weeks postpartum by then.
        ("walk", 4, 30, ("run_walk", NEXT_MONDAY)),
        # Three levels to climb first: one week each.
        ("walk", 1, 30, ("run_walk", NEXT_MONDAY + timedelta(weeks=3))),
        # At 8 weeks postpartum, run-walk waits for 12: the first Monday from then.
        ("walk", 4, 8, ("run_walk", date(2026, 4, 6))),
        ("build", 8, 40, ("trail", NEXT_MONDAY)),
        ("speed", 3, 40, None),
        ("", None, 40, None),
    ],
)
def test_the_earliest_start_of_the_next_stage(stage, level, weeks_pp, expected):
    start = next_stage_start(her(weeks_pp=weeks_pp), stage, level, TODAY)
    assert (None if start is None else (start[0].key, start[1])) == expected


def test_run_walk_waits_for_the_monday_after_twelve_weeks():
    athlete = her(weeks_pp=8)
    twelve_weeks = athlete.delivery_date + timedelta(weeks=12)  # a Wednesday
    _, start = next_stage_start(athlete, "walk", 4, TODAY)
    assert start.weekday() == 0
    assert twelve_weeks <= start < twelve_weeks + timedelta(days=7)


# (days her clearance has left, stage, level) -> (warned, soon, needed_by)
CLEARANCE_CASES = [
    # At the last stage nothing is ahead: only the 14 days count.
    (13, "speed", 3, (True, True, None)),
    (14, "speed", 3, (True, True, None)),
    (15, "speed", 3, (False, None, None)),
    (0, "speed", 3, (True, True, None)),
    (-1, "speed", 3, (False, None, None)),  # lapsed: the badge says expired
    # Heading for trail (needs running clearance): from the top of build, next Monday.
    (15, "build", 8, (False, None, None)),  # lapses after trail's first week would end
    (10, "build", 8, (True, True, "trail")),  # lapses during trail's first week
    # Build level 1: seven levels to climb, trail no sooner than 8 weeks away.
    (40, "build", 1, (True, False, "trail")),
    (60, "build", 1, (False, None, None)),
    # Walking is not impact: before run-walk only.
    (20, "walk", 1, (True, False, "run_walk")),
    (20, "walk", 4, (False, None, None)),
    (20, "recover", 1, (False, None, None)),
]


@pytest.mark.parametrize(("left", "stage", "level", "expected"), CLEARANCE_CASES)
def test_clearance_warnings(left, stage, level, expected):
    warnings = expiry_warnings(her(running(left)), stage=stage, level=level, today=TODAY)
    warned, soon, needed_by = expected
    assert bool(warnings) is warned
    if warned:
        (w,) = warnings
        assert (w.record, w.last_valid_day, w.days_left) == (CLEARANCE, days(left), left)
        assert (w.soon, w.needed_by) == (soon, needed_by)


def test_a_clearance_without_expiry_or_already_renewed_warns_of_nothing():
    open_ended = her(running(None))
    renewed = her(running(5), running(None, given=-2, recorded=2))
    for athlete in (open_ended, renewed):
        assert expiry_warnings(athlete, stage="speed", level=1, today=TODAY) == []


def test_a_renewal_of_a_narrower_scope_does_not_cover_running():
    # An older open-ended clearance for exercise takes over when the running one lapses.
    narrower = ClearanceFacts(days(-60), "exercise", None, 2)
    (w,) = expiry_warnings(her(running(5), narrower), stage="speed", level=1, today=TODAY)
    assert (w.record, w.days_left) == (CLEARANCE, 5)


def test_an_exercise_only_clearance_is_not_needed_by_run_walk():
    exercise = ClearanceFacts(days(-10), "exercise", days(30), 1)
    assert expiry_warnings(her(exercise), stage="walk", level=4, today=TODAY) == []


# (days her pass has left, passed, stage, level, weeks postpartum) -> (warned, needed_by)
READINESS_CASES = [
    (13, True, "speed", 3, 40, (True, None)),
    (14, True, "speed", 3, 40, (True, None)),
    (15, True, "speed", 3, 40, (False, None)),
    (5, False, "speed", 3, 40, (False, None)),  # not passed: nothing to lapse
    # Run-walk next Monday: needed through its Sunday (the 15th).
    (10, True, "walk", 4, 30, (True, "run_walk")),
    (11, True, "walk", 4, 30, (True, None)),  # valid through that Sunday; soon all the same
    (15, True, "walk", 4, 30, (False, None)),
    # Three levels of walking first: run-walk from the 30th, a pass lasting 20 days lapses.
    (20, True, "walk", 1, 30, (True, "run_walk")),
    (32, True, "walk", 1, 30, (False, None)),
    # At 6 weeks postpartum run-walk waits for week 12 (6 weeks away): 30 days are not enough.
    (30, True, "walk", 4, 6, (True, "run_walk")),
    # Beyond run-walk the readiness test is behind her: only the 14 days count.
    (20, True, "run_walk", 1, 30, (False, None)),
]


@pytest.mark.parametrize(
    ("left", "passed", "stage", "level", "weeks_pp", "expected"), READINESS_CASES
)
def test_readiness_warnings(left, passed, stage, level, weeks_pp, expected):
    athlete = her(assessments=(passed_lasting(left, passed=passed),), weeks_pp=weeks_pp)
    warnings = expiry_warnings(athlete, stage=stage, level=level, today=TODAY)
    warned, needed_by = expected
    assert bool(warnings) is warned
    if warned:
        (w,) = warnings
        assert (w.record, w.days_left, w.needed_by) == (READINESS, left, needed_by)


def test_only_the_latest_assessment_counts():
    old_pass = passed_lasting(3, recorded=1)
    newer_pass = passed_lasting(50, recorded=2)
    athlete = her(assessments=(old_pass, newer_pass))
    assert expiry_warnings(athlete, stage="speed", level=1, today=TODAY) == []


def test_both_records_soonest_first_and_in_words():
    athlete = her(running(9), assessments=(passed_lasting(3),), weeks_pp=30)
    warnings = expiry_warnings(athlete, stage="walk", level=4, today=TODAY)

    assert [w.record for w in warnings] == [READINESS, CLEARANCE]
    assert warnings[0].summary == (
        "Readiness assessment expires on 7 Mar (in 3 days), before run-walk can start (the "
        "week of 9 Mar at the earliest): retest her before then."
    )
    assert warnings[1].summary == (
        "Medical clearance expires on 13 Mar (in 9 days), before run-walk can start (the week "
        "of 9 Mar at the earliest): record a new clearance before then."
    )


@pytest.mark.parametrize(
    ("left", "words"),
    [(0, "Medical clearance expires today"), (1, "Medical clearance expires tomorrow")],
)
def test_today_and_tomorrow_in_words(left, words):
    (w,) = expiry_warnings(her(running(left)), stage="speed", level=1, today=TODAY)
    assert w.summary == f"{words}: record a new clearance before then."


def test_every_stage_key_is_known_to_the_rules():
    for stage in protocol.STAGES:
        assert records_needed_by(stage.key) <= {CLEARANCE, READINESS}


@given_cases(
    stage=st.sampled_from([*protocol.STAGE_KEYS, ""]),
    level=st.one_of(st.none(), st.integers(0, 9)),
    weeks_pp=st.integers(-4, 80),
    clearance_left=st.integers(-3, 120),
    readiness_left=st.integers(-3, ASSESSMENT_VALID_DAYS),
    today_offset=st.integers(0, 6),
)
@settings(max_examples=1500, deadline=None)
def test_the_look_ahead_never_misses_a_warning(
    stage, level, weeks_pp, clearance_left, readiness_left, today_offset
):
    """The dashboard's SQL narrows the athletes with ``lapse_lookahead`` before
    ``expiry_warnings`` decides: every record warned about lapses within it."""
    today = TODAY + timedelta(days=today_offset)  # any day of the week
    facts = AthleteFacts(
        delivery_date=today - timedelta(weeks=weeks_pp),
        clearances=(running(clearance_left),),
        assessments=(passed_lasting(readiness_left),),
    )
    for warning in expiry_warnings(facts, stage=stage, level=level, today=today):
        ahead, after_delivery = lapse_lookahead(stage, warning.record)
        assert warning.last_valid_day <= today + ahead or (
            after_delivery is not None
            and warning.last_valid_day <= facts.delivery_date + after_delivery
        ), (warning, ahead, after_delivery)


def _clearance_lapsing(on: date, lapse: date, *, delivery: date, stage: str, level: int):
    facts = AthleteFacts(
        delivery_date=delivery,
        clearances=(ClearanceFacts(on - timedelta(days=30), "running", lapse, 1, True),),
    )
    return expiry_warnings(facts, stage=stage, level=level, today=on)


def test_the_look_ahead_is_tight():
    """At level 1 on a Monday, a clearance lapsing on the Friday of the next stage's first
    week is warned about, right at the edge of the look-ahead; a day later, not."""
    monday, long_ago = NEXT_MONDAY, NEXT_MONDAY - timedelta(weeks=60)
    ahead, after_delivery = lapse_lookahead("build", CLEARANCE)
    assert ahead == timedelta(days=61)  # 8 levels: 8 weeks + 5 days
    assert after_delivery is None
    (warning,) = _clearance_lapsing(
        monday, monday + ahead, delivery=long_ago, stage="build", level=1
    )
    assert warning.needed_by == "trail"
    one_day_later = monday + ahead + timedelta(days=1)
    assert not _clearance_lapsing(monday, one_day_later, delivery=long_ago, stage="build", level=1)
    assert lapse_lookahead("recover", CLEARANCE) == (timedelta(days=EXPIRY_WARNING_DAYS), None)


def test_the_look_ahead_after_a_recent_birth_is_tight():
    """Run-walk waits for the Monday after 12 weeks: born on a Tuesday, that is 12 weeks and
    6 days on, and a clearance lapsing on that week's Friday is the last one warned about."""
    monday = NEXT_MONDAY
    delivery = monday - timedelta(days=13)  # a Tuesday
    _, after_delivery = lapse_lookahead("walk", CLEARANCE)
    assert after_delivery == timedelta(weeks=12, days=11)
    last = delivery + after_delivery
    (warning,) = _clearance_lapsing(monday, last, delivery=delivery, stage="walk", level=4)
    assert warning.needed_by == "run_walk"
    day_after = last + timedelta(days=1)
    assert not _clearance_lapsing(monday, day_after, delivery=delivery, stage="walk", level=4)
