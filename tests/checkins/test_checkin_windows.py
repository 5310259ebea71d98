"""A week's check-in opens on its Friday and closes at the end of the week after (SPEC §11):
what her form, her coach's form and the API refuse and accept, what the form proposes,
and what ``checkin_committed`` says about it (``live``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from checkins.models import CheckInRevision, WarningFlag, WeeklyCheckIn
from checkins.services import checkin_submit, checkin_update
from tests.checkins.channels import (
    REFUSED,
    Outcome,
    _api,
    api_post,
    athlete_form,
    coach_form,
)
from tests.checkins.factories import CheckInFactory, api_body, form_data, service_data
from tests.checkins.markup import checked_value, radio_values

pytestmark = pytest.mark.django_db

LONDON = "Europe/London"
AUCKLAND = "Pacific/Auckland"

# The week of Monday 2 March 2026: it opens on Friday 6 March, closes after Sunday 15 March.
W = date(2026, 3, 2)
LAST = W - timedelta(weeks=1)

NOT_OPEN = (
    "The check-in for the week of 2 March opens on Friday 6 March. If something doesn't feel "
    "right before then, report a symptom any time."
)
CLOSED = (
    "The check-in for the week of 2 March closed on Sunday 15 March; your coach can add it for you."
)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.fixture
def clock():
    """Stop the clock at an instant (moved on with ``.shift``); undone after the test."""
    travellers = []

    def stop(instant: datetime):
        traveller = time_machine.travel(instant, tick=False)
        travellers.append(traveller)
        return traveller.start()

    yield stop
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def her(athlete):
    """Anna, in London, whose baby was born on 1 October 2025."""
    athlete.timezone = LONDON
    athlete.delivery_date = date(2025, 10, 1)
    athlete.save()
    return athlete


def coach_api_post(request, athlete, week, **changes) -> Outcome:
    client = request.getfixturevalue("coach_api")
    url = reverse("api:athlete-checkins", args=[athlete.pk])
    return _api(client.post(url, api_body(week, **changes), format="json"))


def staff_api_post(request, athlete, week, **changes) -> Outcome:
    client = request.getfixturevalue("staff_api")
    url = reverse("api:athlete-checkins", args=[athlete.pk])
    return _api(client.post(url, api_body(week, **changes), format="json"))


REFUSED_BY = {**REFUSED, coach_api_post: 400, staff_api_post: 400}
EVERYONE = [athlete_form, api_post, coach_form, coach_api_post, staff_api_post]
HER = [athlete_form, api_post]
HER_COACH = [coach_form, coach_api_post, staff_api_post]


# --- Not open yet: refused for everyone, on ``week``, saying when ---------------------------------


@pytest.mark.parametrize("channel", EVERYONE, ids=lambda c: c.__name__)
def test_a_week_that_has_not_opened_is_refused_saying_when_it_opens(request, her, clock, channel):
    clock(local(LONDON, 2026, 3, 5, 23, 59))  # Thursday

    outcome = channel(request, her, W + timedelta(days=2))

    assert outcome.status == REFUSED_BY[channel]
    assert outcome.errors == {"week": [NOT_OPEN]}
    assert outcome.marks("week")  # beside the field on a page, on ``week`` in the API
    assert WeeklyCheckIn.objects.count() == 0


def test_the_refusal_on_her_form_says_it_beside_the_week(request, her, clock, athlete_client):
    clock(local(LONDON, 2026, 3, 3, 9, 0))  # Tuesday

    response = athlete_client.post(reverse("checkins:my_checkin"), form_data(W))

    html = response.content.decode().replace("&#x27;", "'")
    error = html.index('id="id_week_error"')
    assert NOT_OPEN in html[error : error + 400]


def test_the_api_refusal_is_a_400_on_week_only(her, clock, athlete_api):
    clock(local(LONDON, 2026, 3, 2, 0, 0))  # Monday 00:00

    response = athlete_api.post(
        reverse("api:athlete-checkins", args=[her.pk]), api_body(W), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"week": [NOT_OPEN]}
    assert WeeklyCheckIn.objects.count() == 0


# --- Closed: refused for her, accepted from her coach as history ---------------------------------


@pytest.mark.parametrize("channel", HER, ids=lambda c: c.__name__)
def test_she_cannot_send_a_week_whose_window_has_closed(request, her, clock, channel):
    clock(local(LONDON, 2026, 3, 16, 0, 0))  # Monday after the Sunday it closed

    outcome = channel(request, her, W)

    assert outcome.status == REFUSED_BY[channel]
    assert outcome.errors == {"week": [CLOSED]}
    assert outcome.marks("week")
    assert WeeklyCheckIn.objects.count() == 0


@pytest.mark.parametrize("channel", HER_COACH, ids=lambda c: c.__name__)
def test_her_coach_or_staff_may_still_enter_that_week(request, her, clock, channel):
    clock(local(LONDON, 2026, 3, 16, 0, 0))

    outcome = channel(request, her, W)

    assert outcome.status in (201, 302), outcome.errors
    checkin = WeeklyCheckIn.objects.get()
    assert checkin.week == W
    assert checkin.submitted_by.role == "coach"


def test_on_the_sunday_it_closes_she_can_still_send_it(request, her, clock):
    clock(local(LONDON, 2026, 3, 15, 23, 59))

    outcome = athlete_form(request, her, W)

    assert outcome.status == 302, outcome.errors


def test_her_coach_may_enter_a_week_months_back_but_not_before_the_birth(request, her, clock):
    clock(local(LONDON, 2026, 3, 16, 12, 0))

    accepted = coach_api_post(request, her, date(2025, 10, 6))
    refused = coach_api_post(request, her, date(2025, 9, 22))

    assert accepted.status == 201, accepted.errors
    assert refused.errors == {"week": ["That week is before the baby's birth."]}
    assert list(WeeklyCheckIn.objects.values_list("week", flat=True)) == [date(2025, 10, 6)]


def test_a_closed_week_can_no_longer_be_changed_by_anyone(her, clock, coach):
    clock(local(LONDON, 2026, 3, 10, 12, 0))
    checkin = checkin_submit(athlete=her, week=W, data=service_data(), by=her.user)
    clock(local(LONDON, 2026, 3, 16, 0, 0))

    with pytest.raises(Exception, match="could be changed until Sunday 15 March"):
        checkin_update(checkin=checkin, data={"pain": 2}, by=coach)

    assert CheckInRevision.objects.count() == 0


# --- ``live`` on the signal ---------------------------------------------------------------------


def test_a_current_week_she_sends_is_live(
    her, clock, committed, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 9, 8, 0))  # Monday: last week (W) is open

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(athlete=her, week=W, data=service_data(), by=her.user)

    assert committed == [
        {
            "checkin_id": checkin.pk,
            "athlete_id": her.pk,
            "week": W,
            "created": True,
            "live": True,
            "red_flags_before": [],
        }
    ]


def test_a_current_week_her_coach_sends_is_live(
    her, coach, clock, committed, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 6, 0, 0))  # Friday: this week (W) has just opened

    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(athlete=her, week=W, data=service_data(), by=coach)

    assert [(c["week"], c["created"], c["live"]) for c in committed] == [(W, True, True)]


def test_history_her_coach_enters_for_a_closed_week_is_not_live(
    her, coach, clock, committed, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 16, 0, 0))  # W closed last night

    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(athlete=her, week=W, data=service_data(), by=coach)

    assert [(c["week"], c["created"], c["live"]) for c in committed] == [(W, True, False)]


def test_an_edit_within_the_window_is_live(
    her, clock, committed, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 7, 10, 0))
    checkin = CheckInFactory(athlete=her, week=W)

    with django_capture_on_commit_callbacks(execute=True):
        checkin_update(checkin=checkin, data={"energy": 2}, by=her.user)

    assert [(c["created"], c["live"]) for c in committed] == [(False, True)]


def test_warning_signs_are_still_raised_for_history(
    her, coach, clock, django_capture_on_commit_callbacks
):
    clock(local(LONDON, 2026, 3, 20, 9, 0))

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            athlete=her, week=W, data=service_data(leakage=True, run_minutes=0), by=coach
        )

    assert list(WarningFlag.objects.values_list("rule", "week", "checkin")) == [
        ("pelvic_floor", W, checkin.pk)
    ]


# --- The week her form proposes, and the weeks it offers -----------------------------------------

# In Auckland (UTC+13 in March), with the server on UTC: her Monday 09:00 is Sunday 20:00 UTC.
# Each moment: (proposed, offered) with nothing sent, then with last week's in.
FORM_DAYS = [
    pytest.param((2026, 3, 2, 9, 0), (LAST, [LAST]), (None, []), id="monday"),
    pytest.param((2026, 3, 5, 23, 30), (LAST, [LAST]), (None, []), id="thursday-night"),
    pytest.param((2026, 3, 6, 0, 30), (LAST, [LAST, W]), (W, [W]), id="friday-00-30"),
    pytest.param((2026, 3, 8, 23, 30), (LAST, [LAST, W]), (W, [W]), id="sunday-night"),
]


@pytest.mark.parametrize("last_week_in", [False, True], ids=["nothing-sent", "last-week-in"])
@pytest.mark.parametrize(("moment", "nothing_sent", "with_last_week"), FORM_DAYS)
def test_her_form_proposes_the_oldest_open_week_and_offers_only_open_weeks(
    her, clock, athlete_client, moment, nothing_sent, with_last_week, last_week_in
):
    her.timezone = AUCKLAND
    her.save()
    clock(local(AUCKLAND, *moment))
    if last_week_in:
        CheckInFactory(athlete=her, week=LAST)
    proposed, offered = with_last_week if last_week_in else nothing_sent

    response = athlete_client.get(reverse("checkins:my_checkin"))

    html = response.content.decode()
    assert response.status_code == 200
    if proposed is None:
        assert "You're all caught up" in html
        assert "Your next check-in opens on <strong>Friday 6 March</strong>." in html
        assert 'name="week"' not in html
    else:
        assert checked_value(html, "week") == proposed.isoformat()
        assert radio_values(html, "week") == [w.isoformat() for w in offered]
        # No number is put in her mouth for the sessions she did.
        assert 'name="sessions_completed" ' in html
        assert 'name="sessions_completed" value' not in html


def test_the_heading_asks_about_last_week_when_only_last_week_is_open(her, clock, athlete_client):
    clock(local(LONDON, 2026, 3, 3, 9, 0))

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()

    assert "How was last week?" in html
    assert "Last week, 23 February – 1 March" in html


def test_before_friday_her_form_says_when_this_weeks_opens(her, clock, athlete_client):
    clock(local(LONDON, 2026, 3, 5, 21, 0))  # Thursday night: W opens tomorrow

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()

    assert radio_values(html, "week") == [LAST.isoformat()]
    assert "This week's opens on Friday 6 March." in html


def test_from_friday_her_form_says_when_last_weeks_closes_not_when_this_weeks_opens(
    her, clock, athlete_client
):
    clock(local(LONDON, 2026, 3, 6, 7, 0))  # Friday: both weeks open

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()

    assert radio_values(html, "week") == [LAST.isoformat(), W.isoformat()]
    assert "Last week's stays open until Sunday 8 March." in html
    assert "opens on" not in html


def test_asking_for_a_week_that_is_not_open_proposes_an_open_one(her, clock, athlete_client):
    clock(local(LONDON, 2026, 3, 3, 9, 0))  # Tuesday: W not open yet

    html = athlete_client.get(
        reverse("checkins:my_checkin"), {"week": W.isoformat()}
    ).content.decode()

    assert checked_value(html, "week") == LAST.isoformat()
    assert radio_values(html, "week") == [LAST.isoformat()]


def test_caught_up_she_can_change_her_latest_while_it_is_open(her, clock, athlete_client):
    clock(local(LONDON, 2026, 3, 3, 9, 0))  # Tuesday
    latest = CheckInFactory(athlete=her, week=LAST)

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()
    html = html.replace("&#x27;", "'")

    assert "You're all caught up" in html
    assert "Thank you, Anna." in html
    assert "Your check-in for the week of 23 February stays open until Sunday 8 March." in html
    assert reverse("checkins:my_checkin_edit", args=[latest.pk]) in html
    assert "If something doesn't feel right before then, you don't have to wait" in html


def test_caught_up_before_her_first_week_opens(her, clock, athlete_client):
    her.delivery_date = date(2026, 3, 3)  # born this Tuesday: last week was before the birth
    her.save()
    clock(local(LONDON, 2026, 3, 4, 9, 0))

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()

    assert "You're all caught up" in html
    assert "Your next check-in opens on <strong>Friday 6 March</strong>." in html
    assert "/edit/" not in html


def test_her_coach_is_offered_the_open_week_first_then_history(her, clock, coach_client):
    clock(local(LONDON, 2026, 3, 10, 9, 0))  # Tuesday of the week after W
    url = reverse("checkins:coach_checkin_create", args=[her.pk])

    first = coach_client.get(url).content.decode()
    CheckInFactory(athlete=her, week=W)
    then = coach_client.get(url).content.decode()

    assert f'name="week" value="{W.isoformat()}"' in first
    assert f'name="week" value="{LAST.isoformat()}"' in then


# --- The symptom report, where the refusal points ------------------------------------------------


def test_the_refusal_and_the_caught_up_page_link_to_the_symptom_report(her, clock, athlete_client):
    clock(local(LONDON, 2026, 3, 3, 9, 0))
    refused = athlete_client.post(reverse("checkins:my_checkin"), form_data(W))
    CheckInFactory(athlete=her, week=LAST)
    caught_up = athlete_client.get(reverse("checkins:my_checkin"))

    link = f'href="{reverse("checkins:my_symptom_report_create")}"'
    assert link in refused.content.decode()
    assert link in caught_up.content.decode()
