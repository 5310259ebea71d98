"""The words of the weekly loop: when a decision applies, as the coach's card says it; why
her week holds what it holds, as "my week" says it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plans.models import Decision, DecisionStatus, PlanWeek, WeekReason
from plans.wording import coach_note, when_it_applies, why_for_her, why_next_for_her

W = date(2026, 3, 9)  # a Monday: the week the decision is for


def decision(action: str, status: str = DecisionStatus.PENDING, **fields) -> Decision:
    return Decision(week=W, action=action, status=status, **fields)


def day(n: int, week: date = W) -> date:
    return week + timedelta(days=n)


@pytest.mark.parametrize(
    ("action", "today", "words"),
    [
        pytest.param(
            "advance",
            day(4, W - timedelta(weeks=1)),
            "Applies from Monday 9 Mar once you decide. If nobody decides by her Sunday, next "
            "week repeats this one.",
            id="advance-on-the-friday-before",
        ),
        pytest.param(
            "hold",
            day(6, W - timedelta(weeks=1)),
            "Applies from Monday 9 Mar once you decide. Until you do, next week repeats this "
            "one (already published).",
            id="hold-on-the-sunday-before",
        ),
        pytest.param(
            "step_back",
            day(5, W - timedelta(weeks=1)),
            "Applies from Monday 9 Mar once you decide. If you haven't by her Sunday, it "
            "applies on its own.",
            id="step-back-on-the-saturday-before",
        ),
        pytest.param(
            "advance",
            day(2),
            "Applies from today, Wednesday 11 Mar, once you decide: her week has begun, and "
            "the days gone by stay as they were. Until you do, her week stays as it is.",
            id="advance-on-the-wednesday-of-its-week",
        ),
        pytest.param(
            "advance",
            day(0),
            "Applies from today, Monday 9 Mar, once you decide: her week has begun, and the "
            "days gone by stay as they were. Until you do, her week stays as it is.",
            id="advance-on-the-monday-of-its-week",
        ),
        pytest.param(
            "step_back",
            day(1),
            "Applies from today, Tuesday 10 Mar, once you decide: her week has begun, and the "
            "days gone by stay as they were. If you don't, it applies on its own within the "
            "hour.",
            id="step-back-after-a-late-checkin-on-tuesday",
        ),
        pytest.param(
            "hold",
            day(1, W + timedelta(weeks=1)),
            "Applies from today, Tuesday 17 Mar, once you decide: her week has begun, and the "
            "days gone by stay as they were. Until you do, her week stays as it is.",
            id="a-decision-whose-week-is-over-applies-to-this-week",
        ),
    ],
)
def test_a_pending_decision_says_from_which_day_it_would_apply_and_what_happens_without_her(
    action, today, words
):
    assert when_it_applies(decision(action), today) == words


def test_one_applied_without_the_coach_says_from_when_it_has_applied():
    applied = decision("pause", DecisionStatus.AUTO_APPLIED, applies_from=day(1))

    assert when_it_applies(applied, day(3)) == (
        "Already applied from Tuesday 10 Mar, without you (a pause never waits): approve it, "
        "or override it with a note."
    )


# --- Why her week holds what it holds ------------------------------------------------------------

NOTE = "Jo saw you yesterday: all clear. We ease back in with the shortest run-walks."


def plan_week(reason: str, decision: Decision | None = None, week: date = W) -> PlanWeek:
    return PlanWeek(week=week, stage="run_walk", level=1, reason=reason, decision=decision)


def overridden(**fields) -> Decision:
    return decision("pause", DecisionStatus.OVERRIDDEN, final_action="advance", note=NOTE, **fields)


def test_a_week_her_coach_set_by_an_override_says_so_and_her_coachs_note_says_why():
    week = plan_week(WeekReason.ADVANCED, overridden())

    assert why_for_her(week) == "Your coach has set this week for you."
    assert coach_note(week) == NOTE
    assert why_next_for_her(week) == "Set by your coach."


def test_an_approved_advance_says_her_last_weeks_went_well():
    week = plan_week(WeekReason.ADVANCED, decision("advance", DecisionStatus.APPROVED))

    assert why_for_her(week) == "You've moved on a step: your last weeks went well."
    assert coach_note(week) == ""
    assert why_next_for_her(week) == "A step on: your last weeks went well."


def test_a_pause_her_coach_set_still_says_it_is_a_pause_with_her_note():
    week = plan_week(
        WeekReason.PAUSED,
        decision("pause", DecisionStatus.OVERRIDDEN, final_action="pause", note=NOTE),
    )

    assert why_for_her(week).startswith("Your plan is paused because of a symptom you reported")
    assert coach_note(week) == NOTE


def test_a_later_week_that_carried_an_override_over_repeats_neither_its_words_nor_its_note():
    week = plan_week(WeekReason.CARRIED_OVER, overridden(), week=W + timedelta(weeks=1))

    assert why_for_her(week) == "The same as last week while your coach looks at how it went."
    assert coach_note(week) == ""
    assert why_next_for_her(week) == (
        "The same as this week for now: your coach may still change it."
    )


def test_no_next_week_yet_says_nothing():
    assert why_next_for_her(None) == ""
