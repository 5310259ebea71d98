"""``GET, POST /api/v1/athletes/{id}/messages/`` (SPEC §9, §12)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations import services
from conversations.models import Message
from tests.conversations.conftest import message_rows


def url(athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/messages/"


def expected(message: Message, *, reference=None) -> dict:
    message.refresh_from_db()
    return {
        "id": message.pk,
        "body": message.body,
        "checkin": message.checkin_id,
        "decision": message.decision_id,
        "flag": message.flag_id,
        "plan_week": message.plan_week_id,
        "reference": reference,
        "author": message.author.get_full_name() if message.author else None,
        "side": "coach" if message.from_coach else "athlete",
        "sent_at": message.sent_at.isoformat().replace("+00:00", "Z"),
        "read_at": message.read_at.isoformat().replace("+00:00", "Z") if message.read_at else None,
    }


def test_her_coach_lists_the_thread_oldest_first(coach_api, athlete, coach, athlete_user, checkin):
    first = services.message_post(athlete=athlete, by=coach, body="Tired?", checkin=checkin)
    second = services.message_post(athlete=athlete, by=athlete_user, body="A bit.")

    response = coach_api.get(url(athlete))

    assert response.status_code == 200
    week = checkin.week.strftime("%-d %b")
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            expected(
                first,
                reference={
                    "type": "checkin",
                    "id": checkin.pk,
                    "text": f"Her check-in for the week of {week}: energy 2/5, sleep 6.5 h, "
                    "mood 4/5, pain 0/10",
                },
            ),
            expected(second),
        ],
    }


def test_she_posts_about_her_plan_week(athlete_api, athlete, athlete_user, plan_week):
    response = athlete_api.post(
        url(athlete), {"body": "Can I swap Tuesday?", "plan_week": plan_week.pk}, format="json"
    )

    assert response.status_code == 201
    message = Message.objects.get()
    assert (message.author, message.from_coach, message.plan_week) == (
        athlete_user,
        False,
        plan_week,
    )
    body = response.json()
    assert body == expected(message, reference=body["reference"])
    assert body["reference"]["type"] == "plan_week"
    assert body["reference"]["text"].startswith("Your week of ")


def test_the_reference_may_be_sent_as_type_and_id(coach_api, athlete, flag):
    response = coach_api.post(
        url(athlete),
        {"body": "About this flag", "reference": {"type": "flag", "id": flag.pk}},
        format="json",
    )

    assert response.status_code == 201
    assert Message.objects.get().flag == flag
    assert response.json()["reference"]["type"] == "flag"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"body": ""}, {"body": ["Write a message."]}),
        ({}, {"body": ["This field is required."]}),
        (
            {"body": "x" * 4001},
            {"body": ["A message holds at most 4,000 characters (this one has 4,001)."]},
        ),
        ({"body": "Hi", "checkin": "abc"}, {"checkin": ["A valid integer is required."]}),
        (
            {"body": "Hi", "flag": 2**64},
            {"flag": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        (
            {"body": "Hi", "reference": {"type": "checkin", "id": 0}},
            {"reference": {"id": ["Ensure this value is greater than or equal to 1."]}},
        ),
        ({"body": "Hi\x00"}, {"body": ["Null characters are not allowed."]}),
        (
            {"body": "Hi", "reference": {"type": "shoe", "id": 1}},
            {"reference": {"type": ['"shoe" is not a valid choice.']}},
        ),
    ],
)
def test_bad_input_answers_400_and_writes_nothing(coach_api, athlete, body, errors):
    response = coach_api.post(url(athlete), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert message_rows() == []


@pytest.mark.parametrize("kind", ["checkin", "decision", "flag", "plan_week"])
def test_a_record_of_another_athlete_answers_400_and_writes_nothing(
    coach_api, athlete, theirs, kind
):
    response = coach_api.post(url(athlete), {"body": "Hi", kind: theirs[kind].pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {kind: ["Not one of her records."]}
    assert message_rows() == []


def test_two_records_at_once_answer_400(coach_api, athlete, checkin, plan_week):
    response = coach_api.post(
        url(athlete),
        {"body": "Hi", "checkin": checkin.pk, "plan_week": plan_week.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"plan_week": ["A message can be about one record only."]}
    assert message_rows() == []


def test_she_cannot_point_at_her_coachs_flag(athlete_api, athlete, flag):
    response = athlete_api.post(url(athlete), {"body": "Hi", "flag": flag.pk}, format="json")

    assert response.status_code == 400
    assert message_rows() == []


@pytest.mark.parametrize("who", ["other_coach_api", "other_athlete_api"])
def test_anyone_else_gets_404_and_writes_nothing(request, athlete, coach, who):
    services.message_post(athlete=athlete, by=coach, body="Private")
    before = message_rows()
    client = request.getfixturevalue(who)

    read = client.get(url(athlete))
    write = client.post(url(athlete), {"body": "Hi"}, format="json")

    assert (read.status_code, write.status_code) == (404, 404)
    assert message_rows() == before


def test_staff_read_and_get_403_on_writing(staff_api, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="Hello")
    before = message_rows()

    read = staff_api.get(url(athlete))
    write = staff_api.post(url(athlete), {"body": "Staff here"}, format="json")

    assert read.status_code == 200
    assert read.json()["count"] == 1
    assert write.status_code == 403
    assert message_rows() == before


def test_signed_out_gets_401_or_403(api_client_anonymous, athlete):
    response = api_client_anonymous.get(url(athlete))

    assert response.status_code == 401


@pytest.fixture
def api_client_anonymous():
    from rest_framework.test import APIClient

    return APIClient()


def test_reading_does_not_mark_read(athlete_api, athlete, coach):
    services.message_post(athlete=athlete, by=coach, body="Unread")

    athlete_api.get(url(athlete))

    assert Message.objects.get().read_at is None


def test_the_list_costs_the_same_with_5_or_50_messages(
    coach_api, athlete, coach, checkin, plan_week, flag
):
    def add(n: int) -> None:
        refs = [{"checkin": checkin}, {"plan_week": plan_week}, {"flag": flag}, {}]
        for i in range(n):
            Message.objects.create(
                athlete=athlete, author=coach, from_coach=True, body=f"M{i}", **refs[i % 4]
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coach_api.get(url(athlete)).status_code == 200
        return len(queries)

    add(5)
    few = count()
    add(45)

    assert count() == few


def test_approving_through_the_api_with_a_note_sends_her_the_note(coach_api, athlete, decision):
    response = coach_api.post(
        f"/api/v1/decisions/{decision.pk}/approve/", {"note": "On you go!"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["note"] == "On you go!"
    message = Message.objects.get()
    assert (message.body, message.decision_id, message.from_coach) == (
        "On you go!",
        decision.pk,
        True,
    )
    listed = coach_api.get(url(athlete)).json()["results"]
    assert [m["reference"]["type"] for m in listed] == ["decision"]


def test_an_approval_note_too_long_answers_400_and_nothing_is_written(coach_api, decision):
    response = coach_api.post(
        f"/api/v1/decisions/{decision.pk}/approve/", {"note": "x" * 2001}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["note"]
    assert message_rows() == []
    decision.refresh_from_db()
    assert decision.status == "pending"
