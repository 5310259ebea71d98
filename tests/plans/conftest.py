"""Fixtures for the plans tests: her profile and login, another coach's athlete, signed-in
clients, and small helpers to put check-ins, clearances and assessments on file."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from athletes.models import Athlete, User
from checkins.models import WeeklyCheckIn
from tests.factories import AthleteFactory
from web.weeks import monday_of

# An ordinary week: every session done, no symptom, nothing that holds her back.
CLEAN_WEEK: dict = {
    "sessions_completed": 4,
    "run_minutes": 0,
    "walk_minutes": 90,
    "longest_session_minutes": 30,
    "effort": 4,
    "energy": 4,
    "sleep_hours": Decimal("6.5"),
    "sleep_quality": 3,
    "mood": 4,
    "stress": 2,
    "soreness": 1,
    "pain": 0,
}


@pytest.fixture
def athlete_without_plan(coach: User, athlete_user: User) -> Athlete:
    """The coach's athlete, like ``athlete``, but with no plan: as if she had been added
    before plans started on enrolment (the data migration starts one), or as the moment
    just before ``plan_start`` runs inside ``athlete_enrol``."""
    return AthleteFactory(
        coach=coach,
        user=athlete_user,
        first_name="Anna",
        last_name="Lind",
        email=athlete_user.email,
        plan=False,
    )


def this_monday(athlete: Athlete) -> date:
    return monday_of(athlete.today())


def next_monday(athlete: Athlete) -> date:
    return this_monday(athlete) + timedelta(weeks=1)


def put_checkin(athlete: Athlete, week: date, **changes) -> WeeklyCheckIn:
    """A check-in row written straight to the table (no signal, no decision)."""
    return WeeklyCheckIn.objects.create(
        athlete=athlete, week=week, submitted_by=athlete.user, **{**CLEAN_WEEK, **changes}
    )
