"""Why a week holds what it holds, in plain words: for her on "my week", for her coach on the
athlete page (SPEC §11: advanced, held, carried over, paused, stepped back)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format

from clinical.progression import PAUSE, STEP_BACK
from web.weeks import monday_of

from .models import Decision, DecisionStatus, PlanWeek, WeekReason

FOR_HER: dict[str, str] = {
    WeekReason.STARTED: "Your plan starts here. Take it easy and see how your body feels.",
    WeekReason.ADVANCED: "You've moved on a step: your last weeks went well.",
    WeekReason.HELD: "The same level again this week: steady is good.",
    WeekReason.STEPPED_BACK: "A gentler week: your plan has stepped back a little so your body "
    "can settle. That's part of the process, not a setback.",
    WeekReason.PAUSED: "Your plan is paused because of a symptom you reported: gentle walks and "
    "your pelvic floor exercises only, until your coach has talked with you.",
    WeekReason.CARRIED_OVER: "The same as last week while your coach looks at how it went.",
}

# Next week, once published, on "my week".
NEXT_FOR_HER: dict[str, str] = {
    WeekReason.ADVANCED: "A step on: your last weeks went well.",
    WeekReason.HELD: "The same level again: steady is good.",
    WeekReason.STEPPED_BACK: "A gentler week, so your body can settle.",
    WeekReason.PAUSED: "Still paused: gentle walks and pelvic floor work.",
    WeekReason.CARRIED_OVER: "The same as this week for now: your coach may still change it.",
}

# A week her coach set by an override: the coach's note says why (it follows these words).
BY_HER_COACH = "Your coach has set this week for you."

FOR_COACH: dict[str, str] = {
    WeekReason.STARTED: "Her plan's first week.",
    WeekReason.ADVANCED: "Advanced.",
    WeekReason.HELD: "Held at the same level.",
    WeekReason.STEPPED_BACK: "Stepped back.",
    WeekReason.PAUSED: "Paused after a red flag: no impact until you lift it with an override.",
    WeekReason.CARRIED_OVER: "Carried over: nobody decided this week, so it repeats the last.",
}


def _set_by_her_coach(week: PlanWeek) -> bool:
    """The week is what her coach decided instead of the recommendation (not a pause, and
    not a later week that only carried it over)."""
    decision = week.decision
    return (
        decision is not None
        and decision.status == DecisionStatus.OVERRIDDEN
        and week.reason not in (WeekReason.PAUSED, WeekReason.CARRIED_OVER)
        and bool(decision.note)
    )


def why_for_her(week: PlanWeek) -> str:
    """Why this week holds what it holds. After her coach's override the engine's words
    ("your last weeks went well") may not be true (she may just have been paused): her
    coach's note says why instead."""
    if _set_by_her_coach(week):
        return BY_HER_COACH
    return FOR_HER.get(week.reason, "")


def why_next_for_her(week: PlanWeek | None) -> str:
    if week is None:
        return ""
    if _set_by_her_coach(week):
        return "Set by your coach."
    return NEXT_FOR_HER.get(week.reason, "")


def why_for_coach(week: PlanWeek) -> str:
    words = FOR_COACH.get(week.reason, "")
    decision = week.decision
    if decision is None or week.reason == WeekReason.CARRIED_OVER:
        return words
    if decision.status == DecisionStatus.AUTO_APPLIED:
        return f"{words} Applied without you: approve or override it."
    if decision.status == DecisionStatus.OVERRIDDEN:
        return f"{words} Your decision (override)."
    if decision.status == DecisionStatus.APPROVED:
        return f"{words} You approved it."
    return words


def coach_note(week: PlanWeek) -> str:
    """The note her coach left with the decision behind this week, if any (not on a later
    week that only carried that decision over)."""
    decision = week.decision
    if decision is None or week.reason == WeekReason.CARRIED_OVER:
        return ""
    return decision.note


def _day(day: date) -> str:
    return date_format(day, "l j M")


def when_it_applies(decision: Decision, today: date) -> str:
    """For the coach's decision card, on her athlete's local ``today``: from which day the
    decision applies if she decides now (a week that has begun changes from today on), and
    what happens if she doesn't (SPEC §11: a pause or step back applies on its own, anything
    else leaves the week carried over)."""
    if decision.status == DecisionStatus.AUTO_APPLIED:
        return (
            f"Already applied from {_day(decision.starts_on)}, without you (a "
            f"{decision.get_action_display().lower()} never waits): approve it, or override "
            "it with a note."
        )
    begun = decision.week <= monday_of(today)
    on_its_own = decision.action in (PAUSE, STEP_BACK)
    if begun:
        start = max(decision.week, today)
        first = (
            f"Applies from today, {_day(start)}, once you decide: her week has begun, and the "
            "days gone by stay as they were."
        )
        then = (
            "If you don't, it applies on its own within the hour."
            if on_its_own
            else "Until you do, her week stays as it is."
        )
        return f"{first} {then}"
    first = f"Applies from {_day(decision.week)} once you decide."
    if on_its_own:
        then = "If you haven't by her Sunday, it applies on its own."
    elif today.weekday() == 6:
        then = "Until you do, next week repeats this one (already published)."
    else:
        then = "If nobody decides by her Sunday, next week repeats this one."
    return f"{first} {then}"
