"""Reads of the athletes layer: scoped to who asks, and the clinical badges computed from
prefetched rows (a fixed number of queries for any number of athletes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404

from athletes import selectors
from athletes.models import Athlete, Role
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory, UserFactory

pytestmark = pytest.mark.django_db


def clinical(athlete: Athlete) -> Athlete:
    return selectors.with_clinical_records(Athlete.objects.filter(pk=athlete.pk)).get()


def test_a_current_clearance_shows_its_scope():
    athlete = AthleteFactory()
    ClearanceFactory(athlete=athlete, scope="exercise", cleared_on=athlete.today() - timedelta(9))
    running = ClearanceFactory(athlete=athlete, cleared_on=athlete.today() - timedelta(2))

    status = selectors.clearance_status(clinical(athlete))

    assert (status.scope, status.label, status.tone) == ("running", "Cleared: running", "ok")
    assert status.clearance == running


def test_an_exercise_only_clearance_is_a_medium_badge():
    athlete = AthleteFactory()
    ClearanceFactory(athlete=athlete, scope="exercise")

    status = selectors.clearance_status(clinical(athlete))

    assert (status.scope, status.label, status.tone) == ("exercise", "Cleared: exercise", "medium")


def test_no_clearance_and_an_expired_clearance_are_told_apart():
    never = AthleteFactory()
    lapsed = AthleteFactory()
    today = lapsed.today()
    ClearanceFactory(
        athlete=lapsed, cleared_on=today - timedelta(days=60), expires_on=today - timedelta(1)
    )

    none = selectors.clearance_status(clinical(never))
    expired = selectors.clearance_status(clinical(lapsed))

    assert (none.scope, none.label, none.tone) == (None, "No clearance", "neutral")
    assert (expired.scope, expired.label, expired.tone) == (None, "Clearance expired", "high")


@pytest.mark.parametrize(
    ("days_ago", "symptoms", "state", "label"),
    [
        (0, False, "passed", "Readiness passed"),
        (56, False, "passed", "Readiness passed"),
        (57, False, "expired", "Readiness expired"),
        (3, True, "not_passed", "Readiness not passed"),
    ],
)
def test_readiness_reflects_the_latest_assessment(days_ago, symptoms, state, label):
    athlete = AthleteFactory()
    AssessmentFactory(
        athlete=athlete, assessed_on=athlete.today() - timedelta(days_ago), symptoms=symptoms
    )

    status = selectors.readiness_status(clinical(athlete))

    assert (status.state, status.label) == (state, label)


def test_a_newer_failed_assessment_outranks_an_older_pass():
    athlete = AthleteFactory()
    AssessmentFactory(athlete=athlete, assessed_on=athlete.today() - timedelta(days=10))
    AssessmentFactory(athlete=athlete, assessed_on=athlete.today(), hop_in_place=False)

    status = selectors.readiness_status(clinical(athlete))

    assert status.state == "not_passed"


def test_no_assessment_is_not_assessed():
    status = selectors.readiness_status(clinical(AthleteFactory()))

    assert (status.state, status.label, status.assessment) == ("none", "Not assessed", None)


def test_badges_for_many_athletes_take_a_fixed_number_of_queries(coach, django_assert_num_queries):
    for _ in range(12):
        athlete = AthleteFactory(coach=coach)
        ClearanceFactory(athlete=athlete)
        AssessmentFactory(athlete=athlete)

    # One query for the athletes, one per prefetched relation; none per athlete.
    with django_assert_num_queries(3):
        rows = [
            (selectors.clearance_status(a).label, selectors.readiness_status(a).label)
            for a in selectors.with_clinical_records(Athlete.objects.filter(coach=coach))
        ]

    assert rows == [("Cleared: running", "Readiness passed")] * 12


def test_each_user_sees_only_the_athletes_she_may(coach, other_coach, staff, athlete_user):
    mine = AthleteFactory(coach=coach, user=athlete_user)
    theirs = AthleteFactory(coach=other_coach)
    stranger = UserFactory(role=Role.ATHLETE)

    assert list(selectors.athletes_visible_to(coach)) == [mine]
    assert list(selectors.athletes_visible_to(other_coach)) == [theirs]
    assert list(selectors.athletes_visible_to(athlete_user)) == [mine]
    assert list(selectors.athletes_visible_to(stranger)) == []
    assert set(selectors.athletes_visible_to(staff)) == {mine, theirs}


def test_athlete_for_coach_hides_another_coachs_athlete(coach, other_coach, staff):
    theirs = AthleteFactory(coach=other_coach)

    with pytest.raises(Http404):
        selectors.athlete_for_coach(coach, theirs.pk)
    assert selectors.athlete_for_coach(other_coach, theirs.pk) == theirs
    assert selectors.athlete_for_coach(staff, theirs.pk) == theirs
