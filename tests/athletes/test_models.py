"""Derived values (weeks postpartum, the clearance that counts, readiness) and the database's
own guard rails, which hold even when validation is bypassed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from athletes.models import (
    Athlete,
    Clearance,
    ClearanceScope,
    ReadinessAssessment,
    User,
    current_clearance,
)
from clinical.readiness import ASSESSMENT_ITEM_FIELDS
from clinical.thresholds import SCOPE_RANK
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory, UserFactory

pytestmark = pytest.mark.django_db


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr("athletes.models.timezone.now", lambda: moment)


# --- weeks postpartum -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "weeks"),
    [
        # 23:30 UTC on Tuesday 7 January: still the 7th in London and Los Angeles (6 days after
        # the birth), already Wednesday the 8th in Auckland (7 days).
        ("Europe/London", 0),
        ("America/Los_Angeles", 0),
        ("Pacific/Auckland", 1),
    ],
)
def test_weeks_postpartum_counts_whole_weeks_in_her_time_zone(monkeypatch, tz, weeks):
    freeze(monkeypatch, datetime(2025, 1, 7, 23, 30, tzinfo=UTC))
    athlete = AthleteFactory.build(delivery_date=date(2025, 1, 1), timezone=tz)

    assert athlete.weeks_postpartum == weeks


def test_weeks_postpartum_turns_over_at_her_midnight_not_utcs(monkeypatch):
    athlete = AthleteFactory.build(delivery_date=date(2025, 1, 1), timezone="America/New_York")

    # 04:59 UTC on the 8th is 23:59 on the 7th in New York: 6 days.
    freeze(monkeypatch, datetime(2025, 1, 8, 4, 59, tzinfo=UTC))
    assert (athlete.today(), athlete.weeks_postpartum) == (date(2025, 1, 7), 0)
    # One minute later it is her 8th: a whole week.
    freeze(monkeypatch, datetime(2025, 1, 8, 5, 0, tzinfo=UTC))
    assert (athlete.today(), athlete.weeks_postpartum) == (date(2025, 1, 8), 1)


def test_weeks_postpartum_grows_with_the_calendar(monkeypatch):
    freeze(monkeypatch, datetime(2025, 6, 4, 12, 0, tzinfo=UTC))
    athlete = AthleteFactory.build(delivery_date=date(2025, 1, 1))

    assert athlete.days_postpartum() == 154
    assert athlete.weeks_postpartum == 22
    assert athlete.weeks_postpartum_on(date(2025, 1, 14)) == 1


def test_a_new_athlete_saved_by_the_factory_is_20_weeks_postpartum():
    athlete = AthleteFactory()

    assert athlete.weeks_postpartum == 20
    assert Athlete.objects.get(pk=athlete.pk).weeks_postpartum == 20


# --- the clearance that counts ----------------------------------------------------------------


def test_the_latest_unexpired_clearance_counts():
    athlete = AthleteFactory()
    today = athlete.today()
    older = ClearanceFactory(
        athlete=athlete, cleared_on=today - timedelta(days=30), scope=ClearanceScope.EXERCISE
    )
    newer = ClearanceFactory(
        athlete=athlete, cleared_on=today - timedelta(days=3), scope=ClearanceScope.RUNNING
    )

    assert current_clearance([older, newer], today) == newer
    # Before the newer one was given, the older one counted.
    assert current_clearance([older, newer], today - timedelta(days=4)) == older


def test_a_clearance_that_expired_yesterday_does_not_count():
    athlete = AthleteFactory()
    today = athlete.today()
    expired = ClearanceFactory(
        athlete=athlete,
        cleared_on=today - timedelta(days=10),
        expires_on=today - timedelta(days=1),
        scope=ClearanceScope.UNRESTRICTED,
    )

    assert current_clearance([expired], today) is None
    assert not expired.is_valid_on(today)


def test_a_clearance_expiring_today_still_counts():
    athlete = AthleteFactory()
    today = athlete.today()
    clearance = ClearanceFactory(
        athlete=athlete, cleared_on=today - timedelta(days=10), expires_on=today
    )

    assert current_clearance([clearance], today) == clearance
    assert current_clearance([clearance], today + timedelta(days=1)) is None


def test_an_expired_newer_clearance_gives_way_to_an_older_one_still_valid():
    athlete = AthleteFactory()
    today = athlete.today()
    lasting = ClearanceFactory(
        athlete=athlete, cleared_on=today - timedelta(days=40), scope=ClearanceScope.EXERCISE
    )
    lapsed = ClearanceFactory(
        athlete=athlete,
        cleared_on=today - timedelta(days=20),
        expires_on=today - timedelta(days=1),
        scope=ClearanceScope.RUNNING,
    )

    assert current_clearance(Clearance.objects.filter(athlete=athlete), today) == lasting
    assert current_clearance([lapsed], today) is None


def test_no_clearance_counts_when_there_is_none_or_before_the_first():
    athlete = AthleteFactory()
    today = athlete.today()
    clearance = ClearanceFactory(athlete=athlete, cleared_on=today)

    assert current_clearance([], today) is None
    assert current_clearance([clearance], today - timedelta(days=1)) is None


def test_scopes_are_ordered_exercise_running_unrestricted():
    # The ranking the gates use (clinical.thresholds) covers every scope a clearance can have.
    assert set(SCOPE_RANK) == set(ClearanceScope.values)
    assert SCOPE_RANK["exercise"] < SCOPE_RANK["running"] < SCOPE_RANK["unrestricted"]


# --- readiness assessment ---------------------------------------------------------------------


def test_an_assessment_passes_with_every_item_and_no_symptoms():
    assessment = AssessmentFactory()

    assert assessment.passed is True
    assert ReadinessAssessment.objects.get(pk=assessment.pk).passed is True
    assert assessment.items_passed == 11


@pytest.mark.parametrize("item", ASSESSMENT_ITEM_FIELDS)
def test_one_missed_item_fails_the_assessment(item):
    assessment = AssessmentFactory(**{item: False})

    assert ReadinessAssessment.objects.get(pk=assessment.pk).passed is False
    assert assessment.items_passed == 10


def test_symptoms_fail_an_assessment_even_with_every_item():
    assessment = AssessmentFactory(symptoms=True)

    assert ReadinessAssessment.objects.get(pk=assessment.pk).passed is False
    assert assessment.computed_passed is False


def test_passed_is_computed_by_the_database_even_after_a_bulk_update():
    assessment = AssessmentFactory()

    ReadinessAssessment.objects.filter(pk=assessment.pk).update(symptoms=True)
    assessment.refresh_from_db()
    assert assessment.passed is False

    ReadinessAssessment.objects.filter(pk=assessment.pk).update(symptoms=False)
    assessment.refresh_from_db()
    assert assessment.passed is True
    assert ReadinessAssessment.objects.filter(passed=True).count() == 1


def test_a_pass_counts_through_exactly_56_days_and_not_57():
    athlete = AthleteFactory()
    day = athlete.today() - timedelta(days=100)
    assessment = AssessmentFactory(athlete=athlete, assessed_on=day)

    assert assessment.counts_on(day)
    assert assessment.counts_on(day + timedelta(days=56))
    assert not assessment.counts_on(day + timedelta(days=57))
    assert not assessment.counts_on(day - timedelta(days=1))
    assert assessment.valid_until == day + timedelta(days=56)


def test_a_failed_assessment_never_counts():
    assessment = AssessmentFactory(hop_in_place=False)
    assessment.refresh_from_db()

    assert not assessment.counts_on(assessment.assessed_on)


def test_balance_passed_looks_only_at_the_balance_items():
    assert AssessmentFactory(forward_bounds=False).balance_passed
    assert not AssessmentFactory(single_leg_squat=False).balance_passed


# --- database check constraints (validation bypassed) -----------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("perineal_tear_degree", 5),
        ("prior_weekly_km", Decimal("-1.0")),
        ("prior_longest_run_km", Decimal("-0.5")),
        ("prior_weekly_km", Decimal("500.1")),
        ("previous_births", 21),
        ("years_running", 81),
        ("delivery_type", "home"),
        ("diastasis_recti", "maybe"),
        ("units", "yd"),
        ("level", 11),
        ("level", 0),
    ],
)
def test_the_database_rejects_an_out_of_range_athlete_update(field, value):
    athlete = AthleteFactory(perineal_tear_degree=2, prior_weekly_km=Decimal("30.0"))
    before = Athlete.objects.filter(pk=athlete.pk).values().get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Athlete.objects.filter(pk=athlete.pk).update(**{field: value})

    assert Athlete.objects.filter(pk=athlete.pk).values().get() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("perineal_tear_degree", 5), ("prior_weekly_km", Decimal("-3.0")), ("years_running", 99)],
)
def test_the_database_rejects_an_out_of_range_athlete_in_bulk_create(coach, field, value):
    bad = AthleteFactory.build(coach=coach, **{field: value})

    with pytest.raises(IntegrityError), transaction.atomic():
        Athlete.objects.bulk_create([AthleteFactory.build(coach=coach), bad])

    assert Athlete.objects.count() == 0


@pytest.mark.parametrize(
    ("changes"),
    [
        {"scope": "anything"},
        {"clinician_role": "shaman"},
        {"expires_on": date(2000, 1, 1)},
    ],
)
def test_the_database_rejects_an_invalid_clearance(changes):
    clearance = ClearanceFactory()
    before = Clearance.objects.filter(pk=clearance.pk).values().get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Clearance.objects.filter(pk=clearance.pk).update(**changes)

    assert Clearance.objects.filter(pk=clearance.pk).values().get() == before


def test_the_database_rejects_a_clearance_expiring_before_it_was_given_in_bulk_create():
    athlete = AthleteFactory()
    day = athlete.today()
    bad = ClearanceFactory.build(athlete=athlete, cleared_on=day, expires_on=day - timedelta(1))

    with pytest.raises(IntegrityError), transaction.atomic():
        Clearance.objects.bulk_create([bad])

    assert not Clearance.objects.exists()


def test_the_database_rejects_an_unknown_role_and_a_duplicate_email_in_another_case():
    user = UserFactory(email="dup@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(role="admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([UserFactory.build(email="DUP@example.org")])

    assert list(User.objects.values_list("email", "role")) == [("dup@example.org", "coach")]


def test_the_database_keeps_athlete_emails_unique_per_coach_whatever_the_case(coach, other_coach):
    AthleteFactory(coach=coach, email="mia@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        Athlete.objects.bulk_create([AthleteFactory.build(coach=coach, email="MIA@example.org")])
    # Another coach may have an athlete with the same address, and blank addresses repeat.
    AthleteFactory(coach=other_coach, email="mia@example.org")
    AthleteFactory(coach=coach, email="")
    AthleteFactory(coach=coach, email="")

    assert Athlete.objects.filter(email__iexact="mia@example.org").count() == 2
    assert Athlete.objects.filter(coach=coach).count() == 3
