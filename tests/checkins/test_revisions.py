"""Edits: allowed until the Sunday of the following week in her time zone, and every edit
keeps the previous values (SPEC §6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkins.models import CheckInRevision, WeeklyCheckIn
from checkins.services import (
    EDITABLE_FIELDS,
    PlannedWeek,
    checkin_set_planned,
    checkin_update,
)
from tests.checkins.factories import CheckInFactory, form_data
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


def values_of(checkin: WeeklyCheckIn) -> dict:
    checkin.refresh_from_db()
    return {name: getattr(checkin, name) for name in ("week", *EDITABLE_FIELDS)}


def as_stored_in_history(values: dict) -> dict:
    """A revision's ``values``: every editable field, JSON-safe (sleep hours as text)."""
    return {
        name: (str(values[name]) if name == "sleep_hours" else values[name])
        for name in EDITABLE_FIELDS
    }


def edit_form(checkin: WeeklyCheckIn, **changes) -> dict:
    return form_data(None, **{**{n: getattr(checkin, n) for n in EDITABLE_FIELDS}, **changes})


@pytest.fixture
def checkin(athlete) -> WeeklyCheckIn:
    """Last week's check-in: still open for changes until this Sunday."""
    return CheckInFactory(athlete=athlete, week=monday_of(athlete.today()) - timedelta(days=7))


@pytest.fixture
def closed_checkin(athlete) -> WeeklyCheckIn:
    """The check-in of the week before last: its window closed last Sunday."""
    return CheckInFactory(athlete=athlete, week=monday_of(athlete.today()) - timedelta(days=14))


# --- History ---------------------------------------------------------------------------------


def test_an_edit_keeps_the_previous_values_and_names_what_changed(checkin, athlete):
    before = values_of(checkin)

    checkin_update(
        checkin=checkin, data={"pain": 4, "pain_location": "left knee", "mood": 4}, by=athlete.user
    )

    revision = CheckInRevision.objects.get()
    assert revision.checkin == checkin
    assert revision.values == as_stored_in_history(before)
    assert revision.changed_fields == ["pain", "pain_location"]  # mood was 4 already
    assert revision.revised_by == athlete.user
    assert values_of(checkin) == {**before, "pain": 4, "pain_location": "left knee"}


def test_each_edit_adds_a_revision_newest_first(checkin, athlete, coach):
    checkin_update(checkin=checkin, data={"pain": 2}, by=athlete.user)
    checkin_update(checkin=checkin, data={"pain": 5, "energy": 1}, by=coach)

    newest, oldest = checkin.revisions.all()
    assert (oldest.values["pain"], oldest.changed_fields, oldest.revised_by) == (
        0,
        ["pain"],
        athlete.user,
    )
    assert (newest.values["pain"], newest.values["energy"], newest.changed_fields) == (
        2,
        3,
        ["energy", "pain"],
    )
    assert newest.revised_by == coach


def test_an_edit_with_no_change_creates_no_revision(checkin, athlete):
    before = values_of(checkin)
    updated_at = checkin.updated_at

    checkin_update(
        checkin=checkin,
        data={name: getattr(checkin, name) for name in EDITABLE_FIELDS},
        by=athlete.user,
    )

    assert CheckInRevision.objects.count() == 0
    assert values_of(checkin) == before
    assert checkin.updated_at == updated_at


def test_resaving_her_form_unchanged_creates_no_revision(athlete_client, checkin):
    response = athlete_client.post(
        reverse("checkins:my_checkin_edit", args=[checkin.pk]), edit_form(checkin)
    )

    assert response.status_code == 302
    assert CheckInRevision.objects.count() == 0


def test_her_edit_within_the_window_is_saved_with_history(athlete_client, athlete, checkin):
    before = values_of(checkin)
    url = reverse("checkins:my_checkin_edit", args=[checkin.pk])

    page = athlete_client.get(url)
    response = athlete_client.post(url, edit_form(checkin, pain=3, notes="Knee niggle"))

    assert page.status_code == 200
    assert page.context["form"].initial["pain"] == before["pain"]
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("checkins:my_checkin_done", args=[checkin.pk]) + "?edited=1"
    )
    assert values_of(checkin) == {**before, "pain": 3, "notes": "Knee niggle"}
    revision = CheckInRevision.objects.get()
    assert (revision.changed_fields, revision.revised_by) == (["pain", "notes"], athlete.user)
    done = athlete_client.get(response["Location"])
    assert "Changes saved" in done.content.decode()


