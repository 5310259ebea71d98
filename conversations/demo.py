"""The demo athlete's conversation with her coach, for ``seed_demo`` (plans'
``demo_athlete_seeded``): a short exchange about her latest check-in and this week, the last
message hers and not read yet, so that the coach sees an unread count on first sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from athletes.models import Athlete, User
from checkins.models import WeeklyCheckIn
from plans.models import PlanWeek

from .models import Message


def demo_conversation(*, athlete: Athlete, coach: User, scripted: bool) -> int:
    """Replace her thread with the exchange, as ``plans.demo.simulate`` replaces her history
    (whose check-ins and weeks it points at): running the seed again gives the same demo.
    Written as history, with past times and no e-mail. Returns how many were written."""
    if not scripted or athlete.user is None:
        return 0
    Message.objects.filter(athlete=athlete).delete()
    now = timezone.now()
    checkin = WeeklyCheckIn.objects.filter(athlete=athlete).order_by("-week").first()
    week = PlanWeek.objects.filter(plan__athlete=athlete, week__lte=athlete.today()).first()
    name = athlete.first_name
    script: list[tuple[bool, int, dict[str, Any], str]] = [
        (
            True,
            50,
            {"checkin": checkin},
            f"Lovely to see your week, {name}. How did the longer "
            "walks feel for your pelvic floor?",
        ),
        (False, 46, {}, "Good! A little heavy after Thursday's, but it had gone by the evening."),
        (
            True,
            26,
            {"plan_week": week},
            "Thanks for telling me. Keep Thursday's walk flat this "
            "week, and tell me if the heaviness comes back.",
        ),
        (False, 3, {}, "Will do. Is it all right to swap Tuesday and Wednesday this week?"),
    ]
    rows = []
    for i, (from_coach, hours_ago, about, body) in enumerate(script):
        sent = now - timedelta(hours=hours_ago)
        last = i == len(script) - 1
        rows.append(
            Message(
                athlete=athlete,
                author=coach if from_coach else athlete.user,
                from_coach=from_coach,
                body=body,
                sent_at=sent,
                read_at=None if last else sent + timedelta(hours=1),
                mailed_at=sent,
                **{k: v for k, v in about.items() if v is not None},
            )
        )
    Message.objects.bulk_create(rows)
    return len(rows)
