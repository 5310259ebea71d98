"""The plans layer's writes: starting a plan, computing, approving and overriding decisions,
the check-in → decision chain, the daily close of the weeks, and the calendar feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from athletes.models import ClearanceScope
from checkins.models import WeeklyCheckIn
from checkins.services import checkin_submit, checkin_update
from clinical import protocol
from plans import services
from plans.models import AuditEntry, Decision, DecisionStatus, Plan, PlannedSession, PlanWeek
from plans.publication import REASON_OF_ACTION
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from tests.plans.conftest import CLEAN_WEEK, next_monday, put_checkin, this_monday
from tests.plans.publishing import publish_weeks

pytestmark = pytest.mark.django_db


def position(athlete) -> tuple[str, int]:
    athlete.refresh_from_db(fields=["stage", "level"])
    return athlete.stage, athlete.level


def week_sessions(athlete, week) -> list[tuple]:
    return list(
        PlannedSession.objects.filter(plan_week__plan__athlete=athlete, plan_week__week=week)
        .order_by("day", "order")
        .values_list("kind", "minutes", "run_seconds", "walk_seconds", "repeats")
    )


def decision_for_next_week(athlete, **checkin_changes) -> Decision:
    """Her plan started this week; she checked in this week; next week's decision computed."""
    services.plan_start(athlete=athlete)
    put_checkin(athlete, this_monday(athlete), **checkin_changes)
    return services.decision_compute(athlete=athlete, for_week=next_monday(athlete))


# --- plan_start ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before_monday", "stage"),
    [
        pytest.param(0, "recover", id="born-this-monday"),
        pytest.param(20, "recover", id="2-weeks-6-days-on-monday"),
        pytest.param(21, "walk", id="3-weeks-on-monday"),
        pytest.param(140, "walk", id="20-weeks"),
    ],
)
def test_a_plan_starts_at_recover_under_3_weeks_and_at_walk_after(coach, days_before_monday, stage):
    athlete = AthleteFactory(coach=coach, plan=False)
    athlete.delivery_date = this_monday(athlete) - timedelta(days=days_before_monday)
    athlete.save()

    plan = services.plan_start(athlete=athlete)

    assert plan.protocol_version == protocol.PROTOCOL_VERSION
    assert plan.started_on == this_monday(athlete)
    assert position(athlete) == (stage, 1)
    week = PlanWeek.objects.get(plan=plan)
    assert (week.week, week.stage, week.level, week.reason) == (
        this_monday(athlete),
        stage,
        1,
        "started",
    )
    expected = protocol.sessions_for(stage, 1, clearance_scope=None)
    assert sorted(week_sessions(athlete, week.week)) == sorted(
        (s.kind, s.minutes, s.run_seconds, s.walk_seconds, s.repeats) for s in expected
    )
    entry = AuditEntry.objects.get(athlete=athlete)
    assert entry.kind == AuditEntry.Kind.PLAN_STARTED
    assert entry.details == {"stage": stage, "level": 1, "week": this_monday(athlete).isoformat()}


def test_starting_a_plan_twice_changes_nothing(athlete, coach):
    first = services.plan_start(athlete=athlete, by=coach)
    again = services.plan_start(athlete=athlete, by=coach)

    assert again.pk == first.pk
    assert Plan.objects.filter(athlete=athlete).count() == 1
    assert PlanWeek.objects.filter(plan=first).count() == 1
    assert AuditEntry.objects.filter(athlete=athlete).count() == 1


def test_walking_weeks_add_strength_once_she_is_cleared_for_exercise(athlete_without_plan):
    athlete = athlete_without_plan
    ClearanceFactory(athlete=athlete, scope=ClearanceScope.EXERCISE)

    services.plan_start(athlete=athlete)

    kinds = [kind for kind, *_ in week_sessions(athlete, this_monday(athlete))]
    assert kinds.count("walk") == 4
    assert kinds.count("strength") == 2


# --- decision_compute ----------------------------------------------------------------------------


