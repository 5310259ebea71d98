"""Series for the check-in charts, and the same numbers as a text alternative."""

from __future__ import annotations

from collections.abc import Sequence

from activities.selectors import weekly_elevation

from .models import WeeklyCheckIn


def chart_series(checkins: Sequence[WeeklyCheckIn]) -> dict:
    """Oldest first: weekly run and walk minutes (bars), energy, sleep and pain (lines), the
    weeks with a symptom, and the metres climbed each week from her activity files (for the
    trail stages; one query)."""
    ordered = sorted(checkins, key=lambda c: c.week)
    climbed = weekly_elevation(ordered[0].athlete_id, [c.week for c in ordered]) if ordered else {}
    return {
        "weeks": [c.week.isoformat() for c in ordered],
        "labels": [c.week.strftime("%d %b") for c in ordered],
        "run": [c.run_minutes for c in ordered],
        "walk": [c.walk_minutes for c in ordered],
        "energy": [c.energy for c in ordered],
        "sleep": [float(c.sleep_hours) for c in ordered],
        "pain": [c.pain for c in ordered],
        "symptoms": [bool(c.reported_symptoms) for c in ordered],
        "elevation": [climbed.get(c.week, 0) for c in ordered],
        "elevation_summary": _climb_summary(ordered, climbed),
    }


def _climb_summary(ordered: Sequence[WeeklyCheckIn], climbed: dict) -> str:
    """The climb line in words, for the text alternative ("" when no file climbed)."""
    if not any(climbed.values()):
        return ""
    top = max(ordered, key=lambda c: climbed.get(c.week, 0))
    return (
        f"From activity files: {climbed.get(ordered[-1].week, 0)} m climbed in the latest "
        f"week, {climbed[top.week]} m at most (week of {top.week:%d %b})."
    )


def chart_summary(checkins: Sequence[WeeklyCheckIn]) -> str:
    """One or two sentences a screen reader (or a page without JavaScript) can use."""
    if not checkins:
        return "No check-ins yet."
    ordered = sorted(checkins, key=lambda c: c.week)
    first, last = ordered[0], ordered[-1]
    symptom_weeks = [c for c in ordered if c.reported_symptoms]
    parts = [
        f"{len(ordered)} weekly check-ins from {first.week:%d %b %Y} to {last.week:%d %b %Y}.",
        f"Latest week: {last.run_minutes} min running, {last.walk_minutes} min walking, "
        f"energy {last.energy}/5, {last.sleep_hours} h sleep, pain {last.pain}/10.",
    ]
    if symptom_weeks:
        parts.append(
            f"Symptoms reported in {len(symptom_weeks)} week(s), most recently the week of "
            f"{symptom_weeks[-1].week:%d %b}."
        )
    else:
        parts.append("No symptoms reported.")
    return " ".join(parts)
