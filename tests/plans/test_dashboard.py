"""The coach's dashboard: counts, the top of the review queue, the filtered, paginated roster,
and a fixed number of queries whatever the roster's size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete
from checkins.models import WarningFlag, WeeklyCheckIn
from plans.models import Decision
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from web.weeks import monday_of

# On a Friday: last week's check-in is in for every athlete ``populate`` makes, and this
# week's is open, so "due" means this week's is missing (other days: test_due below).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

URL = reverse("plans:coach_dashboard")


def week_values(**changes) -> dict:
    return {
        "sessions_completed": 4,
        "walk_minutes": 90,
        "longest_session_minutes": 30,
        "effort": 4,
        "energy": 4,
        "sleep_hours": 7,
        "sleep_quality": 3,
        "mood": 4,
        "stress": 2,
        "soreness": 1,
        "pain": 0,
        **changes,
    }


def populate(coach, count: int) -> list[Athlete]:
    """``count`` athletes, each with clearances, an assessment, 8 weeks of check-ins, an open
    flag and a pending decision: every thing a roster row shows."""
    this_monday = monday_of(timezone.localdate())
    # Her stage and level are set as the roster shows them; the roster never reads her plan.
    athletes = [
        AthleteFactory(coach=coach, first_name=f"Runner{i:03d}", stage="walk", level=2, plan=False)
        for i in range(count)
    ]
    checkins, flags, decisions = [], [], []
    for athlete in athletes:
        ClearanceFactory(athlete=athlete)
        AssessmentFactory(athlete=athlete)
        for back in range(1, 9):
            checkins.append(
                WeeklyCheckIn(
                    athlete=athlete, week=this_monday - timedelta(weeks=back), **week_values()
                )
            )
        flags.append(
            WarningFlag(
                athlete=athlete,
                rule="pain",
                severity="medium",
                week=this_monday - timedelta(weeks=1),
                summary="Pain 3/10 reported.",
            )
        )
        decisions.append(
            Decision(
                athlete=athlete,
                week=this_monday,
                action="hold",
                from_stage="walk",
                from_level=2,
                to_stage="walk",
                to_level=2,
                summary="Hold.",
                protocol_version="test",
                computed_at=timezone.now(),
            )
        )
    WeeklyCheckIn.objects.bulk_create(checkins)
    WarningFlag.objects.bulk_create(flags)
    Decision.objects.bulk_create(decisions)
    return athletes


def dashboard_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_the_dashboard_does_the_same_queries_for_5_and_100_athletes(coach, coach_client):
    populate(coach, 5)
    few, html = dashboard_queries(coach_client)
    assert html.count('class="trend"') == 5

    populate(coach, 95)
    many, html = dashboard_queries(coach_client)

    assert html.count('class="trend"') == 25  # one page
    assert many == few


def test_it_counts_flags_decisions_and_checkins_due(coach, coach_client, other_coach):
    athletes = populate(coach, 3)
    WarningFlag.objects.filter(athlete=athletes[0]).update(severity="high")
    WeeklyCheckIn.objects.create(
        athlete=athletes[1], week=monday_of(timezone.localdate()), **week_values()
    )
    populate(other_coach, 2)  # someone else's athletes never count

    response = coach_client.get(URL)

    counts = response.context["counts"]
    assert counts["flags"] == {"high": 1, "medium": 2, "low": 0, "total": 3, "athletes": 3}
    assert counts["pending_decisions"] == 3
    assert counts["checkins_due"] == 2
    assert response.context["review"][0].pk == athletes[0].pk


def test_the_roster_shows_each_athletes_row(coach, coach_client):
    (athlete,) = populate(coach, 1)

    html = coach_client.get(URL).content.decode()

    assert athlete.full_name in html
    assert "Walk and rebuild · L2" in html
    assert "Medium: pain" in html  # flag badges say it in words
    assert "Decision to approve" in html
    assert '<span class="due due--open">This week&#x27;s check-in is open</span>' in html
    assert "Latest: week of 23 Feb" in html
    words = (
        "Energy 1–5, last 8 weeks (8 check-ins, oldest first): 4, 4, 4, 4, 4, 4, 4, 4. "
        "Pain 0–10: 0, 0, 0, 0, 0, 0, 0, 0."
    )
    assert f"<title>{words}</title>" in html  # the sparkline's tooltip
    assert f'<span class="visually-hidden">{words}</span>' in html  # and for screen readers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "runner001"}, ["Runner001"]),
        ({"stage": "run_walk"}, ["Runner002"]),
        ({"flagged": "1"}, ["Runner000"]),
        ({"due": "1"}, ["Runner000", "Runner002"]),
        ({"stage": "not-a-stage"}, ["Runner000", "Runner001", "Runner002"]),
    ],
    ids=["search", "stage", "flagged", "check-in-due", "unknown-stage-ignored"],
)
def test_the_roster_filters(coach, coach_client, query, expected):
    athletes = populate(coach, 3)
    WarningFlag.objects.exclude(athlete=athletes[0]).delete()
    Athlete.objects.filter(pk=athletes[2].pk).update(stage="run_walk", level=1)
    WeeklyCheckIn.objects.create(
        athlete=athletes[1], week=monday_of(timezone.localdate()), **week_values()
    )

    response = coach_client.get(URL, {**query, "sort": "name"})

    names = [row["athlete"].first_name for row in response.context["rows"]]
    assert names == expected


def test_the_roster_is_paginated_by_25(coach, coach_client):
    populate(coach, 30)

    first = coach_client.get(URL)
    second = coach_client.get(URL, {"page": 2})

    assert len(first.context["rows"]) == 25
    assert [r["athlete"].first_name for r in second.context["rows"]] == [
        f"Runner{i:03d}" for i in range(25, 30)
    ]
    assert 'rel="next"' in first.content.decode()


def test_a_new_coach_sees_what_to_do_first(coach_client):
    html = coach_client.get(URL).content.decode()

    assert "Welcome — let's set up your first athlete" in html
    assert reverse("plans:athlete_create") in html


def test_archived_athletes_are_left_out_unless_asked_for(coach, coach_client):
    athletes = populate(coach, 2)
    Athlete.objects.filter(pk=athletes[0].pk).update(archived=True)

    default = coach_client.get(URL)
    with_archived = coach_client.get(URL, {"archived": "1"})

    assert [r["athlete"].pk for r in default.context["rows"]] == [athletes[1].pk]
    assert len(with_archived.context["rows"]) == 2
    assert default.context["counts"]["pending_decisions"] == 1


def test_an_athlete_cannot_open_the_dashboard(athlete_client):
    assert athlete_client.get(URL).status_code == 403
