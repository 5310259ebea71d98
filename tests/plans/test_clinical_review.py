"""After a red flag, running again needs a clinician to have seen her (SPEC §14): clean weeks
alone never open impact; a clearance dated after the red flag does."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from athletes import services as athlete_services
from checkins.services import checkin_submit, symptom_report_submit
from clinical import protocol
from plans import publication, services, tasks
from plans.models import Decision, DecisionStatus, PlannedSession, PlanPause
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from tests.plans.conftest import CLEAN_WEEK

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
W = date(2026, 3, 2)  # a Monday


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def impact_from(athlete, day: date) -> list[tuple[date, str]]:
    """Her run and run-walk sessions on or after ``day``."""
    rows = PlannedSession.objects.filter(
        plan_week__plan__athlete=athlete, kind__in=(protocol.RUN, protocol.RUN_WALK)
    ).values_list("plan_week__week", "day", "kind")
    return sorted(
        (week + timedelta(days=d), kind)
        for week, d, kind in rows
        if week + timedelta(days=d) >= day
    )


def week_of_clean_checkin(athlete, user, monday: date, clock, commit) -> Decision:
    clock.move_to(at(monday + timedelta(days=4), 19))
    # Every session of her walking week done (5 walks, 2 strength), symptom-free.
    data = {**CLEAN_WEEK, "sessions_completed": 7}
    commit(lambda: checkin_submit(athlete=athlete, week=monday, data=data, by=user))
    return Decision.objects.get(athlete=athlete, status__in=("pending", "auto_applied"))


def test_no_impact_after_a_red_flag_until_a_clearance_dated_after_it(
    coach, athlete_user, django_capture_on_commit_callbacks
):
    def commit(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    with time_machine.travel(at(W), tick=False) as clock:
        athlete = AthleteFactory(coach=coach, user=athlete_user, delivery_date=date(2025, 10, 1))
        ClearanceFactory(athlete=athlete, scope="running", cleared_on=date(2026, 1, 20))
        AssessmentFactory(athlete=athlete, assessed_on=W - timedelta(days=3))
        publication.week_publish(
            athlete=athlete, plan=athlete.plan, week=W, stage="run_walk", level=2, reason="advanced"
        )

        # Tuesday: heaviness. Paused at once; her coach lifts the pause to walking (no impact,
        # so a note is enough).
        clock.move_to(at(W + timedelta(days=1), 8))
        commit(
            lambda: symptom_report_submit(
                athlete=athlete, data={"heaviness": True}, by=athlete_user
            )
        )
        red_flag_day = W + timedelta(days=1)
        (pause_decision,) = Decision.objects.filter(athlete=athlete, status="auto_applied")
        clock.move_to(at(W + timedelta(days=2)))
        services.decision_override(
            decision=pause_decision,
            by=coach,
            action="hold",
            to_stage="walk",
            to_level=4,
            note="Booked with the physio; brisk walks meanwhile.",
        )
        assert PlanPause.objects.get().lifted_at is not None

        # Three clean weeks: the engine holds her at the door of run-walk, and says why.
        monday = W
        for _ in range(3):
            decision = week_of_clean_checkin(athlete, athlete_user, monday, clock, commit)
            gates = {g["key"]: g["passed"] for g in decision.gates}
            assert decision.action == "hold"
            assert gates["no_red_flags"] is True or monday == W
            assert gates["reviewed_since_red_flag"] is False
            clock.move_to(at(monday + timedelta(days=5)))
            services.decision_approve(decision=decision, by=coach)
            monday += timedelta(weeks=1)
            clock.move_to(at(monday, 1))
            tasks.publish_weeks()
        assert impact_from(athlete, red_flag_day) == []

        # Her coach can't put her back into running without a clinician's word.
        decision = week_of_clean_checkin(athlete, athlete_user, monday, clock, commit)
        with pytest.raises(ValidationError) as refused:
            services.decision_override(
                decision=decision,
                by=coach,
                action="advance",
                to_stage="run_walk",
                to_level=1,
                note="She feels fine.",
            )
        assert "seen by a clinician since the red flag" in str(refused.value.message_dict)
        services.decision_approve(decision=decision, by=coach)
        assert impact_from(athlete, red_flag_day) == []

        # The physio sees her and clears her again: the next decision opens run-walk.
        monday += timedelta(weeks=1)
        clock.move_to(at(monday, 9))
        tasks.publish_weeks()
        athlete_services.clearance_create(
            athlete=athlete,
            data={
                "cleared_on": monday,
                "clinician_name": "Jo Reid",
                "clinician_role": "pelvic_health_physio",
                "scope": "running",
                "pelvic_health_assessed": True,
            },
            document=None,
            by=coach,
        )
        AssessmentFactory(athlete=athlete, assessed_on=monday)
        decision = week_of_clean_checkin(athlete, athlete_user, monday, clock, commit)
        gates = {g["key"]: g["passed"] for g in decision.gates}
        assert gates["reviewed_since_red_flag"] is True
        assert (decision.action, decision.to_stage, decision.status) == (
            "advance",
            "run_walk",
            DecisionStatus.PENDING,
        )
        services.decision_approve(decision=decision, by=coach)
        assert impact_from(athlete, monday + timedelta(weeks=1))
