"""The conversation in the browser (SPEC §12): she writes from her phone with htmx (no page
load), her coach reads and answers at her desk, both without JavaScript too; the thread
pages pass axe-core at 1280 and 375 px and never scroll sideways on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conversations.models import Message
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def panel_is_accessible(page, name: str) -> None:
    """axe-core on the conversation panel alone: the pages around it are other tests' care."""
    # From the app's own static files: the page's CSP (script-src 'self') allows it as it is.
    page.add_script_tag(url="/static/vendor/axe.min.js")
    violations = page.evaluate(
        """async () => (await axe.run('#conversation', {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })).violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"""
    )
    assert violations == [], f"{name}: {violations}"


def test_she_writes_with_htmx_and_her_coach_answers(
    live_server, new_context, invited_athlete, axe_check
):
    base = live_server.url
    her = new_context(viewport=PHONE).new_page()
    sign_in(her, base, "ada@example.org", PASSWORD)
    her.wait_for_url(f"{base}/me/")

    her.goto(f"{base}/me/messages/")
    her.get_by_role("heading", name="Messages with your coach").wait_for()
    axe_check(her, "her thread, empty, at 375")
    fits(her, 375)
    her.evaluate("window.notReloaded = true")
    her.get_by_role("textbox", name="Message").fill("My pelvic floor felt fine on the long walk.")
    her.get_by_role("button", name="Send").click()
    her.locator(".message--mine", has_text="felt fine on the long walk").wait_for()

    assert her.evaluate("window.notReloaded === true")  # swapped in place, no page load
    assert her.get_by_role("textbox", name="Message").input_value() == ""
    assert Message.objects.get().from_coach is False
    axe_check(her, "her thread, one message, at 375")
    fits(her, 375)

    coach = new_context(viewport=DESK).new_page()
    sign_in(coach, base, "cora@example.org", PASSWORD)
    coach.wait_for_url(f"{base}/coach/")
    badge = coach.get_by_role("navigation", name="Main").get_by_role("link", name="Messages")
    assert "1" in badge.inner_text()
    coach.goto(f"{base}/coach/athletes/{invited_athlete.pk}/messages/")
    coach.get_by_text("felt fine on the long walk").wait_for()
    # Shown, then marked read by htmx's POST as the page loads; the count leaves the navigation.
    coach.locator("form.mark-read").wait_for(state="detached")
    assert Message.objects.get().read_at is not None
    expect(coach.locator(".js-unread-total .count-badge")).to_have_count(0)  # both menus
    axe_check(coach, "the coach's thread at 1280")

    coach.get_by_role("textbox", name="Message").fill(
        "Lovely to hear. Keep the walks easy this week."
    )
    coach.get_by_label("About").select_option(index=1)  # her latest plan week
    coach.get_by_role("button", name="Send").click()
    coach.locator(".message--mine", has_text="Keep the walks easy").wait_for()
    reply = Message.objects.get(from_coach=True)
    assert reply.plan_week is not None
    coach.get_by_text("About: Her week of").wait_for()

    her.goto(f"{base}/me/")
    her.locator("#conversation").get_by_text("Keep the walks easy").wait_for()
    her.locator("#conversation").get_by_text("About: Your week of").wait_for()
    fits(her, 375)


def test_without_javascript_posting_and_marking_read_still_work(
    live_server, new_context, invited_athlete, axe_check
):
    base = live_server.url
    coach = new_context(viewport=DESK, java_script_enabled=False).new_page()
    sign_in(coach, base, "cora@example.org", PASSWORD)
    coach.wait_for_url(f"{base}/coach/")
    coach.goto(f"{base}/coach/athletes/{invited_athlete.pk}/messages/")
    coach.get_by_role("textbox", name="Message").fill("How did the first week feel?")
    coach.get_by_role("button", name="Send").click()
    coach.wait_for_url(f"{base}/coach/athletes/{invited_athlete.pk}/messages/")
    coach.locator(".message--mine", has_text="How did the first week feel?").wait_for()

    # An empty message: the page again, with the error beside the field.
    coach.get_by_role("button", name="Send").click()
    coach.get_by_text("Write a message.").wait_for()
    assert Message.objects.count() == 1

    her = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    sign_in(her, base, "ada@example.org", PASSWORD)
    her.wait_for_url(f"{base}/me/")
    her.goto(f"{base}/me/messages/")
    her.get_by_text("How did the first week feel?").wait_for()
    assert Message.objects.get().read_at is None  # no script: nothing sent by itself
    her.get_by_role("button", name="Mark as read").click()
    her.wait_for_url(f"{base}/me/messages/")
    assert Message.objects.get().read_at is not None
    her.get_by_role("textbox", name="Message").fill("Good! A little tired.")
    her.get_by_role("button", name="Send").click()
    her.wait_for_url(f"{base}/me/messages/")
    her.locator(".message--mine", has_text="A little tired").wait_for()
    fits(her, 375)


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "375"])
def test_the_thread_pages_are_accessible(
    live_server, new_context, invited_athlete, axe_check, viewport
):
    from conversations import services

    invited_athlete.refresh_from_db()  # the fixture links her login with an UPDATE
    services.message_post(
        athlete=invited_athlete, by=invited_athlete.coach, body="Welcome, Ada!\nAny questions?"
    )
    services.message_post(athlete=invited_athlete, by=invited_athlete.user, body="Thanks!")
    base = live_server.url
    coach = new_context(viewport=viewport).new_page()
    sign_in(coach, base, "cora@example.org", PASSWORD)
    coach.wait_for_url(f"{base}/coach/")
    coach.goto(f"{base}/coach/athletes/{invited_athlete.pk}/messages/")
    coach.get_by_text("Any questions?").wait_for()
    axe_check(coach, f"the coach's thread at {viewport['width']}")
    fits(coach, viewport["width"])
    coach.goto(f"{base}/coach/athletes/{invited_athlete.pk}/")
    coach.locator("#conversation").get_by_text("Thanks!").wait_for()
    fits(coach, viewport["width"])
    panel_is_accessible(coach, f"the panel on her athlete page at {viewport['width']}")

    her = new_context(viewport=viewport).new_page()
    sign_in(her, base, "ada@example.org", PASSWORD)
    her.wait_for_url(f"{base}/me/")
    her.locator("#conversation").get_by_text("Any questions?").wait_for()
    panel_is_accessible(her, f"the panel on my week at {viewport['width']}")
    fits(her, viewport["width"])
    her.goto(f"{base}/me/messages/")
    axe_check(her, f"her thread at {viewport['width']}")
    fits(her, viewport["width"])
