"""Publishing her weeks (SPEC §11): one published week, always; safety at once.

Every week of her plan, from its start, has exactly one published ``PlanWeek`` by its Monday
00:00 in her time zone. What it holds, in order of precedence:

1. her coach's approval or override of the decision for that week (published when decided);
2. else a pending ``pause`` or ``step_back`` for that week, applied without the coach
   (``auto_applied``, still in the coach's review list);
3. else her stage and level carried over.

A red flag (from a check-in or an anytime symptom report) pauses her at once: the rest of the
current week, from today, becomes the pause week, and so does every week published after it,
until her coach lifts the pause with an override. An ``advance`` never happens without the
coach.

The hourly ``tasks.publish_weeks`` (in chunks of rosters) does the periodic part: it
publishes next week from her Sunday on (so it exists before her Monday begins, whatever her
time zone) and fills any week that a stopped worker missed. It is idempotent: run twice, it
changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, User, current_clearance
from checkins.models import WeeklyCheckIn
from clinical import protocol
from clinical.dates import weekday_day_month
from clinical.progression import PAUSE, PAUSE_SUMMARY, STEP_BACK, pause_target
from web.weeks import monday_of

from .models import (
    OPEN_STATUSES,
    AuditEntry,
    Decision,
    DecisionStatus,
    DecisionTrigger,
    Plan,
    PlannedSession,
    PlanPause,
    PlanWeek,
    WeekReason,
)

logger = logging.getLogger(__name__)

# A week missed by a stopped worker is filled in, this far back at most.
BACKFILL_WEEKS = 12

REASON_OF_ACTION = {
    "advance": WeekReason.ADVANCED,
    "hold": WeekReason.HELD,
    "step_back": WeekReason.STEPPED_BACK,
    "pause": WeekReason.PAUSED,
}


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


def _specs(
    athlete: Athlete, week: date, stage: str, level: int, reason: str
) -> list[protocol.SessionSpec]:
    if reason == WeekReason.PAUSED:
        return protocol.pause_sessions()
    clearance = current_clearance(list(athlete.clearances.all()), week)
    scope = clearance.scope if clearance else None
    return protocol.sessions_for(stage, level, clearance_scope=scope)


def _set_position(athlete: Athlete, plan: Plan) -> None:
    """Where she stands: the stage and level of her latest published week."""
    latest = (
        PlanWeek.objects.filter(plan=plan).order_by("-week").values_list("stage", "level").first()
    )
    if latest is not None and (athlete.stage, athlete.level) != latest:
        athlete.stage, athlete.level = latest
        Athlete.objects.filter(pk=athlete.pk).update(stage=latest[0], level=latest[1])


def active_pause(plan: Plan) -> PlanPause | None:
    return PlanPause.objects.filter(plan=plan, lifted_at__isnull=True).first()


@transaction.atomic
def week_publish(
    *,
    athlete: Athlete,
    plan: Plan,
    week: date,
    stage: str,
    level: int,
    reason: str,
    decision: Decision | None = None,
    by: User | None = None,
    from_day: date | None = None,
) -> PlanWeek:
    """Publish (or republish) her plan for ``week``. With ``from_day`` inside the week, the
    sessions of the days before it stay as they were and the rest are replaced: what she was
    given for the days gone by is not rewritten. A week that a stopped worker never published
    is first filled in as the hourly task would have published it (``week_fill``), so that
    the days gone by hold what they would have held.

    While a pause holds, nothing with impact is published: that is a programming error, not
    a user's (only the override that lifts the pause publishes impact again, after lifting).
    """
    if stage in protocol.IMPACT_STAGE_KEYS and active_pause(plan) is not None:
        raise ValueError("No impact can be published while her plan is paused.")
    cut = (from_day - week).days if from_day is not None and from_day > week else 0
    plan_week = (
        week_fill(athlete=athlete, plan=plan, week=week)
        if cut
        else PlanWeek.objects.filter(plan=plan, week=week).first()
    )
    keep_past = bool(cut) and plan_week is not None
    if plan_week is None:
        plan_week = PlanWeek(plan=plan, week=week)
    plan_week.stage, plan_week.level, plan_week.reason = stage, level, reason
    plan_week.decision = decision
    plan_week.approved_by, plan_week.approved_at = by, timezone.now()
    plan_week.applies_from = week + timedelta(days=cut) if keep_past else None
    plan_week.save()
    rows = session_rows(plan_week, _specs(athlete, week, stage, level, reason))
    if keep_past:
        plan_week.sessions.filter(day__gte=cut).delete()
        rows = [row for row in rows if row.day >= cut]
    else:
        plan_week.sessions.all().delete()
    PlannedSession.objects.bulk_create(rows)
    _set_position(athlete, plan)
    logger.info(
        "week published athlete=%s week=%s reason=%s from=%s", athlete.pk, week, reason, cut
    )
    return plan_week


def position_before(plan: Plan, week: date) -> tuple[str, int] | None:
    """Her stage and level in the latest published week before ``week``."""
    return (
        PlanWeek.objects.filter(plan=plan, week__lt=week)
        .order_by("-week")
        .values_list("stage", "level")
        .first()
    )


def position_on(plan: Plan, week: date) -> tuple[str, int] | None:
    """Her stage and level in ``week``: that week's, or the latest before it."""
    return (
        PlanWeek.objects.filter(plan=plan, week__lte=week)
        .order_by("-week")
        .values_list("stage", "level")
        .first()
    )


