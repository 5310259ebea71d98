"""Browser checks of the pages reworked for issue #12: the week editor's round trip, and axe
at a desktop and a phone width on each page."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from athletes import services as athlete_services
from athletes.models import User
from checkins.models import WarningFlag
from plans import services as plan_services
from plans.models import PlannedSession
from tests.checkins.factories import CheckInFactory
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_journeys import sign_in
from tests.factories import AthleteFactory
from web.weeks import monday_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_week_editor_round_trip(live_server, page, invited_athlete, axe_check):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "cora@example.org", PASSWORD)
    page.goto(f"{base}/coach/athletes/{invited_athlete.pk}/")
    page.get_by_role("link", name=re.compile(r"^Edit sessions")).first.click()
    page.wait_for_url(re.compile(r"/weeks/\d{4}-\d\d-\d\d/edit/$"))
    axe_check(page, "the week editor at 1280")
    before = PlannedSession.objects.filter(plan_week__plan__athlete=invited_athlete).count()

    # Change the first session and add one in the blank row.
    page.get_by_label("Minutes").first.fill("22")
    new = page.get_by_role("group", name="New session")
    new.get_by_label("Day").select_option(label="Wednesday")
    new.get_by_label("Kind").select_option(label="Strength")
    new.get_by_label("Minutes").fill("35")
    new.get_by_label("Notes").fill("Hips and core, slowly.")
    page.get_by_role("button", name="Save sessions").click()
    page.wait_for_url(re.compile(r"/coach/athletes/\d+/#plan$"))
    assert page.get_by_text("saved.").is_visible()

    # Reload the editor: both changes are there, and a blank row to add another.
    page.reload()
    page.get_by_role("link", name=re.compile(r"^Edit sessions")).first.click()
    assert page.get_by_label("Minutes").first.input_value() == "22"
    notes = page.locator(".session-field--notes input")
    assert "Hips and core, slowly." in [notes.nth(i).input_value() for i in range(notes.count())]
    assert page.get_by_role("group", name="New session").count() == 1
    saved = PlannedSession.objects.filter(plan_week__plan__athlete=invited_athlete)
    assert saved.count() == before + 1
    assert saved.filter(kind="strength", minutes=35, day=2).count() == 1

    # Saving again without touching anything keeps the week as it is (the blank row ignored).
    page.get_by_role("button", name="Save sessions").click()
    page.wait_for_url(re.compile(r"/coach/athletes/\d+/#plan$"))
    assert saved.count() == before + 1

    # At a phone's width the controls are wide enough for their longest choice.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.url.split("#")[0])
    page.get_by_role("link", name=re.compile(r"^Edit sessions")).first.click()
    axe_check(page, "the week editor at 375")
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.session-editor select')]
            .filter(s => s.scrollWidth > s.clientWidth + 1).length"""
    )
    assert clipped == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


# --- axe and widths on every page reworked here -------------------------------------------------

WIDTHS = (1280, 375)
SHOTS = Path(os.environ["E2E_SCREENSHOTS"]) if os.environ.get("E2E_SCREENSHOTS") else None


@pytest.fixture
def her_history(invited_athlete):
    """Ten weeks of check-ins with one missing week, one resolved warning sign, her calendar
    link, and another athlete with a pending invitation (its token)."""
    athlete = invited_athlete
    this_monday = monday_of(athlete.today())
    checkins = [
        CheckInFactory(athlete=athlete, week=this_monday - timedelta(weeks=n), pain=n % 4)
        for n in range(1, 11)
        if n != 4
    ]
    WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkins[0],
        rule="pain",
        severity="medium",
        week=checkins[0].week,
        summary="Pain 5/10 in the right knee.",
        status="resolved",
        resolved_by=athlete.coach,
        resolved_at=timezone.now(),
        resolution_note="Called her; it settled.",
    )
    plan_services.calendar_feed(athlete=athlete)
    newcomer = AthleteFactory(coach=athlete.coach, first_name="Ines", email="ines@example.org")
    tokens: list[str] = []
    athlete_services.invitation_send(
        athlete=newcomer, by=athlete.coach, accept_url=lambda t: tokens.append(t) or t
    )
    return {
        "athlete": athlete,
        "token": tokens[0],
        "missing_week": this_monday - timedelta(weeks=4),
    }


