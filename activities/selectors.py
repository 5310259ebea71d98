"""Reads of activities, scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from athletes.models import Athlete

from .models import Activity
from .summary import HIKE, RUN, WALK

# What a check-in counts as a session: on foot, at any pace.
ON_FOOT = (RUN, WALK, HIKE)


def activities_for_athlete(athlete: Athlete) -> QuerySet[Activity]:
    """Her activities, newest first. The caller has already found her through the policy."""
    return Activity.objects.filter(athlete=athlete).order_by("-started_at", "-id")


def activities_between(athlete: Athlete, first: date, last: date) -> list[Activity]:
    """Her activities whose local day is in [first, last], oldest first: one query."""
    return list(
        Activity.objects.filter(
            athlete=athlete, local_date__gte=first, local_date__lte=last
        ).order_by("started_at", "id")
    )


@dataclass(frozen=True)
class WeekTotals:
    """What her watch says of one week, in the check-in's own terms."""

    sessions: int
    run_minutes: int
    walk_minutes: int
    longest_session_minutes: int
    longest_run_minutes: int
    elevation_gain_m: int

    def __bool__(self) -> bool:
        return self.sessions > 0


def totals_of(activities: list[Activity]) -> WeekTotals:
    on_foot = [a for a in activities if a.sport in ON_FOOT]
    with_running = [a for a in on_foot if a.run_seconds > 0]
    return WeekTotals(
        sessions=len(on_foot),
        run_minutes=round(sum(a.run_seconds for a in on_foot) / 60),
        walk_minutes=round(sum(a.walk_seconds for a in on_foot) / 60),
        longest_session_minutes=max((a.moving_minutes for a in on_foot), default=0),
        longest_run_minutes=max((a.moving_minutes for a in with_running), default=0),
        elevation_gain_m=sum(a.elevation_gain_m for a in on_foot),
    )


def week_totals(athlete: Athlete, monday: date) -> WeekTotals:
    """Her week (Monday to Sunday, her days) from her activities: one query."""
    return totals_of(activities_between(athlete, monday, monday + timedelta(days=6)))


def weekly_elevation(athlete_id: int, mondays: list[date]) -> dict[date, int]:
    """Metres climbed each of these weeks, on foot: one query."""
    if not mondays:
        return {}
    rows = Activity.objects.filter(
        athlete_id=athlete_id,
        sport__in=ON_FOOT,
        local_date__gte=min(mondays),
        local_date__lte=max(mondays) + timedelta(days=6),
    ).values_list("local_date", "elevation_gain_m")
    gained = dict.fromkeys(mondays, 0)
    for day, metres in rows:
        monday = day - timedelta(days=day.weekday())
        if monday in gained:
            gained[monday] += metres
    return gained
