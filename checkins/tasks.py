"""Background work of the check-ins layer: warning rules, and the e-mails they lead to.

Every task takes IDs, loads, and calls a service; each is safe to run twice (flags are
unique per athlete, rule and week; e-mails are claimed before they are sent). ``acks_late``
means a worker that dies mid-task leaves the message for another worker.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import group, shared_task
from django.db import OperationalError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from athletes.mail import email_queue
from athletes.models import Athlete, Role, User
from athletes.selectors import expiring_for_roster
from clinical.help import URGENT_SIGNS, help_for
from web.links import absolute_url
from web.retries import RetryOptions
from web.weeks import monday_of

from . import selectors, services, windows
from .models import WeeklyCheckIn
from .notifications import athlete_page_url

logger = logging.getLogger(__name__)

# Transient: the database briefly unavailable (the mail server's failures are the outbox's
# to retry, ``athletes.mail``). Anything else is a bug and should fail loudly.
TRANSIENT = (OperationalError,)
RETRY: RetryOptions = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(acks_late=True, **RETRY)
def evaluate_checkin(athlete_id: int, week: str) -> int:
    """Run the warning rules on her check-in of ``week`` (ISO date). Returns new flags."""
    athlete = (
        Athlete.objects.filter(pk=athlete_id).prefetch_related("clearances", "assessments").first()
    )
    if athlete is None or athlete.archived:
        return 0
    return len(services.warnings_evaluate(athlete=athlete, week=date.fromisoformat(week)))


@shared_task(acks_late=True, **RETRY)
def scan_warnings() -> dict[str, int]:
    """Daily: streaks, missed check-ins, and anything a failed evaluation left behind.

    It fans out: one ``scan_warnings_rosters`` task per chunk of whole rosters, sent as a
    Celery group, so that every worker (on every machine) takes a share; each chunk is
    idempotent, so a chunk run twice (a worker lost mid-chunk, ``acks_late``) raises nothing
    twice, and each queues the e-mails of its coaches' high flags not yet sent, one task per
    coach. The e-mails left unsent for athletes archived since are queued here. Returns what
    it sent out, not the flags: the chunks raise those, each logging its count."""
    chunks = services.scan_chunks()
    queued = services.warnings_renotify()
    if chunks:
        group(scan_warnings_rosters.s(chunk.coach_ids) for chunk in chunks).apply_async()
    athletes = sum(chunk.athletes for chunk in chunks)
    logger.info(
        "warnings scan fanned out athletes=%d chunks=%d renotify=%d", athletes, len(chunks), queued
    )
    return {"athletes": athletes, "chunks": len(chunks), "notifications": queued}


@shared_task(acks_late=True, **RETRY)
def scan_warnings_rosters(coach_ids: list[int]) -> dict[str, int]:
    """One chunk of the daily scan (see ``scan_warnings``): these coaches' active athletes.
    Returns the athletes scanned, the flags raised and the flags whose e-mail it queued."""
    done = services.warnings_scan_chunk(coach_ids=coach_ids)
    logger.info(
        "warnings scan chunk coaches=%d athletes=%d flags=%d notified=%d",
        len(coach_ids),
        done["athletes"],
        done["flags"],
        done["notifications"],
    )
    return done


@shared_task(acks_late=True, **RETRY)
def scan_warnings_chunk(athlete_ids: list[int]) -> dict[str, int]:
    """The chunk task of the previous release (by athletes), kept for messages still queued
    under its name: it scans the whole rosters these athletes belong to."""
    coach_ids = sorted(
        set(Athlete.objects.filter(pk__in=athlete_ids).values_list("coach_id", flat=True))
    )
    return scan_warnings_rosters(coach_ids)


@shared_task(acks_late=True, **RETRY)
def notify_high_flags(flag_ids: list[int]) -> int:
    """E-mail the coach once about new high flags: one e-mail per check-in or symptom report
    among them, listing its flags (``services.high_flags_notify``; safe to run twice)."""
    return services.high_flags_notify(flag_ids=list(flag_ids))


@shared_task(acks_late=True, **RETRY)
def notify_flag(flag_id: int) -> int:
    """The one-flag task of earlier releases, kept for messages still queued under its name."""
    return services.high_flags_notify(flag_ids=[flag_id])


def digest_expiring(coach_ids: list[int]) -> dict[int, list[dict]]:
    """The digest's expiry section (SPEC §12), for each of these coaches: her athletes whose
    clearance or readiness lapses soon or before the next stage needs it, soonest first, each
    with a link to her page (three queries for all the coaches)."""
    found: dict[int, list[dict]] = {}
    athletes = Athlete.objects.filter(coach_id__in=coach_ids)
    for athlete, warnings in expiring_for_roster(athletes):
        found.setdefault(athlete.coach_id, []).append(
            {
                "name": athlete.full_name,
                "url": athlete_page_url(athlete.pk),
                "warnings": [w.summary for w in warnings],
            }
        )
    return found


@shared_task(acks_late=True, **RETRY)
def send_daily_digests() -> int:
    """One e-mail a day per coach with open flags or expiring records: counts by severity,
    every open high flag by athlete with a link to her page (the only e-mail about them for a
    coach who chose "in the daily digest only"), and what is expiring. Queued once a day per
    coach (claimed with the outbox row, in one transaction)."""
    today = timezone.localdate()
    open_here = Q(athletes__flags__status__in=("open", "acknowledged"), athletes__archived=False)
    coaches = list(
        User.objects.filter(role=Role.COACH, is_active=True).annotate(
            # The same flags as the review queue: open or acknowledged, athlete not archived.
            open_high=Count(
                "athletes__flags", filter=open_here & Q(athletes__flags__severity="high")
            ),
            open_total=Count("athletes__flags", filter=open_here),
        )
    )
    high_by_coach = selectors.open_high_flags_by_coach([c.pk for c in coaches])
    expiring_by_coach = digest_expiring([c.pk for c in coaches])
    since = timezone.now() - timedelta(days=1)
    sent = 0
    for coach in coaches:
        expiring = expiring_by_coach.get(coach.pk, [])
        if not coach.open_total and not expiring:
            continue
        context = {
            "coach": coach,
            "high": coach.open_high,
            "total": coach.open_total,
            "expiring": expiring,
            "url": absolute_url(reverse("checkins:coach_flags")),
            "high_flags": [
                {
                    "athlete": athlete,
                    "url": athlete_page_url(athlete.pk),
                    "flags": flags,
                    "new": sum(f.created_at >= since for f in flags),
                }
                for athlete, flags in high_by_coach.get(coach.pk, [])
            ],
            "preferences_url": absolute_url(reverse("athletes:notification_preferences")),
        }
        if coach.open_total:
            subject = f"Warning signs to review: {coach.open_total}"
        else:
            subject = f"Clearance or readiness expiring: {len(expiring)}"
        with transaction.atomic():
            if not services.email_claim(kind="digest", user=coach, key=today.isoformat()):
                continue
            email_queue(
                key=f"digest:{coach.pk}:{today.isoformat()}",
                to=coach.email,
                subject=subject,
                template="checkins/email/digest",
                context=context,
                recipient_id=coach.pk,
            )
        sent += 1
    logger.info("digests sent=%d", sent)
    return sent


REMINDER_WEEKDAY = 6  # Sunday
REMINDER_HOUR = 17  # her local time


@shared_task(acks_late=True, **RETRY)
def send_checkin_reminders() -> int:
    """Hourly: to each athlete whose local time is Sunday 17:00–17:59 and who has not checked
    in for this week (open since Friday), one reminder with a sign-in link (once per week,
    claimed by this week's Monday). If last week's is missing too — it closes tonight — the
    same e-mail says so."""
    now = timezone.now()
    athletes = [
        a
        for a in Athlete.objects.active()
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user")
        if (local := now.astimezone(a.tz)).weekday() == REMINDER_WEEKDAY
        and local.hour == REMINDER_HOUR
    ]
    if not athletes:
        return 0
    weeks = {a.pk: monday_of(now.astimezone(a.tz).date()) for a in athletes}
    done = set(
        WeeklyCheckIn.objects.filter(
            athlete_id__in=weeks, week__gte=min(weeks.values()) - timedelta(weeks=1)
        ).values_list("athlete_id", "week")
    )
    sent = 0
    for athlete in athletes:
        week = weeks[athlete.pk]
        if (athlete.pk, week) in done:
            continue
        last_week = week - timedelta(weeks=1)
        last_week_missing = (
            (athlete.pk, last_week) not in done
            and last_week + timedelta(days=6) >= athlete.delivery_date
            and windows.is_open(last_week, now.astimezone(athlete.tz).date())
        )
        context = {
            "athlete": athlete,
            "last_week_missing": last_week_missing,
            "url": absolute_url(
                reverse("account_login") + "?next=" + reverse("checkins:my_checkin")
            ),
            # The get-help card, in words (SPEC §14).
            "help": help_for(athlete.help_country),
            "urgent_signs": URGENT_SIGNS,
        }
        with transaction.atomic():
            if not services.email_claim(kind="reminder", user=athlete.user, key=week.isoformat()):
                continue
            email_queue(
                key=f"reminder:{athlete.user_id}:{week.isoformat()}",
                to=athlete.user.email,
                subject="How was your week?",
                template="checkins/email/reminder",
                context=context,
                athlete_id=athlete.pk,
                recipient_id=athlete.user_id,
            )
        sent += 1
    logger.info("reminders sent=%d", sent)
    return sent
