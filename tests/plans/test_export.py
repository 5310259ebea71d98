"""The JSON export of everything recorded about her (the coach's and her own): each record as
the API shows it, a fixed number of queries whatever her history, and the usual walls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.services import activities_import
from activities.sources import UploadedFiles
from athletes import services as athlete_services
from checkins.models import CheckInRevision, WarningFlag, WeeklyCheckIn
from checkins.services import checkin_update, symptom_report_submit
from clinical import protocol
from conversations.services import message_post
from plans import publication, services
from plans.models import Decision, PlannedSession, PlanWeek
from tests.activities.files import RUN_WALK_8, fit_activity
from tests.athletes.samples import PNG
from tests.checkins.factories import ORDINARY_WEEK, CheckInFactory
from tests.factories import AssessmentFactory
from tests.plans.conftest import next_monday
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

SECTIONS = {
    "exported_at",
    "access_log",
    "athlete",
    "clearances",
    "assessments",
    "checkins",
    "symptom_reports",
    "plan_weeks",
    "decisions",
    "flags",
    "activities",
    "messages",  # added by the conversations layer
}


def export_url(athlete) -> str:
    return reverse("plans:athlete_export", args=[athlete.pk])


@pytest.fixture
def history(athlete, coach):
    """A clearance with its document, an assessment, last week's check-in edited once, a
    pain flag on it, a symptom report (pain 3, another flag) this week, this week's plan,
    next week's pending decision, and her coach's message about the check-in."""
    athlete.prior_weekly_km = "42.5"
    athlete.save()
    athlete_services.clearance_create(
        athlete=athlete,
        data={
            "cleared_on": athlete.today() - timedelta(days=3),
            "clinician_name": "Dr Jo Reid",
            "clinician_role": "gp",
            "scope": "running",
        },
        document=SimpleUploadedFile("letter.png", PNG, content_type="image/png"),
        by=coach,
    )
    AssessmentFactory(athlete=athlete)
    checkin = CheckInFactory(athlete=athlete, week=monday_of(athlete.today()) - timedelta(weeks=1))
    checkin_update(checkin=checkin, data={"pain": 4, "pain_location": "knee"}, by=athlete.user)
    WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pain",
        severity="medium",
        week=checkin.week,
        summary="Pain 4/10 reported.",
        evidence={"pain": 4},
    )
    symptom_report_submit(athlete=athlete, data={"pain": 3, "pain_location": "hip"}, by=coach)
    services.decision_compute(athlete=athlete, for_week=next_monday(athlete))
    activities_import(
        athlete=athlete,
        source=UploadedFiles(
            [SimpleUploadedFile("run.fit", fit_activity(timezone.now(), RUN_WALK_8))]
        ),
        by=athlete.user,
    )
    message_post(athlete=athlete, by=coach, body="How is the knee?", checkin=checkin)
    return athlete


def results(response) -> list:
    assert response.status_code == 200
    return sorted(response.json()["results"], key=lambda row: row["id"])


def test_the_coachs_export_is_everything_about_her_as_the_api_shows_it(
    coach_client, coach_api, history
):
    athlete = history
    response = coach_client.get(export_url(athlete))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="athlete-{athlete.pk}.json"'
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert set(body) == SECTIONS

    api = f"/api/v1/athletes/{athlete.pk}/"
    profile = dict(body["athlete"])
    assert profile.pop("created_at") == athlete.created_at.isoformat().replace("+00:00", "Z")
    assert profile == coach_api.get(api).json()
    assert profile["prior_weekly_km"] == 42.5  # a number, as in the API
    assert body["clearances"] == results(coach_api.get(f"{api}clearances/"))
    assert body["clearances"][0]["document"].startswith("http://testserver/documents/")
    assert body["assessments"] == results(coach_api.get(f"{api}assessments/"))
    (checkin,) = body["checkins"]
    revisions = checkin.pop("revisions")
    assert checkin == coach_api.get(f"/api/v1/checkins/{checkin['id']}/").json()
    (revision,) = CheckInRevision.objects.all()
    assert revisions == [
        {
            "id": revision.pk,
            "values": revision.values,
            "changed_fields": ["pain", "pain_location"],
            "revised_by": athlete.user_id,
            "revised_at": revision.revised_at.isoformat().replace("+00:00", "Z"),
        }
    ]
    assert revision.values["pain"] == 0
    (plan_week,) = body["plan_weeks"]
    assert plan_week == coach_api.get(f"{api}plan/").json()["week"]
    assert body["decisions"] == results(coach_api.get(f"{api}decisions/"))
    assert body["flags"] == results(coach_api.get("/api/v1/flags/", {"athlete": athlete.pk}))
    assert body["symptom_reports"] == results(coach_api.get(f"{api}symptom-reports/"))
    assert body["activities"] == results(coach_api.get(f"{api}activities/"))
    sizes = SECTIONS - {"exported_at", "athlete", "access_log"}
    assert {name: len(body[name]) for name in sizes} == {
        "clearances": 1,
        "assessments": 1,
        "checkins": 1,
        "symptom_reports": 1,
        "plan_weeks": 1,
        "decisions": 1,
        "flags": 2,
        "activities": 1,
        "messages": 1,
    }
    (message,) = body["messages"]
    assert (message["body"], message["side"], message["checkin"]) == (
        "How is the knee?",
        "coach",
        checkin["id"],
    )


def test_her_own_export_holds_the_same_as_her_coachs(athlete_client, coach_client, history):
    mine = athlete_client.get(reverse("plans:my_export"))
    coachs = coach_client.get(export_url(history))

    assert mine.status_code == 200
    assert mine["Content-Disposition"] == 'attachment; filename="my-stridewise-data.json"'
    mine, coachs = mine.json(), coachs.json()
    del mine["exported_at"], coachs["exported_at"]
    # Her access log differs by the export that was just made: hers is in the coach's.
    assert mine.pop("access_log") == coachs.pop("access_log")[:-1]
    assert mine == coachs


def test_another_coach_cannot_export_her(other_coach_client, athlete):
    assert other_coach_client.get(export_url(athlete)).status_code == 404


def test_she_cannot_use_the_coachs_export(athlete_client, athlete):
    assert athlete_client.get(export_url(athlete)).status_code == 403


def test_a_signed_out_visitor_is_sent_to_log_in(client, athlete):
    response = client.get(export_url(athlete))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def add_weeks(athlete, coach, first: int, last: int) -> None:
    """Weeks ``first``..``last`` before this one: a check-in (every tenth edited), a flag,
    an approved decision and a plan week with its sessions each."""
    this_monday = monday_of(athlete.today())
    weeks = [this_monday - timedelta(weeks=n) for n in range(first, last + 1)]
    checkins = WeeklyCheckIn.objects.bulk_create(
        WeeklyCheckIn(athlete=athlete, week=week, submitted_by=athlete.user, **ORDINARY_WEEK)
        for week in weeks
    )
    CheckInRevision.objects.bulk_create(
        CheckInRevision(checkin=c, values={"pain": 1}, changed_fields=["pain"]) for c in checkins
    )
    WarningFlag.objects.bulk_create(
        WarningFlag(athlete=athlete, rule="pain", severity="low", week=week, summary="Pain.")
        for week in weeks
    )
    Decision.objects.bulk_create(
        Decision(
            athlete=athlete,
            week=week,
            action="hold",
            from_stage="walk",
            from_level=1,
            to_stage="walk",
            to_level=1,
            summary="Hold.",
            protocol_version=protocol.PROTOCOL_VERSION,
            status="approved",
            decided_by=coach,
            computed_at=athlete.created_at,
        )
        for week in weeks
    )
    plan_weeks = PlanWeek.objects.bulk_create(
        PlanWeek(plan=athlete.plan, week=week, stage="walk", level=1) for week in weeks
    )
    PlannedSession.objects.bulk_create(
        session
        for plan_week in plan_weeks
        for session in publication.session_rows(
            plan_week, protocol.sessions_for("walk", 1, clearance_scope=None)
        )
    )


def export_queries(client, athlete) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(export_url(athlete))
    assert response.status_code == 200
    return len(queries)


def test_the_export_does_the_same_queries_for_2_and_52_weeks(coach_client, coach, athlete):
    athlete.delivery_date = athlete.today() - timedelta(weeks=60)
    athlete.save()
    add_weeks(athlete, coach, 1, 2)
    coach_client.get(export_url(athlete))  # warm: sessions, content types
    at_2 = export_queries(coach_client, athlete)

    add_weeks(athlete, coach, 3, 52)
    at_52 = export_queries(coach_client, athlete)

    assert at_2 == at_52
    # Her session and login, her profile, then one query per kind of record (check-in
    # revisions, planned sessions and report flags prefetched), her access log (one query,
    # its actors joined) and the access row this export adds: no query per week.
    assert at_52 <= 18
    body = coach_client.get(export_url(athlete)).json()
    assert [len(body[name]) for name in ("checkins", "flags", "decisions", "plan_weeks")] == [
        52,
        52,
        52,
        53,
    ]
    assert all(len(c["revisions"]) == 1 for c in body["checkins"])
