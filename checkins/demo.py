"""Plausible weekly check-ins for ``seed_demo``: mostly good weeks, some tired ones, a few
with symptoms. The numbers follow what her plan held that week."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from athletes.models import Athlete, User

from .models import WeeklyCheckIn

NOTES = (
    "",
    "",
    "",
    "",
    "Baby had a cold, short on sleep.",
    "Felt good on the walks this week!",
    "Back to work on Monday, squeezed sessions in at lunch.",
    "Loved being outside again.",
    "Hips a bit tight after the longer walk.",
)


def demo_checkin(
    *,
    rng: random.Random,
    athlete: Athlete,
    week: date,
    sessions: Sequence,
    counted_kinds: frozenset[str],
    submitted_by: User,
    symptom_chance: float = 0.06,
) -> WeeklyCheckIn:
    """An unsaved check-in for ``week``; ``sessions`` are the plan's (kind, minutes, run/walk
    seconds, repeats) for that week."""
    counted = [s for s in sessions if s.kind in counted_kinds]
    tired = rng.random() < 0.16
    unavailable = rng.choice((1, 2, 3)) if tired and rng.random() < 0.5 else 0
    share = rng.uniform(0.4, 0.7) if tired else rng.uniform(0.8, 1.0)
    done = [s for s in counted if rng.random() < share]
    run = walk = longest = 0
    for s in done:
        minutes = s.minutes
        if s.kind == "run_walk" and s.repeats:
            run_part = s.repeats * (s.run_seconds or 0) // 60
            run += run_part
            walk += minutes - run_part
        elif s.kind == "run":
            run += minutes
        elif s.kind == "walk":
            walk += minutes
        if s.kind in ("walk", "run", "run_walk"):
            longest = max(longest, minutes)
    values = {
        "sessions_completed": len(done),
        "run_minutes": run,
        "walk_minutes": walk,
        "longest_session_minutes": min(longest, run + walk),
        "effort": rng.randint(3, 6) if done else None,
        "energy": rng.choice((2, 2, 3)) if tired else rng.choice((3, 3, 4, 4, 5)),
        "sleep_hours": Decimal(
            str(rng.choice((4.5, 5, 5.5, 6)) if tired else rng.choice((5.5, 6, 6.5, 7, 7, 7.5)))
        ),
        "sleep_quality": rng.randint(1, 3) if tired else rng.randint(3, 4),
        "mood": rng.randint(2, 3) if tired else rng.randint(3, 5),
        "stress": rng.randint(3, 4) if tired else rng.randint(1, 3),
        "soreness": rng.randint(1, 4),
        "pain": rng.choice((0, 0, 0, 1, 1, 2)),
        "breastfeeding": athlete.breastfeeding,
        "unavailable_days": unavailable,
        "notes": rng.choice(NOTES),
    }
    if rng.random() < symptom_chance:
        symptom = rng.choice(("leakage", "heaviness", "pelvic_pain", "urgency", "pain"))
        if symptom == "pain":
            values["pain"] = rng.choice((3, 4))
            values["pain_location"] = rng.choice(("left knee", "right hip", "lower back"))
        else:
            values[symptom] = True
            values["pain"] = rng.choice((1, 2))
    return WeeklyCheckIn(athlete=athlete, week=week, submitted_by=submitted_by, **values)


RESOLUTION_NOTES = (
    "Called her: symptoms settled after an easier week. Keep an eye on it.",
    "Referred to pelvic health physio; plan paused until reviewed.",
    "Talked it through; baby's sleep improving, load kept steady.",
    "Spoke with her; she's seeing her GP this week.",
)


def demo_flags(
    *,
    rng: random.Random,
    athlete: Athlete,
    checkins: Sequence[WeeklyCheckIn],
    coach: User,
    profile,
    today: date,
) -> list:
    """The flags the real rules raise on her history; older ones resolved by the coach,
    a few acknowledged, the recent ones open. Unsaved rows."""
    from datetime import timedelta

    from django.utils import timezone

    from clinical import rules
    from clinical.facts import HIGH, CheckInFacts

    from .models import FlagStatus, WarningFlag

    facts = [CheckInFacts.of(c) for c in checkins]
    ids = {c.week: c for c in checkins}
    rows = []
    for c in checkins:
        for flag in rules.evaluate_checkin(profile, facts, c.week):
            age_days = (today - flag.week).days
            row = WarningFlag(
                athlete=athlete,
                checkin=ids.get(flag.week),
                rule=flag.rule,
                severity=flag.severity,
                week=flag.week,
                summary=flag.summary[:400],
                evidence=flag.evidence,
                notified_at=timezone.now() if flag.severity == HIGH else None,
            )
            if age_days > 20 or (age_days > 13 and rng.random() < 0.5):
                when = timezone.now() - timedelta(days=max(age_days - 8, 1))
                row.status = FlagStatus.RESOLVED
                row.acknowledged_by = row.resolved_by = coach
                row.acknowledged_at = row.resolved_at = when
                row.resolution_note = rng.choice(RESOLUTION_NOTES)
            elif rng.random() < 0.25:
                row.status = FlagStatus.ACKNOWLEDGED
                row.acknowledged_by = coach
                row.acknowledged_at = timezone.now() - timedelta(days=1)
            rows.append(row)
    return rows