def test_a_clean_week_gives_a_pending_advance_for_next_week(athlete):
    decision = decision_for_next_week(athlete)

    assert decision.week == next_monday(athlete)
    assert decision.status == DecisionStatus.PENDING
    assert (decision.action, decision.from_stage, decision.from_level) == ("advance", "walk", 1)
    assert (decision.to_stage, decision.to_level) == ("walk", 2)
    assert decision.protocol_version == protocol.PROTOCOL_VERSION
    assert [g["key"] for g in decision.gates][:2] == ["checkin_received", "red_flags"]
    assert all(g["passed"] for g in decision.gates)
    assert position(athlete) == ("walk", 1)  # nothing moves until the coach approves


def test_recomputing_replaces_the_pending_decision_and_never_adds_a_row(athlete):
    decision = decision_for_next_week(athlete)
    WeeklyCheckIn.objects.filter(athlete=athlete).update(pain=3)

    again = services.decision_compute(athlete=athlete, for_week=next_monday(athlete))

    assert again.pk == decision.pk
    assert Decision.objects.filter(athlete=athlete).count() == 1
    again.refresh_from_db()
    assert again.action == "step_back"
    assert again.status == DecisionStatus.PENDING


@pytest.mark.parametrize("how", ["approved", "overridden"])
def test_recomputing_never_touches_a_decided_decision(athlete, coach, how):
    decision = decision_for_next_week(athlete)
    if how == "approved":
        services.decision_approve(decision=decision, by=coach)
    else:
        services.decision_override(
            decision=decision, by=coach, action="hold", to_stage="walk", to_level=1, note="Busy."
        )
    decision.refresh_from_db()
    before = {f.name: getattr(decision, f.name) for f in Decision._meta.fields}
    WeeklyCheckIn.objects.filter(athlete=athlete).update(leakage=True)

    again = services.decision_compute(athlete=athlete, for_week=next_monday(athlete))

    again.refresh_from_db()
    assert again.pk == decision.pk
    assert {f.name: getattr(again, f.name) for f in Decision._meta.fields} == before
    assert Decision.objects.filter(athlete=athlete).count() == 1


# --- decision_approve ----------------------------------------------------------------------------


def test_approving_publishes_next_week_and_moves_her(athlete, coach):
    decision = decision_for_next_week(athlete)

    plan_week = services.decision_approve(decision=decision, by=coach)

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.decided_by == coach
    assert decision.decided_at is not None
    assert (plan_week.week, plan_week.stage, plan_week.level) == (next_monday(athlete), "walk", 2)
    assert plan_week.reason == REASON_OF_ACTION[decision.outcome_action]
    assert plan_week.decision == decision
    assert plan_week.approved_by == coach
    walks = [m for kind, m, *_ in week_sessions(athlete, next_monday(athlete)) if kind == "walk"]
    assert walks == [25, 25, 25, 25]
    assert position(athlete) == ("walk", 2)
    entry = AuditEntry.objects.get(athlete=athlete, kind=AuditEntry.Kind.APPROVED)
    assert entry.decision == decision
    assert entry.actor == coach
    assert entry.details == {"action": "advance", "stage": "walk", "level": 2}


def test_approving_twice_is_refused(athlete, coach):
    decision = decision_for_next_week(athlete)
    services.decision_approve(decision=decision, by=coach)

    with pytest.raises(ValidationError, match="already approved"):
        services.decision_approve(decision=decision, by=coach)

    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.APPROVED).count() == 1
    assert PlanWeek.objects.filter(plan__athlete=athlete).count() == 2


# --- decision_override ---------------------------------------------------------------------------


def assert_nothing_decided(athlete, decision) -> None:
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PENDING
    assert (decision.final_action, decision.final_stage, decision.final_level) == ("", "", None)
    assert decision.note == ""
    assert decision.decided_by is None
    assert not PlanWeek.objects.filter(plan__athlete=athlete, week=decision.week).exists()
    assert not AuditEntry.objects.filter(decision=decision).exists()
    assert position(athlete) == ("walk", 1)


