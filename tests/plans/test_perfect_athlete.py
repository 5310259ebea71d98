"""The athlete who does every planned session, symptom-free, lived through the services with a
moving clock (SPEC §14): she raises no flag at all, and reaches every stage, walk to speed, in
the weeks the clinical core says (and the README's timeline shows)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from athletes import services as athlete_services
from checkins.models import WarningFlag
from checkins.services import checkin_submit
from clinical import protocol
from clinical.readiness import ASSESSMENT_ITEM_FIELDS
from clinical.simulation import (
    EXERCISE_CLEARANCE_DAY,
    READINESS_DAY,
    RUNNING_CLEARANCE_DAY,
    perfect_timeline,
    planned_checkin,
)
from plans import services
from plans.models import Decision, DecisionStatus, PlanWeek
from tests.plans.publishing import publish_weeks

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
BIRTH = date(2026, 1, 5)  # a Monday
# What she does is what was planned: the fields of her check-in that she reports.
REPORTED = (
    "sessions_completed",
    "run_minutes",
    "walk_minutes",
    "longest_session_minutes",
    "longest_run_minutes",
    "effort",
    "energy",
    "sleep_hours",
    "sleep_quality",
    "mood",
    "stress",
    "soreness",
    "pain",
)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def monday(n: int) -> date:
    return BIRTH + timedelta(weeks=n)


def test_she_reaches_speed_in_38_weeks_without_a_single_flag(
    coach, athlete_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(monday(3), 9), tick=False) as clock:
        athlete = services.athlete_enrol(
            coach=coach,
            by=coach,
            data={
                "first_name": "Pia",
                "email": athlete_user.email,
                "timezone": "Europe/London",
                "delivery_date": BIRTH,
                "delivery_type": "vaginal",
            },
        )
        athlete.user = athlete_user
        athlete.save()
        reached = {"walk": 3}
        n = 3
        while n < 60 and "speed" not in reached:
            seen = {
                EXERCISE_CLEARANCE_DAY: ("exercise", False),
                RUNNING_CLEARANCE_DAY: ("running", True),
            }
            for day in range(n * 7, n * 7 + 7):
                if day in seen:
                    clock.move_to(at(BIRTH + timedelta(days=day), 12))
                    scope, assessed = seen[day]
                    athlete_services.clearance_create(
                        athlete=athlete,
                        data={
                            "cleared_on": BIRTH + timedelta(days=day),
                            "clinician_name": "Jo Reid",
                            "clinician_role": "pelvic_health_physio",
                            "scope": scope,
                            "pelvic_health_assessed": assessed,
                        },
                        document=None,
                        by=coach,
                    )
                if day == READINESS_DAY:
                    clock.move_to(at(BIRTH + timedelta(days=day), 12))
                    athlete_services.assessment_create(
                        athlete=athlete,
                        data={
                            "assessed_on": BIRTH + timedelta(days=day),
                            "assessed_by": "Jo Reid",
                            **dict.fromkeys(ASSESSMENT_ITEM_FIELDS, True),
                        },
                        by=coach,
                    )
            # Friday evening: she checks in, having done exactly what her week held.
            clock.move_to(at(monday(n) + timedelta(days=4), 19))
            week = PlanWeek.objects.get(plan__athlete=athlete, week=monday(n))
            done = asdict(planned_checkin(monday(n), list(week.sessions.all())))
            with django_capture_on_commit_callbacks(execute=True):
                checkin_submit(
                    athlete=athlete,
                    week=monday(n),
                    data={name: done[name] for name in REPORTED},
                    by=athlete_user,
                )
            # Saturday: her coach approves what the engine recommends.
            clock.move_to(at(monday(n) + timedelta(days=5), 10))
            pending = Decision.objects.get(athlete=athlete, status=DecisionStatus.PENDING)
            services.decision_approve(decision=pending, by=coach)
            # Monday: the hourly publisher has nothing to add.
            clock.move_to(at(monday(n + 1), 0) + timedelta(minutes=30))
            assert publish_weeks()["published"] == 0
            n += 1
            stage = PlanWeek.objects.get(plan__athlete=athlete, week=monday(n)).stage
            reached.setdefault(stage, n)

    assert not WarningFlag.objects.exists()
    assert reached == {
        "walk": 3,
        "run_walk": 12,
        "continuous": 19,
        "build": 26,
        "trail": 34,
        "speed": 38,
    }
    # The same weeks as the clinical core's own timeline (and the README's).
    assert reached == {step.stage: step.week for step in perfect_timeline(BIRTH).reached}
    assert set(reached) == set(protocol.STAGE_KEYS) - {"recover"}
