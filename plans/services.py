"""Writes of the plans layer: enrolling an athlete (her profile and her plan), computing
decisions, the coach's approval or override. Publishing the weeks they lead to is
``plans.publication``'s."""

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
from athletes.models import Athlete, User
from checkins.models import WeeklyCheckIn
from clinical import protocol
from clinical.gates import gate_words
from clinical.progression import ACTIONS, PAUSE, recommend, safety_gates_for
from web.weeks import monday_of

from . import publication, selectors
from .models import (
    OPEN_STATUSES,
    SESSION_FIELDS,
    AuditEntry,
    CalendarFeed,
    Decision,
    DecisionStatus,
    DecisionTrigger,
    Plan,
    PlannedSession,
    PlanWeek,
    WeekReason,
)
from .publication import (
    REASON_OF_ACTION,
    active_pause,
    supersede_open_decisions,
    week_publish,
)
from .signals import decision_decided

logger = logging.getLogger(__name__)


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
    plan call it too, as does the hourly ``publish_weeks`` for an athlete who somehow has
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
    week_publish(
        athlete=athlete,
        plan=plan,
        week=this_monday,
        stage=stage,
        level=1,
        reason=WeekReason.STARTED,
        by=by,
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
def decision_compute(
    *, athlete: Athlete, for_week: date, trigger: str = DecisionTrigger.CHECKIN
) -> Decision:
    """The recommendation for ``for_week`` (a Monday), pending the coach's approval.

    Idempotent: it recomputes the decision still awaiting the coach for that week in place,
    and never touches one the coach has already decided. A newer decision supersedes any
    other that was waiting (SPEC §11: at most one awaits her coach). It applies from the
    week's Monday, or from today if the week has begun.
    """
    # One computation at a time per athlete: the lock serialises concurrent check-ins.
    Athlete.objects.select_for_update().filter(pk=athlete.pk).first()
    plan = plan_start(athlete=athlete)
    decided = (
        Decision.objects.filter(
            athlete=athlete,
            week=for_week,
            status__in=(DecisionStatus.APPROVED, DecisionStatus.OVERRIDDEN),
        )
        .order_by("-decided_at")
        .first()
    )
    if decided is not None:
        return decided
    snapshot = selectors.engine_snapshot(athlete, for_week)
    rec = recommend(snapshot)
    values = {
        "applies_from": max(for_week, athlete.today()),
        "trigger": trigger,
        "action": rec.action,
        "from_stage": rec.from_stage,
        "from_level": rec.from_level,
        "to_stage": rec.to_stage,
        "to_level": rec.to_level,
        "gates": rec.gates_as_dicts(),
        "summary": rec.summary[:500],
        "refer": rec.refer,
        "protocol_version": plan.protocol_version,
        "computed_at": timezone.now(),
    }
    current = (
        Decision.objects.select_for_update()
        .filter(athlete=athlete, status__in=OPEN_STATUSES)
        .first()
    )
    if current is not None and current.week == for_week:
        unchanged = (current.action, current.to_stage, current.to_level) == (
            rec.action,
            rec.to_stage,
            rec.to_level,
        )
        # What was already applied without the coach stays applied if it still stands.
        if not (current.status == DecisionStatus.AUTO_APPLIED and unchanged):
            values["status"] = DecisionStatus.PENDING
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        decision = current
    else:
        supersede_open_decisions(athlete)
        decision = Decision.objects.create(athlete=athlete, week=for_week, **values)
    logger.info(
        "decision computed decision=%s athlete=%s action=%s", decision.pk, athlete.pk, rec.action
    )
    return decision


@transaction.atomic
def week_close(*, athlete: Athlete, today: date) -> Decision | None:
    """A week that ended without a check-in still gets a decision for the new one (SPEC §5:
    a hold, or a pause while one holds), computed once; a late check-in recomputes it. None
    when one exists for this week or a later one: a check-in she sent for this week has
    already decided the next, and a decision about a week gone by must not supersede it."""
    plan = Plan.objects.filter(athlete=athlete).first()
    current = monday_of(today)
    if plan is None or plan.started_on >= current:
        return None
    if Decision.objects.filter(athlete=athlete, week__gte=current).exists():
        return None
    if WeeklyCheckIn.objects.filter(athlete=athlete, week=current - timedelta(weeks=1)).exists():
        return None
    return decision_compute(athlete=athlete, for_week=current, trigger=DecisionTrigger.NO_CHECKIN)


def _locked_pending(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().select_related("athlete").get(pk=decision.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(
            f"This decision was already {locked.get_status_display().lower()}; "
            "it can't be decided twice."
        )
    return locked


def _apply(
    decision: Decision, *, action: str, stage: str, level: int, by: User, lifts_pause: bool
) -> PlanWeek:
    """Publish what the coach decided. A decision for a week that has begun replaces that
    week's sessions from today on (SPEC §11); one whose week is over applies to this week.
    A next week already published without her (carried over, or paused by a pause she has
    now lifted) follows the new position."""
    athlete = decision.athlete
    plan = plan_start(athlete=athlete, by=by)
    today = athlete.today()
    current = monday_of(today)
    week = max(decision.week, current)
    from_day = today if week == current and today > current else None
    if from_day is not None:
        # The days gone by of a week a stopped worker never published: filled in first, as
        # they were, before a pause that held on them is lifted.
        publication.week_fill(athlete=athlete, plan=plan, week=week)
    if lifts_pause:
        pause = active_pause(plan)
        if pause is not None:
            pause.lifted_at, pause.lifted_by, pause.lifted_by_decision = (
                timezone.now(),
                by,
                decision,
            )
            pause.save(update_fields=["lifted_at", "lifted_by", "lifted_by_decision"])
            AuditEntry.objects.create(
                athlete=athlete,
                decision=decision,
                kind=AuditEntry.Kind.PAUSE_LIFTED,
                actor=by,
                details={"pause": pause.pk, "from": (from_day or week).isoformat()},
            )
    reason = REASON_OF_ACTION[action]
    plan_week = week_publish(
        athlete=athlete,
        plan=plan,
        week=week,
        stage=stage,
        level=level,
        reason=reason,
        decision=decision,
        by=by,
        from_day=from_day,
    )
    Decision.objects.filter(pk=decision.pk).update(applies_from=from_day or week)
    following = PlanWeek.objects.filter(plan=plan, week=week + timedelta(weeks=1)).first()
    if following is not None and (
        following.reason == WeekReason.CARRIED_OVER
        or (lifts_pause and following.reason == WeekReason.PAUSED)
    ):
        week_publish(
            athlete=athlete,
            plan=plan,
            week=following.week,
            stage=stage,
            level=level,
            reason=WeekReason.PAUSED if action == PAUSE else WeekReason.CARRIED_OVER,
            decision=decision,
            by=by,
        )
    return plan_week


def _check_length(name: str, value: str) -> None:
    """A text of the coach's against its model field's limit (a TextField's max_length is not
    checked by full_clean). Raises ``ValidationError`` keyed by ``name``."""
    field = Decision._meta.get_field(name)
    if not isinstance(field, Field):  # a reverse relation: no text of the coach's
        raise TypeError(f"{name} is not a field of a decision.")
    try:
        MaxLengthValidator(field.max_length)(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


@transaction.atomic
def decision_approve(*, decision: Decision, by: User, note: str = "") -> PlanWeek:
    """Approve what the engine recommends; the week is published to her at once. While a
    pause holds, only a pause can be approved: lifting it takes an override with a note.
    The optional ``note`` (her coach's words to her) is kept with the decision; receivers of
    ``decision_decided`` (her conversation) are told within the transaction."""
    note = (note or "").strip()
    _check_length("note", note)
    decision = _locked_pending(decision)
    athlete = decision.athlete
    plan = plan_start(athlete=athlete, by=by)
    if decision.action != PAUSE and active_pause(plan) is not None:
        raise ValidationError(
            "Her plan is paused after a red flag. Only an override, with a note saying why, "
            "lifts the pause."
        )
    decision.status = DecisionStatus.APPROVED
    decision.decided_by, decision.decided_at = by, timezone.now()
    decision.note = note
    decision.save()
    plan_week = _apply(
        decision,
        action=decision.action,
        stage=decision.to_stage,
        level=decision.to_level,
        by=by,
        lifts_pause=False,
    )
    AuditEntry.objects.create(
        athlete=athlete,
        decision=decision,
        kind=AuditEntry.Kind.APPROVED,
        actor=by,
        details={
            "action": decision.action,
            "stage": decision.to_stage,
            "level": decision.to_level,
            **({"note": note} if note else {}),
        },
    )
    decision_decided.send(sender=Decision, decision=decision, by=by)
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
        try:
            _check_length(name, value)
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
                "gates failed: " + ", ".join(gate_words(f) for f in failed) + ". Record "
                "which clinician approved it, and when."
            }
        )
    decision.status = DecisionStatus.OVERRIDDEN
    decision.final_action, decision.final_stage, decision.final_level = action, to_stage, to_level
    decision.note, decision.clinician_attestation = note, clinician_attestation
    decision.overridden_safety_gates = failed
    decision.decided_by, decision.decided_at = by, timezone.now()
    decision.full_clean()
    decision.save()
    plan_week = _apply(
        decision,
        action=action,
        stage=to_stage,
        level=to_level,
        by=by,
        lifts_pause=action != PAUSE,
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
    decision_decided.send(sender=Decision, decision=decision, by=by)
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
