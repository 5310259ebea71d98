"""The coach's athlete page around "now": its order, what it folds, and its bounds (the same
queries at 4 weeks of history as at 104: issue #15)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckInRevision, WarningFlag, WeeklyCheckIn
from plans import services
from plans.models import Decision, PlannedSession, PlanWeek
from tests.checkins.factories import ORDINARY_WEEK
from tests.factories import ClearanceFactory
from tests.plans.test_pages import text
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years_postpartum(athlete):
    athlete.delivery_date = athlete.today() - timedelta(weeks=110)
    athlete.save()
    services.plan_start(athlete=athlete)
    return athlete


def add_history(athlete, first: int, last: int) -> None:
    """For the weeks ``first``..``last`` before this one: a check-in (some edited), a
    published plan week with two sessions, a decided decision, and a resolved warning sign
    every third week. Bulk inserts."""
    this_monday = monday_of(athlete.today())
    mondays = [this_monday - timedelta(weeks=n) for n in range(first, last + 1)]
    checkins = WeeklyCheckIn.objects.bulk_create(
        WeeklyCheckIn(
            athlete=athlete,
            week=monday,
            submitted_by=athlete.user,
            **{**ORDINARY_WEEK, "leakage": i % 5 == 0},
        )
        for i, monday in enumerate(mondays)
    )
    CheckInRevision.objects.bulk_create(
        CheckInRevision(
            checkin=c, values={"pain": 1}, changed_fields=["pain"], revised_by=athlete.user
        )
        for c in checkins[::4]
    )
    plan = athlete.plan
    weeks = PlanWeek.objects.bulk_create(
        PlanWeek(plan=plan, week=monday, stage="walk", level=1)
        for monday in mondays
        if monday != this_monday
    )
    PlannedSession.objects.bulk_create(
        PlannedSession(plan_week=w, order=i, day=i, kind="walk", minutes=20)
        for w in weeks
        for i in (0, 3)
    )
    now = timezone.now()
    Decision.objects.bulk_create(
        Decision(
            athlete=athlete,
            week=monday,
            trigger="checkin",
            action="hold",
            from_stage="walk",
            from_level=1,
            to_stage="walk",
            to_level=1,
            summary="Hold.",
            protocol_version="test",
            status="approved",
            decided_by=athlete.coach,
            decided_at=now,
            computed_at=now,
        )
        for monday in mondays
    )
    WarningFlag.objects.bulk_create(
        WarningFlag(
            athlete=athlete,
            checkin=c,
            rule="pelvic_floor",
            severity="high",
            week=c.week,
            summary="Leakage.",
            status="resolved",
            resolved_by=athlete.coach,
            resolved_at=now,
            resolution_note="Called her.",
        )
        for c in checkins[::3]
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_athlete_page_does_the_same_queries_at_4_and_104_weeks(
    coach_client, two_years_postpartum
):
    athlete = two_years_postpartum
    url = reverse("plans:athlete_overview", args=[athlete.pk])
    add_history(athlete, 0, 3)
    coach_client.get(url)  # warm: sessions, content types, anything cached once per process
    at_4 = count_queries(coach_client, url)
    older_at_4 = count_queries(coach_client, url + "?checkins=2")

    add_history(athlete, 4, 103)
    assert athlete.checkins.count() == 104
    at_104 = count_queries(coach_client, url)
    older_at_104 = count_queries(coach_client, url + "?checkins=5")

    assert at_4 == at_104
    assert older_at_4 == older_at_104
    response = coach_client.get(url)
    assert len(response.context["checkins"]) == 8
    assert len(response.context["resolved_flags"]) == 5
    assert len(response.context["decisions"]) == 8
    assert len(response.context["chart"]["weeks"]) == 12


def test_her_week_does_the_same_queries_at_4_and_104_weeks(athlete_client, two_years_postpartum):
    athlete = two_years_postpartum
    url = reverse("plans:my_week")
    add_history(athlete, 0, 3)
    athlete_client.get(url)
    at_4 = count_queries(athlete_client, url)

    add_history(athlete, 4, 103)
    at_104 = count_queries(athlete_client, url)

    assert at_4 == at_104
    assert len(athlete_client.get(url).context["chart"]["weeks"]) == 12


def test_older_check_ins_are_a_page_away(coach_client, two_years_postpartum):
    athlete = two_years_postpartum
    add_history(athlete, 0, 19)
    url = reverse("plans:athlete_overview", args=[athlete.pk])
    this_monday = monday_of(athlete.today())

    first = coach_client.get(url)
    second = coach_client.get(url + "?checkins=2")
    beyond = coach_client.get(url + "?checkins=99")

    assert [c.week for c in first.context["checkins"]] == [
        this_monday - timedelta(weeks=n) for n in range(8)
    ]
    assert "?checkins=2#checkins" in first.content.decode()
    assert "1–8 of 20" in text(first)
    assert [c.week for c in second.context["checkins"]] == [
        this_monday - timedelta(weeks=n) for n in range(8, 16)
    ]
    assert "Newer check-ins" in text(second)
    assert "Older check-ins" in text(second)
    assert [c.week for c in beyond.context["checkins"]] == [
        this_monday - timedelta(weeks=n) for n in range(16, 20)
    ]


def test_the_page_reads_now_then_trends_then_records(coach_client, two_years_postpartum):
    athlete = two_years_postpartum
    add_history(athlete, 1, 6)
    WarningFlag.objects.create(
        athlete=athlete,
        rule="pain",
        severity="medium",
        week=monday_of(athlete.today()),
        summary="Pain 5/10 in the right knee.",
    )

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    html = response.content.decode()
    order = [
        'id="decision-title"',
        'id="plan-title"',
        'id="flags-title"',
        'id="trend-title"',
        'id="checkins-title"',
        'id="resolved-title"',
        'id="clearances-title"',
        'id="assessments-title"',
        'id="erase-title"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # The open sign is in "now", open; the resolved ones folded in records.
    now = html[html.index('id="now"') : html.index('id="trends"')]
    assert "Pain 5/10 in the right knee." in now
    assert "Called her." not in now
    records = html[html.index('id="records"') :]
    resolved = records[records.index("<details") : records.index("</details>")]
    assert resolved.count("Called her.") == 2  # the check-ins of weeks 1 and 4 back
    assert 'id="resolved-title"' in resolved


def test_the_template_keeps_each_panel_in_its_section():
    # The conversation and the expiry warnings belong to "now", the access log to the records
    # (each an include of its own template).
    source = (settings.BASE_DIR / "templates" / "plans" / "athlete_overview.html").read_text()
    order = [
        'id="now"',
        'id="flags-title"',
        "conversations/_panel.html",
        "athletes/_expiry_warnings.html",
        'id="trends"',
        'id="records"',
        '{% include "athletes/_access_log.html" %}',
        'id="erase-title"',
    ]
    positions = [source.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_scrolling_tables_can_be_reached_by_keyboard(coach_client, two_years_postpartum):
    add_history(two_years_postpartum, 0, 2)
    ClearanceFactory(athlete=two_years_postpartum)

    html = coach_client.get(
        reverse("plans:athlete_overview", args=[two_years_postpartum.pk])
    ).content.decode()

    wraps = re.findall(r'<div class="table-wrap"[^>]*>', html)
    assert len(wraps) >= 3
    for tag in wraps:
        assert 'tabindex="0"' in tag
        assert 'role="region"' in tag
        assert "aria-label=" in tag or "aria-labelledby=" in tag


def test_the_chart_speaks_of_her_on_the_coachs_page_and_of_you_on_hers(
    coach_client, athlete_client, two_years_postpartum
):
    add_history(two_years_postpartum, 0, 2)

    coach_page = text(
        coach_client.get(reverse("plans:athlete_overview", args=[two_years_postpartum.pk]))
    )
    her_week = text(athlete_client.get(reverse("plans:my_week")))
    her_history = text(athlete_client.get(reverse("checkins:my_history")))

    assert "How she felt" in coach_page
    assert "How you felt" not in coach_page
    for page in (her_week, her_history):
        assert "How you felt" in page
        assert "How she felt" not in page


def test_another_coach_cannot_page_through_her_check_ins(other_coach_client, two_years_postpartum):
    add_history(two_years_postpartum, 0, 10)

    response = other_coach_client.get(
        reverse("plans:athlete_overview", args=[two_years_postpartum.pk]) + "?checkins=2"
    )

    assert response.status_code == 404
