"""A check-in is for an ISO week, stored as its Monday in her time zone (SPEC §6)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkins.models import WeeklyCheckIn
from checkins.services import checkin_submit
from tests.checkins.channels import REFUSED, SUBMIT_CHANNELS, Outcome
from tests.checkins.factories import service_data
from tests.checkins.markup import checked_value
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

LOS_ANGELES = "America/Los_Angeles"
AUCKLAND = "Pacific/Auckland"

# Sunday 15 June 2025, 20:00 in Los Angeles — already Monday 16 June, 15:00, in Auckland
# (and Monday 03:00 in UTC, the server's zone).
LA_SUNDAY_EVENING = datetime(2025, 6, 16, 3, 0, tzinfo=UTC)
# Sunday 15 June 2025, 20:00 in Auckland — Sunday 01:00 in Los Angeles.
AUCKLAND_SUNDAY_EVENING = datetime(2025, 6, 15, 8, 0, tzinfo=UTC)
# Monday 16 June 2025, 09:00 in Auckland, while UTC is still on Sunday 15 June.
AUCKLAND_MONDAY_MORNING = datetime(2025, 6, 15, 21, 0, tzinfo=UTC)

# Where each of those instants falls for her, and which weeks are open (SPEC §11: a week's
# check-in opens on its Friday and closes at the end of the week after).
ON_HER_SUNDAY = [  # this week's check-in is open; last week's too, until midnight
    pytest.param(LA_SUNDAY_EVENING, LOS_ANGELES, date(2025, 6, 9), id="LA-sunday-evening"),
    pytest.param(AUCKLAND_SUNDAY_EVENING, AUCKLAND, date(2025, 6, 9), id="auckland-sunday-evening"),
    pytest.param(AUCKLAND_SUNDAY_EVENING, LOS_ANGELES, date(2025, 6, 9), id="LA-sunday-night"),
    pytest.param(AUCKLAND_MONDAY_MORNING, LOS_ANGELES, date(2025, 6, 9), id="LA-sunday-pm"),
]
ON_HER_MONDAY = [  # her new week has begun; its check-in opens on Friday 20 June
    pytest.param(LA_SUNDAY_EVENING, AUCKLAND, date(2025, 6, 16), id="auckland-monday-afternoon"),
    pytest.param(AUCKLAND_MONDAY_MORNING, AUCKLAND, date(2025, 6, 16), id="auckland-monday-am"),
]
# With nothing sent yet, the form proposes the oldest open week: last week's.
PROPOSED = [
    pytest.param(LA_SUNDAY_EVENING, LOS_ANGELES, date(2025, 6, 2), id="LA-sunday-evening"),
    pytest.param(LA_SUNDAY_EVENING, AUCKLAND, date(2025, 6, 9), id="auckland-monday-afternoon"),
    pytest.param(AUCKLAND_SUNDAY_EVENING, AUCKLAND, date(2025, 6, 2), id="auckland-sunday-evening"),
    pytest.param(AUCKLAND_SUNDAY_EVENING, LOS_ANGELES, date(2025, 6, 2), id="LA-sunday-night"),
    pytest.param(AUCKLAND_MONDAY_MORNING, AUCKLAND, date(2025, 6, 9), id="auckland-monday-am"),
    pytest.param(AUCKLAND_MONDAY_MORNING, LOS_ANGELES, date(2025, 6, 2), id="LA-sunday-pm"),
]
NOT_OPEN_16_JUNE = (
    "The check-in for the week of 16 June opens on Friday 20 June. If something doesn't "
    "feel right before then, report a symptom any time."
)


def via_service(request, athlete, week, **changes) -> Outcome:
    try:
        checkin_submit(athlete=athlete, week=week, data=service_data(**changes), by=athlete.user)
    except ValidationError as exc:
        return Outcome(400, exc.message_dict)
    return Outcome(201)


CHANNELS = [via_service, *SUBMIT_CHANNELS]
REFUSED_BY = {**REFUSED, via_service: 400}


def _channel_id(channel) -> str:
    return channel.__name__


def living_in(athlete, tz: str):
    athlete.timezone = tz
    athlete.delivery_date = date(2025, 1, 8)
    athlete.save()
    return athlete


def proposed_week(html: str) -> str:
    """The week a form opens on: her ticked choice, or her coach's date field."""
    ticked = checked_value(html, "week")
    if ticked is not None:
        return ticked
    match = re.search(r'<input type="date" name="week" value="([^"]*)"', html)
    assert match, "the form has no week field"
    return match.group(1)


