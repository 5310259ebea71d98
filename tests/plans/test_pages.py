"""The coach's athlete page with its decision, approve and override, the week editor, and the
athlete's "my week"."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from plans import services, tasks
from plans.models import (
    SESSION_FIELDS,
    AuditEntry,
    Decision,
    DecisionStatus,
    Plan,
    PlannedSession,
    PlanWeek,
)
from tests.plans.conftest import next_monday, put_checkin, this_monday
from tests.sql import written_tables

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def sessions_shown(response) -> list[str]:
    """What each listed session says (``_sessions.html``), in page order."""
    html = response.content.decode()
    found = re.findall(r'<span class="session-what"><strong>(.*?)</strong>', html, re.S)
    return [unescape(s).strip() for s in found]


def field_errors(response, field: str) -> list[str]:
    """The errors rendered beside one field (``_field.html``'s ``<ul id="…_error">``)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    if match is None:
        return []
    return [unescape(e).strip() for e in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


@pytest.fixture
def decision(athlete) -> Decision:
    """Her plan started this week (walk 1); she checked in; next week's decision is pending."""
    services.plan_start(athlete=athlete)
    put_checkin(athlete, this_monday(athlete))
    return services.decision_compute(athlete=athlete, for_week=next_monday(athlete))


def overview_url(athlete) -> str:
    return reverse("plans:athlete_overview", args=[athlete.pk])


def assert_back_to_the_decision(url: str, athlete) -> None:
    parts = urlsplit(url)
    assert (parts.path, parts.fragment) == (overview_url(athlete), "decision")


def assert_untouched(decision: Decision) -> None:
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PENDING
    assert decision.decided_by is None
    assert decision.note == ""
    assert not PlanWeek.objects.filter(plan__athlete=decision.athlete, week=decision.week).exists()
    assert not AuditEntry.objects.filter(decision=decision).exists()
    decision.athlete.refresh_from_db()
    assert (decision.athlete.stage, decision.athlete.level) == ("walk", 1)


# --- the coach's athlete page --------------------------------------------------------------------


def test_the_athlete_page_shows_the_pending_decision_with_its_gates(coach_client, decision):
    response = coach_client.get(overview_url(decision.athlete))

    assert response.status_code == 200
    page = text(response)
    assert f"Decision for the week of {decision.week:%-d %b}" in page
    assert "Recommended: advance" in page
    assert decision.summary in page
    assert "From Walk and rebuild level 1 → Walk and rebuild level 2" in page
    assert "What was checked" in page
    for gate in decision.gates:
        assert gate["detail"] in page
    assert "Passed: Check-in" in page
    html = response.content.decode()
    assert f'action="{reverse("plans:decision_approve", args=[decision.pk])}"' in html
    assert f'action="{reverse("plans:decision_override", args=[decision.pk])}"' in html


def test_the_decision_says_it_applies_from_today_once_its_week_has_begun(coach_client, decision):
    wednesday = datetime.combine(decision.week + timedelta(days=2), time(10), tzinfo=LONDON)
    with time_machine.travel(wednesday, tick=False):
        page = text(coach_client.get(overview_url(decision.athlete)))

    assert (
        f"Applies from today, {date_format(wednesday.date(), 'l j M')}, once you decide: her "
        "week has begun, and the days gone by stay as they were." in page
    )


def test_a_failed_gate_is_marked_in_words_not_only_colour(coach_client, athlete):
    services.plan_start(athlete=athlete)
    put_checkin(athlete, this_monday(athlete), sleep_hours="4.0")
    services.decision_compute(athlete=athlete, for_week=next_monday(athlete))

    page = text(coach_client.get(overview_url(athlete)))

    assert "Recommended: hold" in page
    assert "Not passed: Sleep" in page


def test_the_athlete_page_without_a_pending_decision_says_what_comes_next(coach_client, athlete):
    page = text(coach_client.get(overview_url(athlete)))

    assert "Nothing to decide right now." in page


def test_the_athlete_page_of_an_athlete_without_a_plan_says_when_it_starts_and_writes_nothing(
    coach_client, athlete_without_plan
):
    with CaptureQueriesContext(connection) as queries:
        response = coach_client.get(overview_url(athlete_without_plan))

    assert response.status_code == 200
    page = text(response)
    assert "Her plan hasn't started yet: it starts within the hour." in page
    assert "Nothing to decide right now." in page
    assert written_tables(queries) == []
    assert not Plan.objects.exists()


def test_another_coachs_athlete_page_is_404(other_coach_client, decision):
    assert other_coach_client.get(overview_url(decision.athlete)).status_code == 404


def test_an_athlete_cannot_open_the_coachs_athlete_page(athlete_client, decision):
    assert athlete_client.get(overview_url(decision.athlete)).status_code == 403


# --- approve -------------------------------------------------------------------------------------


def test_approving_with_a_plain_form_redirects_to_the_decision(coach_client, coach, decision):
    response = coach_client.post(reverse("plans:decision_approve", args=[decision.pk]))

    assert response.status_code == 302
    assert_back_to_the_decision(response["Location"], decision.athlete)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.decided_by == coach
    assert PlanWeek.objects.get(plan__athlete=decision.athlete, week=decision.week).level == 2
    page = text(coach_client.get(response["Location"]))
    assert f"Approved: the week of {decision.week:%-d %b} is published to her plan." in page


def test_approving_once_the_week_has_begun_says_from_which_day(coach_client, decision):
    sunday = datetime.combine(decision.week - timedelta(days=1), time(9), tzinfo=LONDON)
    with time_machine.travel(sunday, tick=False) as clock:
        tasks.publish_weeks()  # her week is carried over while the decision waits
        clock.move_to(sunday + timedelta(days=3))  # Wednesday of the week
        response = coach_client.post(
            reverse("plans:decision_approve", args=[decision.pk]), follow=True
        )

    assert (
        f"Approved: the week of {decision.week:%-d %b} is published to her plan, from "
        "Wednesday on." in text(response)
    )


def test_approving_with_htmx_answers_204_with_a_redirect_header(coach_client, decision):
    response = coach_client.post(
        reverse("plans:decision_approve", args=[decision.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    assert_back_to_the_decision(response["HX-Redirect"], decision.athlete)
    assert response.content == b""
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED


def test_approving_twice_tells_the_coach_and_changes_nothing(coach_client, decision):
    url = reverse("plans:decision_approve", args=[decision.pk])
    coach_client.post(url)

    response = coach_client.post(url, follow=True)

    assert response.status_code == 200
    assert "already approved" in text(response)
    assert AuditEntry.objects.filter(decision=decision).count() == 1


def test_approve_needs_a_post_and_a_get_is_sent_to_the_decision(coach_client, decision):
    url = reverse("plans:decision_approve", args=[decision.pk])

    response = coach_client.get(url)
    put = coach_client.put(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:decision_override", args=[decision.pk])
    assert put.status_code == 405
    assert b"POST" in put.content
    assert_untouched(decision)


@pytest.mark.parametrize("view", ["plans:decision_approve", "plans:decision_override"])
def test_another_coachs_decision_is_404_and_nothing_changes(other_coach_client, decision, view):
    data = {"action": "hold", "to_stage": "walk", "to_level": 1, "note": "Mine now."}

    response = other_coach_client.post(reverse(view, args=[decision.pk]), data)

    assert response.status_code == 404
    assert_untouched(decision)


@pytest.mark.parametrize("view", ["plans:decision_approve", "plans:decision_override"])
def test_an_athlete_cannot_decide_and_nothing_changes(athlete_client, decision, view):
    data = {"action": "advance", "to_stage": "speed", "to_level": 3, "note": "Let me run."}

    response = athlete_client.post(reverse(view, args=[decision.pk]), data)

    assert response.status_code == 403
    assert_untouched(decision)


def test_a_signed_out_visitor_is_sent_to_log_in(client, decision):
    response = client.post(reverse("plans:decision_approve", args=[decision.pk]))

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert_untouched(decision)


# --- override ------------------------------------------------------------------------------------


def test_the_override_form_opens_with_the_recommendation(coach_client, decision):
    response = coach_client.get(reverse("plans:decision_override", args=[decision.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "Override the decision for the week of" in page
    assert "Recommended: advance → Walk and rebuild level 2." in page


def test_an_override_without_a_note_shows_the_error_beside_the_field(coach_client, decision):
    response = coach_client.post(
        reverse("plans:decision_override", args=[decision.pk]),
        {"action": "hold", "to_stage": "walk", "to_level": "1", "note": ""},
    )

    assert response.status_code == 400
    # The service's message, shown beside the field it names.
    assert field_errors(response, "note") == ["Say why you are overriding the recommendation."]
    assert field_errors(response, "action") == []
    assert_untouched(decision)


@pytest.mark.parametrize(
    ("changes", "field", "errors"),
    [
        pytest.param(
            {"note": "x" * 2001},
            "note",
            ["Ensure this value has at most 2000 characters (it has 2001)."],
            id="a-note-too-long",
        ),
        pytest.param(
            {"to_level": "0"}, "to_level", ["Walk and rebuild has levels 1 to 4."], id="level-0"
        ),
        pytest.param(
            {"action": "pause", "to_stage": "run_walk"},
            "to_stage",
            ["A pause means no impact: choose recover or walk."],
            id="a-pause-into-run-walk",
        ),
        pytest.param({"to_level": "two"}, "to_level", ["Enter a whole number."], id="not-a-number"),
        pytest.param(
            {"to_stage": "marathon"},
            "to_stage",
            ["Select a valid choice. marathon is not one of the available choices."],
            id="an-unknown-stage",
        ),
    ],
)
def test_a_bad_override_shows_the_error_beside_its_field_and_changes_nothing(
    coach_client, decision, changes, field, errors
):
    body = {"action": "hold", "to_stage": "walk", "to_level": "1", "note": "Why.", **changes}

    response = coach_client.post(reverse("plans:decision_override", args=[decision.pk]), body)

    assert response.status_code == 400
    assert field_errors(response, field) == errors
    assert_untouched(decision)


def test_the_override_form_marks_the_note_required_not_optional(coach_client, decision):
    response = coach_client.get(reverse("plans:decision_override", args=[decision.pk]))

    page = text(response)
    assert "Why (required)" in page
    assert "Why (required) (optional)" not in page
    assert "Clinician's approval (optional)" in page


def test_an_override_past_a_safety_gate_without_a_clinician_is_refused_beside_the_field(
    coach_client, decision
):
    response = coach_client.post(
        reverse("plans:decision_override", args=[decision.pk]),
        {"action": "advance", "to_stage": "run_walk", "to_level": "1", "note": "Ready."},
    )

    assert response.status_code == 400
    errors = field_errors(response, "clinician_attestation")
    assert len(errors) == 1
    assert "clearance" in errors[0]
    assert "readiness" in errors[0]
    assert_untouched(decision)


def test_an_override_to_a_level_the_stage_lacks_is_refused(coach_client, decision):
    response = coach_client.post(
        reverse("plans:decision_override", args=[decision.pk]),
        {"action": "hold", "to_stage": "walk", "to_level": "6", "note": "Six."},
    )

    assert response.status_code == 400
    assert field_errors(response, "to_level") == ["Walk and rebuild has levels 1 to 4."]
    assert_untouched(decision)


def test_a_valid_override_is_recorded_and_redirects(coach_client, coach, decision):
    response = coach_client.post(
        reverse("plans:decision_override", args=[decision.pk]),
        {"action": "hold", "to_stage": "walk", "to_level": "1", "note": "A hard week at home."},
    )

    assert response.status_code == 302
    assert_back_to_the_decision(response["Location"], decision.athlete)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OVERRIDDEN
    assert (decision.final_action, decision.final_stage, decision.final_level) == (
        "hold",
        "walk",
        1,
    )
    assert decision.note == "A hard week at home."
    assert decision.decided_by == coach
    assert AuditEntry.objects.get(decision=decision).kind == AuditEntry.Kind.OVERRIDDEN


# --- the week editor -----------------------------------------------------------------------------


def edit_url(athlete, week) -> str:
    return reverse("plans:plan_week_edit", args=[athlete.pk, week.isoformat()])


def formset_data(sessions: list[dict]) -> dict:
    data = {
        "s-TOTAL_FORMS": str(len(sessions)),
        "s-INITIAL_FORMS": str(len(sessions)),
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "30",
    }
    for i, session in enumerate(sessions):
        for name, value in session.items():
            if value is None or value is False:
                continue
            data[f"s-{i}-{name}"] = "on" if value is True else str(value)
    return data


def current_sessions(athlete, week) -> list[dict]:
    return list(
        PlannedSession.objects.filter(plan_week__plan__athlete=athlete, plan_week__week=week)
        .order_by("day", "order")
        .values(*SESSION_FIELDS)
    )


@pytest.fixture
def plan_week(athlete) -> PlanWeek:
    services.plan_start(athlete=athlete)
    return PlanWeek.objects.get(plan__athlete=athlete)


def test_the_week_editor_lists_the_weeks_sessions(coach_client, athlete, plan_week):
    response = coach_client.get(edit_url(athlete, plan_week.week))

    assert response.status_code == 200
    page = text(response)
    assert f"Sessions for the week of {plan_week.week:%-d %b %Y}" in page
    assert response.content.decode().count('name="s-') > 11 * 8


def test_the_week_editor_saves_valid_changes(coach_client, coach, athlete, plan_week):
    sessions = current_sessions(athlete, plan_week.week)
    sessions[0].update(minutes=20, notes="A little longer.")
    sessions[1]["DELETE"] = True
    sessions[2].update(
        kind="run_walk", minutes=30, run_seconds=60, walk_seconds=120, repeats=8, terrain="road"
    )

    response = coach_client.post(edit_url(athlete, plan_week.week), formset_data(sessions))

    assert response.status_code == 302
    assert response["Location"] == overview_url(athlete) + "#plan"
    saved = current_sessions(athlete, plan_week.week)
    assert len(saved) == 10
    assert (saved[0]["kind"], saved[0]["minutes"], saved[0]["notes"]) == (
        "walk",
        20,
        "A little longer.",
    )
    run_walk = [s for s in saved if s["kind"] == "run_walk"]
    assert len(run_walk) == 1
    assert (run_walk[0]["run_seconds"], run_walk[0]["walk_seconds"], run_walk[0]["repeats"]) == (
        60,
        120,
        8,
    )
    entry = AuditEntry.objects.get(athlete=athlete, kind=AuditEntry.Kind.SESSIONS_EDITED)
    assert entry.actor == coach
    assert entry.details == {"week": plan_week.week.isoformat(), "sessions": 10}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        pytest.param(
            {"kind": "run_walk", "run_seconds": 60, "walk_seconds": 120, "repeats": None},
            "A run-walk session needs run and walk seconds and repeats.",
            id="run-walk-without-repeats",
        ),
        pytest.param(
            {"minutes": 601},
            "Ensure this value is less than or equal to 600.",
            id="minutes-601",
        ),
        pytest.param(
            {"kind": "swim"},
            "Select a valid choice. swim is not one of the available choices.",
            id="unknown-kind",
        ),
        pytest.param({"day": 7}, "Select a valid choice.", id="day-7"),
    ],
)
def test_the_week_editor_refuses_bad_sessions_and_changes_nothing(
    coach_client, athlete, plan_week, change, error
):
    before = current_sessions(athlete, plan_week.week)
    sessions = [dict(s) for s in before]
    sessions[0].update(change)

    response = coach_client.post(edit_url(athlete, plan_week.week), formset_data(sessions))

    assert response.status_code == 400
    assert error in text(response)
    assert current_sessions(athlete, plan_week.week) == before
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.SESSIONS_EDITED).exists()


def test_another_coachs_week_editor_is_404_and_nothing_changes(
    other_coach_client, athlete, plan_week
):
    before = current_sessions(athlete, plan_week.week)
    sessions = [dict(s) for s in before]
    sessions[0]["minutes"] = 5

    response = other_coach_client.post(edit_url(athlete, plan_week.week), formset_data(sessions))

    assert response.status_code == 404
    assert current_sessions(athlete, plan_week.week) == before


def test_an_athlete_cannot_open_the_week_editor(athlete_client, athlete, plan_week):
    assert athlete_client.get(edit_url(athlete, plan_week.week)).status_code == 403


@pytest.mark.parametrize(
    "week",
    [
        pytest.param("1999-01-04", id="a-week-without-a-plan"),
        pytest.param("not-a-date", id="not-a-date"),
        pytest.param("2026-13-45", id="an-impossible-date"),
    ],
)
def test_the_week_editor_for_a_week_that_does_not_exist_is_404(coach, athlete, plan_week, week):
    client = Client(raise_request_exception=False)
    client.force_login(coach)

    response = client.get(f"/coach/athletes/{athlete.pk}/weeks/{week}/edit/")

    assert response.status_code == 404


# --- the athlete's week --------------------------------------------------------------------------


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_my_week_shows_her_approved_week_the_ladder_and_the_call_to_check_in(
    athlete_client, athlete
):
    services.plan_start(athlete=athlete)
    put_checkin(athlete, this_monday(athlete) - timedelta(weeks=1))

    response = athlete_client.get(reverse("plans:my_week"))

    assert response.status_code == 200
    page = text(response)
    assert "Hello, Anna" in page
    assert "This week's sessions" in page
    assert sessions_shown(response) == ["15 min walk"] * 4 + ["10 min pelvic floor exercises"]
    assert "Every day" in page
    assert "How is this week going?" in page
    html = response.content.decode()
    assert f'href="{reverse("checkins:my_checkin")}"' in html
    # The ladder: the seven stages, hers marked as the current step.
    assert html.count('aria-current="step"') == 1
    for number, name in enumerate(
        [
            "Rest and recover",
            "Walk and rebuild",
            "Run-walk",
            "Continuous easy running",
            "Build distance",
            "Technical trails and hills",
            "Speed and full training",
        ],
        start=1,
    ):
        assert f"{number}. {name}" in page
    assert re.search(r'<li class="is-current" aria-current="step"><span>2\. Walk and rebuild', html)


@pytest.mark.usefixtures("friday")  # this week's check-in is open
def test_my_week_says_she_has_checked_in(athlete_client, athlete):
    services.plan_start(athlete=athlete)
    put_checkin(athlete, this_monday(athlete) - timedelta(weeks=1))
    put_checkin(athlete, this_monday(athlete))

    page = text(athlete_client.get(reverse("plans:my_week")))

    assert "You've checked in for this week." in page
    assert "How is this week going?" not in page


def test_her_checkin_form_leaves_the_sessions_done_to_her_even_with_a_plan(athlete_client, athlete):
    services.plan_start(athlete=athlete)  # four walks planned this week

    html = athlete_client.get(reverse("checkins:my_checkin")).content.decode()

    sessions = re.search(r'<input [^>]*name="sessions_completed"[^>]*>', html).group(0)
    assert "value=" not in sessions
    effort = re.search(r'<select [^>]*name="effort"[^>]*>.*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="" selected>', effort)


def test_my_week_shows_a_run_walk_session_in_plain_words(athlete_client, athlete, coach):
    services.plan_start(athlete=athlete)
    plan_week = PlanWeek.objects.get(plan__athlete=athlete)
    PlanWeek.objects.filter(pk=plan_week.pk).update(stage="run_walk", level=1)
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
            },
            {
                "day": 3,
                "kind": "run_walk",
                "minutes": 30,
                "run_seconds": 90,
                "walk_seconds": 30,
                "repeats": 10,
                "terrain": "smooth_trail",
            },
        ],
        by=coach,
    )

    response = athlete_client.get(reverse("plans:my_week"))

    assert sessions_shown(response) == [
        "8 × (1 min run, 2 min walk)",
        "10 × (1 min 30 s run, 30 s walk)",
    ]
    assert "8 × (1 min run, 2 min walk)" in text(response)


def test_my_week_never_says_unpublished_even_if_the_publisher_missed_this_week(
    athlete_client, athlete
):
    services.plan_start(athlete=athlete)
    last_monday = this_monday(athlete) - timedelta(weeks=1)
    PlanWeek.objects.filter(plan__athlete=athlete).update(week=last_monday)

    response = athlete_client.get(reverse("plans:my_week"))

    page = text(response)
    assert "The same as last week for now." in page
    assert "published" not in page
    assert sessions_shown(response) == ["15 min walk"] * 4 + ["10 min pelvic floor exercises"]


def test_my_week_without_a_plan_says_so_kindly_and_writes_nothing(athlete_without_plan):
    client = Client()
    client.force_login(athlete_without_plan.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:my_week"))

    assert response.status_code == 200
    page = text(response)
    assert "Hello, Anna" in page
    assert "Your plan starts soon." in page
    assert sessions_shown(response) == []
    assert written_tables(queries) == []
    assert not Plan.objects.exists()


def test_a_coach_cannot_open_my_week(coach_client):
    assert coach_client.get(reverse("plans:my_week")).status_code == 403
