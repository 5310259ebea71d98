"""Her activities are health records: reading them (the API list, a planned workout, the
week's workouts) appends one access-log row, and importing one logs the change with its
values masked (athletes/audit.py), as for her check-ins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from athletes.audit import REDACTED
from plans.models import PlannedSession
from tests.factories import UserFactory
from web.weeks import monday_of

from .files import RUN_WALK_8, fit_activity

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def rows_about(athlete, action=LogEntry.Action.ACCESS) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(action=action, additional_data__athlete=athlete.pk).order_by("id")
    )


def upload(client, athlete):
    return client.post(
        reverse("api:athlete-activities", args=[athlete.pk]),
        {"file": [SimpleUploadedFile("run.fit", fit_activity(START, RUN_WALK_8))]},
        format="multipart",
    )


@pytest.fixture
def run_walk(athlete) -> PlannedSession:
    week = athlete.plan.weeks.get(week=monday_of(athlete.today()))
    return PlannedSession.objects.create(
        plan_week=week,
        day=1,
        kind="run_walk",
        minutes=34,
        run_seconds=60,
        walk_seconds=120,
        repeats=8,
    )


def test_the_api_list_is_one_row_saying_how_many(coach_api, coach, athlete):
    assert upload(coach_api, athlete).status_code == 201
    before = len(rows_about(athlete))

    response = coach_api.get(reverse("api:athlete-activities", args=[athlete.pk]))

    assert response.status_code == 200
    (row,) = rows_about(athlete)[before:]
    assert row.actor == coach
    assert row.object_repr == f"athlete #{athlete.pk}"
    assert row.additional_data == {
        "athlete": athlete.pk,
        "what": "activities (1 listed)",
        "channel": "api",
    }


def test_an_import_is_logged_as_a_change_with_masked_values(athlete_api, athlete):
    assert upload(athlete_api, athlete).status_code == 201

    activity = Activity.objects.get()
    activity_type = ContentType.objects.get_for_model(Activity)
    (row,) = [
        r for r in rows_about(athlete, LogEntry.Action.CREATE) if r.content_type == activity_type
    ]
    assert row.object_pk == str(activity.pk)
    assert row.actor == athlete.user
    assert row.changes["elevation_gain_m"] == [REDACTED, REDACTED]
    assert str(activity.distance_m) not in str(row.changes)


def test_a_planned_workout_download_is_logged_against_the_session(athlete_api, athlete, run_walk):
    before = len(rows_about(athlete))

    response = athlete_api.get(reverse("api:plan-session-workout", args=[run_walk.pk]))

    assert response.status_code == 200
    (row,) = rows_about(athlete)[before:]
    assert row.content_type == ContentType.objects.get_for_model(PlannedSession)
    assert row.object_pk == str(run_walk.pk)
    assert row.additional_data["what"] == "planned workout (FIT)"


def test_the_weeks_workouts_are_logged_on_her_record(athlete_client, athlete, run_walk):
    before = len(rows_about(athlete))

    response = athlete_client.get(
        reverse("plans:my_week_workouts", args=[run_walk.plan_week.week.isoformat()])
    )

    assert response.status_code == 200
    (row,) = rows_about(athlete)[before:]
    assert row.additional_data == {
        "athlete": athlete.pk,
        "what": "week's workouts (zip)",
        "channel": "web",
    }


def test_refused_reads_are_not_logged(other_coach_api, athlete, run_walk):
    before = len(rows_about(athlete))

    listed = other_coach_api.get(reverse("api:athlete-activities", args=[athlete.pk]))
    workout = other_coach_api.get(reverse("api:plan-session-workout", args=[run_walk.pk]))

    assert (listed.status_code, workout.status_code) == (404, 404)
    assert len(rows_about(athlete)) == before


def test_staff_opening_an_activity_in_the_admin_is_logged(athlete_api, athlete):
    assert upload(athlete_api, athlete).status_code == 201
    activity = Activity.objects.get()
    root = UserFactory(staff=True, is_superuser=True, email="root@example.org", name="Root")
    staff = Client()
    staff.force_login(root)
    before = len(rows_about(athlete))

    response = staff.get(reverse("admin:activities_activity_change", args=[activity.pk]))

    assert response.status_code == 200
    (row,) = rows_about(athlete)[before:]
    assert (row.actor, row.object_pk) == (root, str(activity.pk))
    assert row.additional_data == {"athlete": athlete.pk, "what": "admin page", "channel": "admin"}
