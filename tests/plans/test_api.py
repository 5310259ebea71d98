"""The plans endpoints of the REST API (SPEC §9): her plan, her decisions, approve, override."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from clinical import protocol
from plans import services
from plans.models import AuditEntry, Decision, DecisionStatus, Plan, PlanWeek
from tests.plans.conftest import next_monday, put_checkin, this_monday
from tests.sql import written_tables

pytestmark = pytest.mark.django_db

DECISION_FIELDS = {
    "id",
    "athlete",
    "week",
    "applies_from",
    "trigger",
    "action",
    "from_stage",
    "from_level",
    "to_stage",
    "to_level",
    "gates",
    "summary",
    "refer",
    "status",
    "final_action",
    "final_stage",
    "final_level",
    "note",
    "clinician_attestation",
    "overridden_safety_gates",
    "decided_by",
    "decided_at",
    "computed_at",
    "protocol_version",
}
CLEAN_WEEK_GATES = [
    ("checkin_received", True),
    ("red_flags", True),
    ("pain", True),
    ("fatigue", True),
    ("effort_and_soreness", True),
    ("sessions_completed", True),
    ("sleep", True),
    ("mood", True),
    ("time_at_level", True),
]


@pytest.fixture
def decision(athlete) -> Decision:
    """Her plan started this week (walk 1, no clearance, no assessment); she checked in;
    next week's decision (advance to walk 2) is pending."""
    services.plan_start(athlete=athlete)
    put_checkin(athlete, this_monday(athlete))
    return services.decision_compute(athlete=athlete, for_week=next_monday(athlete))