def look(page, axe_check, url: str, name: str) -> None:
    """At each width: open the page, run axe, check nothing is wider than the screen, and
    keep a screenshot for a person to look at when E2E_SCREENSHOTS names a folder."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.wait_for_load_state("load")
        axe_check(page, f"{name} at {width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        if SHOTS:
            page.screenshot(path=SHOTS / f"{name.replace(' ', '-')}-{width}.png", full_page=True)


def test_the_coachs_pages_at_both_widths(live_server, page, her_history, axe_check):
    base = live_server.url
    athlete = her_history["athlete"]
    sign_in(page, base, "cora@example.org", PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    look(page, axe_check, f"{base}/coach/athletes/{athlete.pk}/", "athlete page")
    look(page, axe_check, f"{base}/coach/athletes/{athlete.pk}/?checkins=2", "older check-ins")
    look(page, axe_check, f"{base}/coach/athletes/999999/", "not found")

    # The charts drew (Chart.js ran, no script error), with the missing week on the axis.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/coach/athletes/{athlete.pk}/")
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[data-chart]')].map(c => !!Chart.getChart(c))"
    )
    labels = page.evaluate(
        "Chart.getChart(document.querySelector('canvas[data-chart=scores]')).data.labels"
    )
    missing = her_history["missing_week"]
    assert drawn == [True, True, True]
    assert f"{missing.day} {missing:%b}" in labels
    assert page.get_by_text("How she felt").is_visible()
    # Resolved signs are folded; the scrolling table can be reached with the keyboard.
    assert not page.get_by_text("Called her; it settled.").is_visible()
    page.get_by_text("Resolved warning signs").click()
    assert page.get_by_text("Called her; it settled.").is_visible()
    assert page.locator(".table-wrap[tabindex='0'][role='region']").count() >= 1
    assert errors == []


def test_her_pages_at_both_widths(live_server, page, her_history, axe_check):
    base = live_server.url
    sign_in(page, base, "ada@example.org", PASSWORD)

    look(page, axe_check, f"{base}/me/", "my week")
    look(page, axe_check, f"{base}/me/checkins/", "my check-ins")
    look(page, axe_check, f"{base}/coach/", "not for her")  # a 403 page

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/me/")
    assert page.get_by_text("How you felt").first.is_visible()
    subscribe = page.get_by_role("link", name="Subscribe in my calendar")
    assert subscribe.get_attribute("href").startswith("webcal://")
    field = page.get_by_label("Calendar link")
    assert field.input_value().startswith(live_server.url + "/calendar/")
    # The copy button is shown by static/js/copy.js, and copies.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.get_by_role("button", name="Copy the link")
    copy.click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == field.input_value()
    # A GET on the form's address lands on the calendar section, not a blank 405.
    page.goto(f"{base}/me/calendar/")
    assert page.url == f"{base}/me/#calendar"


def test_the_invitation_at_both_widths(live_server, page, her_history, axe_check):
    look(page, axe_check, f"{live_server.url}/invite/{her_history['token']}/", "invitation")
    email = page.get_by_label("Your e-mail address")
    assert email.input_value() == "ines@example.org"
    assert not email.is_editable()


def test_the_admins_plan_forms_at_both_widths(live_server, page, her_history, axe_check):
    User.objects.create_superuser("root@example.org", PASSWORD, name="Root")
    plan = her_history["athlete"].plan
    week = plan.weeks.order_by("-week").first()
    # Staff sign in through the site's own login (the admin has no form of its own).
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.get_by_label("Email").fill("root@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    look(page, axe_check, f"{live_server.url}/admin/plans/plan/{plan.pk}/change/", "admin plan")
    look(
        page,
        axe_check,
        f"{live_server.url}/admin/plans/planweek/{week.pk}/change/",
        "admin plan week",
    )
