"""The e-mails of the check-ins layer, in words: what a coach reads about warning signs.

Each function renders one e-mail (text and HTML, ``templates/checkins/email/``) and queues it
in the outbox (``athletes.mail``) under a key that makes it go out once.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.urls import reverse
from django.utils import timezone

from athletes.mail import email_queue
from athletes.models import Athlete, OutgoingEmail, User
from web.links import absolute_url

from .models import WarningFlag


def athlete_page_url(athlete_id: int) -> str:
    """Her athlete page, where the coach acts on what the e-mail says."""
    return absolute_url(reverse("plans:athlete_overview", args=[athlete_id]))


def _source(flags: list[WarningFlag], athlete: Athlete) -> dict[str, object]:
    """What raised these flags, in words: her symptom report (with what she reported) or
    her check-in of a week."""
    first = flags[0]
    report = first.symptom_report if first.symptom_report_id else None
    if report is not None:
        at = timezone.localtime(report.reported_at, athlete.tz)
        return {
            "kind": "symptom report",
            "when": f"on {at:%A} {at.day} {at:%B} at {at:%H:%M} (her time)",
            "reported": report.description,
        }
    week: date = first.week
    return {
        "kind": "check-in" if first.checkin_id else "check-ins",
        "when": f"for the week of {week.day} {week:%B}",
        "reported": "",
    }


def high_flags_email(
    *, athlete: Athlete, coach: User, flags: list[WarningFlag]
) -> OutgoingEmail | None:
    """One e-mail to her coach listing every high flag one check-in or report raised."""
    ids = ",".join(str(f.pk) for f in sorted(flags, key=lambda f: f.pk))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:32]
    source = _source(flags, athlete)
    count = len(flags)
    context = {
        "coach": coach,
        "athlete": athlete,
        "flags": flags,
        "count": count,
        "source": source,
        "url": athlete_page_url(athlete.pk),
        "queue_url": absolute_url(reverse("checkins:coach_flags")),
        "preferences_url": absolute_url(reverse("athletes:notification_preferences")),
    }
    signs = "warning sign" if count == 1 else "warning signs"
    return email_queue(
        key=f"high-flags:{athlete.pk}:{digest}",
        to=coach.email,
        subject=f"{athlete.first_name}'s {source['kind']}: {count} high-priority {signs}",
        template="checkins/email/high_flags",
        context=context,
        athlete_id=athlete.pk,
        recipient_id=coach.pk,
    )
