"""The security pages in a browser: an invitation opened while signed in, and a coach made to
set up two-factor authentication (athletes/views.py, athletes/mfa.py)."""

from __future__ import annotations

import os
import re

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from athletes import services
from athletes.models import SecurityPolicy, User
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder, to look at the pages


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_an_invitation_opened_while_signed_in_asks_to_sign_out_first(
    live_server, page, invited_athlete, axe_check
):
    base = live_server.url
    coach = invited_athlete.coach
    # A second athlete of hers, not yet with a login, and her invitation link.
    mia = invited_athlete.__class__.objects.create(
        coach=coach,
        first_name="Mia",
        last_name="Hart",
        email="mia@example.org",
        delivery_date=invited_athlete.delivery_date,
        delivery_type="vaginal",
    )
    tokens: list[str] = []
    services.invitation_send(
        athlete=mia, by=coach, accept_url=lambda t: tokens.append(t) or f"{base}/invite/{t}/"
    )
    link = f"{base}/invite/{tokens[0]}/"

    sign_in(page, base, coach.email, PASSWORD)
    page.wait_for_url(f"{base}/coach/")
    page.goto(link)

    page.get_by_role("heading", name="Sign out to accept this invitation").wait_for()
    assert "cora@example.org" in page.content()
    axe_check(page, "sign out first")
    shot(page, "invitation-signed-in")
    page.get_by_role("button", name="Sign out and open the invitation").click()

    page.get_by_role("heading", name="Welcome, Mia").wait_for()
    assert page.url == link
    # Her e-mail is the invited one, filled in and locked.
    assert page.get_by_label("E-mail").input_value() == "mia@example.org"
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/me/")
    assert User.objects.get(email="mia@example.org").athlete_profile.pk == mia.pk


def test_a_coach_required_to_use_two_factor_sets_it_up_first(
    live_server, page, invited_athlete, axe_check
):
    base = live_server.url
    coach = invited_athlete.coach
    EmailAddress.objects.create(user=coach, email=coach.email, primary=True, verified=True)
    policy = SecurityPolicy.current()  # (a transactional test flushed the migration's row)
    policy.coach_mfa_required = True
    policy.save()

    sign_in(page, base, coach.email, PASSWORD)
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    # Told why, on the first page she lands on (allauth confirms her password first).
    assert "requires two-factor authentication for coaches" in page.content()
    if "/reauthenticate/" in page.url:
        shot(page, "totp-reauthenticate")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_url(f"{base}/accounts/2fa/totp/activate/")
    axe_check(page, "set up two-factor")
    shot(page, "totp-activate")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=re.compile("Activate", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/"))
    assert Authenticator.objects.filter(user=coach, type=Authenticator.Type.TOTP).exists()
    page.goto(f"{base}/coach/")

    assert page.url == f"{base}/coach/"