@pytest.mark.parametrize("note", ["", "   "])
def test_an_override_needs_a_note(athlete, coach, note):
    decision = decision_for_next_week(athlete)

    with pytest.raises(ValidationError) as caught:
        services.decision_override(
            decision=decision, by=coach, action="hold", to_stage="walk", to_level=1, note=note
        )

    assert set(caught.value.message_dict) == {"note"}
    assert_nothing_decided(athlete, decision)


def test_an_override_within_walking_is_recorded_with_its_note(athlete, coach):
    decision = decision_for_next_week(athlete)

    plan_week = services.decision_override(
        decision=decision,
        by=coach,
        action="hold",
        to_stage="walk",
        to_level=1,
        note="Her baby is unwell this week.",
    )

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OVERRIDDEN
    assert (decision.final_action, decision.final_stage, decision.final_level) == (
        "hold",
        "walk",
        1,
    )
    assert (decision.action, decision.to_stage, decision.to_level) == ("advance", "walk", 2)
    assert decision.note == "Her baby is unwell this week."
    assert decision.overridden_safety_gates == []
    assert (plan_week.stage, plan_week.level, plan_week.week) == ("walk", 1, decision.week)
    entry = AuditEntry.objects.get(decision=decision)
    assert entry.kind == AuditEntry.Kind.OVERRIDDEN
    assert entry.details["note"] == "Her baby is unwell this week."


def test_an_override_into_running_past_failed_safety_gates_needs_a_clinician(athlete, coach):
    decision = decision_for_next_week(athlete)  # no clearance, no readiness assessment

    with pytest.raises(ValidationError) as caught:
        services.decision_override(
            decision=decision,
            by=coach,
            action="advance",
            to_stage="run_walk",
            to_level=1,
            note="She ran through pregnancy.",
        )

    assert set(caught.value.message_dict) == {"clinician_attestation"}
    assert "clearance" in caught.value.message_dict["clinician_attestation"][0]
    assert_nothing_decided(athlete, decision)


def test_an_attested_override_past_safety_gates_is_audited_as_a_safety_override(athlete, coach):
    decision = decision_for_next_week(athlete)

    plan_week = services.decision_override(
        decision=decision,
        by=coach,
        action="advance",
        to_stage="run_walk",
        to_level=1,
        note="She ran through pregnancy.",
        clinician_attestation="Dr Reid (GP) cleared her by phone on Monday.",
    )

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OVERRIDDEN
    assert decision.overridden_safety_gates == ["clearance", "readiness"]
    assert decision.clinician_attestation == "Dr Reid (GP) cleared her by phone on Monday."
    assert (plan_week.stage, plan_week.level) == ("run_walk", 1)
    assert position(athlete) == ("run_walk", 1)
    entry = AuditEntry.objects.get(decision=decision)
    assert entry.kind == AuditEntry.Kind.SAFETY_OVERRIDE
    assert entry.actor == coach
    assert entry.details["failed_safety_gates"] == ["clearance", "readiness"]
    assert entry.details["decided"] == {"action": "advance", "stage": "run_walk", "level": 1}
    assert entry.details["clinician_attestation"] == decision.clinician_attestation


def test_an_override_into_running_with_every_gate_held_needs_no_clinician(athlete, coach):
    ClearanceFactory(athlete=athlete, scope=ClearanceScope.RUNNING)
    AssessmentFactory(athlete=athlete)
    decision = decision_for_next_week(athlete)

    services.decision_override(
        decision=decision,
        by=coach,
        action="advance",
        to_stage="run_walk",
        to_level=1,
        note="She is ready; the walking levels are too easy.",
    )

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OVERRIDDEN
    assert decision.overridden_safety_gates == []
    assert AuditEntry.objects.get(decision=decision).kind == AuditEntry.Kind.OVERRIDDEN


