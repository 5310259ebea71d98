"""Two submits of the same week at the same moment: one is stored, the other is told the week
is taken — never a 500, never two rows (SPEC §6 "also under a concurrent double submit")."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from athletes.models import Athlete
from checkins.models import WeeklyCheckIn
from checkins.services import checkin_submit
from tests.checkins.factories import api_body, service_data
from web.weeks import monday_of

pytestmark = pytest.mark.django_db(transaction=True)

DUPLICATE = {"week": ["There is already a check-in for this week."]}


def run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs in threads released at the same instant; return what each returned or
    raised, in order. Each thread closes its own database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except BaseException as exc:  # handed to the test, which fails on anything unexpected
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submit never finished"
    return results


def test_two_concurrent_submits_of_the_same_week_store_exactly_one(athlete):
    week = monday_of(athlete.today()) - timedelta(days=7)

    def submit(day_offset: int, pain: int) -> Callable[[], WeeklyCheckIn]:
        def job() -> WeeklyCheckIn:
            her = Athlete.objects.get(pk=athlete.pk)
            return checkin_submit(
                athlete=her,
                week=week + timedelta(days=day_offset),
                data=service_data(pain=pain),
                by=her.user,
            )

        return job

    results = run_together(submit(0, 1), submit(4, 2))

    saved = [r for r in results if isinstance(r, WeeklyCheckIn)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1, results
    assert len(refused) == 1, results
    assert refused[0].message_dict == DUPLICATE
    stored = WeeklyCheckIn.objects.get()
    assert (stored.pk, stored.week, stored.pain) == (saved[0].pk, week, saved[0].pain)


def test_two_concurrent_api_posts_of_the_same_week_answer_201_and_400(athlete):
    week = monday_of(athlete.today()) - timedelta(days=7)
    url = reverse("api:athlete-checkins", args=[athlete.pk])
    clients = []
    for _ in range(2):
        client = APIClient()
        client.force_login(athlete.user)
        clients.append(client)

    def post(client: APIClient, pain: int) -> Callable[[], tuple[int, dict]]:
        def job() -> tuple[int, dict]:
            response = client.post(url, api_body(week, pain=pain), format="json")
            return response.status_code, response.json()

        return job

    results = run_together(post(clients[0], 1), post(clients[1], 2))

    assert all(isinstance(r, tuple) for r in results), results
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 400], results
    created = next(body for status, body in results if status == 201)
    refused = next(body for status, body in results if status == 400)
    assert refused == DUPLICATE
    stored = WeeklyCheckIn.objects.get()
    assert (stored.pk, stored.week, stored.pain) == (created["id"], week, created["pain"])


def test_when_both_pass_the_duplicate_check_the_database_still_keeps_one(athlete, monkeypatch):
    # Hold each submit just before its INSERT until the other has got there too, so both have
    # already looked for an existing row and found none: the unique constraint must decide.
    # (SQLite serialises writers at BEGIN IMMEDIATE, so there the second never gets this far
    # while the first waits; the wait then times out and the run is merely sequential.)
    week = monday_of(athlete.today()) - timedelta(days=7)
    at_insert = threading.Barrier(2)
    original_save = WeeklyCheckIn.save

    def save_when_both_are_ready(self, *args, **kwargs):
        if self.pk is None:
            with contextlib.suppress(threading.BrokenBarrierError):
                at_insert.wait(timeout=3)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(WeeklyCheckIn, "save", save_when_both_are_ready)

    def submit(pain: int) -> Callable[[], WeeklyCheckIn]:
        def job() -> WeeklyCheckIn:
            her = Athlete.objects.get(pk=athlete.pk)
            return checkin_submit(athlete=her, week=week, data=service_data(pain=pain), by=her.user)

        return job

    results = run_together(submit(1), submit(2))

    saved = [r for r in results if isinstance(r, WeeklyCheckIn)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert refused[0].message_dict == DUPLICATE
    assert list(WeeklyCheckIn.objects.values_list("pk", flat=True)) == [saved[0].pk]