def supersede_open_decisions(athlete: Athlete, *, keep: Decision | None = None) -> int:
    """At most one decision awaits the coach: a newer one supersedes the others (kept in
    her history)."""
    qs = Decision.objects.filter(athlete=athlete, status__in=OPEN_STATUSES)
    if keep is not None:
        qs = qs.exclude(pk=keep.pk)
    return qs.update(status=DecisionStatus.SUPERSEDED)


@transaction.atomic
def pause_now(
    *,
    athlete: Athlete,
    red_flags: Iterable[str],
    on: date,
    checkin: WeeklyCheckIn | None = None,
) -> PlanPause | None:
    """Pause her at once after a red flag reported on ``on`` (her local day): the rest of
    this week from today is the pause week, and next week too if it is already published.
    A pause decision for this week, already applied, waits for her coach's review. Safe to
    call again: while a pause holds, a new red flag changes nothing more."""
    plan = Plan.objects.select_for_update().filter(athlete=athlete).first()
    if plan is None:
        return None
    existing = active_pause(plan)
    if existing is not None:
        return existing
    flags = sorted(set(red_flags))
    monday = monday_of(on)
    # The days before the red flag keep what they held, even in a week never published.
    week_fill(athlete=athlete, plan=plan, week=monday)
    stage, level = position_on(plan, monday) or (athlete.stage or "walk", athlete.level or 1)
    to_stage, to_level = pause_target(stage, level)
    pause = PlanPause.objects.create(
        plan=plan, started_at=timezone.now(), started_on=on, red_flags=flags, checkin=checkin
    )
    supersede_open_decisions(athlete)
    words = ", ".join(flags).replace("_", " ")
    decision = Decision.objects.create(
        athlete=athlete,
        week=monday,
        applies_from=on,
        trigger=DecisionTrigger.RED_FLAG,
        action=PAUSE,
        from_stage=stage,
        from_level=level,
        to_stage=to_stage,
        to_level=to_level,
        gates=[
            {
                "key": "red_flags",
                "passed": False,
                "detail": f"Red flag reported on {weekday_day_month(on)}: {words}.",
            }
        ],
        summary=PAUSE_SUMMARY,
        refer=True,
        protocol_version=plan.protocol_version,
        status=DecisionStatus.AUTO_APPLIED,
        computed_at=timezone.now(),
    )
    week_publish(
        athlete=athlete,
        plan=plan,
        week=monday,
        stage=to_stage,
        level=to_level,
        reason=WeekReason.PAUSED,
        decision=decision,
        from_day=on,
    )
    following = monday + timedelta(weeks=1)
    if PlanWeek.objects.filter(plan=plan, week=following).exists():
        week_publish(
            athlete=athlete,
            plan=plan,
            week=following,
            stage=to_stage,
            level=to_level,
            reason=WeekReason.PAUSED,
            decision=decision,
        )
    AuditEntry.objects.create(
        athlete=athlete,
        decision=decision,
        kind=AuditEntry.Kind.PAUSED,
        actor=None,
        details={"red_flags": flags, "from": on.isoformat()},
    )
    logger.info("paused at once athlete=%s pause=%s decision=%s", athlete.pk, pause.pk, decision.pk)
    return pause