@pytest.mark.parametrize("to_stage", sorted(protocol.IMPACT_STAGE_KEYS))
def test_a_pause_into_an_impact_stage_is_refused(athlete, coach, to_stage):
    decision = decision_for_next_week(athlete)

    with pytest.raises(ValidationError) as caught:
        services.decision_override(
            decision=decision,
            by=coach,
            action="pause",
            to_stage=to_stage,
            to_level=1,
            note="Pause but keep running.",
            clinician_attestation="Dr Reid.",
        )

    assert "to_stage" in caught.value.message_dict
    assert_nothing_decided(athlete, decision)


@pytest.mark.parametrize(
    ("action", "to_stage", "to_level", "field"),
    [
        pytest.param("leap", "walk", 1, "action", id="unknown-action"),
        pytest.param("hold", "marathon", 1, "to_stage", id="unknown-stage"),
        pytest.param("hold", "walk", 5, "to_level", id="walk-has-4-levels"),
        pytest.param("hold", "walk", 0, "to_level", id="level-0"),
    ],
)
def test_an_override_to_nowhere_is_refused(athlete, coach, action, to_stage, to_level, field):
    decision = decision_for_next_week(athlete)

    with pytest.raises(ValidationError) as caught:
        services.decision_override(
            decision=decision,
            by=coach,
            action=action,
            to_stage=to_stage,
            to_level=to_level,
            note="Because.",
        )

    assert field in caught.value.message_dict
    assert_nothing_decided(athlete, decision)


def test_an_approved_decision_cannot_then_be_overridden(athlete, coach):
    decision = decision_for_next_week(athlete)
    services.decision_approve(decision=decision, by=coach)

    with pytest.raises(ValidationError, match="already approved"):
        services.decision_override(
            decision=decision, by=coach, action="hold", to_stage="walk", to_level=1, note="Oops."
        )

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.note == ""


# --- the check-in → decision chain ---------------------------------------------------------------


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_a_submitted_checkin_produces_one_pending_decision_for_next_week(
    athlete, django_capture_on_commit_callbacks
):
    services.plan_start(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        checkin_submit(
            athlete=athlete, week=this_monday(athlete), data=dict(CLEAN_WEEK), by=athlete.user
        )

    assert callbacks, "the check-in announced nothing on commit"
    decisions = list(Decision.objects.filter(athlete=athlete))
    assert len(decisions) == 1
    decision = decisions[0]
    assert decision.week == next_monday(athlete)
    assert decision.status == DecisionStatus.PENDING
    assert (decision.action, decision.to_stage, decision.to_level) == ("advance", "walk", 2)


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_editing_the_checkin_recomputes_the_same_decision(
    athlete, django_capture_on_commit_callbacks
):
    services.plan_start(athlete=athlete)
    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            athlete=athlete, week=this_monday(athlete), data=dict(CLEAN_WEEK), by=athlete.user
        )
    first = Decision.objects.get(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True):
        checkin_update(checkin=checkin, data={"heaviness": True}, by=athlete.user)

    # The red flag paused her at once (a pause for this week, applied), then next week's
    # decision was recomputed: a pause, pending, the one decision that awaits her coach.
    first.refresh_from_db()
    assert first.status == DecisionStatus.SUPERSEDED
    at_once = Decision.objects.get(athlete=athlete, trigger="red_flag")
    assert (at_once.week, at_once.status) == (this_monday(athlete), DecisionStatus.SUPERSEDED)
    decision = Decision.objects.get(athlete=athlete, status=DecisionStatus.PENDING)
    assert decision.week == first.week
    assert decision.action == "pause"
    assert decision.refer is True


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_no_decision_is_computed_before_the_checkin_commits(athlete):
    # Without running the on-commit callbacks, the check-in's transaction never committed.
    services.plan_start(athlete=athlete)

    checkin_submit(
        athlete=athlete, week=this_monday(athlete), data=dict(CLEAN_WEEK), by=athlete.user
    )

    assert not Decision.objects.filter(athlete=athlete).exists()


