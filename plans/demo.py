"""Demo plans for ``seed_demo``: each athlete's last weeks are simulated with the real engine
— her check-ins follow her plan, the coach approves (now and then overrides) each decision —
and written in a few bulk inserts. The latest decision is left pending for some athletes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, time, timedelta

from django.utils import timezone

from athletes.models import Athlete, User
from athletes.selectors import athlete_facts
from checkins.demo import demo_checkin, demo_flags
from checkins.models import WarningFlag, WeeklyCheckIn
from clinical import protocol
from clinical.facts import CheckInFacts
from clinical.progression import (
    ADVANCE,
    HOLD,
    PAUSE,
    STEP_BACK,
    Snapshot,
    WeekPosition,
    recommend,
)
from clinical.symptoms import red_flags
from web.weeks import monday_of

from .models import (
    AuditEntry,
    Decision,
    DecisionStatus,
    Plan,
    PlannedSession,
    PlanPause,
    PlanWeek,
    WeekReason,
)
from .publication import REASON_OF_ACTION, session_rows

OVERRIDE_NOTES = (
    "Baby is teething and nights are rough; another week at this level.",
    "Back at work this week; keeping the load steady.",
    "She asked to consolidate before moving on.",
)


def simulate(
    *,
    athlete: Athlete,
    coach: User,
    weeks: int,
    rng: random.Random,
    submitted_by: User,
    leave_pending: bool,
    last_week: dict | None = None,
) -> None:
    """Replace her plan, check-ins and decisions with ``weeks`` simulated weeks (idempotent).

    ``last_week``: answers forced into last week's check-in (to show a symptom in the demo).
    """
    Plan.objects.filter(athlete=athlete).delete()
    athlete.decisions.all().delete()
    athlete.audit_entries.all().delete()
    athlete.flags.all().delete()
    WeeklyCheckIn.objects.filter(athlete=athlete).delete()

    this_monday = monday_of(athlete.today())
    start = max(
        this_monday - timedelta(weeks=weeks), monday_of(athlete.delivery_date + timedelta(days=7))
    )
    start = min(start, this_monday)
    facts = athlete_facts(athlete)
    stage = protocol.start_stage(athlete.weeks_postpartum_on(start))
    level = 1
    positions: list[WeekPosition] = []
    checkins: list[WeeklyCheckIn] = []
    plan_weeks: list[tuple] = [(start, stage, level, None, WeekReason.STARTED)]
    decisions: list[Decision] = []

    week = start
    while week < this_monday:
        clearance = facts.clearance_on(week)
        specs = protocol.sessions_for(
            stage, level, clearance_scope=clearance.scope if clearance else None
        )
        if rng.random() > 0.05:
            checkin = demo_checkin(
                rng=rng,
                athlete=athlete,
                week=week,
                sessions=specs,
                counted_kinds=protocol.COUNTED_KINDS,
                submitted_by=submitted_by,
                symptom_chance=0.09 if stage in protocol.IMPACT_STAGE_KEYS else 0.05,
            )
            checkin.sessions_planned = protocol.counted_sessions(specs)
            if last_week and week == this_monday - timedelta(weeks=1):
                for name, value in last_week.items():
                    setattr(checkin, name, value)
            checkins.append(checkin)
        positions.append(WeekPosition(week, stage, level))
        for_week = week + timedelta(weeks=1)
        rec = recommend(
            Snapshot(
                for_week=for_week,
                athlete=facts,
                stage=stage,
                level=level,
                history=tuple(positions),
                checkins=tuple(CheckInFacts.of(c) for c in checkins[-26:]),
            )
        )
        decided_at = timezone.make_aware(datetime.combine(for_week - timedelta(days=1), time(19)))
        decision = Decision(
            athlete=athlete,
            week=for_week,
            action=rec.action,
            from_stage=rec.from_stage,
            from_level=rec.from_level,
            to_stage=rec.to_stage,
            to_level=rec.to_level,
            gates=rec.gates_as_dicts(),
            summary=rec.summary[:500],
            refer=rec.refer,
            protocol_version=protocol.PROTOCOL_VERSION,
            computed_at=decided_at - timedelta(hours=2),
        )
        outcome = (rec.to_stage, rec.to_level)
        if for_week == this_monday and leave_pending:
            # This week is published whatever the coach does (SPEC §11): a pause or step back
            # applies without her, anything else waits and the week carries over.
            if rec.action in (PAUSE, STEP_BACK):
                decision.status = DecisionStatus.AUTO_APPLIED
                decisions.append(decision)
                reason = REASON_OF_ACTION[rec.action]
                plan_weeks.append((for_week, *outcome, len(decisions) - 1, reason))
            else:
                decision.status = DecisionStatus.PENDING
                decisions.append(decision)
                plan_weeks.append((for_week, stage, level, None, WeekReason.CARRIED_OVER))
            break
        decision.decided_by, decision.decided_at = coach, decided_at
        if rec.action == ADVANCE and rng.random() < 0.08:
            decision.status = DecisionStatus.OVERRIDDEN
            decision.final_action, decision.final_stage, decision.final_level = HOLD, stage, level
            decision.note = rng.choice(OVERRIDE_NOTES)
            outcome = (stage, level)
        else:
            decision.status = DecisionStatus.APPROVED
        decisions.append(decision)
        stage, level = outcome
        reason = REASON_OF_ACTION[decision.outcome_action]
        plan_weeks.append((for_week, stage, level, len(decisions) - 1, reason))
        week = for_week

    Decision.objects.bulk_create(decisions)
    WeeklyCheckIn.objects.bulk_create(checkins)
    WarningFlag.objects.bulk_create(
        demo_flags(
            rng=rng,
            athlete=athlete,
            checkins=checkins,
            coach=coach,
            profile=replace(facts, stage=stage),
            today=athlete.today(),
        )
    )
    plan = Plan.objects.create(
        athlete=athlete, protocol_version=protocol.PROTOCOL_VERSION, started_on=start
    )
    week_rows = [
        PlanWeek(
            plan=plan,
            week=w,
            stage=s,
            level=lv,
            reason=reason,
            decision=decisions[i] if i is not None else None,
            approved_by=decisions[i].decided_by if i is not None else None,
            approved_at=decisions[i].decided_at if i is not None else None,
        )
        for w, s, lv, i, reason in plan_weeks
    ]
    PlanWeek.objects.bulk_create(week_rows)
    sessions: list[PlannedSession] = []
    for row in week_rows:
        clearance = facts.clearance_on(row.week)
        specs = (
            protocol.pause_sessions()
            if row.reason == WeekReason.PAUSED
            else protocol.sessions_for(
                row.stage, row.level, clearance_scope=clearance.scope if clearance else None
            )
        )
        sessions += session_rows(row, specs)
    PlannedSession.objects.bulk_create(sessions)
    pending = decisions[-1] if decisions else None
    if (
        pending is not None
        and pending.status == DecisionStatus.AUTO_APPLIED
        and pending.action == PAUSE
        and checkins
    ):
        # Her red flag paused her at once when she checked in on Sunday (SPEC §11).
        reported = checkins[-1]
        PlanPause.objects.create(
            plan=plan,
            started_at=timezone.make_aware(datetime.combine(reported.week, time(18)))
            + timedelta(days=6),
            started_on=reported.week + timedelta(days=6),
            red_flags=red_flags(CheckInFacts.of(reported), facts),
            checkin=reported,
        )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                athlete=athlete,
                decision=d,
                kind=AuditEntry.Kind.OVERRIDDEN
                if d.status == DecisionStatus.OVERRIDDEN
                else AuditEntry.Kind.APPROVED,
                actor=coach,
                details={
                    "action": d.outcome_action,
                    "stage": d.outcome_stage,
                    "level": d.outcome_level,
                },
            )
            for d in decisions
            if d.status in (DecisionStatus.APPROVED, DecisionStatus.OVERRIDDEN)
        ]
    )
    last = week_rows[-1]
    Athlete.objects.filter(pk=athlete.pk).update(stage=last.stage, level=last.level)
    athlete.stage, athlete.level = last.stage, last.level
