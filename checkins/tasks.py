"""Background work of the check-ins layer: warning rules, and the e-mails they lead to.

Every task takes IDs, loads, and calls a service; each is safe to run twice (flags are
unique per athlete, rule and week; e-mails are claimed before they are sent). ``acks_late``
means a worker that dies mid-task leaves the message for another worker.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, timedelta

from celery import group, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, Role, User
from athletes.selectors import expiring_for_roster, roster_for_coach
from clinical.help import URGENT_SIGNS, help_for
from web.retries import RetryOptions
from web.weeks import monday_of

from . import services, windows
from .models import WarningFlag, WeeklyCheckIn

logger = logging.getLogger(__name__)

# Transient: the database or the mail server briefly unavailable. Anything else is a bug
# and should fail loudly rather than be retried.
TRANSIENT = (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY: RetryOptions = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 6,
}


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


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

    Fans out: one ``scan_warnings_chunk`` task per chunk of athletes, sent as a Celery group,
    so that every worker (on every machine) takes a share; each chunk is idempotent, so a chunk
    run twice (a worker lost mid-chunk, ``acks_late``) raises nothing twice. Then the e-mails
    of high flags never sent are queued again. Returns what it sent out, not the flags: those
    are raised by the chunks, each logging its own count."""
    chunks = services.scan_chunks()
    if chunks:
        group(scan_warnings_chunk.s(chunk) for chunk in chunks).apply_async()
    queued = services.warnings_renotify()
    athletes = sum(len(chunk) for chunk in chunks)
    logger.info(
        "warnings scan fanned out athletes=%d chunks=%d renotify=%d", athletes, len(chunks), queued
    )
    return {"athletes": athletes, "chunks": len(chunks), "notifications": queued}


@shared_task(acks_late=True, **RETRY)
def scan_warnings_chunk(athlete_ids: list[int]) -> int:
    """One chunk of the daily scan (see ``scan_warnings``). Returns the flags it raised."""
    raised = services.warnings_scan_chunk(athlete_ids=athlete_ids)
    logger.info("warnings scan chunk athletes=%d flags=%d", len(athlete_ids), raised)
    return raised


@shared_task(acks_late=True, **RETRY)
def notify_flag(flag_id: int) -> bool:
    """E-mail the coach once about a new high flag. The conditional update claims the flag
    (healthchecks' pattern): of two runs, only the one that set ``notified_at`` sends."""
    claimed = WarningFlag.objects.filter(pk=flag_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    flag = WarningFlag.objects.select_related("athlete__coach").get(pk=flag_id)
    coach = flag.athlete.coach
    context = {
        "coach": coach,
        "athlete": flag.athlete,
        "flag": flag,
        "url": _site_url(reverse("checkins:coach_flags")),
        "site_name": settings.SITE_NAME,
    }
    try:
        send_mail(
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}A warning sign needs your review",
            render_to_string("checkins/email/flag_high.txt", context),
            None,
            [coach.email],
        )
    except TRANSIENT:
        # Release the claim so that the retry (or the next scan) can send it.
        WarningFlag.objects.filter(pk=flag_id).update(notified_at=None)
        raise
    logger.info("flag notified flag=%s coach=%s", flag_id, coach.pk)
    return True


def digest_expiring(coach: User) -> list[dict]:
    """The digest's expiry section (SPEC §12): her athletes whose clearance or readiness
    lapses soon or before the next stage needs it, soonest first, each with a link to her
    page (three queries)."""
    return [
        {
            "name": athlete.full_name,
            "url": _site_url(reverse("plans:athlete_overview", args=[athlete.pk])),
            "warnings": [w.summary for w in warnings],
        }
        for athlete, warnings in expiring_for_roster(roster_for_coach(coach))
    ]


@shared_task(acks_late=True, **RETRY)
def send_daily_digests() -> int:
    """One e-mail a day per coach with open flags or expiring records: counts by severity and
    the oldest items, and what is expiring."""
    today = timezone.localdate()
    open_here = Q(athletes__flags__status__in=("open", "acknowledged"), athletes__archived=False)
    coaches = User.objects.filter(role=Role.COACH, is_active=True).annotate(
        # The same flags as the review queue: open or acknowledged, athlete not archived.
        open_high=Count("athletes__flags", filter=open_here & Q(athletes__flags__severity="high")),
        open_total=Count("athletes__flags", filter=open_here),
    )
    sent = 0
    for coach in coaches:
        expiring = digest_expiring(coach)
        if not coach.open_total and not expiring:
            continue
        if not services.email_claim(kind="digest", user=coach, key=today.isoformat()):
            continue
        context = {
            "coach": coach,
            "high": coach.open_high,
            "total": coach.open_total,
            "expiring": expiring,
            "url": _site_url(reverse("checkins:coach_flags")),
            "site_name": settings.SITE_NAME,
        }
        try:
            if coach.open_total:
                subject = f"Warning signs to review: {coach.open_total}"
            else:
                subject = f"Clearance or readiness expiring: {len(expiring)}"
            send_mail(
                settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                render_to_string("checkins/email/digest.txt", context),
                None,
                [coach.email],
            )
        except TRANSIENT:
            services.email_unclaim(kind="digest", user=coach, key=today.isoformat())
            raise
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
        if not services.email_claim(kind="reminder", user=athlete.user, key=week.isoformat()):
            continue
        context = {
            "athlete": athlete,
            "last_week_missing": last_week_missing,
            "url": _site_url(reverse("account_login") + "?next=" + reverse("checkins:my_checkin")),
            "site_name": settings.SITE_NAME,
            # The get-help card, in words (SPEC §14).
            "help": help_for(athlete.help_country),
            "urgent_signs": URGENT_SIGNS,
        }
        try:
            send_mail(
                f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}How was your week?",
                render_to_string("checkins/email/reminder.txt", context),
                None,
                [athlete.user.email],
            )
        except TRANSIENT:
            services.email_unclaim(kind="reminder", user=athlete.user, key=week.isoformat())
            raise
        sent += 1
    logger.info("reminders sent=%d", sent)
    return sent
