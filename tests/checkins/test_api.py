"""``/api/v1/athletes/{id}/checkins/`` and ``/api/v1/checkins/{id}/`` (SPEC §9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from athletes.services import api_token_create
from checkins.models import CheckInRevision, WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS
from tests.checkins.factories import CheckInFactory, api_body
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


def api_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def body_of(checkin: WeeklyCheckIn) -> dict:
    """The whole JSON body of one check-in, as the contract gives it."""
    checkin.refresh_from_db()
    return {
        "id": checkin.pk,
        "athlete": checkin.athlete_id,
        "week": checkin.week.isoformat(),
        "sessions_planned": checkin.sessions_planned,
        **{
            name: (
                float(getattr(checkin, name)) if name == "sleep_hours" else getattr(checkin, name)
            )
            for name in EDITABLE_FIELDS
        },
        "submitted_by": checkin.submitted_by_id,
        "created_at": api_time(checkin.created_at),
        "updated_at": api_time(checkin.updated_at),
    }


def list_url(athlete) -> str:
    return reverse("api:athlete-checkins", args=[athlete.pk])


def detail_url(checkin) -> str:
    return reverse("api:checkin", args=[checkin.pk])


@pytest.fixture
def mondays(athlete) -> list:
    """Her last three Mondays, oldest first."""
    this_monday = monday_of(athlete.today())
    return [this_monday - timedelta(weeks=n) for n in (2, 1, 0)]


# --- Reading -----------------------------------------------------------------------------------


def test_the_list_is_paginated_and_newest_first(athlete_api, athlete, other_athlete, mondays):
    checkins = [CheckInFactory(athlete=athlete, week=week) for week in mondays]
    CheckInFactory(athlete=other_athlete, week=mondays[1])

    response = athlete_api.get(list_url(athlete))

    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [body_of(c) for c in reversed(checkins)],
    }


def test_the_list_pages_through_with_next_and_previous(athlete_api, athlete, mondays):
    for week in mondays:
        CheckInFactory(athlete=athlete, week=week)

    first = athlete_api.get(list_url(athlete), {"page_size": 2}).json()
    second = athlete_api.get(first["next"]).json()

    assert first["count"] == second["count"] == 3
    assert [r["week"] for r in first["results"]] == [mondays[2].isoformat(), mondays[1].isoformat()]
    assert [r["week"] for r in second["results"]] == [mondays[0].isoformat()]
    assert first["previous"] is None
    assert second["next"] is None
    assert second["previous"].endswith("?page_size=2")


def test_one_checkin_is_returned_whole(athlete_api, athlete):
    checkin = CheckInFactory(
        athlete=athlete, leakage=True, pain=3, pain_location="left knee", notes="Hilly week"
    )

    response = athlete_api.get(detail_url(checkin))

    assert response.status_code == 200
    assert response.json() == body_of(checkin)
    assert response.json()["sleep_hours"] == 6.5
    assert response.json()["week"] == monday_of(athlete.today()).isoformat()


def test_a_token_works_as_well_as_a_session(athlete, mondays):
    checkin = CheckInFactory(athlete=athlete, week=mondays[2])
    _, raw = api_token_create(user=athlete.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = client.get(detail_url(checkin))

    assert response.status_code == 200
    assert response.json() == body_of(checkin)


# --- Who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["athlete_api", "coach_api", "staff_api"])
def test_she_her_coach_and_staff_may_read_submit_and_change(request, who, athlete, mondays):
    api = request.getfixturevalue(who)
    user = api.session["_auth_user_id"]
    earlier = CheckInFactory(athlete=athlete, week=mondays[0])

    listed = api.get(list_url(athlete))
    posted = api.post(list_url(athlete), api_body(mondays[1] + timedelta(days=5)), format="json")
    created = WeeklyCheckIn.objects.get(week=mondays[1])
    patched = api.patch(detail_url(created), {"energy": 5}, format="json")
    read = api.get(detail_url(earlier))

    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [earlier.pk]
    assert posted.status_code == 201
    assert posted.json()["week"] == mondays[1].isoformat()
    assert str(created.submitted_by_id) == user
    assert patched.status_code == 200
    assert patched.json() == body_of(created)
    assert created.energy == 5
    assert CheckInRevision.objects.get().revised_by_id == int(user)
    assert read.status_code == 200
    assert read.json() == body_of(earlier)


def test_a_post_answers_201_with_the_whole_stored_checkin(athlete_api, athlete, mondays):
    response = athlete_api.post(
        list_url(athlete),
        {**api_body(mondays[1] + timedelta(days=6)), "sessions_planned": 9, "submitted_by": 1},
        format="json",
    )

    assert response.status_code == 201
    checkin = WeeklyCheckIn.objects.get()
    assert response.json() == body_of(checkin)
    # Read-only fields in the body are ignored.
    assert (checkin.week, checkin.sessions_planned, checkin.submitted_by) == (
        mondays[1],
        None,
        athlete.user,
    )


@pytest.mark.parametrize("who", ["other_coach_api", "other_athlete_api"])
def test_anyone_elses_athlete_answers_404_and_nothing_is_written(request, who, athlete, mondays):
    api = request.getfixturevalue(who)
    checkin = CheckInFactory(athlete=athlete, week=mondays[0])
    before = body_of(checkin)

    responses = [
        api.get(list_url(athlete)),
        api.post(list_url(athlete), api_body(mondays[1]), format="json"),
        api.get(detail_url(checkin)),
        api.patch(detail_url(checkin), {"pain": 8}, format="json"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert all(set(r.json()) == {"detail"} for r in responses)
    assert list(WeeklyCheckIn.objects.all()) == [checkin]
    assert body_of(checkin) == before
    assert CheckInRevision.objects.count() == 0


def test_anonymous_requests_answer_401_and_nothing_is_written(athlete, mondays):
    api = APIClient()
    checkin = CheckInFactory(athlete=athlete, week=mondays[0])
    before = body_of(checkin)

    responses = [
        api.get(list_url(athlete)),
        api.post(list_url(athlete), api_body(mondays[1]), format="json"),
        api.get(detail_url(checkin)),
        api.patch(detail_url(checkin), {"pain": 8}, format="json"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401, 401]
    assert all(r["WWW-Authenticate"] == "Token" for r in responses)
    assert WeeklyCheckIn.objects.count() == 1
    assert body_of(checkin) == before


def test_a_revoked_or_made_up_token_answers_401(athlete, mondays):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.post(list_url(athlete), api_body(mondays[1]), format="json")

    assert response.status_code == 401
    assert WeeklyCheckIn.objects.count() == 0


def test_a_missing_athlete_answers_404(coach_api, athlete, mondays):
    response = coach_api.post(
        reverse("api:athlete-checkins", args=[athlete.pk + 1000]), api_body(mondays[1])
    )

    assert response.status_code == 404
    assert WeeklyCheckIn.objects.count() == 0


# --- What the endpoints don't do ---------------------------------------------------------------


def test_put_and_delete_are_not_offered(athlete_api, athlete):
    checkin = CheckInFactory(athlete=athlete)
    before = body_of(checkin)

    put = athlete_api.put(detail_url(checkin), api_body(checkin.week), format="json")
    delete = athlete_api.delete(detail_url(checkin))

    assert (put.status_code, delete.status_code) == (405, 405)
    assert body_of(checkin) == before


def test_patching_the_week_to_its_own_monday_is_allowed(athlete_api, athlete):
    checkin = CheckInFactory(athlete=athlete)

    response = athlete_api.patch(
        detail_url(checkin), {"week": checkin.week.isoformat(), "mood": 2}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == body_of(checkin)
    assert checkin.mood == 2


def test_patching_the_week_to_another_week_is_refused(athlete_api, athlete):
    checkin = CheckInFactory(athlete=athlete)
    before = body_of(checkin)
    other_week = checkin.week - timedelta(days=7)

    response = athlete_api.patch(
        detail_url(checkin), {"week": other_week.isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"week": ["The week of a check-in can't be changed."]}
    assert body_of(checkin) == before


def test_patching_with_another_day_of_the_same_week_is_not_a_change_of_week(athlete_api, athlete):
    # SPEC §6: a date inside the week is that week. A client that sends back the day it
    # first posted (say a Thursday) has not moved the check-in to another week.
    checkin = CheckInFactory(athlete=athlete, week=monday_of(athlete.today()) - timedelta(days=7))

    response = athlete_api.patch(
        detail_url(checkin),
        {"week": (checkin.week + timedelta(days=3)).isoformat(), "mood": 2},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json() == body_of(checkin)
    assert (checkin.week, checkin.mood) == (monday_of(athlete.today()) - timedelta(days=7), 2)
