"""Shared fixtures: the people every test talks about (healthchecks' alice/bob/charlie)."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from athletes.models import Role, User

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_service(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be present."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


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
