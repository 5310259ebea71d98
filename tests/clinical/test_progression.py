"""The progression engine of SPEC §5, rule by rule and gate by gate, on plain data (no DB).

Every snapshot is for the week of Monday 2 March 2026; "weeks back" count from that Monday,
so the latest check-in (the one that drives the decision) is the one of 1 week back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clinical import protocol
from clinical.facts import AssessmentFacts, AthleteFacts, CheckInFacts, ClearanceFacts
from clinical.gates import GATE_LABELS
from clinical.progression import (
    ADVANCE,
    HOLD,
    PAUSE,
    STEP_BACK,
    Recommendation,
    Snapshot,
    WeekPosition,
    recommend,
    safety_gates_for,
)

FOR_WEEK = date(2026, 3, 2)  # a Monday
CHECKED_WEEK = FOR_WEEK - timedelta(weeks=1)
RUN_WALK_GATES = ("weeks_postpartum", "clearance", "readiness", "no_red_flags", "recent_checkins")


def week(back: int) -> date:
    return FOR_WEEK - timedelta(weeks=back)


def running_clearance(**changes) -> ClearanceFacts:
    return replace(
        ClearanceFacts(cleared_on=week(12), scope="running", pelvic_health_assessed=True),
        **changes,
    )


def passed_assessment(**changes) -> AssessmentFacts:
    return replace(
        AssessmentFacts(assessed_on=FOR_WEEK - timedelta(days=14), passed=True), **changes
    )


def her(**changes) -> AthleteFacts:
    """20 weeks postpartum, cleared for running, readiness passed two weeks ago."""
    defaults = {
        "delivery_date": week(20),
        "clearances": (running_clearance(),),
        "assessments": (passed_assessment(),),
    }
    return AthleteFacts(**{**defaults, **changes})


def checkin(back: int = 1, **values) -> CheckInFacts:
    """A clean check-in: every planned session done, no symptom, good sleep and energy."""
    defaults = {
        "sessions_completed": 3,
        "sessions_planned": 3,
        "effort": 5,
        "energy": 3,
        "sleep_hours": Decimal("7"),
        "soreness": 2,
        "pain": 0,
    }
    return CheckInFacts(week=week(back), **{**defaults, **values})


def at(stage: str, level: int, *backs: int) -> tuple[WeekPosition, ...]:
    return tuple(WeekPosition(week(b), stage, level) for b in backs)


def snap(
    stage: str,
    level: int,
    *,
    checkins: tuple[CheckInFacts, ...] | None = None,
    history: tuple[WeekPosition, ...] | None = None,
    athlete: AthleteFacts | None = None,
) -> Snapshot:
    """By default: two clean check-ins (1 and 2 weeks back), both weeks at this position."""
    facts = athlete or her()
    return Snapshot(
        for_week=FOR_WEEK,
        athlete=replace(facts, stage=stage),
        stage=stage,
        level=level,
        history=at(stage, level, 1, 2) if history is None else history,
        checkins=(checkin(1), checkin(2)) if checkins is None else checkins,
    )


def gate(rec: Recommendation, key: str):
    found = [g for g in rec.gates if g.key == key]
    assert len(found) == 1, f"gate {key!r} appears {len(found)} times in {rec.gates}"
    return found[0]


def failed_keys(rec: Recommendation) -> set[str]:
    return {g.key for g in rec.gates if not g.passed}


def assert_details_are_sentences(rec: Recommendation) -> None:
    for g in rec.gates:
        assert isinstance(g.detail, str)
        assert g.detail.strip(), f"gate {g.key} has an empty detail"
        assert g.detail[0].isupper() or g.detail[0].isdigit(), f"{g.key}: {g.detail!r}"
        assert g.detail.rstrip().endswith("."), f"{g.key}: {g.detail!r} is not a sentence"


def assert_stays(rec: Recommendation, stage: str, level: int) -> None:
    assert (rec.from_stage, rec.from_level) == (stage, level)
    assert (rec.to_stage, rec.to_level) == (stage, level)


# --- pause --------------------------------------------------------------------------------------

RED_FLAGS = [
    pytest.param({"leakage": True}, "leakage", id="leakage"),
    pytest.param({"urgency": True}, "urgency", id="urgency"),
    pytest.param({"heaviness": True}, "heaviness", id="heaviness-dragging-bulge"),
    pytest.param({"pelvic_pain": True}, "pelvic pain", id="pelvic-pain"),
    pytest.param({"abdominal_doming": True}, "abdominal doming", id="abdominal-doming"),
    pytest.param({"pain": 5}, "pain", id="pain-5"),
    pytest.param({"pain": 10}, "pain", id="pain-10"),
    pytest.param({"bleeding": True}, "bleeding", id="bleeding-at-19-weeks-postpartum"),
]


@pytest.mark.parametrize(("symptom", "words"), RED_FLAGS)
def test_a_red_flag_in_the_latest_checkin_pauses_and_refers(symptom, words):
    rec = recommend(snap("continuous", 2, checkins=(checkin(1, **symptom), checkin(2))))

    assert rec.action == PAUSE
    assert rec.refer is True
    assert gate(rec, "red_flags").passed is False
    assert words in gate(rec, "red_flags").detail
    assert "red_flags" in rec.failed_safety_gates
    assert_details_are_sentences(rec)


@pytest.mark.parametrize(
    ("stage", "level"),
    [
        pytest.param("run_walk", 1, id="run-walk-1"),
        pytest.param("run_walk", 6, id="run-walk-6"),
        pytest.param("continuous", 3, id="continuous-3"),
        pytest.param("build", 5, id="build-5"),
        pytest.param("trail", 2, id="trail-2"),
        pytest.param("speed", 3, id="speed-3"),
    ],
)
def test_a_pause_from_an_impact_stage_lands_on_the_top_walking_level(stage, level):
    rec = recommend(snap(stage, level, checkins=(checkin(1, leakage=True), checkin(2))))

    assert rec.action == PAUSE
    assert (rec.from_stage, rec.from_level) == (stage, level)
    assert (rec.to_stage, rec.to_level) == ("walk", protocol.stage("walk").top_level)
    assert rec.to_stage not in protocol.IMPACT_STAGE_KEYS


@pytest.mark.parametrize(
    ("stage", "level"),
    [
        pytest.param("recover", 1, id="recover-1"),
        pytest.param("walk", 1, id="walk-1"),
        pytest.param("walk", 3, id="walk-3"),
    ],
)
def test_a_pause_in_a_non_impact_stage_keeps_her_where_she_is(stage, level):
    rec = recommend(snap(stage, level, checkins=(checkin(1, heaviness=True), checkin(2))))

    assert rec.action == PAUSE
    assert rec.refer is True
    assert_stays(rec, stage, level)


@pytest.mark.parametrize(
    ("days_postpartum_on_checkin_monday", "action"),
    [
        pytest.param(49, ADVANCE, id="7-weeks-no-pause"),
        pytest.param(56, ADVANCE, id="exactly-8-weeks-no-pause"),
        pytest.param(57, PAUSE, id="8-weeks-and-1-day-pause"),
    ],
)
def test_bleeding_is_a_red_flag_only_beyond_8_weeks_judged_on_the_checkin_monday(
    days_postpartum_on_checkin_monday, action
):
    # On the decision's own Monday she is a week further on (63 days at the edge): the
    # judgement must use the Monday of the check-in's week.
    delivery = CHECKED_WEEK - timedelta(days=days_postpartum_on_checkin_monday)
    rec = recommend(
        snap(
            "walk",
            2,
            athlete=her(delivery_date=delivery),
            checkins=(checkin(1, bleeding=True), checkin(2)),
        )
    )

    assert rec.action == action
    assert gate(rec, "red_flags").passed is (action != PAUSE)
    if action == PAUSE:
        assert "bleeding" in gate(rec, "red_flags").detail
        assert rec.refer is True
    else:
        assert (rec.to_stage, rec.to_level) == ("walk", 3)
    assert_details_are_sentences(rec)


def test_a_red_flag_outranks_every_other_rule():
    bad_week = checkin(
        1, leakage=True, pain=3, energy=1, sleep_hours=Decimal("3"), feeling_low=True
    )
    rec = recommend(snap("run_walk", 3, checkins=(bad_week, checkin(2, energy=1))))

    assert rec.action == PAUSE
    assert (rec.to_stage, rec.to_level) == ("walk", 4)


# --- step back ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "previous", "action", "failing_gate"),
    [
        pytest.param({"pain": 3}, {}, STEP_BACK, "pain", id="pain-3-steps-back"),
        pytest.param({"pain": 4}, {}, STEP_BACK, "pain", id="pain-4-steps-back"),
        pytest.param({"pain": 2}, {}, ADVANCE, None, id="pain-2-advances"),
        pytest.param(
            {"energy": 2}, {"energy": 2}, STEP_BACK, "fatigue", id="energy-2-two-weeks-running"
        ),
        pytest.param(
            {"energy": 1}, {"energy": 2}, STEP_BACK, "fatigue", id="energy-1-after-energy-2"
        ),
        pytest.param({"energy": 2}, {"energy": 3}, ADVANCE, None, id="energy-2-after-energy-3"),
        pytest.param({"energy": 3}, {"energy": 1}, ADVANCE, None, id="energy-3-after-energy-1"),
        pytest.param(
            {"effort": 8, "soreness": 7},
            {},
            STEP_BACK,
            "effort_and_soreness",
            id="effort-8-soreness-7",
        ),
        pytest.param(
            {"effort": 10, "soreness": 10},
            {},
            STEP_BACK,
            "effort_and_soreness",
            id="effort-10-soreness-10",
        ),
        pytest.param({"effort": 8, "soreness": 6}, {}, ADVANCE, None, id="effort-8-soreness-6"),
        pytest.param({"effort": 7, "soreness": 7}, {}, ADVANCE, None, id="effort-7-soreness-7"),
    ],
)
def test_step_back_rules(values, previous, action, failing_gate):
    rec = recommend(snap("run_walk", 3, checkins=(checkin(1, **values), checkin(2, **previous))))

    assert rec.action == action
    for key in ("pain", "fatigue", "effort_and_soreness"):
        assert gate(rec, key).passed is (key != failing_gate)
    if action == STEP_BACK:
        assert (rec.to_stage, rec.to_level) == ("run_walk", 2)
    else:
        assert (rec.to_stage, rec.to_level) == ("run_walk", 4)
    assert_details_are_sentences(rec)


def test_a_fatigue_streak_needs_consecutive_weeks_a_missing_week_breaks_it():
    # Energy 2 in the latest week and 3 weeks back, nothing 2 weeks back.
    rec = recommend(
        snap(
            "walk",
            2,
            checkins=(checkin(1, energy=2), checkin(3, energy=1)),
            history=at("walk", 2, 1, 2, 3),
        )
    )

    assert rec.action == ADVANCE
    assert gate(rec, "fatigue").passed is True


@pytest.mark.parametrize(
    ("stage", "level", "history", "checkins", "target"),
    [
        pytest.param(
            "run_walk",
            4,
            at("run_walk", 2, 4) + at("run_walk", 3, 3, 2) + at("run_walk", 4, 1),
            (checkin(1, pain=3), checkin(2, pain=4), checkin(3, pain=3), checkin(4)),
            ("run_walk", 2),
            id="last-symptom-free-level-skips-the-painful-ones",
        ),
        pytest.param(
            "run_walk",
            4,
            at("run_walk", 2, 4) + at("run_walk", 3, 3, 2) + at("run_walk", 4, 1),
            (checkin(1, pain=3), checkin(2), checkin(3, pain=3), checkin(4)),
            ("run_walk", 3),
            id="most-recent-symptom-free-level-wins",
        ),
        pytest.param(
            "run_walk",
            4,
            at("run_walk", 2, 3) + at("run_walk", 3, 2) + at("run_walk", 4, 1),
            (checkin(1, pain=3), checkin(3)),
            ("run_walk", 2),
            id="a-week-without-checkin-is-not-symptom-free",
        ),
        pytest.param(
            "run_walk",
            4,
            at("run_walk", 2, 3) + at("run_walk", 4, 2, 1),
            (checkin(1, pain=3), checkin(2), checkin(3, bleeding=True)),
            ("run_walk", 3),
            id="bleeding-is-not-symptom-free-one-level-down",
        ),
        pytest.param(
            "continuous",
            3,
            at("build", 2, 3) + at("continuous", 3, 2, 1),
            (checkin(1, pain=4), checkin(2), checkin(3)),
            ("continuous", 2),
            id="a-higher-earlier-position-is-ignored",
        ),
        pytest.param(
            "run_walk",
            3,
            at("run_walk", 3, 2, 1),
            (checkin(1, pain=3), checkin(2)),
            ("run_walk", 2),
            id="no-lower-level-in-history-one-level-down",
        ),
        pytest.param(
            "run_walk",
            1,
            at("run_walk", 1, 2, 1),
            (checkin(1, pain=3), checkin(2)),
            ("walk", 4),
            id="run-walk-1-down-to-top-of-walk",
        ),
        pytest.param(
            "continuous",
            1,
            at("continuous", 1, 1),
            (checkin(1, effort=9, soreness=8),),
            ("run_walk", 6),
            id="continuous-1-down-to-top-of-run-walk",
        ),
        pytest.param(
            "walk",
            2,
            at("walk", 2, 2, 1),
            (checkin(1, pain=3), checkin(2)),
            ("walk", 1),
            id="walk-2-down-to-walk-1",
        ),
        pytest.param(
            "walk",
            1,
            at("walk", 1, 2, 1),
            (checkin(1, pain=3), checkin(2)),
            ("walk", 1),
            id="never-below-walk-1",
        ),
        pytest.param(
            "walk",
            3,
            at("recover", 1, 3) + at("walk", 3, 2, 1),
            (checkin(1, pain=3), checkin(2, pain=3), checkin(3)),
            ("walk", 1),
            id="a-symptom-free-recover-week-still-floors-at-walk-1",
        ),
        pytest.param(
            "recover",
            1,
            at("recover", 1, 2, 1),
            (checkin(1, pain=4), checkin(2)),
            ("recover", 1),
            id="recover-stays-recover",
        ),
    ],
)
def test_step_back_goes_to_the_last_symptom_free_level(stage, level, history, checkins, target):
    rec = recommend(snap(stage, level, history=history, checkins=checkins))

    assert rec.action == STEP_BACK
    assert (rec.from_stage, rec.from_level) == (stage, level)
    assert (rec.to_stage, rec.to_level) == target
    assert protocol.position_rank(*target) <= protocol.position_rank(stage, level)
    assert_details_are_sentences(rec)


# --- hold ---------------------------------------------------------------------------------------


def test_no_checkin_for_last_week_holds_her_where_she_is():
    rec = recommend(snap("run_walk", 3, checkins=(checkin(2), checkin(3))))

    assert rec.action == HOLD
    assert_stays(rec, "run_walk", 3)
    assert [g.key for g in rec.gates] == ["checkin_received"]
    assert gate(rec, "checkin_received").passed is False
    assert_details_are_sentences(rec)


@pytest.mark.parametrize(
    ("planned", "done", "unavailable", "passed"),
    [
        pytest.param(3, 1, 0, False, id="1-of-3-holds"),
        pytest.param(3, 2, 0, True, id="2-of-3-is-two-thirds"),
        pytest.param(6, 3, 0, False, id="3-of-6-holds"),
        pytest.param(6, 4, 0, True, id="4-of-6-is-two-thirds"),
        pytest.param(6, 3, 3, True, id="3-of-6-with-3-days-unavailable-is-enough"),
        pytest.param(6, 2, 3, False, id="2-of-6-with-3-days-unavailable-holds"),
        pytest.param(6, 3, 1, False, id="3-of-6-with-1-day-unavailable-holds"),
        pytest.param(6, 0, 4, True, id="4-days-unavailable-not-judged"),
        pytest.param(6, 0, 7, True, id="whole-week-unavailable-not-judged"),
        pytest.param(None, 0, 0, True, id="nothing-planned-not-judged"),
    ],
)
def test_fewer_than_two_thirds_of_planned_sessions_holds(planned, done, unavailable, passed):
    week_done = checkin(
        1, sessions_planned=planned, sessions_completed=done, unavailable_days=unavailable
    )
    rec = recommend(snap("walk", 2, checkins=(week_done, checkin(2))))

    assert gate(rec, "sessions_completed").passed is passed
    if passed:
        assert rec.action == ADVANCE
        assert (rec.to_stage, rec.to_level) == ("walk", 3)
    else:
        assert rec.action == HOLD
        assert_stays(rec, "walk", 2)
        assert "two thirds" in rec.summary
    if unavailable >= 4 or planned is None:
        assert gate(rec, "sessions_completed").detail.startswith("Not judged")
    assert_details_are_sentences(rec)


@pytest.mark.parametrize(
    ("values", "gate_key", "action"),
    [
        pytest.param({"sleep_hours": Decimal("4.9")}, "sleep", HOLD, id="sleep-4.9-h-holds"),
        pytest.param({"sleep_hours": Decimal("0")}, "sleep", HOLD, id="sleep-0-h-holds"),
        pytest.param({"sleep_hours": Decimal("5.0")}, "sleep", ADVANCE, id="sleep-5.0-h-is-fine"),
        pytest.param({"feeling_low": True}, "mood", HOLD, id="feeling-low-holds"),
        pytest.param({"mood": 1}, "mood", ADVANCE, id="low-mood-score-alone-does-not-hold"),
    ],
)
def test_sleep_and_mood_holds(values, gate_key, action):
    rec = recommend(snap("walk", 3, checkins=(checkin(1, **values), checkin(2))))

    assert rec.action == action
    assert gate(rec, gate_key).passed is (action == ADVANCE)
    if action == HOLD:
        assert_stays(rec, "walk", 3)
    else:
        assert (rec.to_stage, rec.to_level) == ("walk", 4)
    assert_details_are_sentences(rec)


def test_the_last_level_of_the_last_stage_holds_and_says_so():
    rec = recommend(snap("speed", 3))

    assert rec.action == HOLD
    assert_stays(rec, "speed", 3)
    assert gate(rec, "next_stage").passed is False
    assert failed_keys(rec) == {"next_stage"}
    assert_details_are_sentences(rec)


def test_a_hold_names_every_reason():
    rec = recommend(
        snap(
            "walk",
            4,
            checkins=(checkin(1, sleep_hours=Decimal("4"), feeling_low=True), checkin(2)),
            athlete=her(clearances=(), assessments=()),
        )
    )

    assert rec.action == HOLD
    assert failed_keys(rec) == {"sleep", "mood", "clearance", "readiness"}
    assert "sleep" in rec.summary
    assert "low" in rec.summary
    assert "clearance" in rec.summary
    assert "readiness" in rec.summary


# --- advance within a stage ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "level"),
    [
        pytest.param("walk", 1, id="walk-1"),
        pytest.param("walk", 3, id="walk-3"),
        pytest.param("run_walk", 1, id="run-walk-1"),
        pytest.param("run_walk", 5, id="run-walk-5"),
        pytest.param("continuous", 2, id="continuous-2"),
        pytest.param("build", 7, id="build-7"),
        pytest.param("trail", 3, id="trail-3"),
        pytest.param("speed", 2, id="speed-2"),
    ],
)
def test_a_clean_week_advances_to_the_next_level(stage, level):
    rec = recommend(snap(stage, level))

    assert rec.action == ADVANCE
    assert (rec.from_stage, rec.from_level) == (stage, level)
    assert (rec.to_stage, rec.to_level) == (stage, level + 1)
    assert failed_keys(rec) == set()
    assert_details_are_sentences(rec)


@pytest.mark.parametrize(
    "clearances",
    [
        pytest.param((), id="no-clearance"),
        pytest.param((running_clearance(scope="exercise"),), id="cleared-for-exercise-only"),
        pytest.param(
            (running_clearance(expires_on=FOR_WEEK - timedelta(days=1)),),
            id="clearance-expired-the-day-before",
        ),
        pytest.param(
            (running_clearance(cleared_on=FOR_WEEK + timedelta(days=1)),),
            id="clearance-given-after-the-monday",
        ),
    ],
)
@pytest.mark.parametrize(
    ("stage", "level"),
    [
        pytest.param("run_walk", 2, id="run-walk-2"),
        pytest.param("continuous", 1, id="continuous-1"),
        pytest.param("build", 3, id="build-3"),
        pytest.param("trail", 2, id="trail-2"),
        pytest.param("speed", 1, id="speed-1"),
    ],
)
def test_a_level_advance_in_an_impact_stage_needs_a_valid_running_clearance(
    stage, level, clearances
):
    rec = recommend(snap(stage, level, athlete=her(clearances=clearances)))

    assert rec.action == HOLD
    assert_stays(rec, stage, level)
    assert gate(rec, "clearance").passed is False
    assert failed_keys(rec) == {"clearance"}
    assert "clearance" in rec.summary
    assert_details_are_sentences(rec)


@pytest.mark.parametrize(
    "clearance",
    [
        pytest.param(running_clearance(expires_on=FOR_WEEK), id="running-expiring-that-monday"),
        pytest.param(running_clearance(scope="unrestricted"), id="unrestricted"),
    ],
)
def test_a_level_advance_in_an_impact_stage_with_a_valid_clearance(clearance):
    rec = recommend(snap("run_walk", 2, athlete=her(clearances=(clearance,))))

    assert rec.action == ADVANCE
    assert (rec.to_stage, rec.to_level) == ("run_walk", 3)
    assert gate(rec, "clearance").passed is True


def test_walking_levels_need_no_clearance():
    rec = recommend(snap("walk", 2, athlete=her(clearances=(), assessments=())))

    assert rec.action == ADVANCE
    assert (rec.to_stage, rec.to_level) == ("walk", 3)
    assert "clearance" not in {g.key for g in rec.gates}


# --- recover → walk -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_postpartum", "action"),
    [
        pytest.param(20, HOLD, id="2-weeks-6-days-holds"),
        pytest.param(21, ADVANCE, id="3-weeks-advances"),
        pytest.param(40, ADVANCE, id="5-weeks-advances"),
    ],
)
def test_recover_moves_on_to_walk_from_3_weeks_postpartum(days_postpartum, action):
    athlete = her(delivery_date=FOR_WEEK - timedelta(days=days_postpartum), clearances=())
    rec = recommend(snap("recover", 1, athlete=athlete, checkins=(checkin(1),)))

    assert rec.action == action
    assert gate(rec, "weeks_postpartum_walk").passed is (action == ADVANCE)
    if action == ADVANCE:
        assert (rec.to_stage, rec.to_level) == ("walk", 1)
    else:
        assert_stays(rec, "recover", 1)
        assert "(3 weeks postpartum)" in rec.summary
    assert_details_are_sentences(rec)


# --- walk → run-walk: the five entry gates -------------------------------------------------------


def test_run_walk_opens_when_all_five_gates_hold():
    rec = recommend(snap("walk", 4))

    assert rec.action == ADVANCE
    assert (rec.from_stage, rec.from_level) == ("walk", 4)
    assert (rec.to_stage, rec.to_level) == ("run_walk", 1)
    for key in RUN_WALK_GATES:
        assert gate(rec, key).passed is True
    assert rec.failed_safety_gates == ()
    assert_details_are_sentences(rec)


DAY_BEFORE, SUNDAY_AFTER = FOR_WEEK - timedelta(days=1), FOR_WEEK + timedelta(days=6)


def days_postpartum(days: int) -> dict:
    return {"athlete": her(delivery_date=FOR_WEEK - timedelta(days=days))}


def cleared(*clearances: ClearanceFacts) -> dict:
    return {"athlete": her(clearances=clearances)}


def assessed(*assessments: AssessmentFacts) -> dict:
    return {"athlete": her(assessments=assessments)}


def checked(*checkins: CheckInFacts) -> dict:
    return {"checkins": checkins}


def reviewed(changes: dict) -> dict:
    """``changes``, and a clearance given on the Monday decided: any red flag in them has been
    seen by a clinician since (so only the gate under test can fail)."""
    return {**changes, **cleared(running_clearance(cleared_on=FOR_WEEK))}


RUN_WALK_EDGES = [
    # 12 weeks postpartum, judged on the Monday of the decision's week.
    pytest.param(days_postpartum(83), "weeks_postpartum", False, id="83-days-postpartum"),
    pytest.param(days_postpartum(84), "weeks_postpartum", True, id="84-days-postpartum"),
    # A clearance of scope >= running, valid that Monday.
    pytest.param(cleared(), "clearance", False, id="no-clearance"),
    pytest.param(
        cleared(running_clearance(scope="exercise")), "clearance", False, id="exercise-scope"
    ),
    pytest.param(
        cleared(running_clearance(scope="unrestricted")), "clearance", True, id="unrestricted"
    ),
    pytest.param(
        cleared(running_clearance(expires_on=DAY_BEFORE)),
        "clearance",
        False,
        id="clearance-expired-the-day-before",
    ),
    pytest.param(
        cleared(running_clearance(expires_on=FOR_WEEK)),
        "clearance",
        True,
        id="clearance-expiring-that-monday",
    ),
    pytest.param(
        cleared(running_clearance(cleared_on=FOR_WEEK)),
        "clearance",
        True,
        id="clearance-given-that-monday",
    ),
    pytest.param(
        cleared(running_clearance(cleared_on=SUNDAY_AFTER)),
        "clearance",
        False,
        id="clearance-given-later-that-week",
    ),
    pytest.param(
        cleared(
            running_clearance(cleared_on=week(10)),
            running_clearance(cleared_on=week(2), scope="exercise"),
        ),
        "clearance",
        False,
        id="a-later-exercise-clearance-replaces-a-running-one",
    ),
    # Readiness passed within 8 weeks of that Monday.
    pytest.param(
        assessed(passed_assessment(assessed_on=FOR_WEEK - timedelta(days=56))),
        "readiness",
        True,
        id="readiness-56-days-old",
    ),
    pytest.param(
        assessed(passed_assessment(assessed_on=FOR_WEEK - timedelta(days=57))),
        "readiness",
        False,
        id="readiness-8-weeks-and-1-day-old",
    ),
    pytest.param(
        assessed(passed_assessment(passed=False)), "readiness", False, id="readiness-not-passed"
    ),
    pytest.param(assessed(), "readiness", False, id="no-readiness-assessment"),
    pytest.param(
        assessed(
            passed_assessment(assessed_on=week(4)),
            passed_assessment(assessed_on=week(1), passed=False),
        ),
        "readiness",
        False,
        id="a-later-failed-assessment-counts",
    ),
    # No red flag in the 2 check-ins before that Monday.
    pytest.param(
        reviewed(checked(checkin(1), checkin(2, leakage=True))),
        "no_red_flags",
        False,
        id="leakage-in-the-check-in-before-last",
    ),
    pytest.param(
        reviewed(checked(checkin(1), checkin(2, pain=6))),
        "no_red_flags",
        False,
        id="pain-6-in-the-check-in-before-last",
    ),
    pytest.param(
        reviewed(checked(checkin(1), checkin(3, urgency=True))),
        "no_red_flags",
        False,
        id="urgency-in-the-previous-check-in-two-weeks-earlier",
    ),
    pytest.param(
        reviewed(checked(checkin(1), checkin(2), checkin(3, heaviness=True))),
        "no_red_flags",
        True,
        id="red-flag-three-check-ins-back",
    ),
    pytest.param(
        checked(checkin(1), checkin(2, pain=3)),
        "no_red_flags",
        True,
        id="pain-3-is-no-red-flag",
    ),
    # At least 2 check-ins in the 3 weeks before that Monday.
    pytest.param(
        checked(checkin(1), checkin(3)), "recent_checkins", True, id="check-ins-1-and-3-weeks-back"
    ),
    pytest.param(
        checked(checkin(1), checkin(4)),
        "recent_checkins",
        False,
        id="check-ins-1-and-4-weeks-back",
    ),
    pytest.param(checked(checkin(1)), "recent_checkins", False, id="one-check-in"),
]


@pytest.mark.parametrize(("changes", "key", "passed"), RUN_WALK_EDGES)
def test_each_run_walk_entry_gate_at_its_edge(changes, key, passed):
    rec = recommend(snap("walk", 4, **changes))

    assert gate(rec, key).passed is passed
    assert {k for k in failed_keys(rec) if k in RUN_WALK_GATES} == (set() if passed else {key})
    if passed:
        assert rec.action == ADVANCE
        assert (rec.to_stage, rec.to_level) == ("run_walk", 1)
    else:
        assert rec.action == HOLD
        assert_stays(rec, "walk", 4)
        label = GATE_LABELS[key]
        assert f"({label[0].lower()}{label[1:]})" in rec.summary
    assert_details_are_sentences(rec)


def test_a_hold_at_the_run_walk_door_lists_every_failed_gate():
    athlete = her(delivery_date=FOR_WEEK - timedelta(weeks=10), clearances=(), assessments=())
    rec = recommend(snap("walk", 4, athlete=athlete, checkins=(checkin(1),)))

    assert rec.action == HOLD
    assert failed_keys(rec) == set(RUN_WALK_GATES) - {"no_red_flags"}
    assert (
        "(12 weeks postpartum, medical clearance, readiness assessment, recent check-ins)"
        in rec.summary
    )


# --- the later stages -----------------------------------------------------------------------------

SYMPTOM_FREE_AT_TOP = [
    pytest.param(
        at("run_walk", 6, 1, 2), (checkin(1), checkin(2)), True, id="two-clean-weeks-at-the-top"
    ),
    pytest.param(
        at("run_walk", 6, 1, 2, 3),
        (checkin(1), checkin(2), checkin(3, pain=4)),
        True,
        id="an-older-painful-week-does-not-count",
    ),
    pytest.param(
        at("run_walk", 6, 1) + at("run_walk", 5, 2),
        (checkin(1), checkin(2)),
        False,
        id="one-week-at-the-top",
    ),
    pytest.param(
        at("run_walk", 6, 1, 2), (checkin(1), checkin(2, pain=3)), False, id="pain-3-a-week-ago"
    ),
    pytest.param(
        at("run_walk", 6, 1, 2),
        (checkin(1), checkin(2, bleeding=True)),
        False,
        id="bleeding-a-week-ago",
    ),
    pytest.param(
        at("run_walk", 6, 1, 2, 3),
        (checkin(1), checkin(3)),
        False,
        id="a-missing-check-in-breaks-the-two-weeks",
    ),
]


@pytest.mark.parametrize(("history", "checkins", "passed"), SYMPTOM_FREE_AT_TOP)
def test_continuous_needs_two_consecutive_symptom_free_weeks_at_run_walk_6(
    history, checkins, passed
):
    rec = recommend(snap("run_walk", 6, history=history, checkins=checkins))

    assert gate(rec, "top_level_symptom_free").passed is passed
    if passed:
        assert rec.action == ADVANCE
        assert (rec.to_stage, rec.to_level) == ("continuous", 1)
        assert gate(rec, "clearance").passed is True
    else:
        assert rec.action == HOLD
        assert_stays(rec, "run_walk", 6)
        assert "symptom-free at the top level" in rec.summary
    assert_details_are_sentences(rec)


def test_continuous_also_needs_a_running_clearance():
    rec = recommend(snap("run_walk", 6, athlete=her(clearances=())))

    assert rec.action == HOLD
    assert gate(rec, "top_level_symptom_free").passed is True
    assert gate(rec, "clearance").passed is False


@pytest.mark.parametrize(
    ("history", "checkins", "passed"),
    [
        pytest.param(
            at("continuous", 6, 1, 2), (checkin(1), checkin(2)), True, id="two-clean-weeks"
        ),
        pytest.param(
            at("continuous", 6, 1) + at("continuous", 5, 2),
            (checkin(1), checkin(2)),
            False,
            id="one-week-at-30-min",
        ),
        pytest.param(
            at("continuous", 6, 1, 2),
            (checkin(1), checkin(2, urgency=True)),
            False,
            id="urgency-a-week-ago",
        ),
    ],
)
def test_build_needs_two_symptom_free_weeks_at_30_minutes_continuous(history, checkins, passed):
    rec = recommend(snap("continuous", 6, history=history, checkins=checkins))

    assert gate(rec, "top_level_symptom_free").passed is passed
    if passed:
        assert rec.action == ADVANCE
        assert (rec.to_stage, rec.to_level) == ("build", 1)
    else:
        assert rec.action == HOLD
        assert_stays(rec, "continuous", 6)
    assert_details_are_sentences(rec)


def _weeks_in(stage: str, top: int, backs: range) -> tuple[WeekPosition, ...]:
    """Her weeks in ``stage``, climbing to ``top`` in the latest one."""
    return tuple(WeekPosition(week(b), stage, max(1, top - i)) for i, b in enumerate(sorted(backs)))


BUILD_WEEKS_1_TO_4 = _weeks_in("build", 8, range(1, 5))

TRAIL_DOOR = [
    pytest.param(
        BUILD_WEEKS_1_TO_4, [1, 2, 3, 4], {}, {}, True, True, id="four-clean-weeks-balance-passed"
    ),
    pytest.param(
        _weeks_in("build", 8, range(1, 6)),
        [1, 2, 4, 5],
        {},
        {},
        False,
        True,
        id="four-checked-in-weeks-with-a-gap",
    ),
    pytest.param(
        BUILD_WEEKS_1_TO_4,
        [1, 2, 3, 4],
        {4: {"longest_run_minutes": 30}, 3: {"longest_run_minutes": 40}},
        {},
        True,
        True,
        id="a-low-flag-does-not-block",
    ),
    pytest.param(
        _weeks_in("build", 8, range(1, 4)), [1, 2, 3], {}, {}, False, True, id="three-weeks"
    ),
    pytest.param(BUILD_WEEKS_1_TO_4, [1, 2, 4], {}, {}, False, True, id="three-checked-in-weeks"),
    pytest.param(
        BUILD_WEEKS_1_TO_4,
        [1, 2, 3, 4],
        {3: {"pain": 3}},
        {},
        False,
        True,
        id="a-pain-flag-in-build",
    ),
    pytest.param(
        BUILD_WEEKS_1_TO_4,
        [1, 2, 3, 4],
        {2: {"feeling_low": True}},
        {},
        False,
        True,
        id="a-low-mood-flag-in-build",
    ),
    pytest.param(
        BUILD_WEEKS_1_TO_4,
        [1, 2, 3, 4],
        {},
        {"balance_passed": False},
        True,
        False,
        id="balance-not-passed",
    ),
]


@pytest.mark.parametrize(
    ("history", "backs", "changes", "assessment", "weeks_ok", "balance_ok"), TRAIL_DOOR
)
def test_trail_needs_four_consecutive_weeks_in_build_without_medium_or_high_flag_and_balance(
    history, backs, changes, assessment, weeks_ok, balance_ok
):
    checkins = tuple(checkin(b, **changes.get(b, {})) for b in backs)
    athlete = her(assessments=(passed_assessment(**assessment),))
    rec = recommend(snap("build", 8, history=history, checkins=checkins, athlete=athlete))

    assert gate(rec, "weeks_in_previous_stage").passed is weeks_ok
    assert gate(rec, "balance").passed is balance_ok
    if weeks_ok and balance_ok:
        assert rec.action == ADVANCE
        assert (rec.to_stage, rec.to_level) == ("trail", 1)
    else:
        assert rec.action == HOLD
        assert_stays(rec, "build", 8)
    assert_details_are_sentences(rec)


def test_trail_needs_an_assessment_on_file_for_balance():
    athlete = her(assessments=())
    rec = recommend(
        snap(
            "build",
            8,
            history=_weeks_in("build", 8, range(1, 5)),
            checkins=tuple(checkin(b) for b in range(1, 5)),
            athlete=athlete,
        )
    )

    assert rec.action == HOLD
    assert gate(rec, "balance").passed is False
    assert_details_are_sentences(rec)


def test_weeks_in_build_do_not_count_weeks_before_she_entered_it():
    history = at("continuous", 3, 4, 3) + _weeks_in("build", 8, range(1, 3))
    rec = recommend(
        snap("build", 8, history=history, checkins=tuple(checkin(b) for b in range(1, 5)))
    )

    assert rec.action == HOLD
    assert gate(rec, "weeks_in_previous_stage").passed is False


@pytest.mark.parametrize(
    ("history", "backs", "changes", "passed"),
    [
        pytest.param(
            _weeks_in("trail", 4, range(1, 5)), [1, 2, 3, 4], {}, True, id="four-clean-weeks"
        ),
        pytest.param(_weeks_in("trail", 4, range(1, 4)), [1, 2, 3], {}, False, id="three-weeks"),
        pytest.param(
            _weeks_in("trail", 4, range(1, 5)),
            [1, 2, 3, 4],
            {4: {"energy": 2}, 3: {"energy": 1}, 2: {"energy": 2}},
            False,
            id="a-fatigue-flag-in-trail",
        ),
    ],
)
def test_speed_needs_four_weeks_in_trail_with_no_flag(history, backs, changes, passed):
    checkins = tuple(checkin(b, **changes.get(b, {})) for b in backs)
    rec = recommend(snap("trail", 4, history=history, checkins=checkins))

    assert gate(rec, "weeks_in_previous_stage").passed is passed
    if passed:
        assert rec.action == ADVANCE
        assert (rec.to_stage, rec.to_level) == ("speed", 1)
    else:
        assert rec.action == HOLD
        assert_stays(rec, "trail", 4)
        assert "time in the stage" in rec.summary
    assert_details_are_sentences(rec)


# --- the safety gates an override must respect ----------------------------------------------------


def test_safety_gates_are_only_for_impact_stages():
    athlete = her(delivery_date=week(8), clearances=(), assessments=())
    snapshot = snap("walk", 2, athlete=athlete)

    assert safety_gates_for(snapshot, "walk") == []
    assert safety_gates_for(snapshot, "recover") == []
    failed = {g.key for g in safety_gates_for(snapshot, "run_walk") if not g.passed}
    assert failed == {"weeks_postpartum", "clearance", "readiness"}


def test_safety_gates_include_a_red_flag_in_the_latest_checkin():
    snapshot = snap("walk", 4, checkins=(checkin(1, leakage=True), checkin(2)))

    gates = {g.key: g.passed for g in safety_gates_for(snapshot, "continuous")}

    assert gates == {
        "weeks_postpartum": True,
        "clearance": True,
        "readiness": True,
        "no_red_flags": False,
        "red_flags": False,
        "reviewed_since_red_flag": False,
    }


def test_the_engine_never_reads_the_future():
    # A check-in and a plan week dated on or after the decision's Monday change nothing.
    base = snap("walk", 4)
    noisy = replace(
        base,
        checkins=(*base.checkins, CheckInFacts(week=FOR_WEEK, leakage=True, pain=9)),
        history=(*base.history, WeekPosition(FOR_WEEK, "speed", 3)),
    )

    assert recommend(noisy) == recommend(base)
    assert (recommend(base).action, recommend(base).to_stage) == (ADVANCE, "run_walk")


# --- A clinical review after a red flag (SPEC §14) ------------------------------------------------


def test_after_a_red_flag_clean_weeks_alone_do_not_open_run_walk_again():
    # Heaviness five weeks ago, clean weeks since: the last-2-check-ins gate passes, but she
    # has not been seen since the red flag.
    checkins = (checkin(1), checkin(2), checkin(3), checkin(5, heaviness=True))
    rec = recommend(snap("walk", 4, checkins=checkins))

    assert gate(rec, "no_red_flags").passed is True
    assert gate(rec, "reviewed_since_red_flag").passed is False
    assert rec.action == HOLD
    assert "seen by a clinician since the red flag" in rec.summary


def test_a_clearance_dated_after_the_red_flag_opens_run_walk():
    checkins = (checkin(1), checkin(2), checkin(3), checkin(5, heaviness=True))
    seen = her(clearances=(running_clearance(cleared_on=week(2)),))
    rec = recommend(snap("walk", 4, checkins=checkins, athlete=seen))

    assert gate(rec, "reviewed_since_red_flag").passed is True
    assert (rec.action, rec.to_stage) == (ADVANCE, "run_walk")


def test_a_red_flag_reported_between_check_ins_counts_too():
    snapshot = replace(snap("walk", 4), last_red_flag_on=week(2))

    rec = recommend(snapshot)

    assert gate(rec, "reviewed_since_red_flag").passed is False
    assert "reviewed_since_red_flag" in {
        g.key for g in safety_gates_for(snapshot, "run_walk") if not g.passed
    }


def test_a_running_clearance_without_a_pelvic_health_assessment_does_not_open_running():
    unassessed = her(clearances=(running_clearance(pelvic_health_assessed=False),))
    rec = recommend(snap("walk", 4, athlete=unassessed))

    assert gate(rec, "clearance").passed is False
    assert "no pelvic health assessment" in gate(rec, "clearance").detail
    assert rec.action == HOLD
