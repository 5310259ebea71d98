"""Background work of the plans layer. Tasks take IDs, load, and call a service; each is
safe to run twice (a decision awaiting the coach is recomputed in place, a published week is
not published again)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from athletes.models import Athlete
from checkins import windows
from checkins.models import WeeklyCheckIn
from clinical.progression import PAUSE, STEP_BACK
from web.retries import RetryOptions
from web.weeks import monday_of

from . import publication, services
from .models import Decision, DecisionStatus, PlanWeek

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

    Last week's check-in sent (or changed) once this week's is in recomputes next week's
    decision, which reads both: a decision for the week that is ending would otherwise
    supersede next week's, and lose, say, the step back that this week's pain called for.
    """
    checkin = WeeklyCheckIn.objects.select_related("athlete").filter(pk=checkin_id).first()
    if checkin is None or checkin.athlete.archived:
        return None
    athlete = checkin.athlete
    open_weeks = windows.open_weeks(athlete.today())
    if checkin.week not in open_weeks:
        return None
    latest = max(
        WeeklyCheckIn.objects.filter(athlete=athlete, week__in=open_weeks).values_list(
            "week", flat=True
        )
    )
    for_week = latest + timedelta(weeks=1)
    return services.decision_compute(athlete=athlete, for_week=for_week).pk


@shared_task(acks_late=True, **RETRY)
def publish_weeks(chunk_size: int = 500) -> dict[str, int]:
    """Hourly (SPEC §11): every active athlete has her current week published and, from her
    Sunday on, her next week, each by her own Monday 00:00; a pending pause or step back
    applies without the coach; a week that ended without a check-in gets its decision (a
    hold). Set-based: a fixed handful of queries per chunk finds who needs anything, and only
    they are written. Idempotent: a second run finds nothing to do.

    Every athlete is enrolled with her plan; one who somehow has none (made outside the
    product) gets it here, so that pages, which never write, show it within the hour."""
    now = timezone.now()
    totals = {"athletes": 0, "started": 0, "published": 0, "decisions": 0}
    for athlete in Athlete.objects.active().filter(plan__isnull=True):
        services.plan_start(athlete=athlete)
        totals["started"] += 1
    ids = list(
        Athlete.objects.active()
        .filter(plan__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), chunk_size):
        published, decided = _publish_chunk(ids[start : start + chunk_size], now)
        totals["published"] += published
        totals["decisions"] += decided
    totals["athletes"] = len(ids)
    logger.info(
        "publish_weeks athletes=%d started=%d published=%d decisions=%d",
        totals["athletes"],
        totals["started"],
        totals["published"],
        totals["decisions"],
    )
    return totals


def _publish_chunk(athlete_ids: list[int], now: datetime) -> tuple[int, int]:
    athletes = list(Athlete.objects.filter(pk__in=athlete_ids).select_related("plan"))
    today = {a.pk: now.astimezone(a.tz).date() for a in athletes}
    current = {pk: monday_of(day) for pk, day in today.items()}
    earliest = min(current.values()) - timedelta(weeks=publication.BACKFILL_WEEKS)
    published_weeks: dict[tuple[int, date], str] = {
        (athlete_id, week): reason
        for athlete_id, week, reason in PlanWeek.objects.filter(
            plan__athlete_id__in=athlete_ids, week__gte=earliest
        ).values_list("plan__athlete_id", "week", "reason")
    }
    pending = {
        athlete_id: (week, action)
        for athlete_id, week, action in Decision.objects.filter(
            athlete_id__in=athlete_ids, status=DecisionStatus.PENDING
        ).values_list("athlete_id", "week", "action")
    }
    this_weeks = set(current.values())
    # The latest week each has a decision for: one for this week or a later one (a check-in
    # sent this week decides the next) leaves nothing for week_close to decide.
    decided: dict[int, date] = {}
    for athlete_id, week in Decision.objects.filter(
        athlete_id__in=athlete_ids, week__gte=min(this_weeks)
    ).values_list("athlete_id", "week"):
        decided[athlete_id] = max(week, decided.get(athlete_id, week))
    checked_in = set(
        WeeklyCheckIn.objects.filter(
            athlete_id__in=athlete_ids, week__in={w - timedelta(weeks=1) for w in this_weeks}
        ).values_list("athlete_id", "week")
    )
    published = decided_count = 0
    for athlete in athletes:
        monday, plan = current[athlete.pk], athlete.plan
        if (
            plan.started_on < monday
            and decided.get(athlete.pk, date.min) < monday
            and (athlete.pk, monday - timedelta(weeks=1)) not in checked_in
        ):
            decided_count += (
                services.week_close(athlete=athlete, today=today[athlete.pk]) is not None
            )
            needs = True
        else:
            needs = _needs_publishing(
                athlete.pk, plan.started_on, today[athlete.pk], published_weeks, pending
            )
        if needs:
            published += len(publication.weeks_publish_for(athlete=athlete, now=now))
    return published, decided_count


def _needs_publishing(
    athlete_id: int,
    started_on: date,
    today: date,
    published_weeks: dict[tuple[int, date], str],
    pending: dict[int, tuple[date, str]],
) -> bool:
    monday = monday_of(today)
    targets = [monday] + ([monday + timedelta(weeks=1)] if today.weekday() == 6 else [])
    week = max(started_on, monday - timedelta(weeks=publication.BACKFILL_WEEKS))
    while week <= targets[-1]:
        if (athlete_id, week) not in published_weeks:
            return True
        week += timedelta(weeks=1)
    if athlete_id in pending:
        week, action = pending[athlete_id]
        reason = published_weeks.get((athlete_id, week))
        if week in targets and action in (PAUSE, STEP_BACK) and reason in (None, "carried_over"):
            return True
    return False
