"""Her calendar link on "my week": subscribe (webcal) and copy, with a selectable field
without JavaScript; a GET on the link's form route lands on that section."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from plans import services
from plans.models import CalendarFeed
from plans.views import webcal

pytestmark = pytest.mark.django_db


def test_webcal_turns_the_feeds_address_into_a_subscription():
    assert webcal("https://stridewise.example/calendar/abc.ics") == (
        "webcal://stridewise.example/calendar/abc.ics"
    )
    assert webcal("http://127.0.0.1:8000/calendar/abc.ics") == (
        "webcal://127.0.0.1:8000/calendar/abc.ics"
    )


def test_my_week_offers_to_subscribe_and_to_copy_her_link(athlete_client, athlete):
    services.plan_start(athlete=athlete)
    feed = services.calendar_feed(athlete=athlete)

    html = athlete_client.get(reverse("plans:my_week")).content.decode()

    subscribe = re.search(r'href="webcal://testserver/calendar/([^"/]+)\.ics"', html)
    field = re.search(r'<input id="calendar-url"[^>]*>', html)
    assert subscribe is not None
    assert field is not None
    assert f'value="http://testserver/calendar/{subscribe.group(1)}.ics"' in field.group(0)
    assert "readonly" in field.group(0)
    assert services.calendar_athlete(subscribe.group(1)) == athlete
    assert feed.athlete == athlete
    # The copy button needs JavaScript: hidden until static/js/copy.js shows it.
    button = re.search(r'<button[^>]*data-copy="calendar-url"[^>]*>', html)
    assert button is not None
    assert "hidden" in button.group(0)
    assert "js/copy.js" in html
    assert "<script>" not in html  # no inline script (a CSP is coming)


def test_without_a_link_she_is_offered_one_and_nothing_is_created_by_looking(
    athlete_client, athlete
):
    services.plan_start(athlete=athlete)

    html = athlete_client.get(reverse("plans:my_week")).content.decode()
    redirected = athlete_client.get(reverse("plans:my_calendar"))

    assert "Create my calendar link" in html
    assert "webcal://" not in html
    assert "js/copy.js" not in html
    assert redirected.status_code == 302
    assert redirected["Location"] == reverse("plans:my_week") + "#calendar"
    assert not CalendarFeed.objects.exists()
