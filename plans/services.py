"""Writes of the plans layer: enrolling an athlete (her profile and her plan), computing
decisions, the coach's approval or override, and the weeks and sessions they generate."""

from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone

from athletes import services as athlete_services
from athletes.models import Athlete, User, current_clearance
from clinical import protocol
from clinical.progression import ACTIONS, recommend, safety_gates_for
from web.weeks import monday_of

from . import selectors
from .models import (
    SESSION_FIELDS,
    AuditEntry,
    CalendarFeed,
    Decision,
    DecisionStatus,
    Plan,
    PlannedSession,
    PlanWeek,
)

logger = logging.getLogger(__name__)


def _set_position(athlete: Athlete, stage: str, level: int) -> None:
    athlete.stage, athlete.level = stage, level
    Athlete.objects.filter(pk=athlete.pk).update(stage=stage, level=level)


def session_rows(plan_week: PlanWeek, specs: list[protocol.SessionSpec]) -> list[PlannedSession]:
    """Unsaved sessions for a week, on the days the protocol lays them out."""
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


def _write_sessions(plan_week: PlanWeek, specs: list[protocol.SessionSpec]) -> None:
    plan_week.sessions.all().delete()
    PlannedSession.objects.bulk_create(session_rows(plan_week, specs))


def _generate_week(
    *,
    athlete: Athlete,
    plan: Plan,
    week: date,
    stage: str,
    level: int,
    decision: Decision | None,
    by: User | None,
) -> PlanWeek:
    """Create (or replace) the approved plan week and its sessions; move her to it."""
    clearance = current_clearance(list(athlete.clearances.all()), week)
    plan_week, _ = PlanWeek.objects.update_or_create(
        plan=plan,
        week=week,
        defaults={
            "stage": stage,
            "level": level,
            "decision": decision,
            "approved": True,
            "approved_by": by,
            "approved_at": timezone.now(),
        },
    )
    _write_sessions(
        plan_week,
        protocol.sessions_for(stage, level, clearance_scope=clearance.scope if clearance else None),
    )
    latest = (
        PlanWeek.objects.filter(plan=plan).order_by("-week").values_list("stage", "level").first()
    )
    if latest is not None:
        _set_position(athlete, *latest)
    return plan_week


@transaction.atomic
def athlete_enrol(*, coach: User, data: dict[str, Any], by: User | None) -> Athlete:
    """Add an athlete to a coach's roster and start her plan, in one transaction: every
    athlete has a plan from the moment she exists, so no page or endpoint ever has to create
    one while it is being read (SPEC §11: a read never writes). This is the only way the
    product creates athletes: the coach's form, the API, the admin, the demo data."""
    athlete = athlete_services.athlete_create(coach=coach, data=data)
    plan_start(athlete=athlete, by=by)
    return athlete


@transaction.atomic
def plan_start(*, athlete: Athlete, by: User | None = None) -> Plan:
    """Her plan: it starts this week at ``recover`` under 3 weeks postpartum, otherwise at
    ``walk`` (SPEC §5). Called when she is enrolled (``athlete_enrol``); writes that need a
    plan call it too, as does the hourly ``close_weeks`` for an athlete who somehow has
    none. Never from a read. Safe to call again."""
    existing = Plan.objects.filter(athlete=athlete).first()
    if existing is not None:
        return existing
    this_monday = monday_of(athlete.today())
    stage = protocol.start_stage(athlete.weeks_postpartum_on(this_monday))
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                athlete=athlete,
                protocol_version=protocol.PROTOCOL_VERSION,
                started_on=this_monday,
            )
    except IntegrityError:  # started concurrently: use the other one
        return Plan.objects.get(athlete=athlete)
    _generate_week(
        athlete=athlete, plan=plan, week=this_monday, stage=stage, level=1, decision=None, by=by
    )
    AuditEntry.objects.create(
        athlete=athlete,
        kind=AuditEntry.Kind.PLAN_STARTED,
        actor=by,
        details={"stage": stage, "level": 1, "week": this_monday.isoformat()},
    )
    logger.info("plan started athlete=%s stage=%s", athlete.pk, stage)
    return plan


