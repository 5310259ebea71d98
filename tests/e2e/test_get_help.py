"""The "get help now" card (SPEC §14) on every page it belongs to, on a phone: visible, with
her country's numbers, accessible (axe-core), and nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PASSWORD
from tests.e2e.test_journeys import send_an_ordinary_week, sign_in

pytestmark = pytest.mark.e2e


def card_shows_uk_numbers(page) -> None:
    card = page.locator("aside.get-help")
    card.wait_for()
    text = card.inner_text()
    assert "Call 999 now" in text
    assert "soaking a pad within an hour" in text
    assert "Samaritans on 116 123" in text
    assert "not your fault" in text


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_get_help_card_on_her_pages_on_a_phone(
    on_a_friday, live_server, page, invited_athlete, axe_check
):
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, base, "ada@example.org", PASSWORD)
    page.wait_for_url(f"{base}/me/")

    card_shows_uk_numbers(page)
    fits(page)
    axe_check(page, "my week, with the get-help card")

    page.get_by_role("main").get_by_role("link", name="Check in").click()
    page.wait_for_url(f"{base}/me/checkin/")
    card_shows_uk_numbers(page)
    fits(page)
    axe_check(page, "check-in form, with the get-help card")
    send_an_ordinary_week(page, "120")
    page.get_by_role("heading", name="Thank you, Ada").wait_for()
    card_shows_uk_numbers(page)
    fits(page)
    axe_check(page, "check-in sent, with the get-help card")

    page.goto(f"{base}/me/symptoms/new/")
    card_shows_uk_numbers(page)
    fits(page)
    axe_check(page, "symptom report form, with the get-help card")
    page.get_by_label(re.compile("pain in your pelvis")).check()
    page.get_by_role("button", name="Send to my coach").click()
    page.get_by_role("heading", name="Please stop running for now").wait_for()
    card_shows_uk_numbers(page)
    fits(page)
    axe_check(page, "symptom reported, with the get-help card")
