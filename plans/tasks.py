"""Background work of the plans layer. Tasks take IDs, load, and call a service; each is
safe to run twice (a decision is unique per athlete and week, a pending one is replaced)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError

from athletes.models import Athlete
from checkins import windows
from checkins.models import WeeklyCheckIn
from web.retries import RetryOptions
from web.weeks import monday_of

from . import services
from .models import Decision

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError,)
RETRY: RetryOptions = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, **RETRY)
def decide_after_checkin(checkin_id: int) -> int | None:
    """Recompute the decision for the week after a check-in's week.

    Only a check-in whose week is still open (checkins/windows.py: last week's, or this
    week's from its opening day) drives a decision, for this week or next week; history of
    a closed week changes nothing still to be decided. The receiver queues only live
    check-ins; this guard, judged again when the task runs, is the same rule.
    """
    checkin = WeeklyCheckIn.objects.select_related("athlete").filter(pk=checkin_id).first()
    if checkin is None or checkin.athlete.archived:
        return None
    athlete = checkin.athlete
    if not windows.is_open(checkin.week, athlete.today()):
        return None
    for_week = checkin.week + timedelta(weeks=1)
    return services.decision_compute(athlete=athlete, for_week=for_week).pk


@shared_task(acks_late=True, **RETRY)
def close_weeks(chunk_size: int = 200) -> int:
    """Hourly: for every active athlete whose week has ended without a decision for the new
    week, compute one (a hold, when there was no check-in). Returns how many were made."""
    made = 0
    ids = list(Athlete.objects.active().values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        athletes = list(
            Athlete.objects.filter(pk__in=chunk)
            .select_related("plan")
            .prefetch_related("clearances", "assessments")
        )
        earliest = min(monday_of(a.today()) for a in athletes)
        # One query for the chunk: which (athlete, week) pairs are already decided.
        decided = set(
            Decision.objects.filter(athlete_id__in=chunk, week__gte=earliest).values_list(
                "athlete_id", "week"
            )
        )
        for athlete in athletes:
            for_week = monday_of(athlete.today())
            plan = getattr(athlete, "plan", None)
            if plan is None:
                # Every athlete is enrolled with a plan; this only catches one who somehow has
                # none, so that pages (which never write) show her plan within the hour.
                services.plan_start(athlete=athlete)
                continue
            if plan.started_on >= for_week or (athlete.pk, for_week) in decided:
                continue
            services.decision_compute(athlete=athlete, for_week=for_week)
            made += 1
    logger.info("close_weeks decisions=%d", made)
    return made
