"""The conversation's one write path, ``message_post``, and the coach's decision notes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conversations import services
from conversations.models import BODY_MAX_LENGTH, Message
from plans import services as plan_services
from plans.models import AuditEntry
from tests.conversations.conftest import message_rows


def test_her_coach_writes_to_her(athlete, coach):
    message = services.message_post(athlete=athlete, by=coach, body="  How did it go?  ")

    message.refresh_from_db()
    assert (message.body, message.from_coach, message.author, message.read_at) == (
        "How did it go?",
        True,
        coach,
        None,
    )


def test_she_writes_to_her_coach_about_her_check_in(athlete, athlete_user, checkin):
    message = services.message_post(
        athlete=athlete, by=athlete_user, body="Tired week.", checkin=checkin
    )

    assert (message.from_coach, message.checkin, message.reference_name) == (
        False,
        checkin,
        "checkin",
    )


def test_a_message_of_exactly_the_limit_is_taken(athlete, coach):
    message = services.message_post(athlete=athlete, by=coach, body="x" * BODY_MAX_LENGTH)

    assert len(message.body) == BODY_MAX_LENGTH


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a message."),
        ("   \n  ", "Write a message."),
        ("x" * (BODY_MAX_LENGTH + 1), "at most 4,000 characters (this one has 4,001)"),
        ("Hi\x00there", "can't contain null characters"),
    ],
)
def test_it_refuses_an_empty_or_too_long_message_and_writes_nothing(athlete, coach, body, error):
    with pytest.raises(ValidationError) as caught:
        services.message_post(athlete=athlete, by=coach, body=body)

    assert error in caught.value.message_dict["body"][0]
    assert message_rows() == []


@pytest.mark.parametrize("kind", ["checkin", "decision", "flag", "plan_week"])
def test_it_refuses_a_record_of_another_athlete(athlete, coach, theirs, kind):
    with pytest.raises(ValidationError) as caught:
        services.message_post(athlete=athlete, by=coach, body="About this", **{kind: theirs[kind]})

    assert caught.value.message_dict == {kind: ["Not one of her records."]}
    assert message_rows() == []


@pytest.mark.parametrize("kind", ["checkin", "decision", "flag", "plan_week"])
def test_resolving_a_reference_of_another_athlete_says_the_same(athlete, coach, theirs, kind):
    with pytest.raises(ValidationError) as caught:
        services.reference_resolve(athlete=athlete, by=coach, kind=kind, pk=theirs[kind].pk)

    assert caught.value.message_dict == {kind: ["Not one of her records."]}


@pytest.mark.parametrize("kind", ["decision", "flag"])
def test_she_cannot_point_at_what_is_kept_for_her_coach(
    athlete, athlete_user, decision, flag, kind
):
    record = {"decision": decision, "flag": flag}[kind]

    with pytest.raises(ValidationError):
        services.reference_resolve(athlete=athlete, by=athlete_user, kind=kind, pk=record.pk)


def test_a_message_is_about_one_record_at_most(athlete, coach, checkin, plan_week):
    with pytest.raises(ValidationError) as caught:
        services.message_post(
            athlete=athlete, by=coach, body="Both", checkin=checkin, plan_week=plan_week
        )

    assert caught.value.message_dict == {"plan_week": ["A message can be about one record only."]}
    assert message_rows() == []


def test_staff_only_read(athlete, staff):
    with pytest.raises(ValidationError):
        services.message_post(athlete=athlete, by=staff, body="Hello from staff")

    assert message_rows() == []
    assert services.may_write(staff, athlete) is False


def test_another_coach_may_not_write(athlete, other_coach):
    assert services.may_write(other_coach, athlete) is False
    with pytest.raises(ValidationError):
        services.message_post(athlete=athlete, by=other_coach, body="Hi")
    assert message_rows() == []


def test_replying_marks_what_the_other_side_wrote_as_read(athlete, coach, athlete_user):
    first = services.message_post(athlete=athlete, by=coach, body="One")
    mine = services.message_post(athlete=athlete, by=coach, body="Two")

    services.message_post(athlete=athlete, by=athlete_user, body="Reply")

    first.refresh_from_db()
    mine.refresh_from_db()
    assert first.read_at is not None
    assert mine.read_at is not None
    assert Message.objects.get(body="Reply").read_at is None


def test_marking_read_touches_only_the_other_sides_messages(athlete, coach, athlete_user):
    services.message_post(athlete=athlete, by=coach, body="From the coach")
    services.message_post(athlete=athlete, by=athlete_user, body="From her")
    Message.objects.update(read_at=None)

    assert services.thread_mark_read(athlete=athlete, by=athlete_user) == 1

    read = dict(Message.objects.values_list("body", "read_at"))
    assert read["From the coach"] is not None
    assert read["From her"] is None


def test_staff_reading_marks_nothing(athlete, athlete_user, staff):
    services.message_post(athlete=athlete, by=athlete_user, body="For my coach")

    assert services.thread_mark_read(athlete=athlete, by=staff) == 0
    assert Message.objects.get().read_at is None


# --- The coach's decisions, in her thread ----------------------------------------------------


def test_an_approval_tells_her_what_comes_next(athlete, coach, decision):
    plan_services.decision_approve(decision=decision, by=coach)

    message = Message.objects.get()
    decision.refresh_from_db()
    assert (message.decision, message.from_coach, message.author) == (decision, True, coach)
    assert message.body.startswith(
        "You're moving on a step: Walk and rebuild, level 2 from Monday "
    )


def test_an_approval_with_a_note_sends_her_the_note(athlete, coach, decision):
    plan_services.decision_approve(decision=decision, by=coach, note="Great consistency!")

    decision.refresh_from_db()
    assert decision.note == "Great consistency!"
    assert Message.objects.get().body == "Great consistency!"
    audit = AuditEntry.objects.get(decision=decision, kind=AuditEntry.Kind.APPROVED)
    assert audit.details["note"] == "Great consistency!"


def test_an_override_sends_her_the_coachs_note(athlete, coach, decision):
    plan_services.decision_override(
        decision=decision,
        by=coach,
        action="hold",
        to_stage="walk",
        to_level=1,
        note="Let's keep the walks as they are one more week: you sounded tired.",
    )

    message = Message.objects.get()
    assert (message.body, message.decision_id) == (
        "Let's keep the walks as they are one more week: you sounded tired.",
        decision.pk,
    )


def test_a_refused_override_posts_nothing(athlete, coach, decision):
    with pytest.raises(ValidationError):
        plan_services.decision_override(
            decision=decision, by=coach, action="hold", to_stage="walk", to_level=1, note=""
        )

    assert message_rows() == []


def test_an_approval_note_beyond_its_limit_is_refused_and_nothing_written(coach, decision):
    with pytest.raises(ValidationError) as caught:
        plan_services.decision_approve(decision=decision, by=coach, note="x" * 2001)

    assert "note" in caught.value.message_dict
    assert message_rows() == []
    decision.refresh_from_db()
    assert decision.status == "pending"


def test_a_decision_is_told_once_even_if_approved_twice(coach, decision):
    plan_services.decision_approve(decision=decision, by=coach)
    with pytest.raises(ValidationError):
        plan_services.decision_approve(decision=decision, by=coach)

    assert Message.objects.count() == 1
