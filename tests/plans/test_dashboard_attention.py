"""Attention first on the coach's dashboard (issue 12): the roster sorted by need, sortable
columns, "Needs your review" one row per athlete, expiry warnings (SPEC §12), and a fixed
number of queries from 5 to 100 athletes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete
from checkins.models import WarningFlag, WeeklyCheckIn
from plans.models import Decision
from plans.templatetags.plans_extras import trend, trend_words
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from web.weeks import monday_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

URL = reverse("plans:coach_dashboard")
CHECKIN = {
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
}


def runner(coach, name: str, *, stage: str = "walk", level: int = 2, checked_in: bool = True):
    """An athlete with an open-ended clearance and a fresh readiness pass, who has sent last
    week's and this week's check-ins (on a Friday both are open): nothing needs her coach."""
    athlete = AthleteFactory(
        coach=coach, first_name=name, last_name="Hill", stage=stage, level=level, plan=False
    )
    ClearanceFactory(athlete=athlete)
    AssessmentFactory(athlete=athlete)
    if checked_in:
        monday = monday_of(athlete.today())
        WeeklyCheckIn.objects.bulk_create(
            WeeklyCheckIn(athlete=athlete, week=week, **CHECKIN)
            for week in (monday, monday - timedelta(weeks=1))
        )
    return athlete


def flag(athlete, severity: str = "high", rule: str = "pain", *, weeks_ago: int = 1, **fields):
    return WarningFlag.objects.create(
        athlete=athlete,
        rule=rule,
        severity=severity,
        week=monday_of(athlete.today()) - timedelta(weeks=weeks_ago),
        summary="Reported.",
        **fields,
    )


def decision(athlete, *, status: str = "pending", gates: list | None = None) -> Decision:
    return Decision.objects.create(
        athlete=athlete,
        week=monday_of(athlete.today()) + timedelta(weeks=1),
        action="hold",
        from_stage=athlete.stage,
        from_level=athlete.level,
        to_stage=athlete.stage,
        to_level=athlete.level,
        summary="Hold: not yet a full week at this level.",
        protocol_version="test",
        computed_at=timezone.now(),
        status=status,
        gates=gates or [],
    )


def expiring(athlete, days: int = 10):
    """Her only clearance lapses in ``days`` days (an open-ended one would take over)."""
    athlete.clearances.all().delete()
    ClearanceFactory(athlete=athlete, expires_on=athlete.today() + timedelta(days=days))


def roster(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [row["athlete"].first_name for row in response.context["rows"]]


# --- Sorted by need ----------------------------------------------------------------------------


def test_the_roster_puts_who_needs_her_coach_first(coach, coach_client):
    runner(coach, "Abby")
    runner(coach, "Beth")
    expiring(runner(coach, "Wren"))
    runner(coach, "Xena", checked_in=False)  # her check-ins are due
    decision(runner(coach, "Yara"), status="auto_applied")
    flag(runner(coach, "Zoe"), "high")
    flag(runner(coach, "Cleo"), "medium")  # a medium flag alone is not first

    assert roster(coach_client) == ["Zoe", "Yara", "Xena", "Wren", "Abby", "Beth", "Cleo"]


def test_each_reason_outranks_the_next(coach, coach_client):
    both = runner(coach, "Dora", checked_in=False)
    expiring(both)
    decision(runner(coach, "Edie"))
    high = runner(coach, "Fay")
    flag(high, "high", status="acknowledged")  # acknowledged is still open

    assert roster(coach_client) == ["Fay", "Edie", "Dora"]


def test_a_resolved_or_archived_need_does_not_count(coach, coach_client):
    flag(runner(coach, "Zoe"), "high", status="resolved", resolution_note="Seen by her GP.")
    decision(runner(coach, "Yara"), status="approved")
    runner(coach, "Abby")

    assert roster(coach_client) == ["Abby", "Yara", "Zoe"]


# --- Sortable columns --------------------------------------------------------------------------


@pytest.fixture
def three(coach):
    a = runner(coach, "Abby", stage="build", level=3)
    b = runner(coach, "Beth", stage="walk", level=4)
    c = runner(coach, "Cleo", stage="run_walk", level=1, checked_in=False)
    Athlete.objects.filter(pk=a.pk).update(delivery_date=a.delivery_date - timedelta(weeks=10))
    Athlete.objects.filter(pk=b.pk).update(delivery_date=b.delivery_date + timedelta(weeks=5))
    WeeklyCheckIn.objects.create(
        athlete=c, week=monday_of(c.today()) - timedelta(weeks=3), **CHECKIN
    )
    flag(b, "medium")
    flag(c, "low")
    flag(c, "low", rule="missed_checkins")
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Abby", "Beth", "Cleo"]),
        ("-name", ["Cleo", "Beth", "Abby"]),
        ("stage", ["Beth", "Cleo", "Abby"]),
        ("-stage", ["Abby", "Cleo", "Beth"]),
        ("weeks", ["Beth", "Cleo", "Abby"]),
        ("-weeks", ["Abby", "Cleo", "Beth"]),
        ("checkin", ["Cleo", "Abby", "Beth"]),
        ("-checkin", ["Abby", "Beth", "Cleo"]),
        ("flags", ["Abby", "Cleo", "Beth"]),
        ("-flags", ["Beth", "Cleo", "Abby"]),
        ("need", ["Cleo", "Abby", "Beth"]),
        ("shoe-size", ["Cleo", "Abby", "Beth"]),  # unknown: the default
        ("-need", ["Cleo", "Abby", "Beth"]),
        ("", ["Cleo", "Abby", "Beth"]),
    ],
)
def test_every_column_sorts_both_ways(coach_client, three, sort, expected):
    assert roster(coach_client, sort=sort) == expected


def test_the_sorted_header_says_so_and_its_link_reverses_it(coach_client, three):
    html = coach_client.get(URL, {"sort": "stage", "q": "e", "page": "1"}).content.decode()

    (stage_th,) = re.findall(r'<th scope="col"[^>]*><a href="[^"]*">Stage', html)
    assert 'aria-sort="ascending"' in stage_th
    assert "?sort=-stage&amp;q=e#roster" in stage_th  # filters kept, page reset
    assert len(re.findall(r"aria-sort=", html)) == 1

    html = coach_client.get(URL, {"sort": "-stage"}).content.decode()
    (stage_th,) = re.findall(r'<th scope="col"[^>]*><a href="[^"]*">Stage', html)
    assert 'aria-sort="descending"' in stage_th
    assert "?sort=stage#roster" in stage_th


def test_the_default_sort_shows_no_aria_sort_and_says_why(coach_client, three):
    html = coach_client.get(URL).content.decode()

    assert "aria-sort" not in html
    assert "Who needs you first" in html


def test_filters_keep_the_sort(coach_client, three):
    assert roster(coach_client, sort="-name", flagged="1") == ["Cleo", "Beth"]


# --- Needs your review: one row per athlete ----------------------------------------------------


def test_needs_your_review_lists_athletes_not_flags(coach, coach_client, other_coach):
    many = runner(coach, "Mona")
    flag(many, "low", rule="missed_checkins")
    flag(many, "high", rule="bleeding", weeks_ago=2)
    flag(many, "medium", rule="fatigue_streak")
    flag(many, "high", rule="pelvic_floor")
    for name in ("Abby", "Beth", "Cleo", "Dora", "Edie"):
        flag(runner(coach, name), "medium")
    flag(runner(other_coach, "Otto"), "high")

    response = coach_client.get(URL)

    review = response.context["review"]
    assert [a.first_name for a in review] == ["Mona", "Abby", "Beth", "Cleo", "Dora"]
    assert [(f.severity, f.rule) for f in review[0].open_flags] == [
        ("high", "bleeding"),  # raised first
        ("high", "pelvic_floor"),
        ("medium", "fatigue_streak"),
        ("low", "missed_checkins"),
    ]
    assert response.context["review_more"] == 1
    html = response.content.decode()
    assert html.count('class="queue-item queue-item--athlete"') == 5
    assert "4 open warning signs" in html
    assert "And 1 more athlete with open warning signs" in html


def test_the_review_waits_longest_first_within_a_severity(coach, coach_client):
    later = runner(coach, "Abby")
    earlier = runner(coach, "Zoe")
    flag(earlier, "medium")
    flag(later, "medium")

    assert [a.first_name for a in coach_client.get(URL).context["review"]] == ["Zoe", "Abby"]


# --- Expiry warnings on the dashboard and her page (SPEC §12) -----------------------------------


def test_expiring_records_show_in_their_own_section_and_the_row(coach, coach_client):
    wren = runner(coach, "Wren", stage="speed", level=3)
    expiring(wren, days=10)

    response = coach_client.get(URL)

    assert response.context["counts"]["expiring"] == 1
    html = response.content.decode()
    assert "Medical clearance expires on 16 Mar (in 10 days): record a new clearance" in html
    assert "Clearance expires 16 Mar" in html


@pytest.mark.parametrize(("days", "warned"), [(13, True), (14, True), (15, False)])
def test_fourteen_days_on_her_page(coach, coach_client, days, warned):
    athlete = runner(coach, "Wren", stage="speed", level=3)
    expiring(athlete, days=days)

    html = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk])).content
    assert (f"(in {days} days)" in html.decode()) is warned
    assert ('id="expiry-warnings"' in html.decode()) is warned


def test_a_readiness_pass_lapsing_before_run_walk_is_warned_weeks_ahead(coach, coach_client):
    athlete = runner(coach, "Rhea", stage="walk", level=1)
    athlete.assessments.update(assessed_on=athlete.today() - timedelta(days=30))

    html = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk])).content
    assert (
        "Readiness assessment expires on 1 Apr (in 26 days), before run-walk can start (the "
        "week of 30 Mar at the earliest): retest her before then."
    ) in html.decode()


@pytest.mark.parametrize(
    ("zone", "warned"),
    [("Pacific/Auckland", True), ("America/Los_Angeles", False)],
    ids=["already-tomorrow-there", "still-today-there"],
)
def test_the_days_count_on_her_calendar(coach, coach_client, zone, warned):
    # 11:30 UTC on Friday 6 March: already Saturday 00:30 in Auckland, Friday 03:30 in LA.
    with time_machine.travel(datetime(2026, 3, 6, 11, 30, tzinfo=UTC), tick=False):
        athlete = runner(coach, "Tia", stage="speed", level=3)
        Athlete.objects.filter(pk=athlete.pk).update(timezone=zone)
        athlete.clearances.all().delete()
        ClearanceFactory(athlete=athlete, expires_on=date(2026, 3, 21))

        response = coach_client.get(URL)

    assert response.context["counts"]["expiring"] == int(warned)
    assert ("Tia Hill" in str(response.context["expiring"])) is warned


@pytest.mark.parametrize(
    ("utc", "days_left"),
    [
        (datetime(2026, 3, 6, 10, 59, tzinfo=UTC), None),  # 23:59 on Friday in Auckland
        (datetime(2026, 3, 6, 11, 1, tzinfo=UTC), 14),  # 00:01 on Saturday there
        (datetime(2026, 3, 7, 11, 1, tzinfo=UTC), 13),  # a day later
    ],
    ids=["a-minute-before-her-midnight", "a-minute-after", "next-day"],
)
def test_the_warning_starts_at_her_midnight(coach, coach_client, utc, days_left):
    with time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), tick=False) as traveller:
        athlete = runner(coach, "Tia", stage="speed", level=3)
        Athlete.objects.filter(pk=athlete.pk).update(timezone="Pacific/Auckland")
        athlete.clearances.all().delete()
        ClearanceFactory(athlete=athlete, expires_on=date(2026, 3, 21))
        traveller.move_to(utc)

        html = coach_client.get(URL).content.decode()
        page = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    for shown in (html, page.content.decode()):
        if days_left is None:
            assert "Medical clearance expires" not in shown
        else:
            assert f"Medical clearance expires on 21 Mar (in {days_left} days)" in shown


def test_archived_and_other_coaches_athletes_warn_of_nothing(coach, coach_client, other_coach):
    gone = runner(coach, "Gwen", stage="speed", level=3)
    expiring(gone)
    Athlete.objects.filter(pk=gone.pk).update(archived=True)
    expiring(runner(other_coach, "Otto", stage="speed", level=3))

    assert coach_client.get(URL).context["counts"]["expiring"] == 0


# --- A fixed number of queries -----------------------------------------------------------------


def crowd(coach, count: int, start: int = 0) -> None:
    """``count`` athletes, each needing her coach for one reason or another."""
    for i in range(start, start + count):
        athlete = runner(coach, f"Runner{i:03d}", checked_in=i % 4 != 2)
        if i % 4 == 0:
            flag(athlete, "high")
            flag(athlete, "medium", rule="fatigue_streak")
        elif i % 4 == 1:
            decision(athlete)
        elif i % 4 == 3:
            expiring(athlete)


# With flags present: test_due's count, plus the flags of the athletes "Needs your review" lists.
DASHBOARD_QUERIES = 23


def test_the_dashboard_costs_the_same_queries_for_5_and_100_athletes(
    coach, coach_client, django_assert_num_queries
):
    crowd(coach, 5)
    coach_client.get(URL)  # the session and content types, once
    with django_assert_num_queries(DASHBOARD_QUERIES):
        small = coach_client.get(URL)
    assert len(small.context["rows"]) == 5

    crowd(coach, 95, start=5)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        large = coach_client.get(URL)
    assert len(large.context["rows"]) == 25
    assert large.context["counts"]["expiring"] == 25
    assert len(large.context["review"]) == 5
    assert large.context["review_more"] == 20


def test_every_sort_costs_the_same(coach, coach_client, django_assert_num_queries):
    crowd(coach, 8)
    coach_client.get(URL)
    for sort in ("name", "-stage", "weeks", "checkin", "-flags"):
        with django_assert_num_queries(DASHBOARD_QUERIES):
            coach_client.get(URL, {"sort": sort})


# --- Sparklines say their scale --------------------------------------------------------------


def test_the_sparkline_in_words_names_its_scales_and_symptom_weeks():
    rows = [
        SimpleNamespace(energy=2, pain=5, reported_symptoms=True),
        SimpleNamespace(energy=3, pain=0, reported_symptoms=False),
    ]

    assert trend_words(rows, 8) == (
        "Energy 1–5, last 8 weeks (2 check-ins, oldest first): 2, 3. Pain 0–10: 5, 0. "
        "Symptoms reported in 1 of them."
    )
    assert trend_words(rows[1:], 8).startswith("Energy 1–5, last 8 weeks (1 check-in, ")


def test_the_sparkline_draws_each_line_on_its_own_scale():
    low = SimpleNamespace(energy=1, pain=0, reported_symptoms=False)
    high = SimpleNamespace(energy=5, pain=10, reported_symptoms=False)

    svg = str(trend([low, high]))

    # The bottom of each scale at the foot (y 25), the top at the head (y 3).
    assert 'class="trend-energy" points="3.0,25.0 93.0,3.0"' in svg
    assert 'class="trend-pain" points="3.0,25.0 93.0,3.0"' in svg
    assert 'aria-hidden="true"' in svg


def test_a_single_check_in_shows_as_dots():
    svg = str(trend([SimpleNamespace(energy=3, pain=0, reported_symptoms=False)]))

    assert '<circle cx="3.0" cy="14.0" r="2.2" class="trend-energy-dot">' in svg
    assert '<circle cx="3.0" cy="25.0" r="2.2" class="trend-pain-dot">' in svg


# --- The same sorts in the API -----------------------------------------------------------------

API = reverse("api:athlete-list")


def api_names(client, **params) -> list[str]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return [row["first_name"] for row in response.json()["results"]]


def test_the_api_lists_by_need_or_by_a_column_as_asked(coach, coach_api):
    runner(coach, "Abby")
    expiring(runner(coach, "Wren"))
    decision(runner(coach, "Yara"))
    flag(runner(coach, "Zoe"), "high")

    assert api_names(coach_api) == ["Abby", "Wren", "Yara", "Zoe"]  # by id, as before
    assert api_names(coach_api, sort="need") == ["Zoe", "Yara", "Wren", "Abby"]
    assert api_names(coach_api, sort="-name") == ["Zoe", "Yara", "Wren", "Abby"]
    assert api_names(coach_api, sort="flags", archived="false")[-1] == "Zoe"


@pytest.mark.parametrize("sort", ["shoe-size", "-need", "", "name,stage", "NAME"])
def test_the_api_refuses_an_unknown_sort(coach, coach_api, sort):
    runner(coach, "Abby")

    response = coach_api.get(API, {"sort": sort})

    assert response.status_code == 400
    assert response.json() == {
        "sort": [
            "Sort by one of: need, name, weeks, stage, checkin, flags ('-' first to "
            "reverse a column)."
        ]
    }


def test_the_api_sort_costs_the_same_for_5_and_30_athletes(
    coach, coach_api, django_assert_num_queries
):
    crowd(coach, 5)
    coach_api.get(API, {"sort": "need"})
    with CaptureQueriesContext(connection) as few:
        coach_api.get(API, {"sort": "need"})
    crowd(coach, 25, start=5)
    with django_assert_num_queries(len(few)):
        response = coach_api.get(API, {"sort": "need"})
    assert response.json()["count"] == 30
