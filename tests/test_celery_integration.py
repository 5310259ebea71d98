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


def test_the_hourly_publication_fans_out_on_a_real_worker(real_worker):
    """The parent task sends one chunk task per roster chunk through Redis; the worker runs
    them and every athlete of every chunk gets her decision and this week's plan."""
    from plans.models import Decision, Plan, PlanWeek
    from plans.tasks import publish_weeks
    from tests.factories import AthleteFactory, UserFactory
    from web.weeks import monday_of

    athletes = [AthleteFactory(coach=coach) for coach in (UserFactory(), UserFactory())]
    for athlete in athletes:  # her plan started last week, whose check-in never came
        last_monday = monday_of(athlete.today()) - timedelta(weeks=1)
        Plan.objects.filter(athlete=athlete).update(started_on=last_monday)
        PlanWeek.objects.filter(plan__athlete=athlete).update(week=last_monday)

    result = publish_weeks.delay(1)  # one athlete per chunk: two chunk tasks

    assert not isinstance(result, EagerResult)
    assert wait_for(lambda: Decision.objects.filter(athlete__in=athletes).count() == 2)
    for athlete in athletes:
        this_monday = monday_of(athlete.today())
        assert wait_for(
            lambda a=athlete, m=this_monday: PlanWeek.objects.filter(
                plan__athlete=a, week=m
            ).exists()
        )
