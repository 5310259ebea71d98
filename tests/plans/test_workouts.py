"""Planned sessions as FIT workouts her watch follows, and in words on her calendar (§13)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from garmin_fit_sdk import Decoder, Stream

from plans import services
from plans.models import PlannedSession
from plans.workouts import workout_steps_in_words
from tests.sql import written_tables
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


def decode(data: bytes) -> dict:
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    # A fresh decoder: the integrity check leaves its stream at the end.
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


@pytest.fixture
def week(athlete):
    return athlete.plan.weeks.get(week=monday_of(athlete.today()))


@pytest.fixture
def run_walk(week) -> PlannedSession:
    """Run-walk level 1 as the protocol writes it: 5 min walks either side of 8 × (1:2)."""
    return PlannedSession.objects.create(
        plan_week=week,
        day=1,
        kind="run_walk",
        minutes=34,
        run_seconds=60,
        walk_seconds=120,
        repeats=8,
        notes="Flat, even ground.",
    )


def workout_url(session) -> str:
    return reverse("api:plan-session-workout", args=[session.pk])


def test_a_run_walk_downloads_as_a_workout_the_watch_follows_step_by_step(athlete_api, run_walk):
    response = athlete_api.get(workout_url(run_walk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.ant.fit"
    day = run_walk.plan_week.week + timedelta(days=1)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{day:%Y-%m-%d}-run-walk-{run_walk.pk}.fit"'
    )
    messages = decode(response.content)
    assert messages["file_id_mesgs"][0]["type"] == "workout"
    assert messages["workout_mesgs"] == [
        {"sport": "running", "num_valid_steps": 5, "wkt_name": "8 x (1 min run, 2 min walk)"}
    ]
    steps = [
        (
            s.get("wkt_step_name"),
            s["duration_type"],
            s.get("duration_time"),
            s.get("intensity"),
            s.get("duration_step"),
            s.get("repeat_steps"),
        )
        for s in messages["workout_step_mesgs"]
    ]
    assert steps == [
        ("Warm-up walk", "time", 300.0, "warmup", None, None),
        ("Run", "time", 60.0, "active", None, None),
        ("Walk", "time", 120.0, "recovery", None, None),
        (None, "repeat_until_steps_cmplt", None, None, 1, 8),  # back to step 1, 8 times
        ("Cool-down walk", "time", 300.0, "cooldown", None, None),
    ]


def test_a_walk_is_one_timed_walking_step(coach_api, week):
    walk = week.sessions.filter(kind="walk").first()

    messages = decode(coach_api.get(workout_url(walk)).content)

    assert messages["workout_mesgs"][0]["sport"] == "walking"
    assert [(s["wkt_step_name"], s["duration_time"]) for s in messages["workout_step_mesgs"]] == [
        ("Walk", walk.minutes * 60.0)
    ]


def test_a_strength_session_is_not_a_workout(athlete_api, week):
    strength = PlannedSession.objects.create(plan_week=week, kind="strength", minutes=30)

    assert athlete_api.get(workout_url(strength)).status_code == 404


def test_another_coachs_session_is_404(other_coach_api, other_athlete_api, run_walk):
    assert other_coach_api.get(workout_url(run_walk)).status_code == 404
    assert other_athlete_api.get(workout_url(run_walk)).status_code == 404


def test_signed_out_is_401(client, run_walk):
    assert client.get(workout_url(run_walk)).status_code == 401


def test_the_whole_week_downloads_as_a_zip_of_workouts(athlete_client, week, run_walk):
    url = reverse("plans:my_week_workouts", args=[week.week.isoformat()])

    with CaptureQueriesContext(connection) as queries:
        response = athlete_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert written_tables(queries.captured_queries) == []
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    timed = week.sessions.filter(kind__in=["walk", "run_walk", "run"])
    assert len(archive.namelist()) == timed.count() >= 2
    rw = next(n for n in archive.namelist() if "run-walk" in n)
    assert decode(archive.read(rw))["workout_step_mesgs"][3]["repeat_steps"] == 8


@pytest.mark.parametrize("week_text", ["2025-03-04", "not-a-date", "2001-01-01"])
def test_a_week_that_is_not_hers_or_not_a_monday_is_404(athlete_client, week_text):
    url = reverse("plans:my_week_workouts", args=[week_text])

    assert athlete_client.get(url).status_code == 404


def test_the_calendar_carries_the_same_steps_in_words(client, athlete, run_walk):
    token = services.calendar_token(services.calendar_feed(athlete=athlete))

    body = client.get(f"/calendar/{token}.ics").content.decode().replace("\r\n ", "")

    words = "Warm up: walk 5 min. Then 8 times: run 1 min\\, walk 2 min. Cool down: walk 5 min."
    assert f"DESCRIPTION:{words} Flat\\, even ground." in body


def test_steps_in_words_of_each_kind(run_walk, week):
    walk = week.sessions.filter(kind="walk").first()
    run = PlannedSession(plan_week=week, kind="run", minutes=25)
    odd = PlannedSession(
        plan_week=week, kind="run_walk", minutes=14, run_seconds=90, walk_seconds=30, repeats=7
    )

    assert workout_steps_in_words(run) == "Run 25 min."
    assert workout_steps_in_words(walk) == f"Walk {walk.minutes} min."
    assert workout_steps_in_words(odd) == "Then 7 times: run 1 min 30 s, walk 30 s."
    assert workout_steps_in_words(PlannedSession(kind="rest", minutes=0)) == ""


def test_a_week_carried_over_downloads_its_plan_named_by_the_new_days(
    athlete_client, athlete, week, run_walk
):
    athlete.plan.weeks.filter(week__gt=week.week).delete()
    later = week.week + timedelta(weeks=1)

    response = athlete_client.get(reverse("plans:my_week_workouts", args=[later.isoformat()]))

    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    tuesday = later + timedelta(days=1)
    assert f"{tuesday:%Y-%m-%d}-run-walk-{run_walk.pk}.fit" in names
