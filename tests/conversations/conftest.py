"""Fixtures for the conversation tests: her records to talk about, and everyone's clients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from checkins.models import WarningFlag, WeeklyCheckIn
from conversations.models import Message
from plans import services as plan_services
from plans.models import Decision, PlanWeek
from tests.checkins.factories import CheckInFactory
from web.weeks import monday_of


@pytest.fixture
def checkin(athlete) -> WeeklyCheckIn:
    """Her check-in of last week: energy 2, a tired week."""
    return CheckInFactory(
        athlete=athlete, week=monday_of(athlete.today()) - timedelta(weeks=1), energy=2
    )


@pytest.fixture
def flag(athlete, checkin) -> WarningFlag:
    return WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pain",
        severity="medium",
        week=checkin.week,
        summary="Pain 4/10 reported.",
    )


@pytest.fixture
def decision(athlete) -> Decision:
    """Next week's decision, pending her coach (she checked in this week)."""
    CheckInFactory(athlete=athlete)
    return plan_services.decision_compute(
        athlete=athlete, for_week=monday_of(athlete.today()) + timedelta(weeks=1)
    )


@pytest.fixture
def plan_week(athlete) -> PlanWeek:
    return PlanWeek.objects.get(plan__athlete=athlete)


@pytest.fixture
def theirs(other_athlete) -> dict:
    """The other coach's athlete's records, to point at from the wrong thread."""
    checkin = CheckInFactory(athlete=other_athlete)
    return {
        "checkin": checkin,
        "plan_week": PlanWeek.objects.get(plan__athlete=other_athlete),
        "flag": WarningFlag.objects.create(
            athlete=other_athlete,
            checkin=checkin,
            rule="pain",
            severity="high",
            week=checkin.week,
            summary="Pain 7/10 reported.",
        ),
        "decision": plan_services.decision_compute(
            athlete=other_athlete,
            for_week=monday_of(other_athlete.today()) + timedelta(weeks=1),
        ),
    }


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def other_athlete_client(other_athlete) -> Client:
    client = Client()
    client.force_login(other_athlete.user)
    return client


def message_rows() -> list[tuple]:
    """Everything about every message, to prove that nothing was written."""
    return list(Message.objects.order_by("pk").values_list())
