"""Fixtures for the check-in tests: her profile and login, another coach's athlete, signed-in
clients, a clock that can be stopped, and a recorder of ``checkin_committed``."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from athletes.models import Athlete, Role, User
from checkins.signals import checkin_committed
from tests.factories import AthleteFactory, UserFactory


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    """The coach's athlete, 20 weeks after the birth, whose login is ``athlete_user``."""
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
    """Another coach's athlete, with a login of her own."""
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
def athlete_client(athlete) -> Client:
    return _signed_in(Client, athlete.user)


@pytest.fixture
def coach_client(coach) -> Client:
    return _signed_in(Client, coach)


@pytest.fixture
def other_coach_client(other_coach) -> Client:
    return _signed_in(Client, other_coach)


@pytest.fixture
def athlete_api(athlete) -> APIClient:
    return _signed_in(APIClient, athlete.user)


@pytest.fixture
def coach_api(coach) -> APIClient:
    return _signed_in(APIClient, coach)


@pytest.fixture
def other_coach_api(other_coach) -> APIClient:
    return _signed_in(APIClient, other_coach)


@pytest.fixture
def other_athlete_api(other_athlete) -> APIClient:
    return _signed_in(APIClient, other_athlete.user)


@pytest.fixture
def staff_api(staff) -> APIClient:
    return _signed_in(APIClient, staff)


@pytest.fixture
def stop_clock(monkeypatch):
    """Stop ``timezone.now()`` at an instant. ``Athlete.today()`` reads it through the
    ``django.utils.timezone`` module, so patching the module attribute reaches every caller."""

    def stop(instant: datetime) -> datetime:
        assert instant.tzinfo is not None
        monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant

    return stop


@pytest.fixture
def committed():
    """Every ``checkin_committed`` sent during the test, as the keyword arguments it carried."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        calls.append(kwargs)

    checkin_committed.connect(receiver, weak=False, dispatch_uid="tests-checkins-recorder")
    yield calls
    checkin_committed.disconnect(dispatch_uid="tests-checkins-recorder")
