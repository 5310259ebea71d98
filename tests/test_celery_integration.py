"""A real Celery worker, consuming from a real Redis, changes the database.

Needs a broker: ``CELERY_BROKER_URL`` (or ``TEST_BROKER_URL``, which CI sets for its SQLite
pass) pointing at a running Redis. Skipped without one on a developer machine; a failure
under ``CI=true``.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_runs_a_queued_task_and_its_effect_is_in_the_database(real_worker):
    from athletes.tasks import clear_expired_sessions

    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="current", session_data="x", expire_date=now + timedelta(1))

    result = clear_expired_sessions.delay()

    # Queued to Redis and run by the worker thread, not executed in-process.
    assert not isinstance(result, EagerResult)
    assert wait_for(lambda: not Session.objects.filter(session_key="expired").exists())
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
