"""Lists do not grow a query per row: the same count for 2 weeks of check-ins as for 52."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkins.models import CheckInRevision, WeeklyCheckIn
from tests.checkins.factories import ORDINARY_WEEK
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_year_postpartum(athlete):
    athlete.delivery_date = athlete.today() - timedelta(weeks=60)
    athlete.save()
    return athlete


def add_weeks(athlete, first: int, last: int) -> None:
    """Check-ins for the weeks ``first``..``last`` before this one (distinct Mondays, all
    after the birth), some with symptoms and some edited, in one INSERT."""
    this_monday = monday_of(athlete.today())
    WeeklyCheckIn.objects.bulk_create(
        WeeklyCheckIn(
            athlete=athlete,
            week=this_monday - timedelta(weeks=n),
            submitted_by=athlete.user,
            **{**ORDINARY_WEEK, "leakage": n % 5 == 0, "feeling_low": n % 7 == 0},
        )
        for n in range(first, last + 1)
    )
    CheckInRevision.objects.bulk_create(
        CheckInRevision(
            checkin=checkin, values={"pain": 1}, changed_fields=["pain"], revised_by=athlete.user
        )
        for checkin in WeeklyCheckIn.objects.filter(
            athlete=athlete, week__lte=this_monday - timedelta(weeks=first)
        ).order_by("-week")[::10]
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def queries_at_2_and_52_weeks(client, athlete, url: str) -> tuple[int, int]:
    add_weeks(athlete, 0, 1)
    client.get(url)  # warm: sessions, content types, anything cached once per process
    at_2 = count_queries(client, url)
    add_weeks(athlete, 2, 51)
    assert athlete.checkins.count() == 52
    return at_2, count_queries(client, url)


def test_the_api_list_does_the_same_queries_for_2_and_52_weeks(athlete_api, a_year_postpartum):
    url = reverse("api:athlete-checkins", args=[a_year_postpartum.pk]) + "?page_size=100"

    at_2, at_52 = queries_at_2_and_52_weeks(athlete_api, a_year_postpartum, url)

    assert at_2 == at_52
    assert len(athlete_api.get(url).json()["results"]) == 52


def test_the_api_list_as_her_coach_does_the_same_queries_for_2_and_52_weeks(
    coach_api, a_year_postpartum
):
    url = reverse("api:athlete-checkins", args=[a_year_postpartum.pk])

    at_2, at_52 = queries_at_2_and_52_weeks(coach_api, a_year_postpartum, url)

    assert at_2 == at_52


def test_her_history_does_the_same_queries_for_2_and_52_weeks(athlete_client, a_year_postpartum):
    url = reverse("checkins:my_history")

    at_2, at_52 = queries_at_2_and_52_weeks(athlete_client, a_year_postpartum, url)

    assert at_2 == at_52
    assert len(athlete_client.get(url).context["rows"]) == 52


def test_the_coachs_athlete_page_does_the_same_queries_for_2_and_52_weeks(
    coach_client, a_year_postpartum
):
    url = reverse("plans:athlete_overview", args=[a_year_postpartum.pk])

    at_2, at_52 = queries_at_2_and_52_weeks(coach_client, a_year_postpartum, url)

    assert at_2 == at_52
    # The latest eight; the others are a page away (``?checkins=2``).
    assert len(coach_client.get(url).context["checkins"]) == 8
    assert coach_client.get(url).context["checkins_page"].paginator.count == 52


def test_the_csv_export_does_the_same_queries_for_2_and_52_weeks(coach_client, a_year_postpartum):
    url = reverse("checkins:coach_checkins_csv", args=[a_year_postpartum.pk])

    at_2, at_52 = queries_at_2_and_52_weeks(coach_client, a_year_postpartum, url)

    assert at_2 == at_52
