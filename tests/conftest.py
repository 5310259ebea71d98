"""Shared fixtures: the people every test talks about (healthchecks' alice/bob/charlie)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from athletes.models import Athlete, Role, User
from tests.factories import AthleteFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_service(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be present."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


# Friday 6 March 2026, noon in London (GMT, so UTC too): the check-in of this week (the week
# of 2 March) opened this morning, and last week's is open until Sunday.
A_FRIDAY = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def friday():
    """The clock moving on from ``A_FRIDAY``, for tests that send this week's check-in
    (which opens on Friday, SPEC §11). Ask for it before the people it dates (it comes first
    in ``usefixtures``): the factories date births and check-ins from the clock."""
    with time_machine.travel(A_FRIDAY, tick=True):
        yield A_FRIDAY


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; one test's logins must not throttle the next.
    cache.clear()
    yield
    cache.clear()


def _reset_celery_connections(app) -> None:
    # Celery caches its connection and producer pools (and kombu keeps them by URL); after
    # the broker URL changes they must be rebuilt or publishing would reuse a closed pool.
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def celery_conf(monkeypatch):
    """The Celery app's configuration, restored after the test whatever it changed."""
    from config.celery import app

    keys = ("task_always_eager", "broker_url")
    saved = {key: app.conf[key] for key in keys}
    yield app.conf
    app.conf.update(saved)
    _reset_celery_connections(app)


@pytest.fixture
def use_broker(celery_conf, monkeypatch):
    """Switch Celery to a real broker (eager mode off) for one test."""
    from config.celery import app

    def switch(url: str) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own settings.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_conf.broker_url = url
        celery_conf.task_always_eager = False
        _reset_celery_connections(app)

    return switch


@pytest.fixture
def real_worker(use_broker):
    """A real Celery worker (a thread, solo pool) consuming from the Redis of
    ``CELERY_BROKER_URL`` or ``TEST_BROKER_URL``; skipped without one (a failure in CI).
    The worker thread closes its database connections after each task, so that no session
    outlives the test (PostgreSQL refuses to drop a test database still in use)."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections
    from kombu import Connection

    url = settings.CELERY_BROKER_URL or os.environ.get("TEST_BROKER_URL")
    if not url:
        missing_service(
            "no broker configured: install and start Redis, then set "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 to run the Celery integration tests"
        )
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0)
    except Exception as exc:
        missing_service(f"broker at {url} is unreachable ({exc.__class__.__name__}); start Redis")

    from config.celery import app

    def close_connections(**kwargs) -> None:
        connections.close_all()

    use_broker(url)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield app
    finally:
        task_postrun.disconnect(close_connections)


@pytest.fixture
def password() -> str:
    return "correct-horse-battery"


@pytest.fixture
def coach(db, password) -> User:
    return User.objects.create_user("coach@example.org", password, role=Role.COACH, name="Cora")


@pytest.fixture
def other_coach(db, password) -> User:
    return User.objects.create_user("other@example.org", password, role=Role.COACH, name="Oli")


@pytest.fixture
def athlete_user(db, password) -> User:
    return User.objects.create_user("athlete@example.org", password, role=Role.ATHLETE, name="Anna")


@pytest.fixture
def staff(db, password) -> User:
    return User.objects.create_user(
        "staff@example.org", password, role=Role.COACH, name="Sam", is_staff=True
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
def other_athlete_api(other_athlete) -> APIClient:
    return _signed_in(APIClient, other_athlete.user)


@pytest.fixture
def staff_api(staff) -> APIClient:
    return _signed_in(APIClient, staff)
