"""Writes of check-ins: validate, save, keep history, announce after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils.formats import date_format

from athletes.models import Athlete, User
from athletes.services import athlete_touch

from .models import CheckInRevision, WeeklyCheckIn, monday_of
from .signals import checkin_committed

logger = logging.getLogger(__name__)

# Fields a submit or edit may set; ``week``, ``athlete``, ``submitted_by`` and
# ``sessions_planned`` are set by the service itself.
EDITABLE_FIELDS = (
    "sessions_completed",
    "run_minutes",
    "walk_minutes",
    "longest_session_minutes",
    "effort",
    "energy",
    "sleep_hours",
    "sleep_quality",
    "mood",
    "stress",
    "soreness",
    "pain",
    "pain_location",
    "leakage",
    "urgency",
    "heaviness",
    "pelvic_pain",
    "bleeding",
    "abdominal_doming",
    "feeling_low",
    "breastfeeding",
    "unavailable_days",
    "notes",
)

PlannedSessions = Callable[[Athlete, date], int | None]


def _no_plan(athlete: Athlete, week: date) -> int | None:
    return None


# How many sessions her plan held for a week. The plans layer, above this one, plugs its
# selector in from its AppConfig.ready(); without it the value stays empty.
planned_sessions_provider: PlannedSessions = _no_plan


def set_planned_sessions_provider(provider: PlannedSessions) -> None:
    global planned_sessions_provider
    planned_sessions_provider = provider


def week_for(athlete: Athlete, day: date) -> date:
    """Validate and normalise a reported week: any day inside it gives its Monday."""
    week = monday_of(day)
    if week > monday_of(athlete.today()):
        raise ValidationError({"week": "That week hasn't started yet."})
    if week + timedelta(days=6) < athlete.delivery_date:
        raise ValidationError({"week": "That week is before the baby's birth."})
    return week


def is_editable(checkin: WeeklyCheckIn, athlete: Athlete) -> bool:
    return athlete.today() <= checkin.edit_deadline


def _announce(checkin: WeeklyCheckIn, *, created: bool) -> None:
    checkin_id, athlete_id = checkin.pk, checkin.athlete_id

    def send() -> None:
        checkin_committed.send(
            sender=WeeklyCheckIn, checkin_id=checkin_id, athlete_id=athlete_id, created=created
        )

    # robust: a receiver's failure is logged by Django and never undoes the saved check-in.
    transaction.on_commit(send, robust=True)


@transaction.atomic
def checkin_submit(
    *, athlete: Athlete, week: date, data: dict[str, Any], by: User
) -> WeeklyCheckIn:
    """Store her report of ``week`` (any day in it). One per athlete and week: a second submit,
    even a concurrent one, gets a ``ValidationError`` and writes nothing."""
    monday = week_for(athlete, week)
    checkin = WeeklyCheckIn(athlete=athlete, week=monday, submitted_by=by)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(checkin, name, data[name])
    checkin.sessions_planned = planned_sessions_provider(athlete, monday)
    checkin.full_clean(validate_constraints=False)
    duplicate = ValidationError({"week": "There is already a check-in for this week."})
    if WeeklyCheckIn.objects.filter(athlete=athlete, week=monday).exists():
        raise duplicate
    try:
        # A savepoint, so that losing the race to a concurrent submit leaves the outer
        # transaction usable; the unique constraint is the arbiter.
        with transaction.atomic():
            checkin.save(force_insert=True)
    except IntegrityError:
        raise duplicate from None
    athlete_touch(athlete_id=athlete.pk)
    logger.info("checkin submitted checkin=%s athlete=%s by=%s", checkin.pk, athlete.pk, by.pk)
    _announce(checkin, created=True)
    return checkin


@transaction.atomic
def checkin_update(*, checkin: WeeklyCheckIn, data: dict[str, Any], by: User) -> WeeklyCheckIn:
    """Change a check-in within its window (to the end of the following week), keeping the
    previous values as a revision."""
    checkin = WeeklyCheckIn.objects.select_for_update().select_related("athlete").get(pk=checkin.pk)
    athlete = checkin.athlete
    if not is_editable(checkin, athlete):
        deadline = date_format(checkin.edit_deadline, "l j F")
        raise ValidationError(
            f"This check-in could be changed until {deadline}; that time has passed."
        )
    before = model_to_dict(checkin, fields=EDITABLE_FIELDS)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(checkin, name, data[name])
    checkin.full_clean(validate_constraints=False)
    after = model_to_dict(checkin, fields=EDITABLE_FIELDS)
    changed = [name for name in EDITABLE_FIELDS if before[name] != after[name]]
    if not changed:
        return checkin
    CheckInRevision.objects.create(
        checkin=checkin,
        values={k: (str(v) if k == "sleep_hours" else v) for k, v in before.items()},
        changed_fields=changed,
        revised_by=by,
    )
    checkin.save()
    athlete_touch(athlete_id=athlete.pk)
    logger.info("checkin updated checkin=%s athlete=%s by=%s", checkin.pk, athlete.pk, by.pk)
    _announce(checkin, created=False)
    return checkin
