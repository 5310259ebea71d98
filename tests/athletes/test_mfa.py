"""Staff can require two-factor authentication (TOTP) for every coach (athletes/mfa.py)."""

from __future__ import annotations

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from athletes.mfa import coach_mfa_required
from athletes.models import ApiToken, SecurityPolicy
from athletes.services import api_token_create

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
DASHBOARD = "/coach/"
ACTIVATE = "/accounts/2fa/totp/activate/"
LOGIN = "/accounts/login/"


def require(on: bool = True) -> None:
    policy = SecurityPolicy.current()
    policy.coach_mfa_required = on
    policy.save()


@pytest.fixture
def verified_coach(coach):
    EmailAddress.objects.create(user=coach, email=coach.email, primary=True, verified=True)
    return coach


def sign_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def set_up_totp(client: Client, password: str) -> pyotp.TOTP:
    """The coach's journey through allauth's set-up page, with a real authenticator app."""
    asked = client.get(ACTIVATE)
    # allauth asks for her password again before a security change.
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    confirmed = client.post(asked["Location"], {"password": password})
    assert confirmed["Location"] == ACTIVATE
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    totp = pyotp.TOTP(page.context["form"].secret)
    done = client.post(ACTIVATE, {"code": totp.now()})
    assert done.status_code == 302, done.content.decode()[:2000]
    return totp


# --- The switch --------------------------------------------------------------------------------


def test_the_policy_is_off_by_default_and_one_row():
    assert SecurityPolicy.objects.count() == 1
    assert coach_mfa_required() is False


def test_staff_turn_it_on_in_the_admin(staff, client):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    listing = client.get("/admin/athletes/securitypolicy/")
    change_url = "/admin/athletes/securitypolicy/1/change/"
    add = client.get("/admin/athletes/securitypolicy/add/")
    delete = client.post("/admin/athletes/securitypolicy/1/delete/")
    response = client.post(change_url, {"coach_mfa_required": "on"})

    assert change_url in listing.content.decode()
    assert (add.status_code, delete.status_code) == (403, 403)
    assert response.status_code == 302
    assert SecurityPolicy.objects.count() == 1
    assert SecurityPolicy.objects.get().coach_mfa_required is True
    assert coach_mfa_required() is True  # the cache follows the save


def test_the_environment_requires_it_whatever_the_admin_says(settings):
    settings.COACH_MFA_REQUIRED = True

    assert SecurityPolicy.objects.get().coach_mfa_required is False
    assert coach_mfa_required() is True


# --- On the web --------------------------------------------------------------------------------


def test_off_a_coach_without_totp_works_as_before(coach_client):
    assert coach_client.get(DASHBOARD).status_code == 200


def test_on_a_coach_without_totp_is_sent_to_set_it_up_before_any_coach_page(
    verified_coach, coach_client
):
    require()

    for path in (DASHBOARD, "/coach/flags/", "/coach/athletes/new/", "/home/"):
        response = coach_client.get(path)
        assert (path, response.status_code, response.get("Location")) == (path, 302, ACTIVATE)
    told = coach_client.get(DASHBOARD, follow=True)
    assert "requires two-factor authentication for coaches" in told.content.decode()
    # Her account's pages stay open: she needs them to set it up (or to sign out).
    assert coach_client.get(ACTIVATE)["Location"].startswith("/accounts/reauthenticate/")
    assert coach_client.get("/accounts/reauthenticate/").status_code == 200
    assert coach_client.get("/accounts/email/").status_code == 200
    # Through the API with her session too.
    api = coach_client.get("/api/v1/me/")
    assert api.status_code == 403
    assert "Two-factor authentication is required" in api.json()["detail"]


def test_athletes_and_coaches_with_totp_are_not_stopped(athlete_client, verified_coach, client):
    require()
    client.force_login(verified_coach)
    Authenticator.objects.create(user=verified_coach, type=Authenticator.Type.TOTP, data={})

    assert athlete_client.get("/me/").status_code == 200
    assert client.get(DASHBOARD).status_code == 200