@transaction.atomic
def decision_compute(*, athlete: Athlete, for_week: date) -> Decision:
    """The recommendation for ``for_week`` (a Monday). Idempotent: it replaces a pending
    decision for that week and never touches one the coach has already decided."""
    plan_start(athlete=athlete)
    athlete.refresh_from_db(fields=["stage", "level"])
    existing = Decision.objects.select_for_update().filter(athlete=athlete, week=for_week).first()
    if existing is not None and existing.status != DecisionStatus.PENDING:
        return existing
    rec = recommend(selectors.engine_snapshot(athlete, for_week))
    values = {
        "action": rec.action,
        "from_stage": rec.from_stage,
        "from_level": rec.from_level,
        "to_stage": rec.to_stage,
        "to_level": rec.to_level,
        "gates": rec.gates_as_dicts(),
        "summary": rec.summary[:500],
        "refer": rec.refer,
        "protocol_version": protocol.PROTOCOL_VERSION,
        "computed_at": timezone.now(),
    }
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        decision = existing
    else:
        try:
            with transaction.atomic():
                decision = Decision.objects.create(athlete=athlete, week=for_week, **values)
        except IntegrityError:
            # A concurrent run created it first; recompute over it if still pending.
            decision = Decision.objects.select_for_update().get(athlete=athlete, week=for_week)
            if decision.status == DecisionStatus.PENDING:
                Decision.objects.filter(pk=decision.pk).update(**values)
                decision.refresh_from_db()
    logger.info(
        "decision computed decision=%s athlete=%s action=%s", decision.pk, athlete.pk, rec.action
    )
    return decision


