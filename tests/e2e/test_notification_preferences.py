"""The notification preferences page in a browser: reached from the account menu, saved, and
axe-clean at 1280 and 375 px (SPEC §12)."""

from __future__ import annotations

import pytest

from athletes.models import NotificationPreferences, Role, User
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coach_chooses_the_digest_from_her_account(live_server, page, axe_check, width):
    coach = User.objects.create_user("cora@example.org", PASSWORD, role=Role.COACH, name="Cora")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, coach.email)
    page.wait_for_url(f"{live_server.url}/coach/")

    page.goto(f"{live_server.url}/accounts/email/")
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url(f"{live_server.url}/accounts/notifications/")
    axe_check(page, f"notification preferences at {width} px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_label("In the daily digest only").check()
    page.get_by_label("At most once an hour").check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Your notification preferences are saved.").wait_for()
    axe_check(page, f"notification preferences saved at {width} px")

    prefs = NotificationPreferences.objects.get(user=coach)
    assert (prefs.high_flags, prefs.messages) == ("digest", "hourly")
    assert page.get_by_label("In the daily digest only").is_checked()
