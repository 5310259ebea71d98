"""``GET, POST /api/v1/athletes/{id}/symptom-reports/`` (SPEC §9, §11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from checkins.models import SymptomReport, WarningFlag
from checkins.services import EMPTY_REPORT, REPORT_FIELDS
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

STOP_MESSAGE = (
    "Please stop running for now: you reported leaking. Contact a pelvic health "
    "physiotherapist or your GP and tell them what you noticed. Your plan is paused from today: "
    "gentle walking and pelvic floor work only, until your coach has talked with you. "
    "Soaking a pad within an hour, large clots, feeling faint or severe pain: call 999 now."
)


def api_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def url(athlete) -> str:
    return reverse("api:athlete-symptom-reports", args=[athlete.pk])


def flag_body(flag: WarningFlag) -> dict:
    return {"id": flag.pk, "rule": flag.rule, "severity": flag.severity, "summary": flag.summary}


def body_of(report: SymptomReport, *, flags: list[WarningFlag] | None = None) -> dict:
    """The whole JSON body of one report, as the contract gives it. ``flags`` are those the
    reader may see, most severe first."""
    report.refresh_from_db()
    return {
        "id": report.pk,
        "athlete": report.athlete_id,
        "reported_at": api_time(report.reported_at),
        "week": report.week.isoformat(),
        **{name: getattr(report, name) for name in REPORT_FIELDS},
        "submitted_by": report.submitted_by_id,
        "flags": [flag_body(f) for f in flags or []],
    }


def stored(athlete, *, hours_ago: int = 0, by=None, **values) -> SymptomReport:
    """A report written straight to the database (no flags raised)."""
    at = timezone.now() - timedelta(hours=hours_ago)
    return SymptomReport.objects.create(
        athlete=athlete,
        reported_at=at,
        week=monday_of(at.astimezone(athlete.tz).date()),
        submitted_by=by or athlete.user,
        **values,
    )


def nothing_written() -> bool:
    return SymptomReport.objects.count() == 0 and WarningFlag.objects.count() == 0


# --- Reading -------------------------------------------------------------------------------------


def test_the_list_is_paginated_and_newest_first(athlete_api, athlete, other_athlete):
    older = stored(athlete, hours_ago=30, leakage=True)
    newer = stored(athlete, hours_ago=2, pain=4, pain_location="hip", notes="After a walk")
    stored(other_athlete, hours_ago=1, urgency=True)

    response = athlete_api.get(url(athlete))

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [body_of(newer), body_of(older)],
    }


def test_the_list_pages_through_with_next_and_previous(athlete_api, athlete):
    reports = [stored(athlete, hours_ago=h, heaviness=True) for h in (3, 2, 1)]

    first = athlete_api.get(url(athlete), {"page_size": 2}).json()
    second = athlete_api.get(first["next"]).json()

    assert first["count"] == second["count"] == 3
    assert [r["id"] for r in first["results"]] == [reports[2].pk, reports[1].pk]
    assert [r["id"] for r in second["results"]] == [reports[0].pk]
    assert (first["previous"], second["next"]) == (None, None)


def test_she_her_coach_and_staff_see_the_flags_each_report_raised(
    coach_api, athlete_api, staff_api, athlete_user, athlete
):
    posted = athlete_api.post(url(athlete), {"urgency": True, "pain": 4}, format="json")
    report = SymptomReport.objects.get(pk=posted.json()["id"])
    pelvic_floor = WarningFlag.objects.get(rule="pelvic_floor")
    pain = WarningFlag.objects.get(rule="pain")

    as_coach = coach_api.get(url(athlete))
    as_staff = staff_api.get(url(athlete))
    as_her = athlete_api.get(url(athlete))

    # Most severe first; what she reported, and what it raised, is hers to see too (SPEC §9).
    assert as_coach.json()["results"] == [body_of(report, flags=[pelvic_floor, pain])]
    assert as_staff.json()["results"] == [body_of(report, flags=[pelvic_floor, pain])]
    assert as_her.json()["results"] == [body_of(report, flags=[pelvic_floor, pain])]
    assert (pelvic_floor.severity, pain.severity) == ("high", "medium")


# --- Posting --------------------------------------------------------------------------------------


def test_a_red_flag_answers_201_with_the_report_its_flag_and_the_advice_at_once(
    coach_api, coach, athlete, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_api.post(
            url(athlete), {"leakage": True, "notes": "Told me at the club."}, format="json"
        )

    assert response.status_code == 201
    report = SymptomReport.objects.get()
    flag = WarningFlag.objects.get()
    assert response.json() == {
        **body_of(report, flags=[flag]),
        "advice": {
            "stop_running": True,
            "red_flags": ["leaking"],
            "early_bleeding": False,
            "message": STOP_MESSAGE,
        },
    }
    assert (report.submitted_by, report.leakage, report.notes) == (
        coach,
        True,
        "Told me at the club.",
    )
    assert (flag.rule, flag.severity, flag.symptom_report) == ("pelvic_floor", "high", report)
    assert len(mail.outbox) == 1


def test_she_gets_her_advice_and_the_flag_it_raised(athlete_api, athlete):
    athlete.delivery_date = athlete.today() - timedelta(weeks=4)
    athlete.save()

    response = athlete_api.post(url(athlete), {"bleeding": True}, format="json")

    assert response.status_code == 201
    body = response.json()
    advice = body.pop("advice")
    assert body == body_of(SymptomReport.objects.get(), flags=[WarningFlag.objects.get()])
    assert advice["stop_running"] is False
    assert advice["red_flags"] == []
    assert advice["early_bleeding"] is True
    assert "call your midwife or GP today" in advice["message"]
    assert WarningFlag.objects.get().severity == "medium"


def test_read_only_fields_in_the_body_are_ignored(athlete_api, athlete, other_athlete):
    response = athlete_api.post(
        url(athlete),
        {
            "pain": 3,
            "id": 999,
            "athlete": other_athlete.pk,
            "reported_at": "2020-01-01T00:00:00Z",
            "week": "2020-01-06",
            "submitted_by": 1,
            "flags": [{"rule": "low_mood"}],
        },
        format="json",
    )

    assert response.status_code == 201
    report = SymptomReport.objects.get()
    assert (report.athlete, report.submitted_by, report.week) == (
        athlete,
        athlete.user,
        monday_of(athlete.today()),
    )
    assert report.pk != 999
    assert timezone.now() - report.reported_at < timedelta(minutes=1)
    assert list(WarningFlag.objects.values_list("rule", flat=True)) == ["pain"]


# --- Refused: 400, 401, 404 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"pain": 2, "pain_location": "knee"}, id="pain-2"),
        pytest.param(dict.fromkeys(REPORT_FIELDS[:6], False), id="all-no"),
    ],
)
def test_an_empty_report_answers_400_and_nothing_is_written(athlete_api, athlete, body, reported):
    response = athlete_api.post(url(athlete), body, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [EMPTY_REPORT]}
    assert nothing_written()
    assert reported == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"pain": 11}, "pain", id="pain-11"),
        pytest.param({"pain": "a lot"}, "pain", id="pain-words"),
        pytest.param({"pain": None}, "pain", id="pain-null"),
        pytest.param({"leakage": "perhaps"}, "leakage", id="leakage-perhaps"),
        pytest.param({"leakage": True, "notes": "x" * 2001}, "notes", id="notes-long"),
        pytest.param({"leakage": True, "pain_location": "x" * 201}, "pain_location", id="where"),
        pytest.param({"leakage": True, "notes": "a\x00b"}, "notes", id="nul"),
    ],
)
def test_bad_input_answers_400_on_its_field_and_nothing_is_written(
    athlete_api, athlete, body, field
):
    response = athlete_api.post(url(athlete), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert nothing_written()


@pytest.mark.parametrize("body", [[], "leakage", 7, [{"leakage": True}]])
def test_a_body_that_is_not_an_object_answers_400(athlete_api, athlete, body):
    response = athlete_api.post(url(athlete), body, format="json")

    assert response.status_code == 400
    assert nothing_written()


def test_a_malformed_json_body_answers_400(athlete_api, athlete):
    response = athlete_api.post(url(athlete), "{not json", content_type="application/json")

    assert response.status_code == 400
    assert nothing_written()


@pytest.mark.parametrize("who", ["other_coach_api", "other_athlete_api"])
@pytest.mark.parametrize("body", [{"leakage": True}, {}, {"pain": "x"}])
def test_anyone_elses_athlete_answers_404_whatever_the_body(request, who, athlete, body):
    api = request.getfixturevalue(who)
    mine = stored(athlete, hours_ago=1, leakage=True)

    responses = [api.get(url(athlete)), api.post(url(athlete), body, format="json")]

    assert [r.status_code for r in responses] == [404, 404]
    assert all(set(r.json()) == {"detail"} for r in responses)
    assert list(SymptomReport.objects.all()) == [mine]
    assert WarningFlag.objects.count() == 0


def test_an_unknown_athlete_answers_404(coach_api):
    response = coach_api.post("/api/v1/athletes/987654/symptom-reports/", {"pain": 6})

    assert response.status_code == 404
    assert nothing_written()


def test_anonymous_requests_answer_401_and_nothing_is_written(athlete):
    api = APIClient()

    responses = [api.get(url(athlete)), api.post(url(athlete), {"leakage": True}, format="json")]

    assert [r.status_code for r in responses] == [401, 401]
    assert all(r["WWW-Authenticate"] == "Token" for r in responses)
    assert nothing_written()


@pytest.mark.parametrize("who", ["athlete_api", "coach_api", "staff_api"])
def test_she_her_coach_and_staff_may_read_and_report(request, who, athlete):
    api = request.getfixturevalue(who)
    user_id = int(api.session["_auth_user_id"])

    posted = api.post(url(athlete), {"abdominal_doming": True}, format="json")
    listed = api.get(url(athlete))

    assert posted.status_code == 201
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [posted.json()["id"]]
    assert SymptomReport.objects.get().submitted_by_id == user_id


# --- Queries --------------------------------------------------------------------------------------


def queries(api, athlete) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url(athlete))
    assert response.status_code == 200
    return len(captured)


def add_reports(athlete, first: int, last: int) -> None:
    for i in range(first, last + 1):
        report = stored(athlete, hours_ago=i + 1, leakage=True, pain=3 + i % 5)
        WarningFlag.objects.create(
            athlete=athlete,
            symptom_report=report,
            rule="pain",
            severity="medium",
            week=report.week - timedelta(weeks=i),  # one flag per week, as the service keeps
            summary="Pain",
        )


@pytest.mark.parametrize("who", ["coach_api", "athlete_api"])
def test_the_list_costs_the_same_queries_for_2_reports_as_for_40(request, who, athlete):
    api = request.getfixturevalue(who)
    add_reports(athlete, 0, 1)
    api.get(url(athlete))  # warm: sessions, anything cached once per process
    at_2 = queries(api, athlete)
    add_reports(athlete, 2, 39)

    at_40 = queries(api, athlete)

    assert at_2 == at_40
    # Her login, the athlete, the count, the page, its flags (none for her: no query), the
    # access log's row, and the request's savepoints and session save.
    assert at_40 <= 11
