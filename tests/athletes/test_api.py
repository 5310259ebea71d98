"""The athletes part of the REST API (SPEC §9): tokens, /me/, athletes, clearances and
readiness assessments, with the walls between coaches and between athletes and coaches."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from unittest.mock import ANY
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from athletes import services
from athletes.models import (
    ApiToken,
    Athlete,
    Clearance,
    Invitation,
    ReadinessAssessment,
    User,
)
from clinical.readiness import ASSESSMENT_ITEM_FIELDS
from tests.athletes import samples
from tests.athletes.records import everything, stored_files
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory, UserFactory
from tests.sql import written_tables

pytestmark = pytest.mark.django_db

ATHLETES = "/api/v1/athletes/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"

NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided."}
COACHES_ONLY = {"detail": "Only coaches can change this."}


def athlete_url(athlete_or_pk) -> str:
    return f"{ATHLETES}{getattr(athlete_or_pk, 'pk', athlete_or_pk)}/"


def clearances_url(athlete: Athlete) -> str:
    return f"{athlete_url(athlete)}clearances/"


def assessments_url(athlete: Athlete) -> str:
    return f"{athlete_url(athlete)}assessments/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def as_coach(coach) -> APIClient:
    return signed_in(coach)


@pytest.fixture
def as_other_coach(other_coach) -> APIClient:
    return signed_in(other_coach)


@pytest.fixture
def as_athlete(athlete_user) -> APIClient:
    return signed_in(athlete_user)


@pytest.fixture
def as_staff(staff) -> APIClient:
    return signed_in(staff)


def body_of(athlete: Athlete) -> dict:
    """How the API shows an athlete (checked literally in the whole-body tests below)."""
    athlete.refresh_from_db()
    km = (
        None if athlete.prior_weekly_km is None else float(athlete.prior_weekly_km),
        None if athlete.prior_longest_run_km is None else float(athlete.prior_longest_run_km),
    )
    return {
        "id": athlete.pk,
        "coach": athlete.coach_id,
        "user": athlete.user_id,
        "first_name": athlete.first_name,
        "last_name": athlete.last_name,
        "email": athlete.email,
        "date_of_birth": athlete.date_of_birth and athlete.date_of_birth.isoformat(),
        "timezone": athlete.timezone,
        "country": athlete.country,
        "units": athlete.units,
        "delivery_date": athlete.delivery_date.isoformat(),
        "delivery_type": athlete.delivery_type,
        "perineal_tear_degree": athlete.perineal_tear_degree,
        "diastasis_recti": athlete.diastasis_recti,
        "prior_incontinence": athlete.prior_incontinence,
        "breastfeeding": athlete.breastfeeding,
        "previous_births": athlete.previous_births,
        "years_running": athlete.years_running,
        "prior_weekly_km": km[0],
        "prior_longest_run_km": km[1],
        "goal": athlete.goal,
        "notes": athlete.notes,
        "archived": athlete.archived,
        "weeks_postpartum": athlete.weeks_postpartum,
        "stage": athlete.stage,
        "level": athlete.level,
    }


def page_of(results: list, count: int | None = None) -> dict:
    return {
        "count": len(results) if count is None else count,
        "next": None,
        "previous": None,
        "results": results,
    }


def dublin_today():
    return timezone.now().astimezone(ZoneInfo("Europe/Dublin")).date()


NEW_ATHLETE = {
    "first_name": "Mia",
    "last_name": "Stone",
    "email": "Mia.Stone@Example.org",
    "date_of_birth": "1991-04-02",
    "timezone": "Europe/Dublin",
    "units": "mi",
    "delivery_type": "caesarean_planned",
    "perineal_tear_degree": 0,
    "diastasis_recti": "no",
    "prior_incontinence": True,
    "breastfeeding": True,
    "previous_births": 1,
    "years_running": 8,
    "prior_weekly_km": 42.5,
    "prior_longest_run_km": 50,
    "goal": "Return to a 50 km trail race",
    "notes": "Twins; sleeps badly.",
    "archived": False,
}


def new_athlete(**changes) -> dict:
    return {
        **NEW_ATHLETE,
        "delivery_date": (dublin_today() - timedelta(weeks=14, days=3)).isoformat(),
        **changes,
    }


def clearance_body(clearance: Clearance, document: str | None = None) -> dict:
    return {
        "id": clearance.pk,
        "cleared_on": clearance.cleared_on.isoformat(),
        "clinician_name": clearance.clinician_name,
        "clinician_role": clearance.clinician_role,
        "scope": clearance.scope,
        "pelvic_health_assessed": clearance.pelvic_health_assessed,
        "expires_on": clearance.expires_on and clearance.expires_on.isoformat(),
        "notes": clearance.notes,
        "document": document,
    }


def assessment_body(assessment: ReadinessAssessment) -> dict:
    assessment.refresh_from_db()
    return {
        "id": assessment.pk,
        "assessed_on": assessment.assessed_on.isoformat(),
        "assessed_by": assessment.assessed_by,
        **{item: getattr(assessment, item) for item in ASSESSMENT_ITEM_FIELDS},
        "symptoms": assessment.symptoms,
        "notes": assessment.notes,
        "passed": assessment.passed,
    }


# --- tokens -----------------------------------------------------------------------------------


def test_a_coach_exchanges_email_and_password_for_a_token(api, coach, password):
    response = api.post(TOKEN, {"email": "COACH@example.org", "password": password})

    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    raw = response.json()["token"]
    assert len(raw) >= 40
    token = ApiToken.objects.get()
    assert token.user == coach
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert token.revoked_at is None


def test_only_a_hash_of_the_token_is_stored(api, coach, password):
    raw = api.post(TOKEN, {"email": coach.email, "password": password}).json()["token"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM athletes_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(raw in str(value) for value in rows[0])


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "coach@example.org", "password": "wrong-password"},
        {"email": "nobody@example.org", "password": "correct-horse-battery"},
    ],
    ids=["bad-password", "unknown-email"],
)
def test_bad_credentials_get_400_and_no_token(api, coach, credentials):
    response = api.post(TOKEN, credentials)

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to sign in with this e-mail and password."]
    }
    assert not ApiToken.objects.exists()


def test_a_token_request_needs_both_fields(api, coach):
    response = api.post(TOKEN, {"email": "not-an-email"})

    assert response.status_code == 400
    assert response.json() == {
        "email": ["Enter a valid email address."],
        "password": ["This field is required."],
    }
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(api, coach, password):
    User.objects.filter(pk=coach.pk).update(is_active=False)

    response = api.post(TOKEN, {"email": coach.email, "password": password})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_requests_are_throttled(api, coach):
    # Five failures lock the account (tests/test_rate_limits.py has the rest).
    statuses = [
        api.post(TOKEN, {"email": coach.email, "password": "guess"}).status_code for _ in range(6)
    ]

    assert statuses == [400] * 5 + [429]
    assert not ApiToken.objects.exists()


def test_the_token_authenticates_requests(api, coach, password):
    raw = api.post(TOKEN, {"email": coach.email, "password": password}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = api.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": coach.pk,
        "email": "coach@example.org",
        "role": "coach",
        "athlete_id": None,
    }
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_records_its_use_at_most_once_a_day(api, coach):
    _, raw = services.api_token_create(user=coach)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    def writes_of_a_read() -> list:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(ME).status_code == 200
        return written_tables(queries)

    assert writes_of_a_read() == [("athletes_apitoken", ANY)]  # first use
    first_use = ApiToken.objects.get().last_used_at
    assert first_use is not None
    assert writes_of_a_read() == []  # the same day: a read writes nothing
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(hours=23))
    assert writes_of_a_read() == []
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(hours=25))
    assert writes_of_a_read() == [("athletes_apitoken", ANY)]  # a day later, once
    assert ApiToken.objects.get().last_used_at > timezone.now() - timedelta(minutes=1)


def test_deleting_the_token_revokes_it(api, coach, password):
    raw = api.post(TOKEN, {"email": coach.email, "password": password}).json()["token"]
    _, other_raw = services.api_token_create(user=coach)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    response = api.delete(TOKEN)

    assert response.status_code == 204
    assert response.content == b""
    revoked = ApiToken.objects.get(prefix=raw[:8])
    assert revoked.revoked_at is not None
    again = api.get(ME)
    assert again.status_code == 401
    assert again.json() == {"detail": "Invalid or revoked token."}
    # Only the token in use was revoked.
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {other_raw}")
    assert other.get(ME).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-token", "Token", "Token two parts"],
    ids=["unknown", "missing", "malformed"],
)
def test_a_bad_token_gets_401(api, coach, header):
    api.credentials(HTTP_AUTHORIZATION=header)

    response = api.get(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_a_token_stops_working_when_its_user_is_deactivated(api, coach):
    _, raw = services.api_token_create(user=coach)
    User.objects.filter(pk=coach.pk).update(is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    assert api.get(ME).status_code == 401


def test_deleting_without_a_token_in_the_header_is_refused(as_coach, coach):
    services.api_token_create(user=coach)

    response = as_coach.delete(TOKEN)

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Send the token to revoke in the Authorization header."]
    }
    assert ApiToken.objects.get().revoked_at is None


def test_session_writes_need_the_csrf_token_but_token_writes_do_not(coach, password):
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(coach)
    before = everything()

    refused = session.post(ATHLETES, new_athlete())

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert everything() == before

    tokens = APIClient(enforce_csrf_checks=True)
    raw = tokens.post(TOKEN, {"email": coach.email, "password": password}).json()["token"]
    tokens.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    created = tokens.post(ATHLETES, new_athlete())

    assert created.status_code == 201
    assert Athlete.objects.get().coach == coach


# --- /me/ and anonymous requests --------------------------------------------------------------


def test_me_for_a_linked_athlete_gives_her_athlete_id(athlete_user, athlete):
    response = signed_in(athlete_user).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": athlete_user.pk,
        "email": "athlete@example.org",
        "role": "athlete",
        "athlete_id": athlete.pk,
    }


def test_me_for_an_athlete_not_yet_linked_has_no_athlete_id(athlete_user):
    response = signed_in(athlete_user).get(ME)

    assert response.status_code == 200
    assert response.json()["athlete_id"] is None


def test_me_for_a_coach(as_coach, coach):
    response = as_coach.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": coach.pk,
        "email": "coach@example.org",
        "role": "coach",
        "athlete_id": None,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ME),
        ("delete", TOKEN),
        ("get", ATHLETES),
        ("post", ATHLETES),
        ("get", "{athlete}"),
        ("patch", "{athlete}"),
        ("delete", "{athlete}"),
        ("get", "{athlete}clearances/"),
        ("post", "{athlete}clearances/"),
        ("get", "{athlete}assessments/"),
        ("post", "{athlete}assessments/"),
    ],
)
def test_anonymous_requests_get_401_and_write_nothing(api, athlete, method, path):
    before = everything()

    response = getattr(api, method)(path.format(athlete=athlete_url(athlete)), {})

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN
    assert response["WWW-Authenticate"] == "Token"
    assert everything() == before


# --- athletes: list and retrieve ---------------------------------------------------------------


def test_a_coach_lists_only_her_own_athletes(as_coach, coach, athlete, other_athlete):
    second = AthleteFactory(coach=coach, first_name="Zoe", last_name="Lake")

    response = as_coach.get(ATHLETES)

    assert response.status_code == 200
    assert response.json() == page_of([body_of(athlete), body_of(second)])


def test_an_athlete_lists_only_herself(athlete_user, athlete, other_athlete):
    AthleteFactory(coach=athlete.coach)

    response = signed_in(athlete_user).get(ATHLETES)

    assert response.status_code == 200
    assert response.json() == page_of([body_of(athlete)])


def test_an_athlete_without_a_profile_lists_nobody(athlete, other_athlete):
    lonely = UserFactory(role="athlete")

    response = signed_in(lonely).get(ATHLETES)

    assert response.status_code == 200
    assert response.json() == page_of([])


def test_staff_list_every_athlete(staff, athlete, other_athlete):
    response = signed_in(staff).get(ATHLETES)

    assert response.status_code == 200
    assert response.json() == page_of([body_of(athlete), body_of(other_athlete)])


def test_the_athlete_list_is_paginated(as_coach, coach):
    for _ in range(3):
        AthleteFactory(coach=coach)

    first = as_coach.get(ATHLETES, {"page_size": 2})
    second = as_coach.get(ATHLETES, {"page_size": 2, "page": 2})

    assert first.status_code == 200
    assert first.json()["count"] == 3
    assert first.json()["next"] == "http://testserver/api/v1/athletes/?page=2&page_size=2"
    assert first.json()["previous"] is None
    assert len(first.json()["results"]) == 2
    assert second.json()["next"] is None
    assert second.json()["previous"] == "http://testserver/api/v1/athletes/?page_size=2"
    assert len(second.json()["results"]) == 1


def test_the_athlete_list_filters_on_archived(as_coach, coach, athlete):
    gone = AthleteFactory(coach=coach, archived=True)

    archived = as_coach.get(ATHLETES, {"archived": "true"})
    active = as_coach.get(ATHLETES, {"archived": "false"})

    assert [a["id"] for a in archived.json()["results"]] == [gone.pk]
    assert [a["id"] for a in active.json()["results"]] == [athlete.pk]


def test_a_coach_retrieves_her_athlete_with_every_field(as_coach, coach, athlete, athlete_user):
    Athlete.objects.filter(pk=athlete.pk).update(
        date_of_birth="1990-05-06",
        perineal_tear_degree=3,
        prior_weekly_km="35.5",
        years_running=6,
        goal="Trail half marathon",
        stage="walk",
        level=2,
    )

    response = as_coach.get(athlete_url(athlete))

    assert response.status_code == 200
    assert response.json() == {
        "id": athlete.pk,
        "coach": coach.pk,
        "user": athlete_user.pk,
        "first_name": "Anna",
        "last_name": "Lind",
        "email": "athlete@example.org",
        "date_of_birth": "1990-05-06",
        "timezone": "Europe/London",
        "country": "",
        "units": "km",
        "delivery_date": athlete.delivery_date.isoformat(),
        "delivery_type": "vaginal",
        "perineal_tear_degree": 3,
        "diastasis_recti": "unknown",
        "prior_incontinence": False,
        "breastfeeding": False,
        "previous_births": 0,
        "years_running": 6,
        "prior_weekly_km": 35.5,
        "prior_longest_run_km": None,
        "goal": "Trail half marathon",
        "notes": "",
        "archived": False,
        "weeks_postpartum": 20,
        "stage": "walk",
        "level": 2,
    }


def test_an_athlete_retrieves_herself(athlete_user, athlete):
    response = signed_in(athlete_user).get(athlete_url(athlete))

    assert response.status_code == 200
    assert response.json() == body_of(athlete)


def test_staff_retrieve_any_athlete(staff, other_athlete):
    response = signed_in(staff).get(athlete_url(other_athlete))

    assert response.status_code == 200
    assert response.json() == body_of(other_athlete)


@pytest.mark.parametrize("who", ["other_coach", "other_athlete_user"])
def test_someone_elses_athlete_is_not_found(request, athlete, other_athlete, who):
    response = signed_in(request.getfixturevalue(who)).get(athlete_url(athlete))

    assert response.status_code == 404
    assert "Anna" not in response.content.decode()


# --- athletes: create -------------------------------------------------------------------------


def test_a_coach_creates_an_athlete(as_coach, coach):
    delivery = dublin_today() - timedelta(weeks=14, days=3)

    response = as_coach.post(ATHLETES, new_athlete())

    assert response.status_code == 201
    athlete = Athlete.objects.get()
    assert response.json() == {
        "id": athlete.pk,
        "coach": coach.pk,
        "user": None,
        "first_name": "Mia",
        "last_name": "Stone",
        "email": "mia.stone@example.org",
        "date_of_birth": "1991-04-02",
        "timezone": "Europe/Dublin",
        # Not given: it follows her time zone (the get-help numbers, SPEC §14).
        "country": "IE",
        "units": "mi",
        "delivery_date": delivery.isoformat(),
        "delivery_type": "caesarean_planned",
        "perineal_tear_degree": 0,
        "diastasis_recti": "no",
        "prior_incontinence": True,
        "breastfeeding": True,
        "previous_births": 1,
        "years_running": 8,
        "prior_weekly_km": 42.5,
        "prior_longest_run_km": 50.0,
        "goal": "Return to a 50 km trail race",
        "notes": "Twins; sleeps badly.",
        "archived": False,
        "weeks_postpartum": 14,
        # Past 3 weeks postpartum her plan starts at walk, level 1 (SPEC §5).
        "stage": "walk",
        "level": 1,
    }
    assert athlete.coach == coach
    assert athlete.user is None
    assert athlete.email == "mia.stone@example.org"
    assert athlete.delivery_date == delivery
    assert response.json() == body_of(athlete)


def test_a_minimal_athlete_takes_the_defaults(as_coach, coach):
    delivery = (timezone.now().date() - timedelta(weeks=2)).isoformat()

    response = as_coach.post(
        ATHLETES,
        {"first_name": "Ola", "delivery_date": delivery, "delivery_type": "vaginal"},
    )

    assert response.status_code == 201
    athlete = Athlete.objects.get()
    assert response.json() == body_of(athlete)
    assert (athlete.timezone, athlete.units, athlete.diastasis_recti, athlete.email) == (
        "Europe/London",
        "km",
        "unknown",
        "",
    )
    # Under 3 weeks postpartum her plan starts at recover (SPEC §5).
    assert (response.json()["stage"], response.json()["level"]) == ("recover", 1)


def test_read_only_fields_are_ignored_on_create(as_coach, coach, athlete_user):
    response = as_coach.post(
        ATHLETES,
        new_athlete(id=999, user=athlete_user.pk, stage="speed", level=5, weeks_postpartum=40),
    )

    assert response.status_code == 201
    athlete = Athlete.objects.get()
    assert athlete.pk != 999
    assert (athlete.user, athlete.stage, athlete.level) == (None, "walk", 1)
    assert response.json()["weeks_postpartum"] == 14


def test_staff_create_an_athlete_for_any_coach(staff, coach):
    response = signed_in(staff).post(ATHLETES, new_athlete(coach=coach.pk))

    assert response.status_code == 201
    assert response.json()["coach"] == coach.pk
    assert Athlete.objects.get().coach == coach


INVALID_ATHLETES = [
    pytest.param(
        {"delivery_date": "{tomorrow}"},
        {"delivery_date": ["The birth date cannot be in the future."]},
        id="future-delivery-date",
    ),
    pytest.param(
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": ['"Mars/Olympus_Mons" is not a valid choice.']},
        id="unknown-timezone",
    ),
    pytest.param(
        {"perineal_tear_degree": 5},
        {"perineal_tear_degree": ["Ensure this value is less than or equal to 4."]},
        id="tear-degree-5",
    ),
    pytest.param(
        {"prior_weekly_km": -1},
        {"prior_weekly_km": ["Ensure this value is greater than or equal to 0."]},
        id="negative-km",
    ),
    pytest.param(
        {"prior_longest_run_km": -0.5},
        {"prior_longest_run_km": ["Ensure this value is greater than or equal to 0."]},
        id="negative-longest-run",
    ),
    pytest.param(
        {"delivery_type": "stork"},
        {"delivery_type": ['"stork" is not a valid choice.']},
        id="unknown-delivery-type",
    ),
    pytest.param(
        {"date_of_birth": "{tomorrow}"},
        {"date_of_birth": ["The date of birth must be in the past."]},
        id="future-date-of-birth",
    ),
    pytest.param(
        {"delivery_date": "14/03/2025"},
        {"delivery_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        id="date-in-the-wrong-format",
    ),
]


def fill(changes: dict) -> dict:
    tomorrow = (dublin_today() + timedelta(days=2)).isoformat()
    return {k: v.format(tomorrow=tomorrow) if isinstance(v, str) else v for k, v in changes.items()}


@pytest.mark.parametrize(("changes", "errors"), INVALID_ATHLETES)
def test_an_invalid_athlete_gets_400_with_field_errors_and_nothing_is_written(
    as_coach, coach, changes, errors
):
    before = everything()

    response = as_coach.post(ATHLETES, new_athlete(**fill(changes)))

    assert response.status_code == 400
    assert response.json() == errors
    assert everything() == before


def test_missing_required_fields_get_400(as_coach):
    response = as_coach.post(ATHLETES, {})

    assert response.status_code == 400
    assert response.json() == {
        "first_name": ["This field is required."],
        "delivery_date": ["This field is required."],
        "delivery_type": ["This field is required."],
    }
    assert not Athlete.objects.exists()


def test_a_coach_cannot_create_an_athlete_for_another_coach(as_coach, other_coach):
    before = everything()

    response = as_coach.post(ATHLETES, new_athlete(coach=other_coach.pk))

    assert response.status_code == 400
    assert response.json() == {"coach": ["You can only add athletes to your own roster."]}
    assert everything() == before


def test_an_athletes_coach_must_be_a_coach(as_staff, athlete_user):
    before = everything()

    response = as_staff.post(ATHLETES, new_athlete(coach=athlete_user.pk))

    assert response.status_code == 400
    assert response.json() == {
        "coach": [f'Invalid pk "{athlete_user.pk}" - object does not exist.']
    }
    assert everything() == before


def test_a_second_athlete_with_the_same_email_gets_400(as_coach, coach):
    AthleteFactory(coach=coach, email="mia.stone@example.org")
    before = everything()

    response = as_coach.post(ATHLETES, new_athlete(email="MIA.STONE@example.org"))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["You already have an athlete with this e-mail address."]
    }
    assert everything() == before


def test_an_athlete_cannot_create_athletes(as_athlete, athlete):
    before = everything()

    response = as_athlete.post(ATHLETES, new_athlete())

    assert response.status_code == 403
    assert response.json() == COACHES_ONLY
    assert everything() == before


# --- athletes: update, archive, erase ---------------------------------------------------------


def test_a_coach_updates_her_athlete(as_coach, athlete):
    response = as_coach.patch(
        athlete_url(athlete),
        {"goal": "A 25 km trail race", "prior_weekly_km": 20.5, "perineal_tear_degree": 2},
    )

    assert response.status_code == 200
    athlete.refresh_from_db()
    assert (athlete.goal, float(athlete.prior_weekly_km), athlete.perineal_tear_degree) == (
        "A 25 km trail race",
        20.5,
        2,
    )
    assert response.json() == body_of(athlete)
    assert response.json()["goal"] == "A 25 km trail race"


def test_a_coach_archives_and_restores_an_athlete_by_patch(as_coach, athlete):
    archived = as_coach.patch(athlete_url(athlete), {"archived": True})

    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    athlete.refresh_from_db()
    assert athlete.archived is True
    assert as_coach.get(ATHLETES, {"archived": "false"}).json()["count"] == 0

    restored = as_coach.patch(athlete_url(athlete), {"archived": False})

    assert restored.status_code == 200
    assert restored.json()["archived"] is False
    athlete.refresh_from_db()
    assert athlete.archived is False


def test_read_only_fields_are_ignored_on_update(as_coach, athlete, other_athlete_user):
    response = as_coach.patch(
        athlete_url(athlete),
        {"stage": "speed", "level": 7, "user": other_athlete_user.pk, "weeks_postpartum": 1},
    )

    assert response.status_code == 200
    athlete.refresh_from_db()
    # Her plan started at walk 1 when she was enrolled; only the plans layer moves her.
    assert (athlete.stage, athlete.level, athlete.user.email) == (
        "walk",
        1,
        "athlete@example.org",
    )
    assert response.json() == body_of(athlete)


@pytest.mark.parametrize(("changes", "errors"), INVALID_ATHLETES)
def test_an_invalid_update_gets_400_and_changes_nothing(as_coach, athlete, changes, errors):
    before = everything()

    response = as_coach.patch(athlete_url(athlete), fill(changes))

    assert response.status_code == 400
    assert response.json() == errors
    assert everything() == before


def test_a_coach_cannot_hand_her_athlete_to_another_coach(as_coach, athlete, other_coach):
    before = everything()

    response = as_coach.patch(athlete_url(athlete), {"coach": other_coach.pk})

    assert response.status_code == 400
    assert response.json() == {"coach": ["You can only add athletes to your own roster."]}
    assert everything() == before


def test_staff_reassign_an_athlete_to_another_coach(staff, athlete, other_coach):
    response = signed_in(staff).patch(athlete_url(athlete), {"coach": other_coach.pk})

    assert response.status_code == 200
    assert response.json()["coach"] == other_coach.pk
    athlete.refresh_from_db()
    assert athlete.coach == other_coach


def test_deleting_an_athlete_erases_her_records_documents_and_login(
    as_coach, coach, athlete, athlete_user, django_capture_on_commit_callbacks
):
    services.clearance_create(
        athlete=athlete,
        data={
            "cleared_on": athlete.today(),
            "clinician_name": "Dr Reid",
            "clinician_role": "gp",
            "scope": "running",
        },
        document=samples.upload("letter.pdf", samples.PDF),
        by=coach,
    )
    ClearanceFactory(athlete=athlete)
    AssessmentFactory(athlete=athlete)
    kept = ClearanceFactory(athlete=AthleteFactory(coach=coach))
    assert len(stored_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = as_coach.delete(athlete_url(athlete))

    assert response.status_code == 204
    assert response.content == b""
    assert not Athlete.objects.filter(pk=athlete.pk).exists()
    assert not Clearance.objects.filter(athlete_id=athlete.pk).exists()
    assert not ReadinessAssessment.objects.filter(athlete_id=athlete.pk).exists()
    assert not Invitation.objects.filter(athlete_id=athlete.pk).exists()
    assert not User.objects.filter(pk=athlete_user.pk).exists()
    assert stored_files() == set()
    assert list(Clearance.objects.all()) == [kept]
    assert User.objects.filter(pk=coach.pk).exists()


@pytest.mark.parametrize(
    ("method", "data"),
    [("get", None), ("patch", {"goal": "Hijacked"}), ("delete", None)],
)
def test_other_coach_gets_404_and_nothing_is_written(as_other_coach, athlete, method, data):
    ClearanceFactory(athlete=athlete)
    before = everything()

    response = getattr(as_other_coach, method)(athlete_url(athlete), data)

    assert response.status_code == 404
    assert response.json() == {"detail": "No Athlete matches the given query."}
    assert everything() == before


def test_an_unknown_athlete_gets_the_same_404_as_another_coachs(as_coach):
    response = as_coach.get(athlete_url(987654))

    assert response.status_code == 404
    assert response.json() == {"detail": "No Athlete matches the given query."}


@pytest.mark.parametrize(
    ("method", "data"),
    [("patch", {"goal": "My own goal"}), ("patch", {"archived": True}), ("delete", None)],
)
def test_an_athlete_writing_her_own_profile_gets_403_and_nothing_is_written(
    as_athlete, athlete, method, data
):
    before = everything()

    response = getattr(as_athlete, method)(athlete_url(athlete), data)

    assert response.status_code == 403
    assert response.json() == COACHES_ONLY
    assert everything() == before


def test_put_is_not_offered(as_coach, athlete):
    before = everything()

    response = as_coach.put(athlete_url(athlete), new_athlete())

    assert response.status_code == 405
    assert everything() == before


# --- clearances -------------------------------------------------------------------------------


def new_clearance(athlete: Athlete, **changes) -> dict:
    return {
        "cleared_on": (athlete.today() - timedelta(days=3)).isoformat(),
        "clinician_name": "Dr Jo Reid",
        "clinician_role": "pelvic_health_physio",
        "scope": "running",
        "expires_on": (athlete.today() + timedelta(days=90)).isoformat(),
        "notes": "Cleared for run-walk.",
        **changes,
    }


def test_a_coach_lists_clearances_newest_first(as_coach, athlete, other_athlete):
    today = athlete.today()
    old = ClearanceFactory(athlete=athlete, cleared_on=today - timedelta(days=30))
    new = ClearanceFactory(athlete=athlete, cleared_on=today - timedelta(days=2), notes="Later")
    ClearanceFactory(athlete=other_athlete)

    response = as_coach.get(clearances_url(athlete))

    assert response.status_code == 200
    assert response.json() == page_of([clearance_body(new), clearance_body(old)])


@pytest.mark.parametrize("who", ["athlete_user", "staff"])
def test_the_athlete_and_staff_read_her_clearances(request, athlete, who):
    clearance = ClearanceFactory(athlete=athlete)

    response = signed_in(request.getfixturevalue(who)).get(clearances_url(athlete))

    assert response.status_code == 200
    assert response.json() == page_of([clearance_body(clearance)])


def test_a_coach_records_a_clearance_as_json(as_coach, coach, athlete):
    data = new_clearance(athlete)

    response = as_coach.post(clearances_url(athlete), data)

    assert response.status_code == 201
    clearance = Clearance.objects.get()
    assert response.json() == {
        "id": clearance.pk,
        "cleared_on": data["cleared_on"],
        "clinician_name": "Dr Jo Reid",
        "clinician_role": "pelvic_health_physio",
        "scope": "running",
        "pelvic_health_assessed": False,  # not said: her coach ticks it (SPEC §14)
        "expires_on": data["expires_on"],
        "notes": "Cleared for run-walk.",
        "document": None,
    }
    assert (clearance.athlete, clearance.recorded_by) == (athlete, coach)
    assert clearance.cleared_on.isoformat() == data["cleared_on"]
    assert not clearance.document
    assert stored_files() == set()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", samples.PDF, "application/pdf"),
        ("scan.png", samples.PNG, "image/png"),
        ("photo.jpg", samples.JPEG, "image/jpeg"),
    ],
)
def test_a_coach_records_a_clearance_with_a_document(
    as_coach, coach, athlete, name, content, content_type
):
    data = {**new_clearance(athlete), "document": samples.upload(name, content)}

    response = as_coach.post(clearances_url(athlete), data, format="multipart")

    assert response.status_code == 201
    clearance = Clearance.objects.get()
    url = f"http://testserver/documents/clearances/{clearance.pk}/"
    assert response.json() == clearance_body(clearance, document=url)
    assert (clearance.document_name, clearance.document_content_type) == (name, content_type)
    assert clearance.document_size == len(content)
    assert stored_files() == {clearance.document.name}

    download = as_coach.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert b"".join(download.streaming_content) == content
    download.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "big.pdf",
            samples.oversized_pdf(),
            "The file is 10.0 MB; the limit is 10 MB.",
            id="over-10-mb",
        ),
        pytest.param(
            "letter.pdf",
            samples.EXE,
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="exe-renamed-pdf",
        ),
        pytest.param(
            "letter.pdf",
            samples.EXE_WITH_PDF_HEADER,
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="exe-with-a-forged-pdf-first-line",
        ),
        pytest.param(
            "letter.pdf",
            samples.TEXT,
            "Upload a PDF, PNG or JPEG file; this file is not one of those.",
            id="text-renamed-pdf",
        ),
    ],
)
def test_a_refused_document_gets_400_and_nothing_is_stored(
    as_coach, athlete, name, content, message
):
    before = everything()
    data = {**new_clearance(athlete), "document": samples.upload(name, content)}

    response = as_coach.post(clearances_url(athlete), data, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"document": [message]}
    assert everything() == before
    assert stored_files() == set()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        pytest.param(
            {"cleared_on": "2099-01-01", "expires_on": None},
            {"cleared_on": ["The clearance date cannot be in the future."]},
            id="future",
        ),
        pytest.param(
            {"cleared_on": "2000-01-01"},
            {"cleared_on": ["A postnatal clearance cannot predate the birth."]},
            id="before-the-birth",
        ),
        pytest.param(
            {"expires_on": "2000-01-01"},
            {"expires_on": ["It cannot expire before it was given."]},
            id="expires-before-given",
        ),
        pytest.param(
            {"scope": "marathons"},
            {"scope": ['"marathons" is not a valid choice.']},
            id="unknown-scope",
        ),
        pytest.param(
            {"clinician_role": "shaman"},
            {"clinician_role": ['"shaman" is not a valid choice.']},
            id="unknown-clinician-role",
        ),
    ],
)
def test_an_invalid_clearance_gets_400_and_nothing_is_stored(as_coach, athlete, changes, errors):
    before = everything()
    data = {**new_clearance(athlete, **changes), "document": samples.upload("a.pdf", samples.PDF)}
    data = {k: v for k, v in data.items() if v is not None}

    response = as_coach.post(clearances_url(athlete), data, format="multipart")

    assert response.status_code == 400
    assert response.json() == errors
    assert everything() == before
    assert stored_files() == set()


def test_an_athlete_cannot_record_her_own_clearance(as_athlete, athlete):
    before = everything()
    data = {**new_clearance(athlete), "document": samples.upload("a.pdf", samples.PDF)}

    response = as_athlete.post(clearances_url(athlete), data, format="multipart")

    assert response.status_code == 403
    assert response.json() == COACHES_ONLY
    assert everything() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_coach_gets_404_for_clearances_and_nothing_is_written(
    as_other_coach, athlete, method
):
    ClearanceFactory(athlete=athlete)
    before = everything()
    data = {**new_clearance(athlete), "document": samples.upload("a.pdf", samples.PDF)}

    response = getattr(as_other_coach, method)(
        clearances_url(athlete), data if method == "post" else None, format="multipart"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "No Athlete matches the given query."}
    assert everything() == before


def test_another_athlete_gets_404_for_her_clearances(athlete, other_athlete_user, other_athlete):
    ClearanceFactory(athlete=athlete)

    response = signed_in(other_athlete_user).get(clearances_url(athlete))

    assert response.status_code == 404


def test_other_coach_gets_404_not_400_for_an_invalid_clearance(as_other_coach, athlete):
    # The athlete is looked up first: her existence is not revealed by a validation error.
    before = everything()

    response = as_other_coach.post(clearances_url(athlete), {})

    assert response.status_code == 404
    assert everything() == before


# --- readiness assessments --------------------------------------------------------------------


def new_assessment(athlete: Athlete, *, failed: tuple[str, ...] = (), **changes) -> dict:
    return {
        "assessed_on": (athlete.today() - timedelta(days=1)).isoformat(),
        "assessed_by": "Jo Reid, pelvic health physio",
        **{item: item not in failed for item in ASSESSMENT_ITEM_FIELDS},
        "symptoms": False,
        "notes": "Strong on both sides.",
        **changes,
    }


def test_a_coach_lists_assessments_newest_first(as_coach, athlete, other_athlete):
    today = athlete.today()
    old = AssessmentFactory(athlete=athlete, assessed_on=today - timedelta(days=60), symptoms=True)
    new = AssessmentFactory(athlete=athlete, assessed_on=today - timedelta(days=1))
    AssessmentFactory(athlete=other_athlete)

    response = as_coach.get(assessments_url(athlete))

    assert response.status_code == 200
    assert response.json() == page_of([assessment_body(new), assessment_body(old)])
    assert [a["passed"] for a in response.json()["results"]] == [True, False]


@pytest.mark.parametrize("who", ["athlete_user", "staff"])
def test_the_athlete_and_staff_read_her_assessments(request, athlete, who):
    assessment = AssessmentFactory(athlete=athlete)

    response = signed_in(request.getfixturevalue(who)).get(assessments_url(athlete))

    assert response.status_code == 200
    assert response.json() == page_of([assessment_body(assessment)])


def test_a_coach_records_a_passed_assessment(as_coach, coach, athlete):
    data = new_assessment(athlete)

    response = as_coach.post(assessments_url(athlete), data)

    assert response.status_code == 201
    assessment = ReadinessAssessment.objects.get()
    assert response.json() == {
        "id": assessment.pk,
        "assessed_on": data["assessed_on"],
        "assessed_by": "Jo Reid, pelvic health physio",
        "walk_30_min": True,
        "single_leg_balance": True,
        "single_leg_squat": True,
        "jog_on_spot": True,
        "forward_bounds": True,
        "hop_in_place": True,
        "running_man": True,
        "calf_raise": True,
        "single_leg_bridge": True,
        "single_leg_sit_to_stand": True,
        "side_lying_abduction": True,
        "symptoms": False,
        "notes": "Strong on both sides.",
        "passed": True,
    }
    assert (assessment.athlete, assessment.recorded_by, assessment.passed) == (
        athlete,
        coach,
        True,
    )


@pytest.mark.parametrize(
    ("failed", "symptoms"),
    [(("running_man",), False), ((), True)],
    ids=["one-item-missed", "symptoms"],
)
def test_passed_is_computed_and_cannot_be_written(as_coach, athlete, failed, symptoms):
    data = new_assessment(athlete, failed=failed, symptoms=symptoms, passed=True)

    response = as_coach.post(assessments_url(athlete), data)

    assert response.status_code == 201
    assessment = ReadinessAssessment.objects.get()
    assert assessment.passed is False
    assert response.json()["passed"] is False
    assert response.json() == assessment_body(assessment)


def test_items_left_out_count_as_not_passed(as_coach, athlete):
    response = as_coach.post(
        assessments_url(athlete),
        {"assessed_on": athlete.today().isoformat(), "assessed_by": "Jo", "walk_30_min": True},
    )

    assert response.status_code == 201
    assessment = ReadinessAssessment.objects.get()
    assert (assessment.items_passed, assessment.passed) == (1, False)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        pytest.param(
            {"assessed_on": "{tomorrow}"},
            {"assessed_on": ["The assessment date cannot be in the future."]},
            id="future",
        ),
        pytest.param(
            {"assessed_on": "2000-01-01"},
            {"assessed_on": ["A postnatal assessment cannot predate the birth."]},
            id="before-the-birth",
        ),
        pytest.param(
            {"assessed_by": ""},
            {"assessed_by": ["This field may not be blank."]},
            id="no-assessor",
        ),
        pytest.param(
            {"hop_in_place": "perhaps"},
            {"hop_in_place": ["Must be a valid boolean."]},
            id="not-a-boolean",
        ),
    ],
)
def test_an_invalid_assessment_gets_400_and_nothing_is_written(as_coach, athlete, changes, errors):
    before = everything()
    tomorrow = (athlete.today() + timedelta(days=1)).isoformat()
    changes = {k: v.replace("{tomorrow}", tomorrow) for k, v in changes.items()}

    response = as_coach.post(assessments_url(athlete), new_assessment(athlete, **changes))

    assert response.status_code == 400
    assert response.json() == errors
    assert everything() == before


def test_an_athlete_cannot_record_her_own_assessment(as_athlete, athlete):
    before = everything()

    response = as_athlete.post(assessments_url(athlete), new_assessment(athlete))

    assert response.status_code == 403
    assert response.json() == COACHES_ONLY
    assert everything() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_coach_gets_404_for_assessments_and_nothing_is_written(
    as_other_coach, athlete, method
):
    AssessmentFactory(athlete=athlete)
    before = everything()

    response = getattr(as_other_coach, method)(
        assessments_url(athlete), new_assessment(athlete) if method == "post" else None
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "No Athlete matches the given query."}
    assert everything() == before


def test_other_coach_gets_404_not_400_for_an_invalid_assessment(as_other_coach, athlete):
    before = everything()

    response = as_other_coach.post(assessments_url(athlete), {})

    assert response.status_code == 404
    assert everything() == before


# --- query counts -----------------------------------------------------------------------------


def add_athletes(coach: User, count: int) -> None:
    for _ in range(count):
        athlete = AthleteFactory(coach=coach, user=UserFactory(role="athlete"))
        ClearanceFactory(athlete=athlete)
        AssessmentFactory(athlete=athlete)


def list_queries(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ATHLETES)
    assert response.status_code == 200
    return len(queries)


def test_the_athlete_list_takes_the_same_number_of_queries_for_3_and_30(as_coach, coach):
    add_athletes(coach, 3)
    list_queries(as_coach)  # warm up
    with_3 = list_queries(as_coach)
    add_athletes(coach, 27)
    with_30 = list_queries(as_coach)

    assert with_3 == with_30
    assert as_coach.get(ATHLETES).json()["count"] == 30


def test_the_clearance_list_takes_the_same_number_of_queries_for_3_and_30(as_coach, athlete):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_coach.get(clearances_url(athlete)).status_code == 200
        return len(queries)

    ClearanceFactory.create_batch(3, athlete=athlete)
    count()
    with_3 = count()
    ClearanceFactory.create_batch(27, athlete=athlete)

    assert count() == with_3


# --- Query parameters: a bad value is a 400 that says what is allowed ---------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "abc"}, "page", "A page number from 1 (or 'last')."),
        ({"page": "0"}, "page", "A page number from 1 (or 'last')."),
        ({"page": "-1"}, "page", "A page number from 1 (or 'last')."),
        ({"page_size": "ten"}, "page_size", "A whole number from 1 to 200."),
        ({"page_size": "0"}, "page_size", "A whole number from 1 to 200."),
        ({"page_size": "201"}, "page_size", "A whole number from 1 to 200."),
        ({"page_size": "²"}, "page_size", "A whole number from 1 to 200."),
        ({"archived": "yes"}, "archived", "Either true or false."),
        ({"archived": ""}, "archived", "Either true or false."),
    ],
)
def test_a_bad_query_parameter_is_a_400_saying_what_is_allowed(as_coach, params, field, message):
    response = as_coach.get(ATHLETES, params)

    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_good_query_parameters_still_page_and_filter(as_coach, coach):
    AthleteFactory(coach=coach, archived=True)
    AthleteFactory(coach=coach)

    archived = as_coach.get(ATHLETES, {"archived": "true", "page": "1", "page_size": "200"})
    last = as_coach.get(ATHLETES, {"page": "last", "page_size": "1"})
    past_the_end = as_coach.get(ATHLETES, {"page": "9"})

    assert archived.status_code == 200
    assert [a["archived"] for a in archived.json()["results"]] == [True]
    assert last.status_code == 200
    assert last.json()["count"] == 2
    assert past_the_end.status_code == 404
