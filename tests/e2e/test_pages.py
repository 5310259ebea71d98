"""Browser checks of the pages reworked for issue #12: the week editor's round trip, and axe
at a desktop and a phone width on each page."""

from __future__ import annotations

import re

import pytest

from plans.models import PlannedSession
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_journeys import sign_in

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