@pytest.mark.usefixtures("friday")  # this week's check-in is open
@pytest.mark.parametrize(
    ("scope", "planned"),
    [
        pytest.param(None, 4, id="four-walks"),
        pytest.param(ClearanceScope.EXERCISE, 6, id="four-walks-and-two-strength-sessions"),
    ],
)
def test_a_checkins_planned_sessions_come_from_her_plan(
    athlete_without_plan, scope, planned, django_capture_on_commit_callbacks
):
    athlete = athlete_without_plan
    if scope:
        ClearanceFactory(athlete=athlete, scope=scope)
    services.plan_start(athlete=athlete)

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            athlete=athlete, week=this_monday(athlete), data=dict(CLEAN_WEEK), by=athlete.user
        )

    checkin.refresh_from_db()
    assert checkin.sessions_planned == planned
    # Filled in before the decision was computed, which judged compliance against it.
    gates = {g["key"]: g for g in Decision.objects.get(athlete=athlete).gates}
    assert gates["sessions_completed"]["detail"] == f"4 of {planned} sessions done."


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_the_planned_sessions_are_filled_in_only_once_the_checkin_commits(athlete):
    services.plan_start(athlete=athlete)

    checkin = checkin_submit(
        athlete=athlete, week=this_monday(athlete), data=dict(CLEAN_WEEK), by=athlete.user
    )

    checkin.refresh_from_db()
    assert checkin.sessions_planned is None


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_the_planned_sessions_follow_the_coachs_edits(
    athlete, coach, django_capture_on_commit_callbacks
):
    services.plan_start(athlete=athlete)
    plan_week = PlanWeek.objects.get(plan__athlete=athlete)
    services.plan_week_update_sessions(
        plan_week=plan_week,
        sessions=[
            {"day": 1, "kind": "walk", "minutes": 20, "terrain": "road"},
            {"day": 3, "kind": "walk", "minutes": 20, "terrain": "road"},
            {"day": 5, "kind": "pelvic_floor", "minutes": 10, "terrain": "road"},
        ],
        by=coach,
    )

    with django_capture_on_commit_callbacks(execute=True):
        checkin = checkin_submit(
            athlete=athlete, week=this_monday(athlete), data=dict(CLEAN_WEEK), by=athlete.user
        )

    checkin.refresh_from_db()
    assert checkin.sessions_planned == 2


# --- plan_week_update_sessions: the model's rules, checked by full_clean --------------------------

RUN_WALK_SESSION = {
    "day": 1,
    "kind": "run_walk",
    "minutes": 34,
    "run_seconds": 60,
    "walk_seconds": 120,
    "repeats": 8,
    "terrain": "road",
}


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        pytest.param(
            {"repeats": None},
            ["A run-walk session needs run and walk seconds and repeats."],
            id="run-walk-without-repeats",
        ),
        pytest.param(
            {"minutes": 601}, ["Ensure this value is less than or equal to 600."], id="minutes"
        ),
        pytest.param({"day": 7}, ["Value 7 is not a valid choice."], id="day-7"),
        pytest.param({"kind": "swim"}, ["Value 'swim' is not a valid choice."], id="unknown-kind"),
        pytest.param(
            {"notes": "x" * 301},
            ["Ensure this value has at most 300 characters (it has 301)."],
            id="notes-too-long",
        ),
    ],
)
def test_a_bad_session_is_refused_with_the_models_message_and_nothing_changes(
    athlete, coach, change, errors
):
    plan_week = PlanWeek.objects.get(plan__athlete=athlete)
    before = week_sessions(athlete, plan_week.week)

    with pytest.raises(ValidationError) as caught:
        services.plan_week_update_sessions(
            plan_week=plan_week,
            sessions=[{"day": 0, "kind": "walk", "minutes": 20}, {**RUN_WALK_SESSION, **change}],
            by=coach,
        )

    assert caught.value.message_dict == {"session 2": errors}
    assert week_sessions(athlete, plan_week.week) == before
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.SESSIONS_EDITED).exists()


