"""Fixtures for the athletes tests: her profile, another coach's athlete, the document store."""

from __future__ import annotations

import pytest

from athletes.models import Athlete, Role, User
from tests.athletes.records import document_storage, stored_files
from tests.factories import AthleteFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_document_storage():
    # The in-memory storage outlives each test (and ids are reused after a rollback).
    storage = document_storage()
    for name in stored_files():
        storage.delete(name)
    yield
    for name in stored_files():
        storage.delete(name)


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    """The coach's athlete, whose login is ``athlete_user``."""
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
