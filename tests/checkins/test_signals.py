"""``checkin_committed`` is sent once per submit and once per edit, after the commit, and
never for input that was refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkins.models import WeeklyCheckIn
from checkins.services import checkin_submit, checkin_update
from tests.checkins.factories import CheckInFactory, api_body, form_data, service_data
from web.weeks import monday_of

# On a Friday, so that this week's check-in is open (SPEC §11).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]


def announcement(
    checkin: WeeklyCheckIn, *, created: bool, live: bool = True, red_flags_before=()
) -> dict:
    """What receivers are given (see checkins/signals.py)."""
    return {
        "checkin_id": checkin.pk,
        "athlete_id": checkin.athlete_id,
        "week": checkin.week,
        "created": created,
        "live": live,
        "red_flags_before": list(red_flags_before),
    }


def test_a_submit_announces_itself_once_after_the_commit(
    athlete, committed, django_capture_on_commit_callbacks
):
    week = monday_of(athlete.today())

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(athlete=athlete, week=week, data=service_data(), by=athlete.user)
        assert committed == []  # not before the commit

    assert committed == [announcement(checkin, created=True)]


def test_an_edit_announces_itself_once_after_the_commit(
    athlete, committed, django_capture_on_commit_callbacks
):
    checkin = CheckInFactory(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True):
        checkin_update(checkin=checkin, data={"pain": 3}, by=athlete.user)
        assert committed == []

    assert committed == [announcement(checkin, created=False)]


def test_an_edit_announces_the_red_flags_the_checkin_held_before_it(
    athlete, committed, django_capture_on_commit_callbacks
):
    checkin = CheckInFactory(athlete=athlete, pain=6, leakage=True)

    with django_capture_on_commit_callbacks(execute=True):
        checkin_update(checkin=checkin, data={"pain": 1}, by=athlete.user)

    assert committed == [announcement(checkin, created=False, red_flags_before=["leakage", "pain"])]


def test_an_edit_that_changes_nothing_announces_nothing(
    athlete, committed, django_capture_on_commit_callbacks
):
    checkin = CheckInFactory(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        checkin_update(checkin=checkin, data={"pain": checkin.pain}, by=athlete.user)

    assert callbacks == []
    assert committed == []


@pytest.mark.parametrize(
    ("week_offset", "changes"),
    [
        pytest.param(7, {}, id="future-week"),
        pytest.param(0, {"pain": 11}, id="pain-out-of-range"),
        pytest.param(0, {"sessions_completed": 2, "effort": None}, id="effort-missing"),
    ],
)
def test_a_refused_submit_announces_nothing(
    athlete, committed, django_capture_on_commit_callbacks, week_offset, changes
):
    week = monday_of(athlete.today()) + timedelta(days=week_offset)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        checkin_submit(athlete=athlete, week=week, data=service_data(**changes), by=athlete.user)

    assert callbacks == []
    assert committed == []
    assert WeeklyCheckIn.objects.count() == 0


def test_a_refused_duplicate_announces_nothing(
    athlete, committed, django_capture_on_commit_callbacks
):
    existing = CheckInFactory(athlete=athlete)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        checkin_submit(athlete=athlete, week=existing.week, data=service_data(), by=athlete.user)

    assert callbacks == []
    assert committed == []


def test_a_refused_edit_announces_nothing(athlete, committed, django_capture_on_commit_callbacks):
    checkin = CheckInFactory(athlete=athlete)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        checkin_update(checkin=checkin, data={"mood": 0}, by=athlete.user)

    assert callbacks == []
    assert committed == []


def test_her_form_announces_the_new_checkin_once(
    athlete_client, athlete, committed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = athlete_client.post(
            reverse("checkins:my_checkin"), form_data(monday_of(athlete.today()))
        )

    assert response.status_code == 302
    checkin = WeeklyCheckIn.objects.get()
    assert committed == [announcement(checkin, created=True)]


def test_a_refused_form_announces_nothing(
    athlete_client, athlete, committed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = athlete_client.post(
            reverse("checkins:my_checkin"),
            form_data(monday_of(athlete.today()) + timedelta(days=7)),
        )

    assert response.status_code == 200
    assert callbacks == []
    assert committed == []


def test_an_api_patch_announces_the_edit_once(
    athlete_api, athlete, committed, django_capture_on_commit_callbacks
):
    checkin = CheckInFactory(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True):
        response = athlete_api.patch(
            reverse("api:checkin", args=[checkin.pk]), {"energy": 2}, format="json"
        )

    assert response.status_code == 200
    assert committed == [announcement(checkin, created=False)]


def test_a_refused_api_post_announces_nothing(
    athlete_api, athlete, committed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = athlete_api.post(
            reverse("api:athlete-checkins", args=[athlete.pk]),
            api_body(athlete.delivery_date - timedelta(days=7)),
            format="json",
        )

    assert response.status_code == 400
    assert callbacks == []
    assert committed == []


def test_a_failing_receiver_does_not_undo_the_checkin(athlete, django_capture_on_commit_callbacks):
    from checkins.signals import checkin_committed

    def broken(sender, **kwargs):
        raise RuntimeError("the broker is down")

    checkin_committed.connect(broken, weak=False, dispatch_uid="tests-broken-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            checkin = checkin_submit(
                athlete=athlete,
                week=monday_of(athlete.today()),
                data=service_data(),
                by=athlete.user,
            )
    finally:
        checkin_committed.disconnect(dispatch_uid="tests-broken-receiver")

    assert WeeklyCheckIn.objects.filter(pk=checkin.pk).exists()


def test_an_api_post_announces_the_new_checkin_once(
    athlete_api, athlete, committed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = athlete_api.post(
            reverse("api:athlete-checkins", args=[athlete.pk]),
            api_body(monday_of(athlete.today())),
            format="json",
        )

    assert response.status_code == 201
    assert committed == [announcement(WeeklyCheckIn.objects.get(), created=True)]
