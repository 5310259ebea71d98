"""Background work of the plans layer. Tasks take IDs, load, and call a service; each is
safe to run twice (a decision awaiting the coach is recomputed in place, a published week is
not published again). The hourly publication fans out over the workers in chunks of whole
rosters (``publish_weeks``)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from celery import group, shared_task
from django.db import OperationalError
from django.utils import timezone

from athletes.models import Athlete
from athletes.selectors import roster_chunks
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
# Athletes per chunk task of the hourly publication (whole rosters: a larger one is a chunk).
PUBLISH_CHUNK_SIZE = 500


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
def publish_weeks(chunk_size: int | None = None) -> dict[str, int]:
    """Hourly (SPEC §11): every active athlete has her current week published and, from her
    Sunday on, her next week, each by her own Monday 00:00; a pending pause or step back
    applies without the coach; a week that ended without a check-in gets its decision (a
    hold). An athlete who somehow has no plan (made outside the product) gets it, so that
    pages, which never write, show it within the hour.

    It fans out, as the daily scan does: one ``publish_weeks_rosters`` task per chunk of
    whole rosters (``athletes.selectors.roster_chunks``), sent as a Celery group, so that
    every worker, on every machine, takes a share. This task only reads the chunks (one
    query) and sends them; the chunks do the work, each idempotent (set-based: a second run
    of a chunk finds nothing to do), so a chunk run twice (a worker lost mid-chunk,
    ``acks_late``) publishes nothing twice. Returns what it sent out: the active athletes and
    the chunks; each chunk logs and returns its own counts (``publish_weeks_rosters``).

    The name and its optional argument are those of the previous release (which looped over
    the chunks in this one task), so beat's schedule and any message already queued run on."""
    chunks = roster_chunks(chunk_size=chunk_size or PUBLISH_CHUNK_SIZE)
    if chunks:
        group(publish_weeks_rosters.s(chunk.coach_ids) for chunk in chunks).apply_async()
    athletes = sum(chunk.athletes for chunk in chunks)
    logger.info("publish_weeks fanned out athletes=%d chunks=%d", athletes, len(chunks))
    return {"athletes": athletes, "chunks": len(chunks)}


@shared_task(acks_late=True, **RETRY)
def publish_weeks_rosters(coach_ids: list[int]) -> dict[str, int]:
    """One chunk of the hourly publication (see ``publish_weeks``): these coaches' active
    athletes, read when the chunk runs (one archived or enrolled since the chunks were sent
    is judged as she is now). Named by coach ids, as the scan's chunks are: a message of a
    handful of ids rather than 500 athlete ids, and one unit of work for both fan-outs (the
    chunk's own queries still list its athletes' ids, as before). An athlete moved to
    another coach while the chunks are in flight may be judged twice (idempotent: nothing
    happens twice) or not at all this hour (the next hour's run has her; her next week is
    published from her Sunday on, a day ahead).

    Each chunk judges by its own clock, ``timezone.now()`` when it runs, not by the parent's:
    a chunk can run minutes after the parent (a queue behind other work) or hours after (a
    retry with backoff, a worker down). What is due is due by her wall clock at the moment of
    writing: with the parent's time, a chunk that runs after her Monday 00:00 would still do
    Sunday's work and leave the week that just ended without its decision until the next
    hour; and one that waited days in the queue (workers down) would apply a pending step
    back as if it were still Sunday, rewriting sessions of days gone by (and dating it from
    Monday), which publishing never does. With its own time, a late chunk does exactly what
    a run started then would do; each athlete is in one chunk, so she is judged by one time.

    Her plan, if she somehow has none, is started here too (``services.plan_start``, safe
    when two runs race), so a chunk leaves its rosters complete on its own. Returns the
    athletes, the plans started, the weeks published and the decisions made."""
    now = timezone.now()
    roster = Athlete.objects.active().filter(coach_id__in=coach_ids)
    started = 0
    for athlete in roster.filter(plan__isnull=True):
        services.plan_start(athlete=athlete)
        started += 1
    athletes = list(roster.filter(plan__isnull=False).select_related("plan").order_by("pk"))
    published, decided = _publish_chunk(athletes, now) if athletes else (0, 0)
    logger.info(
        "publish_weeks chunk coaches=%d athletes=%d started=%d published=%d decisions=%d",
        len(coach_ids),
        len(athletes),
        started,
        published,
        decided,
    )
    return {
        "athletes": len(athletes),
        "started": started,
        "published": published,
        "decisions": decided,
    }


def _publish_chunk(athletes: list[Athlete], now: datetime) -> tuple[int, int]:
    """Set-based: a fixed handful of queries finds who of ``athletes`` (loaded with their
    plan) needs anything, and only they are written. Returns weeks published, decisions."""
    athlete_ids = [a.pk for a in athletes]
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
