"""Why a week holds what it holds, in plain words: for her on "my week", for her coach on the
athlete page (SPEC §11: advanced, held, carried over, paused, stepped back)."""

from __future__ import annotations

from .models import DecisionStatus, PlanWeek, WeekReason

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

FOR_COACH: dict[str, str] = {
    WeekReason.STARTED: "Her plan's first week.",
    WeekReason.ADVANCED: "Advanced.",
    WeekReason.HELD: "Held at the same level.",
    WeekReason.STEPPED_BACK: "Stepped back.",
    WeekReason.PAUSED: "Paused after a red flag: no impact until you lift it with an override.",
    WeekReason.CARRIED_OVER: "Carried over: nobody decided this week, so it repeats the last.",
}


def why_for_her(week: PlanWeek) -> str:
    return FOR_HER.get(week.reason, "")


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
    """The note her coach left with the decision behind this week, if any."""
    decision = week.decision
    return decision.note if decision is not None else ""
