"""Fixtures for the plans tests: her profile and login, another coach's athlete, signed-in
clients, and small helpers to put check-ins, clearances and assessments on file."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from athletes.models import Athlete, Role, User
from checkins.models import WeeklyCheckIn, monday_of
from tests.factories import AthleteFactory, UserFactory

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


def this_monday(athlete: Athlete) -> date:
    return monday_of(athlete.today())


def next_monday(athlete: Athlete) -> date:
    return this_monday(athlete) + timedelta(weeks=1)


def put_checkin(athlete: Athlete, week: date, **changes) -> WeeklyCheckIn:
    """A check-in row written straight to the table (no signal, no decision)."""
    return WeeklyCheckIn.objects.create(
        athlete=athlete, week=week, submitted_by=athlete.user, **{**CLEAN_WEEK, **changes}
    )


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    """The coach's athlete, 20 weeks after the birth, whose login is ``athlete_user``; no
    clearance and no readiness assessment on file."""
    return AthleteFactory(
        coach=coach,
        user=athlete_user,
        first_name="Anna",
        last_name="Lind",
        email=athlete_user.email,
    )


@pytest.fixture
def other_athlete_user(db) -> User:
    return UserFactory(role=Role.ATHLETE, email="bea@example.org", name="Bea")


@pytest.fixture
def other_athlete(other_coach, other_athlete_user) -> Athlete:
    return AthleteFactory(
        coach=other_coach,
        user=other_athlete_user,
        first_name="Bea",
        last_name="Hart",
        email=other_athlete_user.email,
    )


def _signed_in(client_class, user: User):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def coach_client(coach) -> Client:
    return _signed_in(Client, coach)


@pytest.fixture
def other_coach_client(other_coach) -> Client:
    return _signed_in(Client, other_coach)


@pytest.fixture
def athlete_client(athlete) -> Client:
    return _signed_in(Client, athlete.user)


@pytest.fixture
def coach_api(coach) -> APIClient:
    return _signed_in(APIClient, coach)


@pytest.fixture
def other_coach_api(other_coach) -> APIClient:
    return _signed_in(APIClient, other_coach)


@pytest.fixture
def athlete_api(athlete) -> APIClient:
    return _signed_in(APIClient, athlete.user)


@pytest.fixture
def staff_api(staff) -> APIClient:
    return _signed_in(APIClient, staff)
