"""Planned vs done (SPEC §13): sessions ticked off by her activities, compliance by week with
her days off left out, the check-in filled in from her watch, and the upload forms."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from athletes.services import athlete_erase
from plans.compliance import WeekCompliance, compliance_for, match_week
from plans.models import PlannedSession
from tests.activities.files import RUN_WALK_8, fit_activity, gpx_activity
from tests.checkins.factories import CheckInFactory
from tests.plans.test_pages import text
from tests.sql import written_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

MONDAY = date(2026, 3, 2)  # the week of the ``friday`` clock (Friday 6 March 2026)


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)  # London in March: UTC


def activity(athlete, day: date, sport: str, minutes: int = 30, hour: int = 7) -> Activity:
    return Activity.objects.create(
        athlete=athlete,
        started_at=at(day, hour),
        local_date=day,
        sport=sport,
        elapsed_seconds=minutes * 60,
        moving_seconds=minutes * 60,
        distance_m=minutes * 100,
        elevation_gain_m=15,
        run_seconds=minutes * 20 if sport == "run" else 0,
        walk_seconds=minutes * 40 if sport == "run" else minutes * 60,
    )


@pytest.fixture
def week(athlete):
    """This week's plan: a run-walk on Tuesday, a walk on Wednesday, a run on Thursday (and
    strength, which no watch ticks off)."""
    plan_week = athlete.plan.weeks.get(week=MONDAY)
    plan_week.sessions.all().delete()
    for day, kind, extra in [
        (1, "run_walk", {"run_seconds": 60, "walk_seconds": 120, "repeats": 8}),
        (2, "walk", {}),
        (3, "run", {}),
        (3, "strength", {}),
    ]:
        PlannedSession.objects.create(plan_week=plan_week, day=day, kind=kind, minutes=34, **extra)
    return plan_week


def outcomes(athlete) -> list[tuple[str, str | None]]:
    (week,) = compliance_for(athlete, [MONDAY])
    return [(o.session.kind, o.activity.sport if o.activity else None) for o in week.outcomes]


def test_each_session_is_matched_to_an_activity_of_its_day_and_a_fitting_sport(athlete, week):
    activity(athlete, MONDAY + timedelta(days=1), "walk")  # a run-walk her app called a walk
    activity(athlete, MONDAY + timedelta(days=2), "hike")  # the walk, up a hill
    activity(athlete, MONDAY + timedelta(days=3), "walk")  # not a run

    assert outcomes(athlete) == [("run_walk", "walk"), ("walk", "hike"), ("run", None)]


def test_an_activity_on_another_day_ticks_nothing_off(athlete, week):
    activity(athlete, MONDAY, "run")

    assert outcomes(athlete) == [("run_walk", None), ("walk", None), ("run", None)]


def test_one_activity_counts_for_one_session(athlete, week):
    tuesday = MONDAY + timedelta(days=1)
    PlannedSession.objects.create(plan_week=week, day=1, kind="walk", minutes=20)
    activity(athlete, tuesday, "walk", minutes=40)

    (result,) = compliance_for(athlete, [MONDAY])

    tuesdays = [o for o in result.outcomes if o.day == tuesday]
    assert [o.done for o in tuesdays] == [True, False]


def test_the_longest_fitting_activity_of_the_day_wins():
    sessions = [PlannedSession(day=0, kind="run", minutes=30)]
    short = Activity(local_date=MONDAY, sport="run", moving_seconds=600)
    long = Activity(local_date=MONDAY, sport="run", moving_seconds=1800)

    (outcome,) = match_week(MONDAY, sessions, [short, long])

    assert outcome.activity is long


@pytest.mark.parametrize(
    ("done", "days_off", "percent"),
    [(3, 0, 100), (2, 0, 67), (2, 2, 93), (0, 0, 0), (1, 3, 58), (0, 4, None), (2, 7, None)],
)
def test_week_compliance_leaves_her_days_off_out(done, days_off, percent):
    sessions = [PlannedSession(day=d, kind="walk", minutes=20) for d in range(3)]
    activities = [
        Activity(local_date=MONDAY + timedelta(days=d), sport="walk", moving_seconds=1)
        for d in range(done)
    ]

    week = WeekCompliance(MONDAY, match_week(MONDAY, sessions, activities), days_off)

    assert (week.planned, week.done, week.percent) == (3, done, percent)


def test_compliance_reads_a_fixed_number_of_queries(athlete, week, django_assert_num_queries):
    mondays = [MONDAY - timedelta(weeks=n) for n in range(6)]
    # Plan weeks (with the one carried over), sessions, activities, check-ins.
    with django_assert_num_queries(4):
        compliance_for(athlete, mondays)
    for n in range(20):
        activity(athlete, MONDAY - timedelta(days=n), "walk", hour=6 + n % 3)
    with django_assert_num_queries(4):
        weeks = compliance_for(athlete, mondays)

    assert [w.monday for w in weeks] == mondays
    # Her plan began this week: the weeks before had nothing planned.
    assert [w.planned for w in weeks] == [3, 0, 0, 0, 0, 0]


def test_a_week_without_its_own_plan_week_follows_the_one_before(athlete, week):
    next_monday = MONDAY + timedelta(weeks=1)
    week.plan.weeks.filter(week__gt=MONDAY).delete()
    activity(athlete, next_monday + timedelta(days=1), "run")

    (carried,) = compliance_for(athlete, [next_monday])

    assert [(o.day, o.done) for o in carried.outcomes] == [
        (next_monday + timedelta(days=1), True),
        (next_monday + timedelta(days=2), False),
        (next_monday + timedelta(days=3), False),
    ]


# --- my week -------------------------------------------------------------------------------------


def my_week(client):
    return client.get(reverse("plans:my_week"))


def test_my_week_ticks_off_what_her_watch_recorded(athlete_client, athlete, week):
    activity(athlete, MONDAY + timedelta(days=1), "run", minutes=34)

    page = text(my_week(athlete_client))

    assert "Tuesday: 8 × (1 min run, 2 min walk) Done run, 34 min (11 running)" in page
    assert "Wednesday: 34 min walk Not done" in page  # Wednesday is past on Friday
    assert "Thursday: 34 min easy run Not done" in page
    assert "Send to your watch (.fit)" in page
    assert "All this week's workouts (.zip)" in page


def test_my_week_reads_the_same_number_of_queries_for_1_and_30_activities(
    athlete_client, athlete, week
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert my_week(athlete_client).status_code == 200
        return len(queries)

    activity(athlete, MONDAY + timedelta(days=1), "run")
    one = count()
    for n in range(29):
        activity(athlete, MONDAY - timedelta(days=n + 1), "walk")

    assert count() == one


def test_the_athlete_page_shows_compliance_by_week(coach_client, athlete, week):
    activity(athlete, MONDAY + timedelta(days=1), "walk")
    activity(athlete, MONDAY + timedelta(days=2), "walk")
    CheckInFactory(athlete=athlete, week=MONDAY, unavailable_days=2)
    url = reverse("plans:athlete_overview", args=[athlete.pk])
    assert "2 Mar 2 / 3 2 this week: 2 so far" in text(coach_client.get(url))

    # A week later (her plan carried over, nothing new done), that week is judged.
    with time_machine.travel(datetime(2026, 3, 13, 12, tzinfo=UTC), tick=False):
        coach_client.get(url)  # a week later her sliding session is renewed once: not counted
        with CaptureQueriesContext(connection) as queries:
            response = coach_client.get(url)
        few = len(queries)
        page = text(response)

        assert "Planned vs done" in page
        assert "9 Mar 0 / 3 0 this week: 0 so far" in page
        assert "2 Mar 2 / 3 2 93 %" in page  # 2 of 3 with 2 days off: 2 / (3 × 5/7)
        for n in range(25):
            activity(athlete, MONDAY - timedelta(days=n + 1), "walk")
        with CaptureQueriesContext(connection) as queries:
            coach_client.get(url)
        assert len(queries) == few


# --- the check-in, filled in from her watch ---------------------------------------------------


def test_her_check_in_is_filled_in_from_her_watch_and_says_so(athlete_client, athlete, week):
    activity(athlete, MONDAY + timedelta(days=1), "run", minutes=30)  # 10 running, 20 walking
    activity(athlete, MONDAY + timedelta(days=2), "hike", minutes=45)
    activity(athlete, MONDAY + timedelta(days=3), "other", minutes=60)  # a bike ride: no

    response = athlete_client.get(reverse("checkins:my_checkin"), {"week": MONDAY.isoformat()})

    assert response.status_code == 200
    form = response.context["form"]
    assert {
        name: form[name].value()
        for name in (
            "sessions_completed",
            "run_minutes",
            "walk_minutes",
            "longest_session_minutes",
            "longest_run_minutes",
        )
    } == {
        "sessions_completed": 2,
        "run_minutes": 10,
        "walk_minutes": 65,
        "longest_session_minutes": 45,
        "longest_run_minutes": 30,
    }
    assert (
        "Filled in from your watch: 2 sessions, 10 min running, 65 min walking, longest 45 min."
        in text(response)
    )


def test_without_activities_the_check_in_is_hers_to_fill(athlete_client, athlete, week):
    response = athlete_client.get(reverse("checkins:my_checkin"), {"week": MONDAY.isoformat()})

    assert response.context["form"]["run_minutes"].value() == 0
    assert "Filled in from your watch" not in text(response)


# --- the upload forms ----------------------------------------------------------------------------


def upload_url() -> str:
    return reverse("activities:my_upload")


def coach_upload_url(athlete) -> str:
    return reverse("activities:coach_upload", args=[athlete.pk])


def fit_file(name: str = "run.fit", day: date = MONDAY) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, fit_activity(at(day), RUN_WALK_8))


def test_a_plain_form_upload_comes_back_to_my_week_with_the_outcome(athlete_client, athlete):
    response = athlete_client.post(
        upload_url(), {"file": [fit_file(), SimpleUploadedFile("a.txt", b"hello")]}, follow=True
    )

    assert response.redirect_chain == [(reverse("plans:my_week") + "#activities", 302)]
    page = text(response)
    assert "1 activity imported." in page
    assert "a.txt: Not imported: it is not a .fit, .gpx, .tcx or .zip file." in page
    assert Activity.objects.get().uploaded_by == athlete.user


def test_the_script_gets_json_and_where_to_go(athlete_client, athlete):
    response = athlete_client.post(
        upload_url(),
        {"file": [fit_file(), SimpleUploadedFile("b.gpx", gpx_activity(at(MONDAY), RUN_WALK_8))]},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 201
    assert json.loads(response.content) == {
        "imported": 1,
        "duplicates": 1,
        "refused": 0,
        "results": [
            {"name": "run.fit", "status": "imported", "detail": "Imported."},
            {
                "name": "b.gpx",
                "status": "duplicate",
                "detail": "Already imported: this activity is stored once.",
            },
        ],
        "redirect": reverse("plans:my_week") + "#activities",
    }


def test_an_upload_without_files_says_so_and_writes_nothing(athlete_client):
    with CaptureQueriesContext(connection) as queries:
        response = athlete_client.post(upload_url(), {}, follow=True)

    assert "Choose at least one file to upload." in text(response)
    assert written_tables(queries) == []


def test_the_coach_uploads_for_her_athlete(coach_client, coach, athlete):
    response = coach_client.post(coach_upload_url(athlete), {"file": [fit_file()]})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/coach/athletes/{athlete.pk}/#activities")
    assert Activity.objects.get().uploaded_by == coach


def test_another_coachs_athlete_is_404_and_nothing_written(other_coach_client, athlete):
    response = other_coach_client.post(coach_upload_url(athlete), {"file": [fit_file()]})

    assert response.status_code == 404
    assert not Activity.objects.exists()


def test_an_athlete_cannot_use_the_coachs_form(athlete_client, athlete):
    response = athlete_client.post(coach_upload_url(athlete), {"file": [fit_file()]})

    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_a_get_of_the_upload_forms_lands_on_their_page_and_writes_nothing(
    athlete_client, coach_client, athlete
):
    mine = athlete_client.get(upload_url())
    hers = coach_client.get(coach_upload_url(athlete))

    assert (mine.status_code, mine["Location"]) == (302, "/me/#activities")
    assert (hers.status_code, hers["Location"]) == (
        302,
        f"/coach/athletes/{athlete.pk}/#activities",
    )
    assert athlete_client.put(upload_url()).status_code == 405
    assert not Activity.objects.exists()


def test_erasing_her_erases_her_activities(coach, athlete):
    activity(athlete, MONDAY, "run")

    athlete_erase(athlete=athlete, by=coach)

    assert not Activity.objects.exists()


def test_the_panel_has_no_inline_script_or_style(athlete_client, athlete, week):
    html = my_week(athlete_client).content.decode()
    panel = html[html.index('id="activities"') :]

    assert not re.search(r"<script(?![^>]*\bsrc=)", panel)
    assert " style=" not in panel
    assert "<style" not in panel


def test_her_coachs_form_is_filled_in_from_her_files_too(coach_client, athlete, week):
    activity(athlete, MONDAY + timedelta(days=1), "walk", minutes=40)
    url = reverse("checkins:coach_checkin_create", args=[athlete.pk])

    response = coach_client.get(url, {"week": MONDAY.isoformat()})

    assert response.context["form"]["walk_minutes"].value() == 40
    assert "Filled in from her activity files: 1 session, 0 min running, 40 min walking" in (
        text(response)
    )


def test_a_week_without_any_file_is_not_judged(athlete):
    sessions = [PlannedSession(day=d, kind="walk", minutes=20) for d in range(3)]

    week = WeekCompliance(MONDAY, match_week(MONDAY, sessions, []), 0, has_files=False)

    assert (week.planned, week.done, week.percent) == (3, 0, None)


def test_the_charts_carry_the_weekly_climb_in_numbers_and_words(athlete, week):
    from checkins.charts import chart_series

    last = CheckInFactory(athlete=athlete, week=MONDAY - timedelta(weeks=1))
    this = CheckInFactory(athlete=athlete, week=MONDAY)
    activity(athlete, MONDAY - timedelta(days=3), "hike")  # 15 m, last week
    activity(athlete, MONDAY + timedelta(days=1), "walk")  # 15 m
    activity(athlete, MONDAY + timedelta(days=2), "walk")  # 15 m

    chart = chart_series([this, last])

    assert chart["elevation"] == [15, 30]
    assert chart["elevation_summary"] == (
        "From activity files: 30 m climbed in the latest week, 30 m at most (week of 2 Mar)."
    )
    assert chart_series([])["elevation_summary"] == ""
