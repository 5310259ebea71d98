"""Planned vs done (SPEC §13): each planned walk, run-walk or run matched to an activity of its
day, and compliance by session and by week, with the days she marked unavailable left out as
the progression engine leaves them out (``clinical.progression``: planned × (7 − days off) / 7,
and no judgement at all once ``UNAVAILABLE_WEEK_DAYS`` are lost)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Prefetch, Q, Subquery

from activities.models import Activity
from activities.selectors import activities_between
from activities.summary import HIKE
from activities.summary import RUN as RUN_SPORT
from activities.summary import WALK as WALK_SPORT
from athletes.models import Athlete
from checkins.models import WeeklyCheckIn
from clinical.protocol import RUN, RUN_WALK, WALK
from clinical.thresholds import UNAVAILABLE_WEEK_DAYS

from .models import PlannedSession, PlanWeek

# Which activities count for which planned session: a run-walk recorded as a run or as a walk
# (watches and apps call it either), a walk as a walk or a hike, a run as a run.
MATCHES = {
    RUN_WALK: (RUN_SPORT, WALK_SPORT),
    WALK: (WALK_SPORT, HIKE),
    RUN: (RUN_SPORT,),
}


@dataclass(frozen=True)
class SessionOutcome:
    session: PlannedSession
    day: date
    activity: Activity | None

    @property
    def done(self) -> bool:
        return self.activity is not None


@dataclass(frozen=True)
class WeekCompliance:
    monday: date
    outcomes: list[SessionOutcome]
    unavailable_days: int  # from her check-in of the week (0 without one)
    in_progress: bool = False  # the week has not ended yet: not judged until it has
    # Any activity file that week: without one, nothing says whether she skipped her
    # sessions or did them without her watch, so the week is not judged.
    has_files: bool = True

    @property
    def planned(self) -> int:
        return len(self.outcomes)

    @property
    def done(self) -> int:
        return sum(1 for o in self.outcomes if o.done)

    @property
    def judged(self) -> bool:
        return (
            not self.in_progress
            and self.has_files
            and self.planned > 0
            and self.unavailable_days < UNAVAILABLE_WEEK_DAYS
        )

    @property
    def percent(self) -> int | None:
        """Done over what was expected of her available days, at most 100; None when the
        week is not judged (not over yet, no files, nothing planned, or most of it
        unavailable)."""
        if not self.judged:
            return None
        expected = Fraction(self.planned) * Fraction(7 - self.unavailable_days, 7)
        return round(100 * min(Fraction(1), Fraction(self.done) / expected))


def match_week(
    monday: date, sessions: Sequence[PlannedSession], activities: Sequence[Activity]
) -> list[SessionOutcome]:
    """Each timed session of the week with the activity that did it, if any. An activity
    counts once; among those of the right day and sport the longest wins. Pure."""
    used: set[int] = set()
    outcomes = []
    for session in sessions:
        if session.kind not in MATCHES:
            continue
        day = monday + timedelta(days=session.day)
        candidates = [
            a
            for a in activities
            if a.local_date == day and a.sport in MATCHES[session.kind] and id(a) not in used
        ]
        best = max(candidates, key=lambda a: a.moving_seconds, default=None)
        if best is not None:
            used.add(id(best))
        outcomes.append(SessionOutcome(session, day, best))
    return outcomes


def compliance_for(athlete: Athlete, mondays: Sequence[date]) -> list[WeekCompliance]:
    """Planned vs done for each of these weeks, newest first. Four queries whatever the number
    of weeks: plan weeks, their sessions, activities, check-ins. A week without its own plan
    week follows the latest one before it (a plan carried over)."""
    if not mondays:
        return []
    first, last = min(mondays), max(mondays)
    own = PlanWeek.objects.filter(plan__athlete=athlete)
    carried = own.filter(week__lt=first).order_by("-week").values("pk")[:1]
    weeks = list(
        own.filter(Q(week__gte=first, week__lte=last) | Q(pk__in=Subquery(carried)))
        .prefetch_related(
            Prefetch("sessions", queryset=PlannedSession.objects.order_by("day", "order", "id"))
        )
        .order_by("-week")
    )
    activities = activities_between(athlete, first, last + timedelta(days=6))
    days_off = dict(
        WeeklyCheckIn.objects.filter(athlete=athlete, week__gte=first, week__lte=last).values_list(
            "week", "unavailable_days"
        )
    )
    today = athlete.today()
    out = []
    for monday in sorted(mondays, reverse=True):
        plan_week = next((w for w in weeks if w.week <= monday), None)
        sessions = list(plan_week.sessions.all()) if plan_week else []
        out.append(
            WeekCompliance(
                monday=monday,
                outcomes=match_week(monday, sessions, activities),
                unavailable_days=days_off.get(monday, 0),
                in_progress=monday + timedelta(days=6) >= today,
                has_files=any(
                    monday <= a.local_date <= monday + timedelta(days=6) for a in activities
                ),
            )
        )
    return out
