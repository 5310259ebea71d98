"""Enrolling an athlete: her profile and her plan are created together, in one transaction, by
``athlete_enrol``, whichever way she is added (the coach's form, the API, the admin, the demo
data, the test factories)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from rest_framework.test import APIClient

from athletes.models import Athlete, User
from clinical import protocol
from plans import services
from plans.models import AuditEntry, Plan, PlannedSession, PlanWeek
from tests.factories import AthleteFactory, london_today
from tests.plans.conftest import this_monday

pytestmark = pytest.mark.django_db


def profile(**changes) -> dict:
    return {
        "first_name": "Mia",
        "last_name": "Stone",
        "email": "mia.stone@example.org",
        "timezone": "Europe/Dublin",
        "delivery_date": london_today() - timedelta(weeks=14),
        "delivery_type": "caesarean_emergency",
        **changes,
    }


def assert_enrolled_with_a_plan(athlete: Athlete, *, stage: str = "walk", by: User | None) -> None:
    """Her plan started this week at ``stage`` level 1, with the protocol's sessions, and the
    start is in the audit trail."""
    plan = Plan.objects.get(athlete=athlete)
    assert (plan.protocol_version, plan.started_on) == (
        protocol.PROTOCOL_VERSION,
        this_monday(athlete),
    )
    week = PlanWeek.objects.get(plan=plan)
    assert (week.week, week.stage, week.level, week.reason) == (
        this_monday(athlete),
        stage,
        1,
        "started",
    )
    assert PlannedSession.objects.filter(plan_week=week).count() == len(
        protocol.sessions_for(stage, 1, clearance_scope=None)
    )
    athlete.refresh_from_db()
    assert (athlete.stage, athlete.level) == (stage, 1)
    entry = AuditEntry.objects.get(athlete=athlete)
    assert (entry.kind, entry.actor) == (AuditEntry.Kind.PLAN_STARTED, by)


def assert_nothing_created() -> None:
    assert not Athlete.objects.exists()
    assert not Plan.objects.exists()
    assert not PlanWeek.objects.exists()
    assert not PlannedSession.objects.exists()
    assert not AuditEntry.objects.exists()


# --- the service --------------------------------------------------------------------------------


def test_enrolling_creates_her_and_starts_her_plan(coach):
    athlete = services.athlete_enrol(coach=coach, data=profile(), by=coach)

    assert (athlete.coach, athlete.first_name, athlete.email) == (
        coach,
        "Mia",
        "mia.stone@example.org",
    )
    assert_enrolled_with_a_plan(athlete, by=coach)


def test_a_new_mother_under_3_weeks_starts_at_recover(coach):
    athlete = services.athlete_enrol(
        coach=coach, data=profile(delivery_date=london_today() - timedelta(days=5)), by=coach
    )

    assert_enrolled_with_a_plan(athlete, stage="recover", by=coach)


def test_a_plan_start_that_fails_rolls_her_profile_back(coach, monkeypatch):
    def fail(**kwargs):
        raise IntegrityError("the plan week could not be written")

    # The plan row is written, then writing its week fails: nothing at all may remain.
    monkeypatch.setattr(services, "week_publish", fail)

    with pytest.raises(IntegrityError):
        services.athlete_enrol(coach=coach, data=profile(), by=coach)

    assert_nothing_created()


def test_an_invalid_profile_creates_nothing(coach):
    with pytest.raises(ValidationError) as caught:
        services.athlete_enrol(
            coach=coach, data=profile(delivery_date=london_today() + timedelta(days=2)), by=coach
        )

    assert caught.value.message_dict == {
        "delivery_date": ["The birth date cannot be in the future."]
    }
    assert_nothing_created()


def test_only_a_coach_enrols_athletes(athlete_user):
    with pytest.raises(ValidationError):
        services.athlete_enrol(coach=athlete_user, data=profile(), by=athlete_user)

    assert_nothing_created()


# --- every channel ------------------------------------------------------------------------------


def test_the_coachs_new_athlete_form_enrols_her(coach_client, coach):
    form = {
        **{k: str(v) for k, v in profile().items()},
        "units": "km",
        "diastasis_recti": "unknown",
        "previous_births": "0",
    }

    response = coach_client.post(reverse("plans:athlete_create"), form)

    athlete = Athlete.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:athlete_overview", args=[athlete.pk])
    assert_enrolled_with_a_plan(athlete, by=coach)


def test_the_new_athlete_form_with_a_bad_profile_creates_nothing(coach_client):
    form = {k: str(v) for k, v in profile(delivery_date="not a date").items()}

    response = coach_client.post(reverse("plans:athlete_create"), form)

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert_nothing_created()


def test_the_api_enrols_her(coach_api, coach):
    body = {**profile(), "delivery_date": profile()["delivery_date"].isoformat()}

    response = coach_api.post("/api/v1/athletes/", body, format="json")

    assert response.status_code == 201
    athlete = Athlete.objects.get()
    assert (response.json()["id"], response.json()["stage"], response.json()["level"]) == (
        athlete.pk,
        "walk",
        1,
    )
    assert_enrolled_with_a_plan(athlete, by=coach)


def test_staff_enrolling_through_the_api_are_recorded_as_starting_her_plan(staff, coach):
    api = APIClient()
    api.force_login(staff)
    body = {**profile(), "delivery_date": profile()["delivery_date"].isoformat()}

    response = api.post("/api/v1/athletes/", {**body, "coach": coach.pk}, format="json")

    assert response.status_code == 201
    athlete = Athlete.objects.get()
    assert athlete.coach == coach
    assert_enrolled_with_a_plan(athlete, by=staff)


def test_the_admins_add_form_enrols_her(client, coach):
    admin_user = User.objects.create_superuser("admin@example.org", "pw-admin-1234")
    client.force_login(admin_user)
    form = {
        **{k: str(v) for k, v in profile().items()},
        "coach": str(coach.pk),
        "units": "km",
        "diastasis_recti": "unknown",
        "previous_births": "0",
    }
    for prefix in ("clearances", "assessments", "invitations"):
        form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = client.post(reverse("admin:athletes_athlete_add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    athlete = Athlete.objects.get()
    assert response["Location"] == reverse("admin:athletes_athlete_changelist")
    assert (athlete.coach, athlete.email) == (coach, "mia.stone@example.org")
    assert_enrolled_with_a_plan(athlete, by=admin_user)


def test_editing_her_in_the_admin_leaves_her_plan_alone(client, athlete):
    admin_user = User.objects.create_superuser("admin@example.org", "pw-admin-1234")
    client.force_login(admin_user)
    plan = Plan.objects.get(athlete=athlete)
    form = {
        "coach": str(athlete.coach_id),
        "user": str(athlete.user_id),
        "first_name": "Annie",
        "last_name": athlete.last_name,
        "email": athlete.email,
        "timezone": athlete.timezone,
        "units": "km",
        "delivery_date": athlete.delivery_date.isoformat(),
        "delivery_type": athlete.delivery_type,
        "diastasis_recti": "unknown",
        "previous_births": "0",
    }
    for prefix in ("clearances", "assessments", "invitations"):
        form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = client.post(reverse("admin:athletes_athlete_change", args=[athlete.pk]), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    athlete.refresh_from_db()
    assert athlete.first_name == "Annie"
    assert Plan.objects.get(athlete=athlete) == plan
    assert PlanWeek.objects.filter(plan=plan).count() == 1


def test_the_demo_data_enrols_every_athlete_it_creates(monkeypatch, settings):
    settings.DEBUG = True
    enrolled: list[int] = []
    real_enrol = services.athlete_enrol

    def spy(**kwargs):
        athlete = real_enrol(**kwargs)
        enrolled.append(athlete.pk)
        return athlete

    monkeypatch.setattr(services, "athlete_enrol", spy)

    call_command("seed_demo", athletes=3, weeks=4, stdout=StringIO())
    assert sorted(enrolled) == sorted(Athlete.objects.values_list("pk", flat=True))
    assert len(enrolled) == 3
    assert not Athlete.objects.filter(plan__isnull=True).exists()

    call_command("seed_demo", athletes=3, weeks=4, stdout=StringIO())  # idempotent
    assert len(enrolled) == 3
    assert Athlete.objects.count() == 3
    assert not Athlete.objects.filter(plan__isnull=True).exists()


def test_the_test_factory_enrols_her_too(coach):
    athlete = AthleteFactory(coach=coach)

    assert_enrolled_with_a_plan(athlete, by=None)
    assert not Plan.objects.filter(athlete=AthleteFactory(coach=coach, plan=False)).exists()