def _locked_pending(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().select_related("athlete").get(pk=decision.pk)
    if locked.status != DecisionStatus.PENDING:
        raise ValidationError(
            f"This decision was already {locked.get_status_display().lower()}; "
            "it can't be decided twice."
        )
    return locked


@transaction.atomic
def decision_approve(*, decision: Decision, by: User) -> PlanWeek:
    decision = _locked_pending(decision)
    athlete = decision.athlete
    plan = plan_start(athlete=athlete, by=by)
    decision.status = DecisionStatus.APPROVED
    decision.decided_by, decision.decided_at = by, timezone.now()
    decision.save()
    plan_week = _generate_week(
        athlete=athlete,
        plan=plan,
        week=decision.week,
        stage=decision.to_stage,
        level=decision.to_level,
        decision=decision,
        by=by,
    )
    AuditEntry.objects.create(
        athlete=athlete,
        decision=decision,
        kind=AuditEntry.Kind.APPROVED,
        actor=by,
        details={"action": decision.action, "stage": decision.to_stage, "level": decision.to_level},
    )
    logger.info("decision approved decision=%s by=%s", decision.pk, by.pk)
    return plan_week


@transaction.atomic
def decision_override(
    *,
    decision: Decision,
    by: User,
    action: str,
    to_stage: str,
    to_level: int,
    note: str,
    clinician_attestation: str = "",
) -> PlanWeek:
    """Decide otherwise than the engine. The one place its rules live (the form and the API
    only parse): a note is always required; the level must be one the stage has; a pause
    goes nowhere with impact; moving into an impact stage past a failed safety gate (12
    weeks, clearance, readiness, red flag) also requires the clinician's attestation, and is
    audit-logged as such. Raises ``ValidationError`` keyed by these arguments' names, and
    writes nothing then."""
    errors: dict[str, list[str]] = {}
    note, clinician_attestation = (note or "").strip(), (clinician_attestation or "").strip()
    if not note:
        errors["note"] = ["Say why you are overriding the recommendation."]
    # The texts' limits are the model's (a TextField's max_length is not checked by
    # full_clean, so it is checked here).
    for name, value in (("note", note), ("clinician_attestation", clinician_attestation)):
        field = Decision._meta.get_field(name)
        if not isinstance(field, Field):  # a reverse relation: no text of the coach's
            raise TypeError(f"{name} is not a field of a decision.")
        try:
            MaxLengthValidator(field.max_length)(value)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    if action not in ACTIONS:
        errors["action"] = ["Choose advance, hold, step back or pause."]
    if to_stage not in protocol.STAGE_BY_KEY:
        errors["to_stage"] = ["Choose one of the protocol's stages."]
    elif not 1 <= int(to_level or 0) <= protocol.stage(to_stage).top_level:
        stage = protocol.stage(to_stage)
        errors["to_level"] = [f"{stage.name} has levels 1 to {stage.top_level}."]
    if action == "pause" and to_stage in protocol.IMPACT_STAGE_KEYS:
        errors["to_stage"] = ["A pause means no impact: choose recover or walk."]
    if errors:
        raise ValidationError(errors)
    decision = _locked_pending(decision)
    athlete = decision.athlete
    snapshot = selectors.engine_snapshot(athlete, decision.week)
    failed = sorted({g.key for g in safety_gates_for(snapshot, to_stage) if not g.passed})
    if failed and not clinician_attestation:
        raise ValidationError(
            {
                "clinician_attestation": "This moves her into running although these safety "
                "gates failed: " + ", ".join(f.replace("_", " ") for f in failed) + ". Record "
                "which clinician approved it, and when."
            }
        )
    plan = plan_start(athlete=athlete, by=by)
    decision.status = DecisionStatus.OVERRIDDEN
    decision.final_action, decision.final_stage, decision.final_level = action, to_stage, to_level
    decision.note, decision.clinician_attestation = note, clinician_attestation
    decision.overridden_safety_gates = failed
    decision.decided_by, decision.decided_at = by, timezone.now()
    decision.full_clean()
    decision.save()
    plan_week = _generate_week(
        athlete=athlete,
        plan=plan,
        week=decision.week,
        stage=to_stage,
        level=to_level,
        decision=decision,
        by=by,
    )
    AuditEntry.objects.create(
        athlete=athlete,
        decision=decision,
        kind=AuditEntry.Kind.SAFETY_OVERRIDE if failed else AuditEntry.Kind.OVERRIDDEN,
        actor=by,
        details={
            "recommended": {
                "action": decision.action,
                "stage": decision.to_stage,
                "level": decision.to_level,
            },
            "decided": {"action": action, "stage": to_stage, "level": to_level},
            "failed_safety_gates": failed,
            "note": note,
            "clinician_attestation": clinician_attestation,
        },
    )
    logger.info("decision overridden decision=%s by=%s safety=%s", decision.pk, by.pk, bool(failed))
    return plan_week


@transaction.atomic
def plan_week_update_sessions(
    *, plan_week: PlanWeek, sessions: list[dict[str, Any]], by: User
) -> PlanWeek:
    """Replace a week's sessions with the coach's version: each validated by the model
    (``full_clean``: fields, limits, the run-walk rule), all or nothing."""
    rows = []
    errors: dict[str, list[str]] = {}
    for i, data in enumerate(sessions):
        row = PlannedSession(
            plan_week=plan_week, order=i, **{k: data[k] for k in SESSION_FIELDS if k in data}
        )
        try:
            row.full_clean(exclude=["plan_week"])
        except ValidationError as exc:
            errors[f"session {i + 1}"] = exc.messages
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    plan_week.sessions.all().delete()
    PlannedSession.objects.bulk_create(rows)
    AuditEntry.objects.create(
        athlete=plan_week.plan.athlete,
        kind=AuditEntry.Kind.SESSIONS_EDITED,
        actor=by,
        details={"week": plan_week.week.isoformat(), "sessions": len(rows)},
    )
    return plan_week


# --- Calendar feed ---------------------------------------------------------------------------

CALENDAR_SALT = "plans.calendar"


def calendar_token(feed: CalendarFeed) -> str:
    return signing.dumps({"a": feed.athlete_id, "n": feed.nonce}, salt=CALENDAR_SALT)


@transaction.atomic
def calendar_feed(*, athlete: Athlete) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(
        athlete=athlete, defaults={"nonce": secrets.token_hex(16)}
    )
    return feed


@transaction.atomic
def calendar_rotate(*, athlete: Athlete) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed = calendar_feed(athlete=athlete)
    feed.nonce = secrets.token_hex(16)
    feed.save()
    logger.info("calendar url rotated athlete=%s", athlete.pk)
    return feed


def calendar_athlete(token: str) -> Athlete | None:
    try:
        payload = signing.loads(token, salt=CALENDAR_SALT)
    except signing.BadSignature:
        return None
    feed = (
        CalendarFeed.objects.select_related("athlete")
        .filter(athlete_id=payload.get("a"), nonce=payload.get("n"))
        .first()
    )
    return feed.athlete if feed else None


def weeks_around(day: date, before: int, after: int) -> tuple[date, date]:
    monday = monday_of(day)
    return monday - timedelta(weeks=before), monday + timedelta(weeks=after)
