"""Sign-up, login redirects and the walls between coaches, athletes and visitors."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Role, User
from tests.sql import written_tables

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.coach@example.org",
    "name": "Nia Coach",
    "password1": "trail-and-tide-77",
    "password2": "trail-and-tide-77",
}


def test_sign_up_creates_a_coach_and_lands_on_the_dashboard(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:coach_dashboard")
    user = User.objects.get()
    assert (user.email, user.name, user.role) == ("new.coach@example.org", "Nia Coach", "coach")
    assert user.check_password("trail-and-tide-77")
    assert EmailAddress.objects.filter(user=user, email=user.email, primary=True).exists()
    # A verification e-mail goes out (console backend locally, mandatory in production).
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.coach@example.org"]


def test_athlete_self_sign_up_is_impossible(client):
    # Even a crafted form that asks for the athlete role gets a coach account: athletes are
    # only ever created from an invitation.
    client.post(reverse("account_signup"), {**SIGNUP, "role": "athlete"})

    assert User.objects.get().role == Role.COACH
    assert not User.objects.filter(role=Role.ATHLETE).exists()


def test_sign_up_with_bad_input_shows_errors_and_creates_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {**SIGNUP, "email": "not-an-email", "password2": "different", "name": ""},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"email", "name"}
    assert User.objects.count() == 0
    assert b'aria-invalid="true"' in response.content


def test_sign_up_refuses_an_email_already_taken_in_another_case(client, coach):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "COACH@example.org"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("fixture", "home"), [("coach", "plans:coach_dashboard"), ("athlete_user", "plans:my_week")]
)
def test_login_lands_each_role_on_its_home(client, request, password, fixture, home):
    user = request.getfixturevalue(fixture)
    response = client.post(
        reverse("account_login"), {"login": user.email.upper(), "password": password}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(home)
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_home_switchboard_sends_each_role_home(client, coach, athlete_user):
    client.force_login(coach)
    assert client.get(reverse("home"))["Location"] == reverse("plans:coach_dashboard")
    client.force_login(athlete_user)
    assert client.get(reverse("home"))["Location"] == reverse("plans:my_week")


def test_wrong_password_is_refused(client, coach):
    response = client.post(reverse("account_login"), {"login": coach.email, "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_by_emailed_code_is_offered_and_sends_a_code(
    client, athlete_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": athlete_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [athlete_user.email]


@pytest.mark.parametrize("url_name", ["plans:coach_dashboard", "plans:my_week", "home"])
def test_anonymous_visitors_are_sent_to_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_an_athlete_cannot_open_coach_pages(client, athlete_user):
    client.force_login(athlete_user)
    response = client.get(reverse("plans:coach_dashboard"))

    assert response.status_code == 403
    assert b"This page is for coaches." in response.content


def test_a_coach_cannot_open_athlete_pages(client, coach):
    client.force_login(coach)
    response = client.get(reverse("plans:my_week"))

    assert response.status_code == 403
    assert b"This page is for athletes." in response.content


def test_logout_signs_out(client, coach):
    client.force_login(coach)
    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_create_user_needs_a_valid_role():
    with pytest.raises(ValidationError):
        User.objects.create_user("x@example.org", "pw-long-enough", role="admin")
    with pytest.raises(TypeError):
        User.objects.create_user("y@example.org", "pw-long-enough")  # role is required
    assert User.objects.count() == 0


def test_create_user_normalises_the_email_and_keeps_it_unique(coach):
    with pytest.raises(ValidationError):
        User.objects.create_user("Coach@Example.org", "pw-long-enough", role=Role.COACH)
    user = User.objects.create_user("  Mixed@Case.ORG", "pw-long-enough", role=Role.ATHLETE)
    assert user.email == "mixed@case.org"


def test_superuser_is_staff_and_a_coach():
    admin = User.objects.create_superuser("root@example.org", "pw-long-enough")
    assert (admin.is_staff, admin.is_superuser, admin.role) == (True, True, Role.COACH)


def test_an_account_made_outside_allauth_gets_its_email_address_at_once(client):
    # createsuperuser and the admin's add form bypass allauth's sign-up; allauth's e-mail page
    # would otherwise create the missing EmailAddress on a GET (a read that writes).
    root = User.objects.create_superuser("root@example.org", "pw-long-enough")
    client.force_login(root)
    response = client.post(
        reverse("admin:athletes_user_add"),
        {
            "email": "new.staff@example.org",
            "name": "Nat",
            "role": "coach",
            "password1": "trail-and-tide-77",
            "password2": "trail-and-tide-77",
        },
    )
    assert response.status_code == 302
    added = User.objects.get(email="new.staff@example.org")

    for user in (root, added):
        address = EmailAddress.objects.get(user=user)
        assert (address.email, address.primary, address.verified) == (user.email, True, False)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("account_email")).status_code == 200
        assert written_tables(queries) == []
    assert EmailAddress.objects.count() == 2


def test_admin_lists_users_for_staff(client, staff, coach):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(reverse("admin:athletes_user_changelist"))

    assert response.status_code == 200
    assert coach.email in response.content.decode()


def test_landing_page_explains_the_product(client):
    response = client.get(reverse("landing"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Create a coach account" in body
    assert "Run-walk" in body
