"""The open-flag badges stay true after an inline acknowledge or resolve: htmx gets the row and
the new counts out of band; without JavaScript the redirect shows a fresh page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from checkins.models import FlagStatus
from tests.checkins.test_flags_pages import QUEUE, raise_flag

pytestmark = pytest.mark.django_db

SLOT = '<span hx-swap-oob="innerHTML:.flags-badge-slot">{}</span>'


def badge(total: int, high: int) -> str:
    calm = "" if high else " count-badge--calm"
    extra = f", {high} high" if high else ""
    return (
        f'<span class="count-badge{calm}">{total}<span class="visually-hidden"> open{extra}'
        "</span></span>"
    )


def resolve(client, flag, back: str, **headers):
    return client.post(
        reverse("checkins:flag_resolve", args=[flag.pk]),
        {"note": "Called her; seen by her GP.", "next": back},
        **headers,
    )


def test_the_navigation_has_one_badge_slot_in_each_menu(coach_client, athlete):
    raise_flag(athlete, severity="high")

    html = coach_client.get(QUEUE).content.decode()

    assert html.count('<span class="flags-badge-slot">' + badge(1, 1) + "</span>") == 2


def test_an_inline_resolve_on_her_page_sends_the_new_badge(coach_client, athlete):
    high = raise_flag(athlete, severity="high")
    raise_flag(athlete, rule="fatigue_streak", severity="medium", weeks_ago=1)
    page = reverse("plans:athlete_overview", args=[athlete.pk])

    response = resolve(coach_client, high, page, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assertInHTML(SLOT.format(badge(1, 0)), html)  # one open, none high: calm
    assert "flag-count--" not in html  # her page has no counts by severity
    high.refresh_from_db()
    assert high.status == FlagStatus.RESOLVED


def test_an_inline_resolve_on_the_queue_also_refreshes_its_counts(coach_client, athlete):
    high = raise_flag(athlete, severity="high")
    raise_flag(athlete, rule="fatigue_streak", severity="medium", weeks_ago=1)
    raise_flag(athlete, rule="short_sleep", severity="high", weeks_ago=2)

    html = resolve(coach_client, high, QUEUE, HTTP_HX_REQUEST="true").content.decode()

    assertInHTML(SLOT.format(badge(2, 1)), html)
    for name, value in (("high", 1), ("medium", 1), ("low", 0), ("total", 2)):
        assertInHTML(f'<span hx-swap-oob="innerHTML:.flag-count--{name}">{value}</span>', html)


def test_resolving_the_last_flag_empties_the_badge(coach_client, athlete):
    only = raise_flag(athlete, severity="high")

    html = resolve(coach_client, only, QUEUE, HTTP_HX_REQUEST="true").content.decode()

    assert SLOT.format("\n") in html or SLOT.format("") in html


def test_an_acknowledge_sends_the_badge_too(coach_client, athlete):
    flag = raise_flag(athlete, severity="high")

    response = coach_client.post(
        reverse("checkins:flag_acknowledge", args=[flag.pk]),
        {"next": QUEUE},
        HTTP_HX_REQUEST="true",
    )

    assertInHTML(SLOT.format(badge(1, 1)), response.content.decode())


def test_without_javascript_the_redirect_shows_the_fresh_count(coach_client, athlete):
    high = raise_flag(athlete, severity="high")
    raise_flag(athlete, rule="fatigue_streak", severity="medium", weeks_ago=1)

    response = resolve(coach_client, high, QUEUE)

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    html = coach_client.get(QUEUE).content.decode()
    assert html.count(badge(1, 0)) == 2
    assert '<span class="stat-value flag-count--high">0</span>' in html