@pytest.mark.parametrize("channel", CHANNELS, ids=_channel_id)
@pytest.mark.parametrize("offset", range(7), ids=lambda n: "MTWTFSS"[n])
def test_any_day_inside_the_week_is_stored_as_its_monday(request, athlete, channel, offset):
    # Last week: open whatever the day.
    monday = monday_of(athlete.today()) - timedelta(days=7)

    outcome = channel(request, athlete, monday + timedelta(days=offset))

    assert outcome.status in (201, 302), outcome.errors
    assert list(WeeklyCheckIn.objects.values_list("week", flat=True)) == [monday]


@pytest.mark.parametrize(("instant", "tz", "monday"), PROPOSED)
def test_the_forms_propose_her_own_oldest_open_week(
    athlete_client, coach_client, athlete, stop_clock, instant, tz, monday
):
    stop_clock(instant)
    living_in(athlete, tz)

    page = athlete_client.get(reverse("checkins:my_checkin"))
    on_behalf = coach_client.get(reverse("checkins:coach_checkin_create", args=[athlete.pk]))

    assert proposed_week(page.content.decode()) == monday.isoformat()
    assert proposed_week(on_behalf.content.decode()) == monday.isoformat()


@pytest.mark.parametrize(("instant", "tz", "monday"), PROPOSED)
def test_submitting_the_form_as_it_comes_stores_her_local_monday(
    request, athlete_client, athlete, stop_clock, instant, tz, monday
):
    stop_clock(instant)
    living_in(athlete, tz)
    default_week = proposed_week(
        athlete_client.get(reverse("checkins:my_checkin")).content.decode()
    )

    outcome = SUBMIT_CHANNELS[0](request, athlete, default_week)

    assert outcome.status == 302, outcome.errors
    assert WeeklyCheckIn.objects.get().week == monday


@pytest.mark.parametrize("channel", CHANNELS, ids=_channel_id)
@pytest.mark.parametrize(("instant", "tz", "monday"), ON_HER_SUNDAY)
def test_her_local_date_gives_her_local_monday(
    request, athlete, stop_clock, channel, instant, tz, monday
):
    stop_clock(instant)
    living_in(athlete, tz)
    her_today = instant.astimezone(athlete.tz).date()

    outcome = channel(request, athlete, her_today)

    assert outcome.status in (201, 302), outcome.errors
    assert WeeklyCheckIn.objects.get().week == monday


@pytest.mark.parametrize("channel", CHANNELS, ids=_channel_id)
@pytest.mark.parametrize(("instant", "tz", "monday"), ON_HER_MONDAY)
def test_on_her_monday_her_new_week_is_not_open_yet_but_last_week_is(
    request, athlete, stop_clock, channel, instant, tz, monday
):
    stop_clock(instant)  # Sunday in UTC, Monday where she lives
    living_in(athlete, tz)
    her_today = instant.astimezone(athlete.tz).date()

    refused = channel(request, athlete, her_today)
    assert refused.status == REFUSED_BY[channel]
    assert refused.errors == {"week": [NOT_OPEN_16_JUNE]}
    assert WeeklyCheckIn.objects.count() == 0

    accepted = channel(request, athlete, her_today - timedelta(days=7))
    assert accepted.status in (201, 302), accepted.errors
    assert WeeklyCheckIn.objects.get().week == monday - timedelta(days=7)


@pytest.mark.parametrize("channel", CHANNELS, ids=_channel_id)
def test_a_week_that_has_begun_in_utc_but_not_where_she_lives_is_in_the_future(
    request, athlete, stop_clock, channel
):
    stop_clock(LA_SUNDAY_EVENING)  # Monday 16 June in UTC, Sunday 15 June in Los Angeles
    living_in(athlete, LOS_ANGELES)

    outcome = channel(request, athlete, date(2025, 6, 16))

    assert outcome.status == REFUSED_BY[channel]
    assert outcome.errors == {"week": [NOT_OPEN_16_JUNE]}
    assert WeeklyCheckIn.objects.count() == 0


def test_the_birth_week_rule_looks_at_the_whole_week(athlete):
    # Born on a Sunday: that week's Monday is before the birth, yet the week counts;
    # the week before does not. (Her coach enters them: both weeks have closed.)
    athlete.delivery_date = monday_of(athlete.today()) - timedelta(days=8)
    athlete.save()
    birth_week = monday_of(athlete.delivery_date)

    checkin = checkin_submit(
        athlete=athlete, week=athlete.delivery_date, data=service_data(), by=athlete.coach
    )
    with pytest.raises(ValidationError) as refused:
        checkin_submit(
            athlete=athlete,
            week=birth_week - timedelta(days=1),
            data=service_data(),
            by=athlete.coach,
        )

    assert checkin.week == birth_week
    assert refused.value.message_dict == {"week": ["That week is before the baby's birth."]}
    assert WeeklyCheckIn.objects.count() == 1
