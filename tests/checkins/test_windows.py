"""When a week's check-in opens and closes, and what is due, as pure date functions
(checkins/windows.py, SPEC §11); then the same edges on a moving clock, in her time zone,
with the server on UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from checkins import windows
from checkins.windows import (
    closes_on,
    due_status,
    is_open,
    next_opening,
    open_weeks,
    opens_on,
    proposed_week,
)
from tests.factories import AthleteFactory

# The week of Monday 2 March 2026. Its check-in opens on Friday 6 March and closes at the
# end of Sunday 15 March.
W = date(2026, 3, 2)
LAST = W - timedelta(weeks=1)
NEXT = W + timedelta(weeks=1)
MON, TUE, WED, THU, FRI, SAT, SUN = (W + timedelta(days=n) for n in range(7))


def test_a_week_opens_on_its_friday_and_closes_on_the_sunday_after():
    assert opens_on(W) == date(2026, 3, 6)
    assert closes_on(W) == date(2026, 3, 15)
    # Any day of the week names the same week.
    assert {opens_on(W + timedelta(days=n)) for n in range(7)} == {date(2026, 3, 6)}
    assert {closes_on(W + timedelta(days=n)) for n in range(7)} == {date(2026, 3, 15)}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 1), False),  # the Sunday before
        (date(2026, 3, 2), False),  # its Monday
        (date(2026, 3, 5), False),  # its Thursday
        (date(2026, 3, 6), True),  # its Friday
        (date(2026, 3, 8), True),  # its Sunday
        (date(2026, 3, 9), True),  # the Monday after
        (date(2026, 3, 15), True),  # the Sunday after: the last day
        (date(2026, 3, 16), False),  # closed
    ],
)
def test_is_open_from_friday_to_the_end_of_the_week_after(today, expected):
    assert is_open(W, today) is expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (MON, [LAST]),
        (TUE, [LAST]),
        (WED, [LAST]),
        (THU, [LAST]),
        (FRI, [LAST, W]),
        (SAT, [LAST, W]),
        (SUN, [LAST, W]),
    ],
    ids="MTWTFSS",
)
def test_open_weeks_are_last_week_and_from_friday_this_week(today, expected):
    assert open_weeks(today) == expected


@pytest.mark.parametrize(
    ("weekday", "monday", "friday"),
    [(0, [LAST, W], [LAST, W]), (4, [LAST], [LAST, W]), (6, [LAST], [LAST])],
    ids=["opens-monday", "opens-friday", "opens-sunday"],
)
def test_the_opening_weekday_is_a_setting(weekday, monday, friday):
    with override_settings(CHECKIN_OPENS_WEEKDAY=weekday):
        assert opens_on(W) == W + timedelta(days=weekday)
        assert open_weeks(MON) == monday
        assert open_weeks(FRI) == friday
        assert open_weeks(SUN) == [LAST, W]


@pytest.mark.parametrize(
    ("today", "expected"),
    [(MON, FRI), (THU, FRI), (FRI, FRI + timedelta(weeks=1)), (SUN, FRI + timedelta(weeks=1))],
    ids=["monday", "thursday", "friday", "sunday"],
)
def test_next_opening_is_the_next_friday_after_today(today, expected):
    assert next_opening(today) == expected


# --- The week she most likely means --------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "sent", "expected"),
    [
        pytest.param(MON, set(), LAST, id="monday-nothing-sent"),
        pytest.param(MON, {LAST}, None, id="monday-last-week-in"),
        pytest.param(THU, set(), LAST, id="thursday-nothing-sent"),
        pytest.param(THU, {LAST}, None, id="thursday-last-week-in"),
        pytest.param(FRI, set(), LAST, id="friday-last-week-still-missing"),
        pytest.param(FRI, {LAST}, W, id="friday-last-week-in"),
        pytest.param(FRI, {W}, LAST, id="friday-only-this-week-in"),
        pytest.param(SUN, {LAST, W}, None, id="sunday-both-in"),
        pytest.param(SUN, {LAST}, W, id="sunday-last-week-in"),
    ],
)
def test_the_proposed_week_is_the_oldest_open_week_without_a_checkin(today, sent, expected):
    assert proposed_week(today, sent) == expected


def test_a_week_before_the_birth_is_never_proposed():
    born_on_tuesday = TUE

    assert proposed_week(THU, set(), first_week=born_on_tuesday) is None
    assert proposed_week(FRI, set(), first_week=born_on_tuesday) == W
    assert proposed_week(FRI, set(), first_week=LAST + timedelta(days=6)) == LAST


def test_her_coach_is_offered_the_latest_earlier_week_without_a_checkin():
    earlier = [LAST - timedelta(weeks=n) for n in (1, 2, 3)]

    assert windows.latest_missing_week(SUN, set(), first_week=date(2025, 12, 1)) == earlier[0]
    assert (
        windows.latest_missing_week(SUN, {earlier[0]}, first_week=date(2025, 12, 1)) == earlier[1]
    )
    assert windows.latest_missing_week(SUN, set(earlier), first_week=earlier[2]) is None


# --- The words -----------------------------------------------------------------------------------


def test_the_refusals_say_when_in_plain_words():
    assert windows.not_open_yet_message(W) == (
        "The check-in for the week of 2 March opens on Friday 6 March. If something doesn't "
        "feel right before then, report a symptom any time."
    )
    assert windows.closed_message(W) == (
        "The check-in for the week of 2 March closed on Sunday 15 March; your coach can add it "
        "for you."
    )


@pytest.mark.parametrize(
    ("week", "today", "label"),
    [
        (W, SUN, "This week, 2–8 March"),
        (LAST, SUN, "Last week, 23 February – 1 March"),
        (date(2026, 3, 30), date(2026, 4, 3), "This week, 30 March – 5 April"),
    ],
)
def test_a_weeks_label_says_which_and_its_days(week, today, label):
    assert windows.week_label(week, today) == label


MISSING = "Last week's check-in is missing (open until Sunday)"


@pytest.mark.parametrize(
    ("today", "sent", "text", "tone"),
    [
        (MON, set(), MISSING, "missing"),
        (MON, {LAST}, "Done — this week's opens Friday", "done"),
        (TUE, {LAST}, "Done — this week's opens Friday", "done"),
        (WED, set(), MISSING, "missing"),
        (THU, {LAST}, "Done — this week's opens Friday", "done"),
        (THU, set(), MISSING, "missing"),
        (FRI, {LAST}, "This week's check-in is open", "open"),
        (FRI, set(), MISSING, "missing"),  # last week's missing comes first
        (FRI, {W}, MISSING, "missing"),
        (SAT, {LAST, W}, "This week's is in", "done"),
        (SUN, {LAST}, "This week's check-in is open", "open"),
        (SUN, set(), MISSING, "missing"),
        (SUN, {LAST, W}, "This week's is in", "done"),
    ],
    ids=lambda v: v.strftime("%a") if isinstance(v, date) else None,
)
def test_due_in_words_on_each_day(today, sent, text, tone):
    due = due_status(today, sent)

    assert (due.text, due.tone) == (text, tone)
    assert due.is_due is (tone != "done")


def test_nothing_is_due_for_a_week_before_the_birth():
    born_this_monday = MON

    assert due_status(WED, set(), first_week=born_this_monday).text == (
        "Nothing due — this week's opens Friday"
    )
    assert due_status(FRI, set(), first_week=born_this_monday).text == (
        "This week's check-in is open"
    )


def test_due_names_the_opening_weekday_of_the_setting():
    with override_settings(CHECKIN_OPENS_WEEKDAY=5):
        assert due_status(FRI, {LAST}).text == "Done — this week's opens Saturday"


# --- On a moving clock, in her time zone (the server on UTC) -------------------------------------

ZONES = ["Europe/London", "Pacific/Auckland", "America/Los_Angeles"]


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ZONES)
def test_this_weeks_checkin_opens_at_friday_midnight_where_she_lives(zone, settings):
    assert settings.TIME_ZONE == "UTC"
    athlete = AthleteFactory(timezone=zone, delivery_date=date(2025, 10, 1))

    with time_machine.travel(local(zone, 2026, 3, 5, 23, 59), tick=False) as clock:
        assert athlete.today() == THU
        assert not is_open(W, athlete.today())
        assert open_weeks(athlete.today()) == [LAST]

        clock.shift(timedelta(minutes=1))  # Friday 00:00 where she lives

        assert athlete.today() == FRI
        assert is_open(W, athlete.today())
        assert open_weeks(athlete.today()) == [LAST, W]


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ZONES)
def test_a_weeks_checkin_closes_at_midnight_ending_the_sunday_after(zone):
    athlete = AthleteFactory(timezone=zone, delivery_date=date(2025, 10, 1))

    with time_machine.travel(local(zone, 2026, 3, 15, 23, 59), tick=False) as clock:
        assert is_open(W, athlete.today())
        assert open_weeks(athlete.today()) == [W, NEXT]

        clock.shift(timedelta(minutes=1))  # Monday 16 March, 00:00 where she lives

        assert athlete.today() == date(2026, 3, 16)
        assert not is_open(W, athlete.today())
        assert open_weeks(athlete.today()) == [NEXT]


@pytest.mark.django_db
def test_the_weeks_move_on_with_the_clock_week_by_week():
    athlete = AthleteFactory(timezone="Pacific/Auckland", delivery_date=date(2025, 10, 1))

    with time_machine.travel(local("Pacific/Auckland", 2026, 3, 6, 8, 0), tick=False) as clock:
        seen = []
        for _ in range(3):
            seen.append((athlete.today(), open_weeks(athlete.today())))
            clock.shift(timedelta(weeks=1))

    assert seen == [
        (FRI, [LAST, W]),
        (FRI + timedelta(weeks=1), [W, NEXT]),
        (FRI + timedelta(weeks=2), [NEXT, NEXT + timedelta(weeks=1)]),
    ]
