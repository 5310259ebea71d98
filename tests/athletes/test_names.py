"""Names are one line of visible text on every channel (web/validators.py, on the model fields):
sign-up, the athlete forms, the clearance form, the API, the admin; and the invitation's
subject can never break, whatever was stored before."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from athletes import services
from athletes.models import Athlete, Clearance, User
from tests.athletes.test_api import new_athlete, new_clearance
from tests.athletes.test_pages import athlete_form, clearance_form
from tests.factories import AthleteFactory
from web.validators import control_characters_in, no_control_characters, single_line

pytestmark = pytest.mark.django_db

MESSAGE = "no line breaks, tabs or control characters"
# A header injection, a carriage return, a tab, NUL, a C1 control, a line separator and a
# right-to-left override.
BAD_NAMES = [
    "Eve\nBcc: everyone@example.org",
    "Eve\rHart",
    "Eve\tHart",
    "Eve\x00",
    "Eve\x85Hart",
    "Eve\u2028Hart",
    "Eve \u202etraH",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_validator_refuses_control_characters(name):
    with pytest.raises(Exception, match=MESSAGE):
        no_control_characters(name)


@pytest.mark.parametrize("name", ["Zoë O'Brien-Ní Bhriain", "李娜", "Amélie ❤️ 🏃‍♀️", "अनु"])
def test_the_validator_lets_real_names_through(name):
    no_control_characters(name)
    assert control_characters_in(name) == []


def test_single_line_flattens_whatever_is_stored():
    assert (
        single_line("Eve\r\nBcc: x@example.org\u2028 invited") == "Eve Bcc: x@example.org invited"
    )


# --- Sign-up -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_NAMES[:3])
def test_sign_up_refuses_a_name_with_control_characters(client, name):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "eve@example.org",
            "name": name,
            "password1": "trail-and-tide-77",
            "password2": "trail-and-tide-77",
        },
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not User.objects.exists()


# --- The coach's pages -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_new_athlete_page_refuses_it_and_creates_nothing(coach_client, field):
    response = coach_client.post(
        reverse("plans:athlete_create"), athlete_form(**{field: "Mia\nStone"})
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Athlete.objects.exists()


def test_the_edit_page_refuses_it_and_changes_nothing(coach_client, coach):
    mia = AthleteFactory(coach=coach, first_name="Mia", last_name="Stone")

    response = coach_client.post(
        reverse("athletes:athlete_edit", args=[mia.pk]), athlete_form(last_name="Stone\r\nX")
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    mia.refresh_from_db()
    assert mia.last_name == "Stone"


def test_the_clearance_page_refuses_a_clinicians_name_with_control_characters(coach_client, coach):
    mia = AthleteFactory(coach=coach)

    response = coach_client.post(
        reverse("athletes:clearance_create", args=[mia.pk]),
        clearance_form(mia, clinician_name="Dr Reid\nX"),
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Clearance.objects.exists()


# --- The API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_api_refuses_it_on_create_with_400(coach_api, field):
    response = coach_api.post(
        "/api/v1/athletes/", new_athlete(**{field: "Mia\u2028Stone"}), format="json"
    )

    assert response.status_code == 400
    assert MESSAGE in response.json()[field][0]
    assert not Athlete.objects.exists()


def test_the_api_refuses_it_on_update_with_400(coach_api, coach):
    mia = AthleteFactory(coach=coach, first_name="Mia")

    response = coach_api.patch(
        f"/api/v1/athletes/{mia.pk}/", {"first_name": "Mia\tX"}, format="json"
    )

    assert response.status_code == 400
    mia.refresh_from_db()
    assert mia.first_name == "Mia"


def test_the_api_refuses_a_clinicians_name_with_control_characters(coach_api, coach):
    mia = AthleteFactory(coach=coach)

    response = coach_api.post(
        f"/api/v1/athletes/{mia.pk}/clearances/",
        new_clearance(mia, clinician_name="Dr\x00Reid"),
        format="json",
    )

    assert response.status_code == 400
    assert "clinician_name" in response.json()
    assert not Clearance.objects.exists()


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_refuses_it_for_a_user(client, staff, coach):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    page = client.get(f"/admin/athletes/user/{coach.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data["date_joined_0"], data["date_joined_1"] = "2026-01-01", "10:00:00"
    data["name"] = "Cora\nBcc: x@example.org"

    response = client.post(f"/admin/athletes/user/{coach.pk}/change/", data)

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    coach.refresh_from_db()
    assert coach.name == "Cora"


# --- The invitation's subject ------------------------------------------------------------------


def test_a_stored_name_with_a_line_break_still_sends_a_one_line_subject(
    coach, django_capture_on_commit_callbacks
):
    # Saved before the validator existed (its migration cleans these; a raw write could not).
    User.objects.filter(pk=coach.pk).update(name="Cora\r\nBcc: everyone@example.org")
    coach.refresh_from_db()
    mia = AthleteFactory(coach=coach, email="mia@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            athlete=mia, by=coach, accept_url=lambda token: f"http://testserver/invite/{token}/"
        )

    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\n" not in subject
    assert "\r" not in subject
    assert subject == "Cora Bcc: everyone@example.org invited you to Stridewise"
    assert mail.outbox[0].bcc == []
