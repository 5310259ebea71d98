"""Warning signs against real brokers: a check-in survives a broker that is down (and the scan
catches up), and a real Celery worker raises the flag of a committed check-in.

The worker test needs Redis: ``CELERY_BROKER_URL`` (or ``TEST_BROKER_URL``) pointing at it;
without one it is skipped on a developer machine and fails under ``CI=true``. The broker-down
test needs nothing: nothing listens on port 9.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from django.core import mail
from rest_framework.test import APIClient

from athletes.models import Athlete
from checkins import services
from checkins.models import WarningFlag, WeeklyCheckIn
from tests.checkins.factories import CheckInFactory, api_body, service_data
from tests.factories import AthleteFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
QUIET = {"run_minutes": 0, "walk_minutes": 90, "longest_session_minutes": 40}


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    return AthleteFactory(
        coach=coach,
        user=athlete_user,
        first_name="Anna",
        last_name="Lindqvist",
        email="anna.private@example.org",
    )


@pytest.fixture
def fresh_pools():
    """Empty kombu's global connection and producer pools before and after the test.

    ``_reset_celery_connections`` (tests/conftest.py) force-closes the app's pool, but that
    pool stays registered in ``kombu.pools`` under the broker URL, so a later test that
    publishes to the same URL gets "Acquire on closed pool". Request this fixture before
    ``use_broker`` so that its teardown runs last.
    """
    from kombu import pools

    pools.reset()
    yield
    pools.reset()


@pytest.fixture
def real_worker(fresh_pools, real_worker):
    """The shared worker (tests/conftest.py), with kombu's pools emptied around it."""
    return real_worker


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_a_checkin_is_saved_while_the_broker_is_down_and_the_scan_raises_its_flag_later(
    fresh_pools, athlete, athlete_user, coach, use_broker, celery_conf, caplog
):
    use_broker(NOWHERE)
    caplog.set_level(logging.INFO)
    client = APIClient()
    client.force_login(athlete_user)

    started = time.monotonic()
    response = client.post(
        f"/api/v1/athletes/{athlete.pk}/checkins/",
        api_body(athlete.today(), **QUIET, leakage=True, heaviness=True, notes="Leakage."),
        format="json",
    )
    took = time.monotonic() - started

    assert response.status_code == 201, response.content
    checkin = WeeklyCheckIn.objects.get()
    assert response.json()["id"] == checkin.pk
    assert (checkin.athlete, checkin.leakage, checkin.heaviness) == (athlete, True, True)
    assert took < 10  # publishing fails fast; the request does not hang on the broker
    queue_failures = [
        r.getMessage()
        for r in caplog.records
        if r.name == "checkins.receivers" and r.levelno == logging.WARNING
    ]
    assert queue_failures == [
        f"could not queue evaluate_checkin checkin={checkin.pk} athlete={athlete.pk}: "
        "broker unreachable"
    ]
    for record in caplog.records:
        message = record.getMessage().lower()
        for word in ("anna", "lindqvist", "example.org", "leakage", "heaviness"):
            assert word not in message, (word, message)
    assert not WarningFlag.objects.exists()

    # The broker is back (or the beat scan runs in-process): the scan catches up.
    celery_conf.task_always_eager = True
    result = services.warnings_scan()

    assert result == {"athletes": 1, "flags": 1, "notifications": 1}
    flag = WarningFlag.objects.get()
    assert (flag.rule, flag.severity, flag.week, flag.checkin_id) == (
        "pelvic_floor",
        "high",
        checkin.week,
        checkin.pk,
    )
    flag.refresh_from_db()
    assert flag.notified_at is not None
    assert [m.to for m in mail.outbox] == [[coach.email]]


def test_a_real_worker_raises_the_flag_of_a_committed_checkin(real_worker, athlete):
    checkin = services.checkin_submit(
        athlete=athlete,
        week=athlete.today() - timedelta(weeks=1),  # last week's is open whatever the day
        data=service_data(**QUIET, urgency=True),
        by=athlete.user,
    )
    # checkin_submit committed (no test transaction around it): on_commit queued the task
    # to Redis, where the worker thread picks it up.

    assert wait_for(lambda: WarningFlag.objects.filter(athlete=athlete).exists())
    flag = WarningFlag.objects.get(athlete=athlete)
    assert (flag.rule, flag.severity, flag.week, flag.checkin_id) == (
        "pelvic_floor",
        "high",
        checkin.week,
        checkin.pk,
    )
    # The worker then e-mails the coach through its own queued task.
    assert wait_for(
        lambda: WarningFlag.objects.filter(pk=flag.pk, notified_at__isnull=False).exists()
    )


def test_the_daily_scan_runs_on_a_real_worker_and_catches_up(real_worker, athlete):
    from checkins.tasks import scan_warnings

    # Saved without any evaluation, as when the broker was down at submit time.
    checkin = CheckInFactory(athlete=athlete, **QUIET, pain=6)

    result = scan_warnings.delay()

    assert not isinstance(result, EagerResult)
    assert wait_for(lambda: WarningFlag.objects.filter(athlete=athlete).exists())
    flag = WarningFlag.objects.get(athlete=athlete)
    assert (flag.rule, flag.severity, flag.checkin_id) == ("pain", "high", checkin.pk)
