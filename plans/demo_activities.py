"""Demo activities for the demo athlete: what her watch would have recorded of her planned
walks and runs over the last weeks, so that "my week", her check-in and the athlete page show
planned vs done. Numbers only, as for a real upload (no track)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from activities.models import Activity, Source
from activities.summary import HIKE
from activities.summary import RUN as RUN_SPORT
from activities.summary import WALK as WALK_SPORT
from athletes.models import Athlete
from clinical.protocol import RUN, RUN_WALK, WALK
from web.weeks import monday_of

from .models import PlannedSession

DEMO_WEEKS = 4
DEMO_DONE_SHARE = 0.8  # four in five planned sessions recorded
DEMO_PACE_MS = {RUN_SPORT: 2.4, WALK_SPORT: 1.4, HIKE: 1.1}


def demo_activities(*, athlete: Athlete, rng: random.Random) -> int:
    """Replace her activities with simulated ones for her planned sessions of the last
    ``DEMO_WEEKS`` weeks up to yesterday (idempotent). Returns how many were made."""
    Activity.objects.filter(athlete=athlete).delete()
    today = athlete.today()
    first = monday_of(today) - timedelta(weeks=DEMO_WEEKS - 1)
    sessions = PlannedSession.objects.filter(
        plan_week__plan__athlete=athlete,
        plan_week__week__gte=first,
        kind__in=(WALK, RUN_WALK, RUN),
    ).select_related("plan_week")
    made = []
    for session in sessions:
        day = session.plan_week.week + timedelta(days=session.day)
        if day >= today or rng.random() > DEMO_DONE_SHARE:
            continue
        sport = {RUN_WALK: RUN_SPORT, RUN: RUN_SPORT}.get(session.kind, WALK_SPORT)
        if sport == WALK_SPORT and rng.random() < 0.2:
            sport = HIKE
        elapsed = session.minutes * 60 + rng.randint(-120, 240)
        moving = int(elapsed * rng.uniform(0.9, 0.98))
        if session.kind == RUN_WALK and session.repeats and session.run_seconds:
            running = min(moving, session.repeats * session.run_seconds)
        elif sport == RUN_SPORT:
            running = moving
        else:
            running = 0
        walking = moving - running
        distance = running * DEMO_PACE_MS[RUN_SPORT] + walking * DEMO_PACE_MS[sport]
        started = datetime.combine(day, time(7, rng.randint(0, 59)), tzinfo=athlete.tz)
        made.append(
            Activity(
                athlete=athlete,
                started_at=started,
                local_date=day,
                sport=sport,
                elapsed_seconds=elapsed,
                moving_seconds=moving,
                distance_m=round(distance),
                elevation_gain_m=rng.randint(150, 400) if sport == HIKE else rng.randint(5, 60),
                run_seconds=running,
                walk_seconds=walking,
                avg_heart_rate=rng.randint(118, 152),
                source=Source.FILE,
                uploaded_by=athlete.user,
            )
        )
    Activity.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)