@transaction.atomic
def decision_auto_apply(*, decision: Decision, today: date) -> PlanWeek:
    """Apply a pending pause or step back for its week without the coach (SPEC §11 rule 2);
    it stays in her review list as ``auto_applied``."""
    athlete = decision.athlete
    plan = Plan.objects.get(athlete=athlete)
    current = monday_of(today)
    from_day = today if decision.week == current and today > current else None
    plan_week = week_publish(
        athlete=athlete,
        plan=plan,
        week=decision.week,
        stage=decision.to_stage,
        level=decision.to_level,
        reason=REASON_OF_ACTION[decision.action],
        decision=decision,
        from_day=from_day,
    )
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.AUTO_APPLIED, applies_from=from_day or decision.week
    )
    AuditEntry.objects.create(
        athlete=athlete,
        decision=decision,
        kind=AuditEntry.Kind.AUTO_APPLIED,
        actor=None,
        details={"action": decision.action, "week": decision.week.isoformat()},
    )
    return plan_week


def week_fill(*, athlete: Athlete, plan: Plan, week: date) -> PlanWeek:
    """Her published ``week``; one a stopped worker never published is published now, as the
    hourly task would have: carried over, or paused while a pause holds. Called before a
    week that has begun is changed from a day on (a pause, a decision applied mid-week), and
    before a pause is lifted, so that the days gone by keep what they would have held."""
    existing = PlanWeek.objects.filter(plan=plan, week=week).first()
    if existing is not None:
        return existing
    return _carry_over(athlete, plan, week, active_pause(plan))


def _carry_over(athlete: Athlete, plan: Plan, week: date, pause: PlanPause | None) -> PlanWeek:
    stage, level = position_before(plan, week) or (athlete.stage or "walk", athlete.level or 1)
    if pause is not None:
        stage, level = pause_target(stage, level)
        reason = WeekReason.PAUSED
    else:
        reason = WeekReason.CARRIED_OVER
    return week_publish(
        athlete=athlete, plan=plan, week=week, stage=stage, level=level, reason=reason
    )


@transaction.atomic
def weeks_publish_for(*, athlete: Athlete, now: datetime | None = None) -> list[PlanWeek]:
    """Make sure her current week, and from her Sunday on her next week, are published;
    apply a pending pause or step back to a week the coach has not decided. Returns what it
    published (nothing when all is in place)."""
    plan = Plan.objects.select_for_update().filter(athlete=athlete).first()
    if plan is None:
        return []
    today = (now or timezone.now()).astimezone(athlete.tz).date()
    current = monday_of(today)
    targets = [current] + ([current + timedelta(weeks=1)] if today.weekday() == 6 else [])
    existing = {
        w.week: w
        for w in PlanWeek.objects.filter(
            plan=plan, week__gte=current - timedelta(weeks=BACKFILL_WEEKS), week__lte=targets[-1]
        )
    }
    pause = active_pause(plan)
    open_decision = (
        Decision.objects.filter(athlete=athlete, status=DecisionStatus.PENDING)
        .order_by("-week", "-pk")
        .first()
    )
    published: list[PlanWeek] = []
    # Weeks a stopped worker missed, since her plan started: carried over.
    start = max(plan.started_on, current - timedelta(weeks=BACKFILL_WEEKS))
    week = start
    while week < current:
        if week not in existing:
            published.append(_carry_over(athlete, plan, week, pause))
        week += timedelta(weeks=1)
    for week in targets:
        if week < plan.started_on:
            continue
        plan_week = existing.get(week)
        undecided = plan_week is None or plan_week.reason == WeekReason.CARRIED_OVER
        if (
            open_decision is not None
            and open_decision.week == week
            and open_decision.action in (PAUSE, STEP_BACK)
            and undecided
        ):
            published.append(decision_auto_apply(decision=open_decision, today=today))
        elif plan_week is None:
            published.append(_carry_over(athlete, plan, week, pause))
    return published
