"""A real Celery worker, consuming from a real Redis, changes the database.

Needs a broker: ``CELERY_BROKER_URL`` (or ``TEST_BROKER_URL``, which CI sets for its SQLite
pass) pointing at a running Redis. Skipped without one on a developer machine; a failure
under ``CI=true``.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import missing_service

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker(use_broker):
    from celery.contrib.testing.worker import start_worker
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

    use_broker(url)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield app


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
