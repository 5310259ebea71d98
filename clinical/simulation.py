"""The athlete who does every planned session, symptom-free, walk to speed (SPEC §14).

Pure: it lives her weeks with the protocol, the warning rules and the engine alone, and
returns when she reached each stage. ``manage.py protocol_timeline`` prints it (the README's
timeline), and the services are tested to give her the same weeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from . import protocol
from .facts import AssessmentFacts, AthleteFacts, CheckInFacts, ClearanceFacts, Flag
from .progression import ADVANCE, Snapshot, WeekPosition, recommend
from .rules import evaluate_checkin

# When her clinicians see her in this story (days after the birth): the six-week check clears
# exercise; at 11 weeks a pelvic health assessment clears running and, that Thursday, she
# passes the readiness tests, in time for the decision her 11th week's check-in brings.
EXERCISE_CLEARANCE_DAY = 6 * 7
RUNNING_CLEARANCE_DAY = 11 * 7
READINESS_DAY = 11 * 7 + 3
FIRST_PLAN_WEEK = 3  # her plan starts at walk from 3 weeks (SPEC §5)


@dataclass(frozen=True)
class StageReached:
    stage: str
    week: int  # weeks after the birth when she began it
    weeks_in_stage: int  # how many weeks she spent in it (0 for the last)


@dataclass(frozen=True)
class Timeline:
    reached: tuple[StageReached, ...]
    flags: tuple[Flag, ...]  # every flag the rules raised on the way (none, if all is well)
    weeks: int  # weeks after the birth when she reached the last stage


def planned_checkin(week: date, sessions: Sequence[protocol.SessionLike]) -> CheckInFacts:
    """Her check-in of a week in which she did exactly what was planned, symptom-free."""
    counted = [s for s in sessions if s.kind in protocol.COUNTED_KINDS]
    run = sum(protocol.running_minutes(s) for s in counted)
    moving = [s for s in counted if s.kind != protocol.STRENGTH]
    total = sum(s.minutes for s in moving)
    longest_run = protocol.longest_run(counted)
    return CheckInFacts(
        week=week,
        sessions_completed=len(counted),
        sessions_planned=len(counted),
        run_minutes=run,
        walk_minutes=total - run,
        longest_session_minutes=max((s.minutes for s in moving), default=0),
        longest_run_minutes=longest_run,
        planned_run_minutes=run,
        planned_longest_run_minutes=longest_run,
        effort=4,
        energy=4,
        sleep_hours=Decimal("7"),
        sleep_quality=4,
        mood=4,
        stress=2,
        soreness=2,
        pain=0,
    )


def perfect_timeline(delivery: date, *, max_weeks: int = 120) -> Timeline:
    """Her weeks from the birth on ``delivery`` (a Monday) until she reaches speed."""
    athlete = AthleteFacts(
        delivery_date=delivery,
        clearances=(
            ClearanceFacts(delivery + timedelta(days=EXERCISE_CLEARANCE_DAY), "exercise"),
            ClearanceFacts(
                delivery + timedelta(days=RUNNING_CLEARANCE_DAY),
                "running",
                pelvic_health_assessed=True,
            ),
        ),
        assessments=(AssessmentFacts(delivery + timedelta(days=READINESS_DAY), passed=True),),
    )
    stage, level = "walk", 1
    history: list[WeekPosition] = []
    checkins: list[CheckInFacts] = []
    flags: list[Flag] = []
    reached = [(stage, FIRST_PLAN_WEEK)]
    for n in range(FIRST_PLAN_WEEK, max_weeks):
        week = delivery + timedelta(weeks=n)
        clearance = athlete.clearance_on(week)
        sessions = protocol.sessions_for(
            stage, level, clearance_scope=clearance.scope if clearance else None
        )
        history.append(WeekPosition(week, stage, level))
        checkins.append(planned_checkin(week, sessions))
        flags += evaluate_checkin(replace(athlete, stage=stage), checkins, week)
        rec = recommend(
            Snapshot(
                for_week=week + timedelta(weeks=1),
                athlete=replace(athlete, stage=stage),
                stage=stage,
                level=level,
                history=tuple(history),
                checkins=tuple(checkins[-26:]),
            )
        )
        if rec.action == ADVANCE:
            if rec.to_stage != stage:
                reached.append((rec.to_stage, n + 1))
            stage, level = rec.to_stage, rec.to_level
        if stage == protocol.STAGE_KEYS[-1]:
            break
    spans = [
        StageReached(key, week, (reached[i + 1][1] - week) if i + 1 < len(reached) else 0)
        for i, (key, week) in enumerate(reached)
    ]
    return Timeline(tuple(spans), tuple(flags), reached[-1][1])