def test_a_session_that_is_not_a_run_walk_keeps_no_intervals(athlete, coach):
    plan_week = PlanWeek.objects.get(plan__athlete=athlete)

    services.plan_week_update_sessions(
        plan_week=plan_week, sessions=[{**RUN_WALK_SESSION, "kind": "walk"}], by=coach
    )

    assert week_sessions(athlete, plan_week.week) == [("walk", 34, None, None, None)]


# --- publish_weeks -------------------------------------------------------------------------------


def started_last_week(athlete) -> None:
    services.plan_start(athlete=athlete)
    last_monday = this_monday(athlete) - timedelta(weeks=1)
    Plan.objects.filter(athlete=athlete).update(started_on=last_monday)
    PlanWeek.objects.filter(plan__athlete=athlete).update(week=last_monday)


def test_a_silent_week_is_held_carried_over_and_the_task_is_idempotent(athlete):
    started_last_week(athlete)

    totals = publish_weeks()

    assert totals["decisions"] == 1
    decision = Decision.objects.get(athlete=athlete)
    assert decision.week == this_monday(athlete)
    assert decision.action == "hold"
    assert decision.trigger == "no_checkin"
    assert (decision.to_stage, decision.to_level) == ("walk", 1)
    assert decision.gates[0]["key"] == "checkin_received"
    assert decision.gates[0]["passed"] is False
    assert decision.status == DecisionStatus.PENDING
    week = PlanWeek.objects.get(plan__athlete=athlete, week=this_monday(athlete))
    assert (week.stage, week.level, week.reason) == ("walk", 1, "carried_over")

    assert publish_weeks() == {
        "athletes": 1,
        "chunks": 1,
        "started": 0,
        "published": 0,
        "decisions": 0,
    }
    assert Decision.objects.filter(athlete=athlete).count() == 1


def test_publishing_starts_a_plan_for_an_athlete_without_one(athlete_without_plan):
    athlete = athlete_without_plan

    totals = publish_weeks()

    assert totals["started"] == 1
    assert Plan.objects.filter(athlete=athlete).exists()
    assert position(athlete) == ("walk", 1)
    assert not Decision.objects.filter(athlete=athlete).exists()


def test_publishing_leaves_archived_athletes_alone(athlete):
    started_last_week(athlete)
    athlete.archived = True
    athlete.save()

    assert publish_weeks() == {
        "athletes": 0,
        "chunks": 0,
        "started": 0,
        "published": 0,
        "decisions": 0,
    }
    assert not Decision.objects.filter(athlete=athlete).exists()


# --- the calendar feed ---------------------------------------------------------------------------


def test_the_calendar_feed_lists_her_planned_sessions(client, athlete):
    services.plan_start(athlete=athlete)
    token = services.calendar_token(services.calendar_feed(athlete=athlete))

    response = client.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "X-WR-CALNAME:Anna's running plan" in body
    assert body.count("BEGIN:VEVENT") == PlannedSession.objects.count() == 11
    assert body.count("SUMMARY:15 min walk") == 4
    assert body.count("SUMMARY:10 min pelvic floor exercises") == 7
    monday = this_monday(athlete)
    assert f"DTSTART;VALUE=DATE:{monday:%Y%m%d}" in body


def test_a_rotated_calendar_token_makes_the_old_url_404(client, athlete):
    services.plan_start(athlete=athlete)
    old = services.calendar_token(services.calendar_feed(athlete=athlete))

    new = services.calendar_token(services.calendar_rotate(athlete=athlete))

    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "eyJhIjoxLCJuIjoiYWJjIn0:bad:signature"])
def test_a_forged_calendar_token_is_404(client, athlete, token):
    services.plan_start(athlete=athlete)
    services.calendar_feed(athlete=athlete)

    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_she_can_replace_her_calendar_link_from_her_week(client, athlete):
    services.plan_start(athlete=athlete)
    client.force_login(athlete.user)
    client.post("/me/calendar/")
    old = services.calendar_token(athlete.calendar)

    response = client.post("/me/calendar/", {"rotate": "1"})

    assert response.status_code == 302
    athlete.calendar.refresh_from_db()
    new = services.calendar_token(athlete.calendar)
    assert new != old
    client.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
