"""The coach's side: the check-ins table and charts on her athlete's page, a check-in entered
on the athlete's behalf, the check-in page and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse

from checkins.models import WeeklyCheckIn
from checkins.services import EDITABLE_FIELDS, checkin_update
from tests.checkins.factories import ORDINARY_WEEK, CheckInFactory, form_data
from tests.checkins.markup import json_script, table_rows
from web.weeks import monday_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def weeks(athlete) -> list:
    """Her last three Mondays, oldest first."""
    this_monday = monday_of(athlete.today())
    return [this_monday - timedelta(weeks=n) for n in (2, 1, 0)]


# --- The athlete's page ------------------------------------------------------------------------


def test_the_athletes_page_lists_her_checkins_newest_first_with_symptom_weeks_marked(
    coach_client, athlete, weeks
):
    CheckInFactory(athlete=athlete, week=weeks[0], heaviness=True, pain=2)
    CheckInFactory(athlete=athlete, week=weeks[1])
    CheckInFactory(athlete=athlete, week=weeks[2], feeling_low=True)

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    assert response.status_code == 200
    rows = table_rows(response.content.decode(), 'id="checkins-title"')
    assert [text.split(" ")[:3] for _, text in rows] == [
        [str(w.day), f"{w:%b}", str(w.year)] for w in reversed(weeks)
    ]
    assert [attrs for attrs, _ in rows] == ['class="is-highlight"', "", 'class="is-highlight"']
    assert "Feeling low" in rows[0][1]
    assert "None" in rows[1][1]
    assert "Heaviness" in rows[2][1]
    assert "2/10" in rows[2][1]


def test_the_athletes_page_marks_edited_weeks_and_links_each_week(coach_client, athlete, weeks):
    edited = CheckInFactory(athlete=athlete, week=weeks[2])
    untouched = CheckInFactory(athlete=athlete, week=weeks[1])
    checkin_update(checkin=edited, data={"pain": 1}, by=athlete.user)

    html = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk])).content.decode()

    rows = table_rows(html, 'id="checkins-title"')
    assert "(edited)" in rows[0][1]
    assert "(edited)" not in rows[1][1]
    assert reverse("checkins:coach_checkin_detail", args=[edited.pk]) in html
    assert reverse("checkins:coach_checkin_detail", args=[untouched.pk]) in html


def test_the_athletes_page_carries_the_chart_data_and_its_text_alternative(
    coach_client, athlete, weeks
):
    CheckInFactory(athlete=athlete, week=weeks[0], run_minutes=12, walk_minutes=40)
    CheckInFactory(athlete=athlete, week=weeks[2], run_minutes=24, walk_minutes=50, pain=3)

    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    html = response.content.decode()
    chart = json_script(html, "athlete-chart-data")
    # Every calendar week of the last twelve is on the axis; the week between her two
    # check-ins is a gap, not squeezed out.
    mondays = [weeks[2] - timedelta(weeks=n) for n in range(11, -1, -1)]
    assert chart["weeks"] == [w.isoformat() for w in mondays]
    assert chart["labels"] == [f"{w.day} {w:%b}" for w in mondays]
    gap = [None] * 9
    assert chart["run"] == [*gap, 12, None, 24]
    assert chart["walk"] == [*gap, 40, None, 50]
    assert chart["pain"] == [*gap, 0, None, 3]
    assert chart["sleep"] == [*gap, 6.5, None, 6.5]
    assert chart["checked_in"] == [False] * 9 + [True, False, True]
    summary = response.context["chart_summary"]
    assert summary.startswith(
        f"2 check-ins in the 12 weeks from {mondays[0].day} {mondays[0]:%b %Y} to "
        f"{weeks[2].day} {weeks[2]:%b %Y}; 10 week(s) without one."
    )
    assert summary.endswith("No symptoms reported.")
    assert summary in unescape(html)
    assert reverse("checkins:coach_checkins_csv", args=[athlete.pk]) in html


def test_the_athletes_page_without_checkins_invites_the_first(coach_client, athlete):
    response = coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    html = response.content.decode()
    assert "Charts appear after her first check-in." in html
    assert "No check-ins yet." in html
    assert reverse("checkins:coach_checkin_create", args=[athlete.pk]) in html
    assert reverse("checkins:coach_checkins_csv", args=[athlete.pk]) not in html


def test_another_coachs_athlete_page_is_404(other_coach_client, athlete):
    CheckInFactory(athlete=athlete)

    response = other_coach_client.get(reverse("plans:athlete_overview", args=[athlete.pk]))

    assert response.status_code == 404


# --- On her behalf -----------------------------------------------------------------------------


def test_a_checkin_entered_by_the_coach_is_recorded_as_hers(coach_client, coach, athlete, weeks):
    url = reverse("checkins:coach_checkin_create", args=[athlete.pk])

    page = coach_client.get(url)
    response = coach_client.post(url, form_data(weeks[1] + timedelta(days=2)), follow=True)

    assert page.status_code == 200
    assert "Enter a check-in for Anna" in page.content.decode()
    checkin = WeeklyCheckIn.objects.get()
    assert response.redirect_chain == [
        (reverse("checkins:coach_checkin_detail", args=[checkin.pk]), 302)
    ]
    assert (checkin.athlete, checkin.week, checkin.submitted_by) == (athlete, weeks[1], coach)
    assert {name: getattr(checkin, name) for name in EDITABLE_FIELDS} == ORDINARY_WEEK
    assert [str(m) for m in response.context["messages"]] == ["Check-in saved on her behalf."]
    assert "by the coach (Cora)" in response.content.decode()


def test_the_coachs_form_for_a_week_she_already_sent_opens_her_checkin(
    coach_client, athlete, weeks
):
    checkin = CheckInFactory(athlete=athlete, week=weeks[1])

    response = coach_client.get(
        reverse("checkins:coach_checkin_create", args=[athlete.pk]), {"week": weeks[1].isoformat()}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:coach_checkin_detail", args=[checkin.pk])


def test_a_staff_member_may_enter_a_checkin_for_any_athlete(client, staff, athlete, weeks):
    client.force_login(staff)

    # Last week: open whatever the day (this week's opens on Friday).
    response = client.post(
        reverse("checkins:coach_checkin_create", args=[athlete.pk]), form_data(weeks[1])
    )

    assert response.status_code == 302
    assert WeeklyCheckIn.objects.get().submitted_by == staff


# --- The check-in page -----------------------------------------------------------------------


def test_the_checkin_page_shows_her_answers_and_the_red_flag(coach_client, athlete):
    checkin = CheckInFactory(athlete=athlete, leakage=True, pain=6, pain_location="scar")

    response = coach_client.get(reverse("checkins:coach_checkin_detail", args=[checkin.pk]))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Red flag:</strong> leaking, pain of 5/10 or more." in html
    assert "6/10 (scar)" in html
    assert "by Anna" in html
    assert reverse("checkins:coach_checkin_edit", args=[checkin.pk]) in html


def test_another_coachs_checkin_page_is_404(other_coach_client, athlete):
    checkin = CheckInFactory(athlete=athlete)

    assert (
        other_coach_client.get(
            reverse("checkins:coach_checkin_detail", args=[checkin.pk])
        ).status_code
        == 404
    )
    assert (
        other_coach_client.get(
            reverse("checkins:coach_checkin_edit", args=[checkin.pk])
        ).status_code
        == 404
    )


def test_an_athlete_cannot_open_the_coachs_checkin_page(athlete_client, athlete):
    checkin = CheckInFactory(athlete=athlete)

    assert (
        athlete_client.get(reverse("checkins:coach_checkin_detail", args=[checkin.pk])).status_code
        == 403
    )


# --- CSV -----------------------------------------------------------------------------------------

CSV_HEADER = [
    "week",
    "sessions_planned",
    "sessions_completed",
    "run_minutes",
    "walk_minutes",
    "longest_session_minutes",
    "longest_run_minutes",
    "effort",
    "energy",
    "sleep_hours",
    "sleep_quality",
    "mood",
    "stress",
    "soreness",
    "pain",
    "pain_location",
    "leakage",
    "urgency",
    "heaviness",
    "pelvic_pain",
    "bleeding",
    "abdominal_doming",
    "feeling_low",
    "periods_returned",
    "breastfeeding",
    "unavailable_days",
    "notes",
    "submitted_by",
    "updated_at",
]


def read_csv(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == CSV_HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_csv_export_has_a_header_and_one_row_per_week_oldest_first(
    coach_client, coach, athlete, other_athlete, weeks
):
    CheckInFactory(athlete=athlete, week=weeks[2], pain=2, submitted_by=coach)
    CheckInFactory(athlete=athlete, week=weeks[0], effort=None, sessions_completed=0, leakage=True)
    CheckInFactory(athlete=other_athlete, week=weeks[1])

    response = coach_client.get(reverse("checkins:coach_checkins_csv", args=[athlete.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="checkins-anna-lind.csv"'
    assert "no-store" in response["Cache-Control"]
    first, second = read_csv(response)
    assert (first["week"], second["week"]) == (weeks[0].isoformat(), weeks[2].isoformat())
    assert (first["effort"], first["leakage"], first["submitted_by"]) == ("", "True", "athlete")
    assert (second["pain"], second["sleep_hours"], second["submitted_by"]) == ("2", "6.5", "coach")


def test_the_csv_export_defuses_spreadsheet_formulas_in_free_text(coach_client, athlete):
    CheckInFactory(athlete=athlete, notes='=HYPERLINK("http://x")', pain_location="-left hip")

    (row,) = read_csv(coach_client.get(reverse("checkins:coach_checkins_csv", args=[athlete.pk])))

    assert row["notes"] == '\'=HYPERLINK("http://x")'
    assert row["pain_location"] == "'-left hip"


def test_another_coach_cannot_export_her_checkins(other_coach_client, athlete):
    CheckInFactory(athlete=athlete)

    response = other_coach_client.get(reverse("checkins:coach_checkins_csv", args=[athlete.pk]))

    assert response.status_code == 404
    assert "attachment" not in response.get("Content-Disposition", "")


def test_an_athlete_cannot_use_the_coachs_export(athlete_client, athlete):
    CheckInFactory(athlete=athlete)

    assert (
        athlete_client.get(reverse("checkins:coach_checkins_csv", args=[athlete.pk])).status_code
        == 403
    )
