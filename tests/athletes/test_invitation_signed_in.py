"""Opening an invitation while signed in as someone else asks to sign out first; it never
switches the session to the new athlete's."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from athletes.models import Athlete, Invitation, User
from tests.athletes.test_pages import NEW_PASSWORD, invite, link_in
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

FORM = {"email": "mia@ex.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


@pytest.fixture
def mia(coach) -> Athlete:
    return AthleteFactory(coach=coach, first_name="Mia", last_name="Stone", email="mia@ex.org")


@pytest.fixture
def link(coach_client, mia, django_capture_on_commit_callbacks) -> str:
    invite(coach_client, mia, django_capture_on_commit_callbacks)
    return link_in(mail.outbox[0])


@pytest.mark.parametrize("who", ["coach_client", "other_coach_client", "athlete_client"])
def test_a_signed_in_visitor_is_asked_to_sign_out_first(request, link, who):
    client = request.getfixturevalue(who)
    signed_in_as = client.session["_auth_user_id"]

    page = client.get(link)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Sign out to accept this invitation" in html
    assert f'action="{reverse("account_logout")}"' in html
    assert f'name="next" value="{link}"' in html
    assert "password1" not in html  # no way to accept from here
    assert client.session["_auth_user_id"] == signed_in_as


def test_posting_the_form_while_signed_in_switches_nothing_and_creates_nothing(
    coach_client, coach, link
):
    response = coach_client.post(link, FORM)

    assert response.status_code == 409
    assert "Sign out to accept this invitation" in response.content.decode()
    assert int(coach_client.session["_auth_user_id"]) == coach.pk
    assert not User.objects.filter(email="mia@ex.org").exists()
    assert Invitation.objects.get().status == "pending"


def test_signing_out_returns_to_the_invitation_which_then_works(coach_client, link):
    out = coach_client.post(reverse("account_logout"), {"next": link})

    assert out.status_code == 302
    assert out["Location"] == link
    assert "_auth_user_id" not in coach_client.session
    page = coach_client.get(link)
    assert "Welcome, Mia" in page.content.decode()
    accepted = coach_client.post(link, FORM)
    assert accepted["Location"] == reverse("plans:my_week")
    assert int(coach_client.session["_auth_user_id"]) == User.objects.get(email="mia@ex.org").pk
