"""The week editor: an untouched extra row is ignored, "copy last week" fills the editor
without writing, and only her coach may do either."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from plans import services
from plans.models import SESSION_FIELDS, AuditEntry, PlannedSession, PlanWeek
from tests.plans.test_pages import current_sessions, edit_url, formset_data, text

pytestmark = pytest.mark.django_db

# What a browser posts for the editor's blank "add" row when nobody touched it: the day and
# terrain selects keep their first option, everything else is empty.
BLANK_ROW = {"day": "0", "kind": "", "minutes": "", "terrain": "road", "notes": ""}


@pytest.fixture
def plan_week(athlete) -> PlanWeek:
    services.plan_start(athlete=athlete)
    return PlanWeek.objects.get(plan__athlete=athlete)


@pytest.fixture
def last_week(plan_week) -> PlanWeek:
    week = PlanWeek.objects.create(
        plan=plan_week.plan,
        week=plan_week.week - timedelta(weeks=1),
        stage=plan_week.stage,
        level=plan_week.level,
    )
    PlannedSession.objects.bulk_create(
        [
            PlannedSession(plan_week=week, order=0, day=1, kind="walk", minutes=25),
            PlannedSession(plan_week=week, order=1, day=4, kind="strength", minutes=20),
        ]
    )
    return week


def with_blank_row(data: dict, index: int) -> dict:
    data = {**data, "s-TOTAL_FORMS": str(index + 1)}
    for name, value in BLANK_ROW.items():
        data[f"s-{index}-{name}"] = value
    return data


def test_an_untouched_blank_row_is_ignored_when_saving(coach_client, athlete, plan_week):
    sessions = current_sessions(athlete, plan_week.week)
    sessions[0]["minutes"] = 25
    data = with_blank_row(formset_data(sessions), len(sessions))

    response = coach_client.post(edit_url(athlete, plan_week.week), data)

    assert response.status_code == 302
    saved = current_sessions(athlete, plan_week.week)
    assert len(saved) == len(sessions)
    assert saved[0]["minutes"] == 25


def test_the_blank_row_is_ignored_even_when_the_week_changed_since_the_page_was_drawn(
    coach_client, athlete, plan_week
):
    # The page listed two sessions (say, copied from last week) while the week holds more:
    # the blank third row must still be compared with an empty row, not with a stored one.
    sessions = [
        {"day": 0, "kind": "walk", "minutes": 30, "terrain": "road"},
        {"day": 2, "kind": "walk", "minutes": 35, "terrain": "road"},
    ]
    assert PlannedSession.objects.filter(plan_week=plan_week).count() > 2
    data = with_blank_row(formset_data(sessions), 2)

    response = coach_client.post(edit_url(athlete, plan_week.week), data)

    assert response.status_code == 302
    saved = current_sessions(athlete, plan_week.week)
    assert [(s["day"], s["kind"], s["minutes"]) for s in saved] == [
        (0, "walk", 30),
        (2, "walk", 35),
    ]


def test_a_half_filled_new_row_is_an_error_and_nothing_is_written(coach_client, athlete, plan_week):
    before = current_sessions(athlete, plan_week.week)
    data = with_blank_row(formset_data(before), len(before))
    data[f"s-{len(before)}-minutes"] = "20"  # touched, but no kind

    response = coach_client.post(edit_url(athlete, plan_week.week), data)

    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert current_sessions(athlete, plan_week.week) == before
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.SESSIONS_EDITED).exists()


def test_the_editor_labels_every_field_and_offers_to_copy_last_week(
    coach_client, athlete, plan_week, last_week
):
    response = coach_client.get(edit_url(athlete, plan_week.week))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Copy the week of {last_week.week:%-d %b}" in text(response)
    for name in SESSION_FIELDS:
        assert html.count(f'<label class="session-field__label" for="id_s-0-{name}">') == 1


def test_copy_last_week_fills_the_editor_and_writes_nothing(
    coach_client, athlete, plan_week, last_week
):
    before = current_sessions(athlete, plan_week.week)

    response = coach_client.post(edit_url(athlete, plan_week.week), {"copy": "previous"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="s-INITIAL_FORMS" value="2"' in html
    assert 'name="s-TOTAL_FORMS" value="3"' in html  # the two copied and a blank row
    assert 'name="s-1-kind"' in html
    assert '<option value="strength" selected>' in html
    assert "Nothing has changed for her yet" in text(response)
    assert current_sessions(athlete, plan_week.week) == before
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.SESSIONS_EDITED).exists()


def test_saving_the_copied_week_replaces_this_weeks_sessions(
    coach_client, athlete, plan_week, last_week
):
    copied = current_sessions(athlete, last_week.week)
    data = with_blank_row(formset_data(copied), len(copied))

    response = coach_client.post(edit_url(athlete, plan_week.week), data)

    assert response.status_code == 302
    assert current_sessions(athlete, plan_week.week) == copied


def test_copy_when_there_is_no_week_before_says_so(coach_client, athlete, plan_week):
    before = current_sessions(athlete, plan_week.week)

    response = coach_client.post(edit_url(athlete, plan_week.week), {"copy": "previous"})

    assert response.status_code == 200
    assert "There are no sessions from the week before to copy." in text(response)
    assert f'name="s-INITIAL_FORMS" value="{len(before)}"' in response.content.decode()
    assert current_sessions(athlete, plan_week.week) == before


def test_another_coach_cannot_copy_a_week(other_coach_client, athlete, plan_week, last_week):
    response = other_coach_client.post(edit_url(athlete, plan_week.week), {"copy": "previous"})

    assert response.status_code == 404
    # As a word: the page's random CSRF token may hold the letters "Anna" by chance.
    assert not re.search(r"\bAnna\b", response.content.decode())


def test_the_overview_links_to_the_editor(coach_client, athlete, plan_week):
    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    assert edit_url(athlete, plan_week.week) in response.content.decode()
