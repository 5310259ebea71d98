"""The database keeps the rules too: range checks and one check-in per athlete and week."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from checkins.models import WeeklyCheckIn
from tests.checkins.factories import CheckInFactory
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

# Out-of-range numbers written straight to the table, past every form and serializer.
OUT_OF_RANGE = [
    ("sessions_completed", 15),
    ("run_minutes", 2001),
    ("walk_minutes", 3001),
    ("longest_session_minutes", 601),
    ("effort", 0),
    ("effort", 11),
    ("energy", 0),
    ("energy", 6),
    ("sleep_hours", Decimal("14.1")),
    ("sleep_hours", Decimal("-0.1")),
    ("sleep_quality", 0),
    ("sleep_quality", 6),
    ("mood", 0),
    ("mood", 6),
    ("stress", 0),
    ("stress", 6),
    ("soreness", 11),
    ("pain", 11),
    ("unavailable_days", 8),
    ("sessions_planned", 15),
]


@pytest.mark.parametrize(("name", "value"), OUT_OF_RANGE, ids=[f"{n}={v}" for n, v in OUT_OF_RANGE])
def test_the_database_refuses_an_out_of_range_value(athlete, name, value):
    checkin = CheckInFactory(athlete=athlete, run_minutes=1000, walk_minutes=1000)

    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyCheckIn.objects.filter(pk=checkin.pk).update(**{name: value})

    checkin.refresh_from_db()
    assert getattr(checkin, name) != value


def test_the_database_refuses_a_longest_session_beyond_the_weeks_total(athlete):
    checkin = CheckInFactory(athlete=athlete, run_minutes=20, walk_minutes=20)

    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyCheckIn.objects.filter(pk=checkin.pk).update(longest_session_minutes=41)


def test_the_database_refuses_a_second_row_for_the_same_week(athlete):
    first = CheckInFactory(athlete=athlete)

    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInFactory(athlete=athlete, week=first.week)

    assert WeeklyCheckIn.objects.count() == 1


def test_two_athletes_may_report_the_same_week(athlete, other_athlete):
    week = monday_of(athlete.today())

    CheckInFactory(athlete=athlete, week=week)
    CheckInFactory(athlete=other_athlete, week=week)

    assert WeeklyCheckIn.objects.filter(week=week).count() == 2


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2025, 6, 9), date(2025, 6, 9)),
        (date(2025, 6, 12), date(2025, 6, 9)),
        (date(2025, 6, 15), date(2025, 6, 9)),
        (date(2025, 1, 1), date(2024, 12, 30)),  # across a new year
        (date(2024, 3, 3), date(2024, 2, 26)),  # across a leap day
    ],
)
def test_monday_of_is_the_monday_of_the_iso_week(day, monday):
    assert monday_of(day) == monday


def test_a_checkin_knows_its_week_its_window_and_its_symptoms(athlete):
    checkin = CheckInFactory.build(
        athlete=athlete,
        week=date(2025, 6, 2),
        run_minutes=25,
        walk_minutes=70,
        urgency=True,
        bleeding=True,
        feeling_low=True,
    )

    assert checkin.week_end == date(2025, 6, 8)
    assert checkin.edit_deadline == date(2025, 6, 15)
    assert checkin.edit_deadline - checkin.week == timedelta(days=13)
    assert checkin.total_minutes == 95
    # feeling_low is about mood, not a pelvic floor or bleeding symptom.
    assert checkin.reported_symptoms == ["urgency", "bleeding"]
