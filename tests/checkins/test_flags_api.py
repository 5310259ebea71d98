"""``/api/v1/flags/``: the coach's warning flags over the API — list with filters, order and
pages; acknowledge and resolve; who may see and do what (SPEC §9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from athletes.models import Athlete
from checkins.models import FlagStatus, WarningFlag
from tests.checkins.factories import CheckInFactory
from tests.factories import AthleteFactory
from web.weeks import monday_of

LIST = "/api/v1/flags/"
# A Wednesday; her week starts on Monday 2 June 2025.
NOW = datetime(2025, 6, 4, 9, 30, tzinfo=UTC)


def url(flag: WarningFlag, action: str = "") -> str:
    return f"{LIST}{flag.pk}/" + (f"{action}/" if action else "")


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Stop the clock, so timestamps in the bodies can be written out."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    return AthleteFactory(
        coach=coach,
        user=athlete_user,
        first_name="Anna",
        last_name="Lind",
        email="anna@example.org",
    )


@pytest.fixture
def others_athlete(other_coach) -> Athlete:
    return AthleteFactory(coach=other_coach, first_name="Bea", last_name="Hart")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def coach_api(coach) -> APIClient:
    return api(coach)


def raise_flag(
    athlete: Athlete,
    *,
    rule: str = "pain",
    severity: str = "medium",
    weeks_ago: int = 0,
    age: timedelta = timedelta(0),
    **fields,
) -> WarningFlag:
    week = monday_of(athlete.today()) - timedelta(weeks=weeks_ago)
    checkin = athlete.checkins.filter(week=week).first() or CheckInFactory(
        athlete=athlete, week=week, pain=4
    )
    values = {"summary": "Pain 4/10 reported.", "evidence": {"pain": 4}, **fields}
    flag = WarningFlag.objects.create(
        athlete=athlete, checkin=checkin, rule=rule, severity=severity, week=week, **values
    )
    if age:
        WarningFlag.objects.filter(pk=flag.pk).update(created_at=NOW - age)
        flag.refresh_from_db()
    return flag


def state(flag: WarningFlag) -> dict:
    """Everything a request could have changed, read back from the database."""
    return WarningFlag.objects.filter(pk=flag.pk).values().get()


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# --- The list --------------------------------------------------------------------------------


def test_the_list_returns_a_flag_whole(coach_api, athlete):
    checkin = CheckInFactory(athlete=athlete, leakage=True)
    flag = WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="pelvic_floor",
        severity="high",
        week=checkin.week,
        summary="Pelvic floor symptoms reported: leakage. Stop running; refer to a pelvic health "
        "physio.",
        evidence={"leakage": True},
    )

    response = coach_api.get(LIST)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": flag.pk,
                "athlete": athlete.pk,
                "rule": "pelvic_floor",
                "severity": "high",
                "week": "2025-06-02",
                "summary": "Pelvic floor symptoms reported: leakage. Stop running; refer to a "
                "pelvic health physio.",
                "evidence": {"leakage": True},
                "status": "open",
                "checkin": checkin.pk,
                "acknowledged_by": None,
                "acknowledged_at": None,
                "resolved_by": None,
                "resolved_at": None,
                "resolution_note": "",
                "notified_at": None,
                "created_at": "2025-06-04T09:30:00Z",
            }
        ],
    }
    assert coach_api.get(url(flag)).json() == response.json()["results"][0]


def test_the_list_is_ordered_by_severity_then_oldest_first(coach_api, athlete):
    low = raise_flag(athlete, rule="long_session_spike", severity="low", age=timedelta(days=9))
    high_new = raise_flag(athlete, rule="pelvic_floor", severity="high", age=timedelta(hours=1))
    medium = raise_flag(athlete, rule="pain", severity="medium", age=timedelta(days=3))
    high_old = raise_flag(athlete, rule="bleeding", severity="high", age=timedelta(days=2))
    resolved = raise_flag(
        athlete,
        rule="short_sleep",
        severity="medium",
        age=timedelta(days=1),
        status=FlagStatus.RESOLVED,
        resolution_note="Sleeping better.",
    )

    response = coach_api.get(LIST)

    assert ids(response) == [high_old.pk, high_new.pk, medium.pk, resolved.pk, low.pk]


def test_the_list_is_paginated(coach_api, athlete):
    flags = [raise_flag(athlete, weeks_ago=i, age=timedelta(days=10 - i)) for i in range(5)]

    first = coach_api.get(LIST, {"page_size": 2})
    last = coach_api.get(LIST, {"page_size": 2, "page": 3})

    assert first.json()["count"] == 5
    assert first.json()["next"] == "http://testserver/api/v1/flags/?page=2&page_size=2"
    assert first.json()["previous"] is None
    assert ids(first) == [flags[0].pk, flags[1].pk]
    assert last.json()["next"] is None
    assert ids(last) == [flags[4].pk]


def test_the_list_holds_only_the_coachs_own_athletes_flags(coach_api, athlete, others_athlete):
    mine = raise_flag(athlete)
    raise_flag(others_athlete)

    assert ids(coach_api.get(LIST)) == [mine.pk]


def test_staff_see_every_coachs_flags(staff, athlete, others_athlete):
    mine = raise_flag(athlete, age=timedelta(days=2))
    theirs = raise_flag(others_athlete, age=timedelta(days=1))

    assert ids(api(staff).get(LIST)) == [mine.pk, theirs.pk]


@pytest.fixture
def assorted(athlete, coach):
    """Flags of two of her athletes, of every status and severity."""
    second = AthleteFactory(coach=coach)
    return {
        "open_high": raise_flag(athlete, rule="pelvic_floor", severity="high", age=timedelta(4)),
        "ack_medium": raise_flag(
            athlete, rule="pain", severity="medium", status="acknowledged", age=timedelta(3)
        ),
        "resolved_high": raise_flag(
            second,
            rule="low_mood",
            severity="high",
            status="resolved",
            resolution_note="Seeing her GP.",
            age=timedelta(2),
        ),
        "open_low": raise_flag(second, rule="missed_checkins", severity="low", age=timedelta(1)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "open"}, ["open_high", "open_low"]),
        ({"status": "acknowledged"}, ["ack_medium"]),
        ({"status": "resolved"}, ["resolved_high"]),
        ({"severity": "high"}, ["open_high", "resolved_high"]),
        ({"severity": "low"}, ["open_low"]),
        ({"rule": "pain"}, ["ack_medium"]),
        ({"rule": "bleeding"}, []),
        ({"severity": "high", "status": "open"}, ["open_high"]),
    ],
)
def test_the_list_filters_by_status_severity_and_rule(coach_api, assorted, query, expected):
    response = coach_api.get(LIST, query)

    assert response.status_code == 200
    assert ids(response) == [assorted[name].pk for name in expected]
    assert response.json()["count"] == len(expected)


def test_the_list_filters_by_athlete(coach_api, athlete, assorted, others_athlete):
    raise_flag(others_athlete)

    mine = coach_api.get(LIST, {"athlete": athlete.pk})
    theirs = coach_api.get(LIST, {"athlete": others_athlete.pk})

    assert ids(mine) == [assorted["open_high"].pk, assorted["ack_medium"].pk]
    assert theirs.status_code == 200
    assert theirs.json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"status": "closed"}, {"status": ["Choose one of: open, acknowledged, resolved."]}),
        ({"severity": "urgent"}, {"severity": ["Choose one of: high, medium, low."]}),
        (
            {"rule": "sleep"},
            {
                "rule": [
                    "Choose one of: pelvic_floor, bleeding, pain, fatigue_streak, short_sleep, "
                    "low_mood, load_spike, long_session_spike, missed_checkins, "
                    "running_without_clearance."
                ]
            },
        ),
        ({"athlete": "anna"}, {"athlete": ["An athlete id (a whole number)."]}),
        # "²" passes str.isdigit() but int() cannot read it: it used to answer 500. Ids are
        # ASCII digits only ("٣", an Arabic-Indic three, no more passes for 3).
        ({"athlete": "²"}, {"athlete": ["An athlete id (a whole number)."]}),
        ({"athlete": "٣"}, {"athlete": ["An athlete id (a whole number)."]}),
        ({"athlete": "-152"}, {"athlete": ["An athlete id (a whole number)."]}),
        ({"status": "High"}, {"status": ["Choose one of: open, acknowledged, resolved."]}),
    ],
)
def test_an_unknown_filter_value_answers_400_naming_the_filter(coach_api, athlete, query, errors):
    raise_flag(athlete)

    response = coach_api.get(LIST, query)

    assert response.status_code == 400
    assert response.json() == errors


def test_the_list_makes_the_same_number_of_queries_for_3_and_30_flags(coach, other_coach):
    for owner, n in ((coach, 3), (other_coach, 30)):
        for i in range(n):
            raise_flag(
                AthleteFactory(coach=owner),
                severity=("high", "medium", "low")[i % 3],
                status="acknowledged" if i % 2 else "open",
                acknowledged_by=owner if i % 2 else None,
            )

    counts = []
    for owner, n in ((coach, 3), (other_coach, 30)):
        client = api(owner)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST)
        assert response.json()["count"] == n
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


# --- Acknowledge -----------------------------------------------------------------------------


def test_acknowledge_records_who_and_when_and_returns_the_flag(coach_api, coach, athlete):
    flag = raise_flag(athlete)

    response = coach_api.post(url(flag, "acknowledge"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by"] == coach.pk
    assert body["acknowledged_at"] == "2025-06-04T09:30:00Z"
    assert body["resolved_at"] is None
    row = state(flag)
    assert row["status"] == "acknowledged"
    assert row["acknowledged_by_id"] == coach.pk
    assert row["acknowledged_at"] == NOW
    assert body == coach_api.get(url(flag)).json()


def test_acknowledging_twice_changes_nothing_the_second_time(coach_api, staff, athlete):
    flag = raise_flag(athlete)
    coach_api.post(url(flag, "acknowledge"))
    before = state(flag)

    response = api(staff).post(url(flag, "acknowledge"))

    assert response.status_code == 200
    assert state(flag) == before


def test_acknowledging_a_resolved_flag_answers_400(coach_api, athlete):
    flag = raise_flag(athlete, status="resolved", resolution_note="Done.")
    before = state(flag)

    response = coach_api.post(url(flag, "acknowledge"))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This flag is already resolved."]}
    assert state(flag) == before


# --- Resolve ---------------------------------------------------------------------------------


def test_resolve_with_a_note_closes_the_flag_and_returns_it(coach_api, coach, athlete):
    flag = raise_flag(athlete)

    response = coach_api.post(
        url(flag, "resolve"), {"note": "Pain gone after a rest week."}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": flag.pk,
        "athlete": athlete.pk,
        "rule": "pain",
        "severity": "medium",
        "week": "2025-06-02",
        "summary": "Pain 4/10 reported.",
        "evidence": {"pain": 4},
        "status": "resolved",
        "checkin": flag.checkin_id,
        "acknowledged_by": coach.pk,
        "acknowledged_at": "2025-06-04T09:30:00Z",
        "resolved_by": coach.pk,
        "resolved_at": "2025-06-04T09:30:00Z",
        "resolution_note": "Pain gone after a rest week.",
        "notified_at": None,
        "created_at": "2025-06-04T09:30:00Z",
    }
    row = state(flag)
    assert (row["status"], row["resolution_note"], row["resolved_by_id"]) == (
        "resolved",
        "Pain gone after a rest week.",
        coach.pk,
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"note": ["This field is required."]}),
        ({"note": ""}, {"note": ["This field may not be blank."]}),
        ({"note": "   "}, {"note": ["This field may not be blank."]}),
        ({"note": "x" * 2001}, {"note": ["Ensure this field has no more than 2000 characters."]}),
    ],
    ids=["missing", "empty", "blank", "too-long"],
)
def test_resolve_without_a_usable_note_answers_400_and_writes_nothing(
    coach_api, athlete, body, errors
):
    flag = raise_flag(athlete)
    before = state(flag)

    response = coach_api.post(url(flag, "resolve"), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert state(flag) == before


def test_resolving_a_resolved_flag_answers_400_and_keeps_the_first_note(coach_api, athlete):
    flag = raise_flag(athlete, status="resolved", resolution_note="First note.")
    before = state(flag)

    response = coach_api.post(url(flag, "resolve"), {"note": "Second note."}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This flag is already resolved."]}
    assert state(flag) == before


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", "", None),
        ("post", "acknowledge", None),
        ("post", "resolve", {"note": "Not my athlete."}),
    ],
)
def test_another_coachs_flag_answers_404_and_nothing_is_written(
    coach_api, others_athlete, method, action, body
):
    flag = raise_flag(others_athlete)
    before = state(flag)

    response = getattr(coach_api, method)(url(flag, action), body, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No WarningFlag matches the given query."}
    assert state(flag) == before


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", None, None),
        ("get", "", None),
        ("post", "acknowledge", None),
        ("post", "resolve", {"note": "I feel fine."}),
    ],
    ids=["list", "detail", "acknowledge", "resolve"],
)
def test_an_athlete_gets_403_and_nothing_is_written(athlete, athlete_user, method, action, body):
    flag = raise_flag(athlete)
    before = state(flag)
    target = LIST if action is None else url(flag, action)

    response = getattr(api(athlete_user), method)(target, body, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only coaches can see this."}
    assert state(flag) == before


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", None, None),
        ("get", "", None),
        ("post", "acknowledge", None),
        ("post", "resolve", {"note": "Anonymous note."}),
    ],
    ids=["list", "detail", "acknowledge", "resolve"],
)
def test_an_anonymous_request_gets_401_and_nothing_is_written(athlete, method, action, body):
    flag = raise_flag(athlete)
    before = state(flag)
    target = LIST if action is None else url(flag, action)

    response = getattr(api(), method)(target, body, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert state(flag) == before


def test_flags_cannot_be_created_changed_or_deleted_over_the_api(coach_api, athlete):
    flag = raise_flag(athlete)
    before = state(flag)

    created = coach_api.post(LIST, {"athlete": athlete.pk, "rule": "pain"}, format="json")
    patched = coach_api.patch(url(flag), {"status": "resolved"}, format="json")
    deleted = coach_api.delete(url(flag))

    assert (created.status_code, patched.status_code, deleted.status_code) == (405, 405, 405)
    assert state(flag) == before
    assert WarningFlag.objects.count() == 1