def plan_url(athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/plan/"


def decisions_url(athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/decisions/"


def approve_url(decision) -> str:
    return f"/api/v1/decisions/{decision.pk}/approve/"


def override_url(decision) -> str:
    return f"/api/v1/decisions/{decision.pk}/override/"


def assert_nothing_written(decision: Decision) -> None:
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PENDING
    assert (decision.final_action, decision.final_stage, decision.final_level) == ("", "", None)
    assert (decision.note, decision.clinician_attestation) == ("", "")
    assert decision.decided_by is None
    assert decision.decided_at is None
    assert not PlanWeek.objects.filter(plan__athlete=decision.athlete, week=decision.week).exists()
    assert not AuditEntry.objects.filter(decision=decision).exists()
    decision.athlete.refresh_from_db()
    assert (decision.athlete.stage, decision.athlete.level) == ("walk", 1)


def expected_decision(decision: Decision, **changes) -> dict:
    """The whole body of one decision but its two times, which are compared separately."""
    decision.refresh_from_db()
    body = {
        "id": decision.pk,
        "athlete": decision.athlete_id,
        "week": decision.week.isoformat(),
        "applies_from": decision.starts_on.isoformat(),
        "trigger": "checkin",
        "action": "advance",
        "from_stage": "walk",
        "from_level": 1,
        "to_stage": "walk",
        "to_level": 2,
        "gates": decision.gates,
        "summary": "Advance to level 2: 4 × 25 min walks.",
        "refer": False,
        "status": "pending",
        "final_action": None,
        "final_stage": None,
        "final_level": None,
        "note": "",
        "clinician_attestation": "",
        "overridden_safety_gates": [],
        "decided_by": None,
        "protocol_version": protocol.PROTOCOL_VERSION,
    }
    return {**body, **changes}


def split_times(body: dict) -> tuple[dict, dict]:
    rest = dict(body)
    times = {name: rest.pop(name) for name in ("computed_at", "decided_at")}
    return rest, times


# --- GET /athletes/{id}/plan/ -------------------------------------------------------------------


def expected_plan(athlete) -> dict:
    plan_week = PlanWeek.objects.get(plan__athlete=athlete, week=this_monday(athlete))
    sessions = [
        {
            "id": s.pk,
            "day": s.day,
            "kind": s.kind,
            "minutes": s.minutes,
            "run_seconds": s.run_seconds,
            "walk_seconds": s.walk_seconds,
            "repeats": s.repeats,
            "terrain": s.terrain,
            "notes": s.notes,
            "description": protocol.describe(s),
        }
        for s in plan_week.sessions.order_by("day", "order")
    ]
    return {
        "athlete": athlete.pk,
        "protocol_version": protocol.PROTOCOL_VERSION,
        "started_on": this_monday(athlete).isoformat(),
        "stage": "walk",
        "stage_name": "Walk and rebuild",
        "level": 1,
        "guidance": protocol.stage("walk").guidance,
        "status": "active",
        "paused_since": None,
        "week": {
            "week": this_monday(athlete).isoformat(),
            "stage": "walk",
            "level": 1,
            "reason": "started",
            "applies_from": None,
            "sessions": sessions,
        },
        "next_week": None,
    }


@pytest.mark.parametrize("who", ["coach_api", "athlete_api", "staff_api"])
def test_her_plan_is_readable_by_her_coach_herself_and_staff(request, athlete, who):
    services.plan_start(athlete=athlete)
    api = request.getfixturevalue(who)

    response = api.get(plan_url(athlete))

    assert response.status_code == 200
    assert response.json() == expected_plan(athlete)
    descriptions = [s["description"] for s in response.json()["week"]["sessions"]]
    assert descriptions.count("15 min walk") == 4
    assert descriptions.count("10 min pelvic floor exercises") == 7


def test_an_enrolled_athletes_plan_is_there_at_the_first_read(coach_api, athlete):
    response = coach_api.get(plan_url(athlete))

    assert response.status_code == 200
    assert response.json() == expected_plan(athlete)


@pytest.mark.parametrize("who", ["coach", "athlete_user", "staff"])
def test_reading_the_plan_of_an_athlete_without_one_answers_404_and_starts_nothing(
    request, athlete_without_plan, who
):
    api = APIClient()
    api.force_login(request.getfixturevalue(who))

    with CaptureQueriesContext(connection) as queries:
        response = api.get(plan_url(athlete_without_plan))

    assert response.status_code == 404
    assert response.json() == {"detail": "Her plan has not started yet."}
    assert not Plan.objects.filter(athlete=athlete_without_plan).exists()
    assert not AuditEntry.objects.exists()
    assert written_tables(queries) == []


def test_a_run_walk_session_is_described_in_plain_words(coach_api, coach, athlete):
    services.plan_start(athlete=athlete)
    plan_week = PlanWeek.objects.get(plan__athlete=athlete)
    services.plan_week_update_sessions(
        plan_week=plan_week,
        sessions=[
            {
                "day": 1,
                "kind": "run_walk",
                "minutes": 34,
                "run_seconds": 60,
                "walk_seconds": 120,
                "repeats": 8,
                "terrain": "road",
            }
        ],
        by=coach,
    )

    sessions = coach_api.get(plan_url(athlete)).json()["week"]["sessions"]

    assert [(s["kind"], s["description"]) for s in sessions] == [
        ("run_walk", "8 × (1 min run, 2 min walk)")
    ]


def test_another_coach_gets_404_for_her_plan_and_no_plan_is_started(
    other_coach_api, athlete_without_plan
):
    response = other_coach_api.get(plan_url(athlete_without_plan))

    assert response.status_code == 404
    assert response.json() == {"detail": "No Athlete matches the given query."}
    assert not PlanWeek.objects.filter(plan__athlete=athlete_without_plan).exists()


def test_another_athlete_gets_404_for_her_plan(athlete, other_athlete):
    api = APIClient()
    api.force_login(other_athlete.user)

    assert api.get(plan_url(athlete)).status_code == 404


def test_an_anonymous_request_for_her_plan_gets_401(athlete_without_plan):
    response = APIClient().get(plan_url(athlete_without_plan))

    assert response.status_code == 401
    assert not PlanWeek.objects.filter(plan__athlete=athlete_without_plan).exists()


# --- GET /athletes/{id}/decisions/ -------------------------------------------------------------


@pytest.mark.parametrize("who", ["coach_api", "staff_api"])
def test_her_decisions_list_with_the_whole_decision(request, decision, who):
    api = request.getfixturevalue(who)

    response = api.get(decisions_url(decision.athlete))

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    (item,) = body["results"]
    assert set(item) == DECISION_FIELDS
    rest, times = split_times(item)
    assert rest == expected_decision(decision)
    assert [(g["key"], g["passed"]) for g in item["gates"]] == CLEAN_WEEK_GATES
    assert all(set(g) == {"key", "passed", "detail"} and g["detail"] for g in item["gates"])
    assert parse_datetime(times["computed_at"]) == decision.computed_at
    assert times["decided_at"] is None


def test_her_decisions_come_newest_first(coach_api, athlete, decision):
    older = Decision.objects.create(
        athlete=athlete,
        week=decision.week - timedelta(weeks=3),
        status=DecisionStatus.SUPERSEDED,
        action="hold",
        from_stage="walk",
        from_level=1,
        to_stage="walk",
        to_level=1,
        summary="Hold.",
        protocol_version=protocol.PROTOCOL_VERSION,
        computed_at=decision.computed_at,
    )

    results = coach_api.get(decisions_url(athlete)).json()["results"]

    assert [r["id"] for r in results] == [decision.pk, older.pk]


def test_the_athlete_herself_gets_403_for_her_decisions(athlete_api, decision):
    response = athlete_api.get(decisions_url(decision.athlete))

    assert response.status_code == 403
    assert "results" not in response.json()


def test_another_coach_gets_404_for_her_decisions(other_coach_api, decision):
    response = other_coach_api.get(decisions_url(decision.athlete))

    assert response.status_code == 404
    assert "results" not in response.json()


def test_an_anonymous_request_for_her_decisions_gets_401(decision):
    assert APIClient().get(decisions_url(decision.athlete)).status_code == 401


def test_the_decision_list_does_not_grow_in_queries_with_rows(coach_api, athlete, decision):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert coach_api.get(decisions_url(athlete)).status_code == 200
        return len(captured)

    one = queries()
    for weeks in range(2, 12):
        Decision.objects.create(
            athlete=athlete,
            week=decision.week - timedelta(weeks=weeks),
            status=DecisionStatus.APPROVED,
            action="advance",
            from_stage="walk",
            from_level=1,
            to_stage="walk",
            to_level=2,
            summary="Advance.",
            protocol_version=protocol.PROTOCOL_VERSION,
            computed_at=decision.computed_at,
        )
    Decision.objects.filter(athlete=athlete).exclude(pk=decision.pk).update(
        status=DecisionStatus.APPROVED, decided_by=athlete.coach
    )

    assert queries() == one


# --- POST /decisions/{id}/approve/ ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["coach", "staff"])
def test_approving_answers_the_approved_decision_and_publishes_the_week(request, decision, who):
    user = request.getfixturevalue(who)
    api = APIClient()
    api.force_login(user)

    response = api.post(approve_url(decision))

    assert response.status_code == 200
    decision.refresh_from_db()
    rest, times = split_times(response.json())
    assert rest == expected_decision(decision, status="approved", decided_by=user.pk)
    assert parse_datetime(times["decided_at"]) == decision.decided_at
    assert decision.status == DecisionStatus.APPROVED
    plan_week = PlanWeek.objects.get(plan__athlete=decision.athlete, week=decision.week)
    assert (plan_week.stage, plan_week.level, plan_week.approved_by) == ("walk", 2, user)
    assert AuditEntry.objects.get(decision=decision).kind == AuditEntry.Kind.APPROVED


def test_approving_twice_answers_400_and_writes_nothing_more(coach_api, decision):
    coach_api.post(approve_url(decision))

    response = coach_api.post(approve_url(decision))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This decision was already approved; it can't be decided twice."]
    }
    assert AuditEntry.objects.filter(decision=decision).count() == 1


def test_another_coach_approving_gets_404_and_nothing_is_written(other_coach_api, decision):
    response = other_coach_api.post(approve_url(decision))

    assert response.status_code == 404
    assert_nothing_written(decision)


def test_the_athlete_approving_gets_403_and_nothing_is_written(athlete_api, decision):
    response = athlete_api.post(approve_url(decision))

    assert response.status_code == 403
    assert_nothing_written(decision)


def test_an_anonymous_approval_gets_401_and_nothing_is_written(decision):
    response = APIClient().post(approve_url(decision))

    assert response.status_code == 401
    assert_nothing_written(decision)


def test_an_unknown_decision_is_404(coach_api, decision):
    assert coach_api.post(f"/api/v1/decisions/{decision.pk + 1000}/approve/").status_code == 404


# --- POST /decisions/{id}/override/ --------------------------------------------------------------

HOLD = {"action": "hold", "to_stage": "walk", "to_level": 1}
INTO_RUN_WALK = {"action": "advance", "to_stage": "run_walk", "to_level": 1}
NOTE_NEEDED = "Say why you are overriding the recommendation."


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        # The rules are the service's (decision_override); the serializer only parses.
        pytest.param(HOLD, {"note": [NOTE_NEEDED]}, id="no-note"),
        pytest.param({**HOLD, "note": ""}, {"note": [NOTE_NEEDED]}, id="empty"),
        pytest.param({**HOLD, "note": "   "}, {"note": [NOTE_NEEDED]}, id="blank-note"),
        pytest.param(
            {**HOLD, "note": "x" * 2001},
            {"note": ["Ensure this value has at most 2000 characters (it has 2001)."]},
            id="a-note-too-long",
        ),
        pytest.param(
            {**HOLD, "note": "Why not.", "clinician_attestation": "x" * 2001},
            {
                "clinician_attestation": [
                    "Ensure this value has at most 2000 characters (it has 2001)."
                ]
            },
            id="an-attestation-too-long",
        ),
        pytest.param(
            {**HOLD, "to_level": 0, "note": "Zero."},
            {"to_level": ["Walk and rebuild has levels 1 to 4."]},
            id="level-0",
        ),
        pytest.param(
            {**HOLD, "to_level": -3, "note": "Minus."},
            {"to_level": ["Walk and rebuild has levels 1 to 4."]},
            id="a-negative-level",
        ),
        pytest.param(
            {"action": "pause", "to_stage": "walk", "to_level": 9},
            {"note": [NOTE_NEEDED], "to_level": ["Walk and rebuild has levels 1 to 4."]},
            id="every-rule-broken-at-once",
        ),
        pytest.param(
            {**HOLD, "to_level": "two", "note": "Two."},
            {"to_level": ["A valid integer is required."]},
            id="a-level-that-is-not-a-number",
        ),
        pytest.param(
            {"note": "Why not."},
            {
                "action": ["This field is required."],
                "to_stage": ["This field is required."],
                "to_level": ["This field is required."],
            },
            id="nothing-but-a-note",
        ),
        pytest.param(
            {**HOLD, "to_level": 5, "note": "Five."},
            {"to_level": ["Walk and rebuild has levels 1 to 4."]},
            id="a-level-walk-lacks",
        ),
        pytest.param(
            {"action": "pause", "to_stage": "run_walk", "to_level": 1, "note": "Hmm."},
            {"to_stage": ["A pause means no impact: choose recover or walk."]},
            id="a-pause-into-run-walk",
        ),
        pytest.param(
            {**HOLD, "action": "sprint", "note": "Go."},
            {"action": ['"sprint" is not a valid choice.']},
            id="an-unknown-action",
        ),
    ],
)
def test_a_bad_override_answers_400_with_field_errors_and_writes_nothing(
    coach_api, decision, body, errors
):
    response = coach_api.post(override_url(decision), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert_nothing_written(decision)


def test_an_override_past_a_safety_gate_without_attestation_answers_400(coach_api, decision):
    response = coach_api.post(
        override_url(decision), {**INTO_RUN_WALK, "note": "She is keen."}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["clinician_attestation"]
    (message,) = body["clinician_attestation"]
    assert "clearance" in message
    assert "readiness" in message
    assert_nothing_written(decision)


def test_an_attested_override_past_a_safety_gate_answers_200(coach_api, coach, decision):
    response = coach_api.post(
        override_url(decision),
        {
            **INTO_RUN_WALK,
            "note": "She ran through pregnancy.",
            "clinician_attestation": "Dr Reid (GP) cleared her on the phone on Monday.",
        },
        format="json",
    )

    assert response.status_code == 200
    decision.refresh_from_db()
    rest, times = split_times(response.json())
    assert rest == expected_decision(
        decision,
        status="overridden",
        final_action="advance",
        final_stage="run_walk",
        final_level=1,
        note="She ran through pregnancy.",
        clinician_attestation="Dr Reid (GP) cleared her on the phone on Monday.",
        overridden_safety_gates=["clearance", "readiness"],
        decided_by=coach.pk,
    )
    assert parse_datetime(times["decided_at"]) == decision.decided_at
    entry = AuditEntry.objects.get(decision=decision)
    assert entry.kind == AuditEntry.Kind.SAFETY_OVERRIDE
    assert entry.details["failed_safety_gates"] == ["clearance", "readiness"]
    plan_week = PlanWeek.objects.get(plan__athlete=decision.athlete, week=decision.week)
    assert (plan_week.stage, plan_week.level) == ("run_walk", 1)
    decision.athlete.refresh_from_db()
    assert (decision.athlete.stage, decision.athlete.level) == ("run_walk", 1)


def test_a_plain_override_answers_200(coach_api, coach, decision):
    response = coach_api.post(
        override_url(decision), {**HOLD, "note": "A bad week at home."}, format="json"
    )

    assert response.status_code == 200
    decision.refresh_from_db()
    rest, _ = split_times(response.json())
    assert rest == expected_decision(
        decision,
        status="overridden",
        final_action="hold",
        final_stage="walk",
        final_level=1,
        note="A bad week at home.",
        decided_by=coach.pk,
    )
    assert AuditEntry.objects.get(decision=decision).kind == AuditEntry.Kind.OVERRIDDEN


def test_another_coach_overriding_gets_404_and_nothing_is_written(other_coach_api, decision):
    response = other_coach_api.post(
        override_url(decision),
        {**INTO_RUN_WALK, "note": "Mine.", "clinician_attestation": "Me."},
        format="json",
    )

    assert response.status_code == 404
    assert_nothing_written(decision)


def test_another_coach_gets_404_even_with_a_bad_body(other_coach_api, decision):
    response = other_coach_api.post(override_url(decision), {}, format="json")

    assert response.status_code == 404
    assert_nothing_written(decision)


def test_the_athlete_overriding_gets_403_and_nothing_is_written(athlete_api, decision):
    response = athlete_api.post(
        override_url(decision), {**HOLD, "note": "I'd rather rest."}, format="json"
    )

    assert response.status_code == 403
    assert_nothing_written(decision)


def test_overriding_a_decided_decision_answers_400(coach_api, decision):
    coach_api.post(approve_url(decision))

    response = coach_api.post(override_url(decision), {**HOLD, "note": "Late."}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This decision was already approved; it can't be decided twice."]
    }
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.note == ""
