"""Series for the check-in charts, and the same numbers as a text alternative.

Every calendar week of the span is on the axis: a week without a check-in is a gap (``null``),
never squeezed out, so that the distance between two points is the time between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from activities.selectors import weekly_elevation
from clinical.dates import day_month, day_month_year

from .models import WeeklyCheckIn

# How many weeks the athlete page and "my week" chart: about a quarter.
CHART_WEEKS = 12


def chart_weeks(last_monday: date, weeks: int = CHART_WEEKS) -> list[date]:
    """The Mondays of the ``weeks`` calendar weeks ending with ``last_monday``, oldest first."""
    return [last_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def chart_series(
    checkins: Sequence[WeeklyCheckIn],
    weeks: Sequence[date] | None = None,
    *,
    athlete_id: int | None = None,
) -> dict:
    """Oldest first, one entry per calendar week (``weeks``; by default every week from her
    first check-in given to her last): weekly run and walk minutes (bars); energy, mood and
    sleep quality (1–5), pain (0–10) and sleep hours, each for a chart of its own scale; the
    weeks with a symptom; and the metres climbed each week from her activity files (one
    query; ``athlete_id`` says whose, else the check-ins'). A week without a check-in holds
    ``None`` everywhere but in the climb."""
    if athlete_id is None and checkins:
        athlete_id = checkins[0].athlete_id
    by_week = {c.week: c for c in checkins}
    if weeks is None:
        if not by_week:
            weeks = []
        else:
            first, last = min(by_week), max(by_week)
            weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    rows = [by_week.get(week) for week in weeks]

    def series(name: str) -> list:
        return [getattr(c, name) if c is not None else None for c in rows]

    climbed = weekly_elevation(athlete_id, list(weeks)) if athlete_id is not None else {}
    return {
        "weeks": [week.isoformat() for week in weeks],
        "labels": [day_month(week) for week in weeks],
        "checked_in": [c is not None for c in rows],
        "run": series("run_minutes"),
        "walk": series("walk_minutes"),
        "energy": series("energy"),
        "mood": series("mood"),
        "sleep_quality": series("sleep_quality"),
        "sleep": [float(c.sleep_hours) if c is not None else None for c in rows],
        "pain": series("pain"),
        "symptoms": [bool(c.reported_symptoms) if c is not None else False for c in rows],
        # Metres climbed each week from her activity files (for the trail stages): a week
        # with files counts whether or not she checked in.
        "elevation": [climbed.get(week, 0) for week in weeks],
        "elevation_summary": _climb_summary(weeks, climbed),
    }


def _climb_summary(weeks: Sequence[date], climbed: dict[date, int]) -> str:
    """The climb line in words, for the text alternative ("" when no file climbed)."""
    if not any(climbed.values()):
        return ""
    top = max(weeks, key=lambda week: climbed.get(week, 0))
    return (
        f"From activity files: {climbed.get(weeks[-1], 0)} m climbed in the latest "
        f"week, {climbed[top]} m at most (week of {day_month(top)})."
    )


def chart_summary(checkins: Sequence[WeeklyCheckIn], weeks: Sequence[date] | None = None) -> str:
    """One or two sentences a screen reader (or a page without JavaScript) can use."""
    if not checkins:
        return "No check-ins in these weeks." if weeks else "No check-ins yet."
    ordered = sorted(checkins, key=lambda c: c.week)
    first, last = ordered[0], ordered[-1]
    symptom_weeks = [c for c in ordered if c.reported_symptoms]
    span = (
        f"{len(ordered)} weekly check-ins from {day_month_year(first.week)} to "
        f"{day_month_year(last.week)}."
    )
    if weeks:
        missing = len(weeks) - len({c.week for c in ordered if c.week in set(weeks)})
        span = (
            f"{len(ordered)} check-ins in the {len(weeks)} weeks from "
            f"{day_month_year(weeks[0])} to {day_month_year(weeks[-1])}"
            + (f"; {missing} week(s) without one." if missing else ".")
        )
    parts = [
        span,
        f"Latest week: {last.run_minutes} min running, {last.walk_minutes} min walking, "
        f"energy {last.energy}/5, mood {last.mood}/5, sleep quality {last.sleep_quality}/5, "
        f"{last.sleep_hours} h sleep, pain {last.pain}/10.",
    ]
    if symptom_weeks:
        parts.append(
            f"Symptoms reported in {len(symptom_weeks)} week(s), most recently the week of "
            f"{day_month(symptom_weeks[-1].week)}."
        )
    else:
        parts.append("No symptoms reported.")
    return " ".join(parts)