def test_the_journey_sign_in_set_up_then_every_sign_in_asks_the_code(verified_coach, password):
    require()
    client = Client()

    landed = sign_in(client, verified_coach.email, password)
    assert client.get(landed["Location"])["Location"] == ACTIVATE
    totp = set_up_totp(client, password)
    assert Authenticator.objects.filter(user=verified_coach).count() == 2  # TOTP + recovery
    assert client.get(DASHBOARD).status_code == 200
    # She cannot take it off while it is required.
    totp_row = Authenticator.objects.get(user=verified_coach, type=Authenticator.Type.TOTP)
    client.post("/accounts/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(pk=totp_row.pk).exists()
    client.post("/accounts/logout/")

    # The next sign-in asks for the code before anything else.
    again = Client()
    response = sign_in(again, verified_coach.email, password)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert again.get(DASHBOARD).status_code == 302
    done = again.post("/accounts/2fa/authenticate/", {"code": totp.now()})
    assert done.status_code == 302
    assert again.get(DASHBOARD).status_code == 200


# --- Through the API ---------------------------------------------------------------------------


def test_on_the_token_endpoint_refuses_a_coach_without_totp(coach, password):
    require()

    response = Client().post(TOKEN, {"email": coach.email, "password": password})

    assert response.status_code == 403
    assert "/accounts/2fa/totp/activate/" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_on_her_old_tokens_stop_working_until_she_sets_it_up(coach):
    _, raw = api_token_create(user=coach)
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/me/").status_code == 200

    require()
    refused = api.get("/api/v1/me/")
    Authenticator.objects.create(user=coach, type=Authenticator.Type.TOTP, data={})

    assert refused.status_code == 401
    assert "Two-factor authentication is required" in refused.json()["detail"]
    assert api.get("/api/v1/me/").status_code == 200


def test_with_totp_the_token_needs_the_code(verified_coach, password):
    require()
    web = Client()
    sign_in(web, verified_coach.email, password)
    totp = set_up_totp(web, password)
    api = Client()
    body = {"email": verified_coach.email, "password": password}

    missing = api.post(TOKEN, body)
    wrong = api.post(TOKEN, {**body, "code": "000000"})
    right = api.post(TOKEN, {**body, "code": totp.now()})

    assert missing.status_code == 400
    assert "code" in missing.json()
    assert wrong.status_code == 400
    assert wrong.json() == {"code": ["Wrong code."]}
    assert right.status_code == 200
    assert ApiToken.objects.filter(user=verified_coach).count() == 1


def test_a_recovery_code_works_once_through_the_api(verified_coach, password):
    web = Client()
    sign_in(web, verified_coach.email, password)
    set_up_totp(web, password)
    recovery = Authenticator.objects.get(
        user=verified_coach, type=Authenticator.Type.RECOVERY_CODES
    )
    code = recovery.wrap().get_unused_codes()[0]
    body = {"email": verified_coach.email, "password": password, "code": code}

    first = Client().post(TOKEN, body)
    second = Client().post(TOKEN, body)

    assert first.status_code == 200
    assert second.status_code == 400


def test_guessing_codes_through_the_api_locks_the_second_step(verified_coach, password):
    web = Client()
    sign_in(web, verified_coach.email, password)
    set_up_totp(web, password)
    body = {"email": verified_coach.email, "password": password}

    statuses = [Client().post(TOKEN, {**body, "code": f"{n:06d}"}).status_code for n in range(1, 7)]

    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    assert not ApiToken.objects.exists()


def test_with_totp_even_when_not_required_the_api_asks_the_code(verified_coach, password):
    # Otherwise the API would be a way around the second factor she chose.
    web = Client()
    sign_in(web, verified_coach.email, password)
    set_up_totp(web, password)

    response = Client().post(TOKEN, {"email": verified_coach.email, "password": password})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_reads_of_the_policy_cost_no_query_after_sign_in(coach_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert coach_mfa_required() is False
    assert reverse("mfa_activate_totp") == ACTIVATE
