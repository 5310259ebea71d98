"""Start a plan for every athlete who has none.

Plans used to start the first time a page or the API read her plan; now they start when she is
enrolled (``plans.services.athlete_enrol``) and reads never write. An athlete added before
that change and never looked at since has no plan: this gives her the one ``plan_start`` would
have given her today (Plan, this week's PlanWeek and its sessions, her stage and level, the
audit entry), using the historical models. The clearance and time zone rules are mirrored
here; the sessions and their days come from the pure protocol module, as in ``plan_start``.

Reversing it is a no-op: the plans it started are ordinary plans by then.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db import IntegrityError, migrations, transaction
from django.utils import timezone

from clinical import protocol


def _today_where_she_lives(athlete, zones: frozenset[str]) -> date:
    tz = UTC
    if athlete.timezone in zones:
        try:
            tz = ZoneInfo(athlete.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = UTC
    return timezone.now().astimezone(tz).date()


def _clearance_scope(clearances, on: date) -> str | None:
    """athletes.models.current_clearance: the latest given among those valid that day."""
    valid = [
        c for c in clearances if c.cleared_on <= on and (c.expires_on is None or on <= c.expires_on)
    ]
    latest = max(valid, key=lambda c: (c.cleared_on, c.created_at, c.pk), default=None)
    return latest.scope if latest else None


def _session_rows(PlannedSession, plan_week, specs):
    """plans.publication.session_rows: the days come from the pure protocol, as there."""
    return [
        PlannedSession(
            plan_week=plan_week,
            order=item.order,
            day=item.day,
            kind=item.spec.kind,
            minutes=item.spec.minutes,
            run_seconds=item.spec.run_seconds,
            walk_seconds=item.spec.walk_seconds,
            repeats=item.spec.repeats,
            terrain=item.spec.terrain,
            notes=item.spec.notes[:300],
        )
        for item in protocol.lay_out(specs)
    ]


def start_missing_plans(apps, schema_editor) -> int:
    """Returns how many plans it started (for the tests)."""
    Athlete = apps.get_model("athletes", "Athlete")
    Clearance = apps.get_model("athletes", "Clearance")
    Plan = apps.get_model("plans", "Plan")
    PlanWeek = apps.get_model("plans", "PlanWeek")
    PlannedSession = apps.get_model("plans", "PlannedSession")
    AuditEntry = apps.get_model("plans", "AuditEntry")
    zones = frozenset(available_timezones())
    started = 0
    # Read them all first: SQLite gives no isolation between a cursor and writes beside it.
    for athlete in list(Athlete.objects.filter(plan__isnull=True).order_by("pk")):
        this_monday = _today_where_she_lives(athlete, zones)
        this_monday -= timedelta(days=this_monday.weekday())
        stage = protocol.start_stage((this_monday - athlete.delivery_date).days // 7)
        scope = _clearance_scope(Clearance.objects.filter(athlete=athlete), this_monday)
        try:
            # A savepoint: an old web process that starts her plan on a read meanwhile wins.
            with transaction.atomic():
                plan = Plan.objects.create(
                    athlete=athlete,
                    protocol_version=protocol.PROTOCOL_VERSION,
                    started_on=this_monday,
                )
        except IntegrityError:
            continue
        plan_week = PlanWeek.objects.create(
            plan=plan,
            week=this_monday,
            stage=stage,
            level=1,
            decision=None,
            approved=True,
            approved_by=None,
            approved_at=timezone.now(),
        )
        PlannedSession.objects.bulk_create(
            _session_rows(
                PlannedSession,
                plan_week,
                protocol.sessions_for(stage, 1, clearance_scope=scope),
            )
        )
        Athlete.objects.filter(pk=athlete.pk).update(stage=stage, level=1)
        AuditEntry.objects.create(
            athlete=athlete,
            kind="plan_started",
            actor=None,
            details={"stage": stage, "level": 1, "week": this_monday.isoformat()},
        )
        started += 1
    return started


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(start_missing_plans, migrations.RunPython.noop, elidable=False),
    ]
