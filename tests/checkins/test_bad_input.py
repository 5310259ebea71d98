"""Bad input gets a clear error and nothing is written (SPEC §6, §9) — through her form, her
coach's form on her behalf, and the API (POST and PATCH)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import CheckInRevision, WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS
from tests.checkins.channels import (
    EDIT_CHANNELS,
    REFUSED,
    SUBMIT_CHANNELS,
    api_patch,
)
from tests.checkins.factories import CheckInFactory, api_body, form_data
from web.weeks import monday_of

# On a Friday, so that this week's check-in is open (SPEC §11).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

# Each number's first value outside its range on both sides (SPEC §6).
OUT_OF_RANGE = [
    ("sessions_completed", -1),
    ("sessions_completed", 15),
    ("run_minutes", -1),
    ("run_minutes", 2001),
    ("walk_minutes", -1),
    ("walk_minutes", 3001),
    ("longest_session_minutes", -1),
    ("longest_session_minutes", 601),
    ("effort", 0),
    ("effort", 11),
    ("energy", 0),
    ("energy", 6),
    ("sleep_hours", Decimal("-0.1")),
    ("sleep_hours", Decimal("14.1")),
    ("sleep_hours", Decimal("7.25")),  # one decimal only
    ("sleep_quality", 0),
    ("sleep_quality", 6),
    ("mood", 0),
    ("mood", 6),
    ("stress", 0),
    ("stress", 6),
    ("soreness", -1),
    ("soreness", 11),
    ("pain", -1),
    ("pain", 11),
    ("unavailable_days", -1),
    ("unavailable_days", 8),
    ("pain_location", "x" * 201),
    ("notes", "x" * 2001),
]


def _value_id(value) -> str:
    return f"{len(value)}-chars" if isinstance(value, str) else str(value)


OUT_OF_RANGE_IDS = [f"{name}={_value_id(value)}" for name, value in OUT_OF_RANGE]


def _channel_id(channel) -> str:
    return channel.__name__


def snapshot(checkin: WeeklyCheckIn) -> dict:
    checkin.refresh_from_db()
    return {name: getattr(checkin, name) for name in ("week", *EDITABLE_FIELDS)}


@pytest.fixture
def this_monday(athlete):
    return monday_of(athlete.today())


# --- Values ------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
@pytest.mark.parametrize(("name", "value"), OUT_OF_RANGE, ids=OUT_OF_RANGE_IDS)
def test_an_out_of_range_value_is_refused_and_nothing_is_written(
    request, athlete, this_monday, channel, name, value
):
    outcome = channel(request, athlete, this_monday, **{name: value})

    assert outcome.status == REFUSED[channel]
    assert list(outcome.errors) == [name]
    assert outcome.marks(name)
    assert WeeklyCheckIn.objects.count() == 0


@pytest.mark.parametrize(("name", "value"), OUT_OF_RANGE, ids=OUT_OF_RANGE_IDS)
def test_an_out_of_range_change_through_the_api_is_refused_and_changes_nothing(
    request, athlete, name, value
):
    checkin = CheckInFactory(athlete=athlete)
    before = snapshot(checkin)

    outcome = api_patch(request, checkin, **{name: value})

    assert outcome.status == 400
    assert list(outcome.errors) == [name]
    assert outcome.marks(name)
    assert snapshot(checkin) == before
    assert CheckInRevision.objects.count() == 0


@pytest.mark.parametrize("channel", EDIT_CHANNELS, ids=_channel_id)
@pytest.mark.parametrize(
    ("name", "value"),
    [("pain", 11), ("sleep_hours", Decimal("14.1")), ("notes", "x" * 2001)],
    ids=["pain=11", "sleep_hours=14.1", "notes=2001-chars"],
)
def test_an_out_of_range_edit_is_refused_and_changes_nothing(
    request, athlete, channel, name, value
):
    checkin = CheckInFactory(athlete=athlete)
    before = snapshot(checkin)

    outcome = channel(request, checkin, **{name: value})

    assert outcome.status == REFUSED[channel]
    assert list(outcome.errors) == [name]
    assert outcome.marks(name)
    assert snapshot(checkin) == before
    assert CheckInRevision.objects.count() == 0


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_effort_is_required_once_she_did_a_session(request, athlete, this_monday, channel):
    outcome = channel(request, athlete, this_monday, sessions_completed=2, effort=None)

    assert outcome.status == REFUSED[channel]
    assert list(outcome.errors) == ["effort"]
    assert outcome.marks("effort")
    assert "Say how hard the sessions felt (1–10)." in outcome.errors["effort"]
    assert WeeklyCheckIn.objects.count() == 0


def test_removing_the_effort_of_a_week_with_sessions_is_refused(request, athlete):
    checkin = CheckInFactory(athlete=athlete, sessions_completed=3, effort=4)

    outcome = api_patch(request, checkin, effort=None)

    assert outcome.status == 400
    assert outcome.errors == {"effort": ["Say how hard the sessions felt (1–10)."]}
    checkin.refresh_from_db()
    assert checkin.effort == 4


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_effort_may_be_left_out_of_a_week_without_sessions(request, athlete, this_monday, channel):
    outcome = channel(
        request,
        athlete,
        this_monday,
        sessions_completed=0,
        run_minutes=0,
        walk_minutes=0,
        longest_session_minutes=0,
        longest_run_minutes=0,
        effort=None,
    )

    assert outcome.status in (201, 302)
    checkin = WeeklyCheckIn.objects.get()
    assert (checkin.week, checkin.sessions_completed, checkin.effort) == (this_monday, 0, None)


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_a_longest_session_longer_than_the_whole_week_is_refused(
    request, athlete, this_monday, channel
):
    outcome = channel(
        request, athlete, this_monday, run_minutes=20, walk_minutes=20, longest_session_minutes=45
    )

    assert outcome.status == REFUSED[channel]
    assert list(outcome.errors) == ["longest_session_minutes"]
    assert outcome.marks("longest_session_minutes")
    assert WeeklyCheckIn.objects.count() == 0


@pytest.mark.parametrize(
    "values",
    [
        {
            "sessions_completed": 0,
            "run_minutes": 0,
            "walk_minutes": 0,
            "longest_session_minutes": 0,
            "longest_run_minutes": 0,
            "effort": None,
            "energy": 1,
            "sleep_hours": Decimal("0"),
            "sleep_quality": 1,
            "mood": 1,
            "stress": 1,
            "soreness": 0,
            "pain": 0,
            "unavailable_days": 0,
            "pain_location": "",
            "notes": "",
        },
        {
            "sessions_completed": 14,
            "run_minutes": 2000,
            "walk_minutes": 3000,
            "longest_session_minutes": 600,
            "longest_run_minutes": 600,
            "effort": 10,
            "energy": 5,
            "sleep_hours": Decimal("14"),
            "sleep_quality": 5,
            "mood": 5,
            "stress": 5,
            "soreness": 10,
            "pain": 10,
            "unavailable_days": 7,
            "pain_location": "p" * 200,
            "notes": "n" * 2000,
        },
    ],
    ids=["lowest", "highest"],
)
@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_every_value_at_the_edge_of_its_range_is_accepted(
    request, athlete, this_monday, channel, values
):
    outcome = channel(request, athlete, this_monday, **values)

    assert outcome.status in (201, 302), outcome.errors
    checkin = WeeklyCheckIn.objects.get()
    assert {name: getattr(checkin, name) for name in values} == values


# --- Weeks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_it_rejects_a_future_week(request, athlete, this_monday, channel):
    outcome = channel(request, athlete, this_monday + timedelta(days=7))

    assert outcome.status == REFUSED[channel]
    assert outcome.errors == {
        "week": [
            "The check-in for the week of 9 March opens on Friday 13 March. If something "
            "doesn't feel right before then, report a symptom any time."
        ]
    }
    assert outcome.marks("week")
    assert WeeklyCheckIn.objects.count() == 0


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_it_rejects_a_week_before_the_birth(request, athlete, channel):
    outcome = channel(request, athlete, athlete.delivery_date - timedelta(days=7))

    assert outcome.status == REFUSED[channel]
    assert outcome.errors == {"week": ["That week is before the baby's birth."]}
    assert outcome.marks("week")
    assert WeeklyCheckIn.objects.count() == 0


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_the_week_of_the_birth_itself_is_accepted(request, athlete, this_monday, channel):
    # The Monday may fall before the birth; the week still holds days after it. (A birth
    # last Sunday, so that the week is still open to her.)
    athlete.delivery_date = this_monday - timedelta(days=1)
    athlete.save()

    outcome = channel(request, athlete, athlete.delivery_date)

    assert outcome.status in (201, 302), outcome.errors
    assert WeeklyCheckIn.objects.get().week == monday_of(athlete.delivery_date)


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_a_second_checkin_for_the_same_week_is_refused(request, athlete, this_monday, channel):
    last_monday = this_monday - timedelta(days=7)
    first = CheckInFactory(athlete=athlete, week=last_monday, pain=1)
    before = snapshot(first)

    # Another day of the same week is the same week.
    outcome = channel(request, athlete, last_monday + timedelta(days=3), pain=4)

    assert outcome.status == REFUSED[channel]
    assert outcome.errors == {"week": ["There is already a check-in for this week."]}
    assert outcome.marks("week")
    assert WeeklyCheckIn.objects.count() == 1
    assert snapshot(first) == before


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
@pytest.mark.parametrize("week", ["", "not-a-date", "2025-02-30"])
def test_a_missing_or_malformed_week_is_refused(request, athlete, channel, week):
    outcome = channel(request, athlete, week)

    assert outcome.status == REFUSED[channel]
    assert list(outcome.errors) == ["week"]
    assert outcome.marks("week")
    assert WeeklyCheckIn.objects.count() == 0


def test_the_week_of_a_checkin_cannot_be_changed_through_the_api(request, athlete, this_monday):
    checkin = CheckInFactory(athlete=athlete, week=this_monday - timedelta(days=7))
    before = snapshot(checkin)

    outcome = api_patch(request, checkin, week=this_monday.isoformat(), pain=3)

    assert outcome.status == 400
    assert outcome.errors == {"week": ["The week of a check-in can't be changed."]}
    assert snapshot(checkin) == before
    assert CheckInRevision.objects.count() == 0


# --- Whose athlete ---------------------------------------------------------------------------


def test_a_coach_cannot_enter_a_checkin_for_another_coachs_athlete(
    other_coach_client, athlete, this_monday
):
    url = reverse("checkins:coach_checkin_create", args=[athlete.pk])

    assert other_coach_client.get(url).status_code == 404
    assert other_coach_client.post(url, form_data(this_monday)).status_code == 404
    assert WeeklyCheckIn.objects.count() == 0


def test_a_coach_cannot_post_a_checkin_for_another_coachs_athlete_through_the_api(
    other_coach_api, athlete, this_monday
):
    url = reverse("api:athlete-checkins", args=[athlete.pk])

    response = other_coach_api.post(url, api_body(this_monday), format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Athlete matches the given query."}
    assert WeeklyCheckIn.objects.count() == 0


def test_a_coach_cannot_change_another_coachs_checkin(other_coach_client, other_coach_api, athlete):
    checkin = CheckInFactory(athlete=athlete)
    before = snapshot(checkin)

    page = other_coach_client.post(
        reverse("checkins:coach_checkin_edit", args=[checkin.pk]), form_data(None, pain=7)
    )
    api = other_coach_api.patch(reverse("api:checkin", args=[checkin.pk]), {"pain": 7})

    assert page.status_code == 404
    assert api.status_code == 404
    assert api.json() == {"detail": "No WeeklyCheckIn matches the given query."}
    assert snapshot(checkin) == before
    assert CheckInRevision.objects.count() == 0


def test_an_athlete_cannot_post_a_checkin_for_another_athlete(athlete_api, athlete, other_athlete):
    url = reverse("api:athlete-checkins", args=[other_athlete.pk])

    response = athlete_api.post(url, api_body(monday_of(other_athlete.today())), format="json")

    assert response.status_code == 404
    assert WeeklyCheckIn.objects.count() == 0


def test_an_athlete_cannot_change_another_athletes_checkin(
    athlete_client, athlete_api, other_athlete
):
    theirs = CheckInFactory(athlete=other_athlete)
    before = snapshot(theirs)

    page = athlete_client.post(
        reverse("checkins:my_checkin_edit", args=[theirs.pk]), form_data(None, pain=7)
    )
    api = athlete_api.patch(reverse("api:checkin", args=[theirs.pk]), {"pain": 7})

    assert page.status_code == 404
    assert api.status_code == 404
    assert snapshot(theirs) == before
    assert CheckInRevision.objects.count() == 0


def test_an_athlete_cannot_use_the_coachs_form(athlete_client, athlete, this_monday):
    url = reverse("checkins:coach_checkin_create", args=[athlete.pk])

    response = athlete_client.post(url, form_data(this_monday))

    assert response.status_code == 403
    assert WeeklyCheckIn.objects.count() == 0


def test_the_athlete_named_in_the_body_is_ignored(coach_api, athlete, other_athlete, this_monday):
    url = reverse("api:athlete-checkins", args=[athlete.pk])

    response = coach_api.post(
        url, {**api_body(this_monday), "athlete": other_athlete.pk}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["athlete"] == athlete.pk
    assert list(WeeklyCheckIn.objects.values_list("athlete_id", flat=True)) == [athlete.pk]


def test_an_anonymous_post_is_refused_with_401(client, athlete, this_monday):
    response = client.post(
        reverse("api:athlete-checkins", args=[athlete.pk]),
        api_body(this_monday),
        content_type="application/json",
    )

    assert response.status_code == 401
    assert WeeklyCheckIn.objects.count() == 0


def test_the_api_refuses_posts_that_are_not_json_objects(athlete_api, athlete):
    url = reverse("api:athlete-checkins", args=[athlete.pk])

    response = athlete_api.post(url, "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert WeeklyCheckIn.objects.count() == 0


def test_api_post_reports_every_missing_required_answer(athlete_api, athlete):
    response = athlete_api.post(
        reverse("api:athlete-checkins", args=[athlete.pk]), {}, format="json"
    )

    assert response.status_code == 400
    required = {
        "week",
        "sessions_completed",
        "energy",
        "sleep_hours",
        "sleep_quality",
        "mood",
        "stress",
        "soreness",
        "pain",
    }
    assert set(response.json()) == required
    assert all(response.json()[name] == ["This field is required."] for name in required)
    assert WeeklyCheckIn.objects.count() == 0


@pytest.mark.parametrize("channel", SUBMIT_CHANNELS, ids=_channel_id)
def test_a_longest_run_longer_than_the_longest_session_is_refused(
    request, athlete, this_monday, channel
):
    outcome = channel(
        request, athlete, this_monday, longest_session_minutes=30, longest_run_minutes=31
    )

    assert outcome.status in (200, 400)
    assert outcome.errors == {
        "longest_run_minutes": ["Your longest run can't be longer than your longest session."]
    }
    assert WeeklyCheckIn.objects.count() == 0
