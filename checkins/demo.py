"""A plausible history of weekly check-ins for ``seed_demo``: mostly good weeks, some
tired ones, a few with symptoms."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from athletes.models import Athlete, User

from .models import WeeklyCheckIn, monday_of


def _week_values(rng: random.Random, athlete: Athlete, week, *, running: bool) -> dict:
    weeks_pp = athlete.weeks_postpartum_on(week)
    tired = rng.random() < 0.18
    symptom_week = rng.random() < 0.07
    walk = min(45 * 5, 60 + weeks_pp * 8 + rng.randint(-20, 30))
    run = 0
    if running:
        run = max(0, min(180, (weeks_pp - 11) * 9 + rng.randint(-10, 15)))
    sessions = rng.choice((3, 4, 4, 5)) if not tired else rng.choice((1, 2, 3))
    values = {
        "sessions_completed": sessions,
        "run_minutes": run,
        "walk_minutes": max(0, walk if not tired else walk // 2),
        "longest_session_minutes": min(max(run // 3, 20 + weeks_pp), 90),
        "effort": rng.randint(3, 6) if sessions else None,
        "energy": rng.choice((1, 2, 2)) if tired else rng.choice((3, 3, 4, 4, 5)),
        "sleep_hours": Decimal(rng.choice((4.5, 5, 5.5)))
        if tired
        else Decimal(str(rng.choice((5.5, 6, 6.5, 7, 7.5)))),
        "sleep_quality": rng.randint(1, 2) if tired else rng.randint(3, 4),
        "mood": rng.randint(2, 3) if tired else rng.randint(3, 5),
        "stress": rng.randint(3, 5) if tired else rng.randint(1, 3),
        "soreness": rng.randint(1, 4),
        "pain": rng.choice((0, 0, 0, 1, 2)),
        "breastfeeding": athlete.breastfeeding,
        "unavailable_days": rng.choice((0, 0, 0, 1, 2)) if tired else 0,
        "notes": rng.choice(
            (
                "",
                "",
                "",
                "Baby had a cold, short on sleep.",
                "Felt good on the walks this week!",
                "Back to work on Monday.",
            )
        ),
    }
    values["longest_session_minutes"] = min(
        values["longest_session_minutes"], values["run_minutes"] + values["walk_minutes"]
    )
    if symptom_week:
        symptom = rng.choice(("leakage", "heaviness", "pelvic_pain", "urgency"))
        values[symptom] = True
        values["pain"] = rng.choice((2, 3, 4))
        values["pain_location"] = "pelvis" if symptom == "pelvic_pain" else ""
    return values


def ensure_demo_checkins(
    *,
    athlete: Athlete,
    weeks: int,
    rng: random.Random,
    submitted_by: User,
    running_from: int | None = None,
) -> list[WeeklyCheckIn]:
    """Replace her check-ins with ``weeks`` weeks of history ending last week (idempotent).

    ``running_from``: weeks postpartum from which she runs (None: she doesn't run yet).
    """
    athlete.checkins.all().delete()
    last_week = monday_of(athlete.today()) - timedelta(weeks=1)
    first_allowed = monday_of(athlete.delivery_date + timedelta(weeks=2))
    rows = []
    for i in range(weeks - 1, -1, -1):
        week = last_week - timedelta(weeks=i)
        if week < first_allowed:
            continue
        if rng.random() < 0.06:  # the odd missed week
            continue
        running = running_from is not None and athlete.weeks_postpartum_on(week) >= running_from
        rows.append(
            WeeklyCheckIn(
                athlete=athlete,
                week=week,
                submitted_by=submitted_by,
                **_week_values(rng, athlete, week, running=running),
            )
        )
    return WeeklyCheckIn.objects.bulk_create(rows)