def test_the_coachs_edit_is_saved_with_history(coach_client, coach, checkin):
    response = coach_client.post(
        reverse("checkins:coach_checkin_edit", args=[checkin.pk]), edit_form(checkin, energy=1)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:coach_checkin_detail", args=[checkin.pk])
    revision = CheckInRevision.objects.get()
    assert (revision.values["energy"], revision.changed_fields, revision.revised_by) == (
        3,
        ["energy"],
        coach,
    )


def test_an_api_patch_is_saved_with_history(athlete_api, athlete, checkin):
    before = values_of(checkin)

    response = athlete_api.patch(
        reverse("api:checkin", args=[checkin.pk]), {"pain": 2, "sleep_hours": "5.5"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["pain"], response.json()["sleep_hours"]) == (2, 5.5)
    revision = CheckInRevision.objects.get()
    assert revision.values == as_stored_in_history(before)
    assert revision.changed_fields == ["sleep_hours", "pain"]
    assert revision.revised_by == athlete.user


def test_the_coachs_checkin_page_shows_what_each_revision_said_before(
    coach_client, coach, athlete, checkin
):
    checkin_update(checkin=checkin, data={"pain": 3, "leakage": True}, by=athlete.user)
    checkin_update(checkin=checkin, data={"energy": 2}, by=coach)

    response = coach_client.get(reverse("checkins:coach_checkin_detail", args=[checkin.pk]))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Not changed since it was sent." not in html
    rows = html[html.index('id="revisions-title"') :]
    assert "Energy was <strong>3</strong>" in rows
    assert "Pain was <strong>0</strong>; Leakage was <strong>no</strong>" in rows
    # Newest first: the coach's change, then hers.
    assert rows.index("<td>Coach</td>") < rows.index("<td>Anna</td>")
    assert rows.index("Energy was") < rows.index("Pain was")
    assert [r.changed_fields for r in response.context["revisions"]] == [
        ["energy"],
        ["pain", "leakage"],
    ]


def test_an_unedited_checkin_says_it_was_not_changed(coach_client, checkin):
    response = coach_client.get(reverse("checkins:coach_checkin_detail", args=[checkin.pk]))

    assert response.status_code == 200
    assert "Not changed since it was sent." in response.content.decode()


# --- The window --------------------------------------------------------------------------------

# The check-in of the week of Monday 2 June 2025 may be changed until Sunday 15 June, where
# she lives.
WEEK = date(2025, 6, 2)
WINDOW = [
    # Auckland is ahead of UTC: her Monday starts while UTC is still on Sunday.
    pytest.param(
        "Pacific/Auckland", datetime(2025, 6, 15, 11, 30, tzinfo=UTC), True, id="NZ-sun-23:30"
    ),
    pytest.param(
        "Pacific/Auckland", datetime(2025, 6, 15, 12, 30, tzinfo=UTC), False, id="NZ-mon-00:30"
    ),
    # Los Angeles is behind: her Sunday lasts while UTC is already on Monday.
    pytest.param(
        "America/Los_Angeles", datetime(2025, 6, 16, 6, 30, tzinfo=UTC), True, id="LA-sun-23:30"
    ),
    pytest.param(
        "America/Los_Angeles", datetime(2025, 6, 16, 7, 30, tzinfo=UTC), False, id="LA-mon-00:30"
    ),
]
CLOSED_MESSAGE = "This check-in could be changed until Sunday 15 June; that time has passed."


def _in_window_setup(athlete, stop_clock, tz, instant) -> WeeklyCheckIn:
    stop_clock(datetime(2025, 6, 8, 12, 0, tzinfo=UTC))
    athlete.timezone = tz
    athlete.delivery_date = date(2025, 1, 8)
    athlete.save()
    checkin = CheckInFactory(athlete=athlete, week=WEEK)
    stop_clock(instant)
    return checkin


@pytest.mark.parametrize(("tz", "instant", "open_"), WINDOW)
def test_the_window_closes_at_the_end_of_the_following_sunday_where_she_lives(
    athlete, stop_clock, tz, instant, open_
):
    checkin = _in_window_setup(athlete, stop_clock, tz, instant)
    before = values_of(checkin)

    if open_:
        checkin_update(checkin=checkin, data={"pain": 2}, by=athlete.user)
        assert values_of(checkin)["pain"] == 2
        assert CheckInRevision.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as refused:
            checkin_update(checkin=checkin, data={"pain": 2}, by=athlete.user)
        assert refused.value.messages == [CLOSED_MESSAGE]
        assert values_of(checkin) == before
        assert CheckInRevision.objects.count() == 0


@pytest.mark.parametrize(("tz", "instant", "open_"), WINDOW)
def test_the_api_applies_the_same_window(athlete_api, athlete, stop_clock, tz, instant, open_):
    checkin = _in_window_setup(athlete, stop_clock, tz, instant)
    before = values_of(checkin)

    response = athlete_api.patch(
        reverse("api:checkin", args=[checkin.pk]), {"pain": 2}, format="json"
    )

    if open_:
        assert response.status_code == 200
        assert values_of(checkin)["pain"] == 2
    else:
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [CLOSED_MESSAGE]}
        assert values_of(checkin) == before
        assert CheckInRevision.objects.count() == 0


@pytest.mark.parametrize(("tz", "instant", "open_"), WINDOW)
def test_her_edit_page_applies_the_same_window(
    athlete_client, athlete, stop_clock, tz, instant, open_
):
    checkin = _in_window_setup(athlete, stop_clock, tz, instant)
    before = values_of(checkin)

    response = athlete_client.post(
        reverse("checkins:my_checkin_edit", args=[checkin.pk]), edit_form(checkin, pain=2)
    )

    assert response.status_code == 302
    if open_:
        assert response["Location"].startswith(
            reverse("checkins:my_checkin_done", args=[checkin.pk])
        )
        assert values_of(checkin)["pain"] == 2
    else:
        assert response["Location"] == reverse("checkins:my_history")
        assert values_of(checkin) == before


def test_her_edit_after_the_window_is_redirected_with_a_message(athlete_client, closed_checkin):
    before = values_of(closed_checkin)
    url = reverse("checkins:my_checkin_edit", args=[closed_checkin.pk])

    for send in (
        lambda: athlete_client.get(url, follow=True),
        lambda: athlete_client.post(url, edit_form(closed_checkin, pain=6), follow=True),
    ):
        response = send()
        assert response.redirect_chain == [(reverse("checkins:my_history"), 302)]
        assert [str(m) for m in response.context["messages"]] == [
            "That week can no longer be changed."
        ]
        assert "That week can no longer be changed." in response.content.decode()
    assert values_of(closed_checkin) == before
    assert CheckInRevision.objects.count() == 0


def test_the_coachs_edit_after_the_window_is_redirected_with_a_message(
    coach_client, closed_checkin
):
    before = values_of(closed_checkin)

    response = coach_client.post(
        reverse("checkins:coach_checkin_edit", args=[closed_checkin.pk]),
        edit_form(closed_checkin, pain=6),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "checkins:coach_checkin_detail", args=[closed_checkin.pk]
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "That week can no longer be changed."
    ]
    assert values_of(closed_checkin) == before
    assert CheckInRevision.objects.count() == 0


def test_an_api_patch_after_the_window_is_refused(athlete_api, closed_checkin):
    before = values_of(closed_checkin)

    response = athlete_api.patch(
        reverse("api:checkin", args=[closed_checkin.pk]), {"pain": 6}, format="json"
    )

    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert message.startswith("This check-in could be changed until ")
    assert message.endswith("; that time has passed.")
    assert values_of(closed_checkin) == before
    assert CheckInRevision.objects.count() == 0


# --- The planned sessions, filled in by the plans layer ----------------------------------------


@pytest.mark.parametrize(("planned", "stored"), [(4, 4), (0, 0), (None, None), (20, 14)])
def test_what_her_plan_held_is_written_alone_without_a_revision(athlete, planned, stored):
    checkin = CheckInFactory(athlete=athlete)
    before = values_of(checkin)
    updated_at = checkin.updated_at

    checkin_set_planned(
        checkin_id=checkin.pk,
        planned=PlannedWeek(sessions=planned, run_minutes=24, longest_run_minutes=34),
    )

    assert values_of(checkin) == before
    checkin.refresh_from_db()
    assert (checkin.sessions_planned, checkin.updated_at) == (stored, updated_at)
    assert (checkin.planned_run_minutes, checkin.planned_longest_run_minutes) == (24, 34)
    assert not CheckInRevision.objects.exists()
