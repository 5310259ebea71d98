"""Approving several decisions at once from the dashboard: each through the single-approval
service with its own audit entry; one held back by a safety gate (or a referral) is never
approved in bulk; another coach's decision is 404 and nothing is written; a malformed
selection is a 400 and nothing is written; partial success is reported."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from plans import services
from plans.models import AuditEntry, Decision, DecisionStatus, PlanWeek
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from tests.plans.conftest import next_monday, put_checkin, this_monday

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday")]

URL = reverse("plans:decisions_approve")
DASHBOARD = reverse("plans:coach_dashboard")
FAILED_CLEARANCE = {"key": "clearance", "passed": False, "detail": "No medical clearance."}
FAILED_READINESS = {"key": "readiness", "passed": False, "detail": "No readiness assessment."}
# Into run-walk, the first impact stage.
INTO_RUNNING = {"action": "advance", "to_stage": "run_walk", "to_level": 1}


def pending(coach, name: str, **changes) -> Decision:
    """Her plan started, this week's check-in in, next week's decision computed."""
    athlete = AthleteFactory(coach=coach, first_name=name, last_name="Hill")
    put_checkin(athlete, this_monday(athlete))
    decision = services.decision_compute(athlete=athlete, for_week=next_monday(athlete))
    if changes:
        Decision.objects.filter(pk=decision.pk).update(**changes)
        decision.refresh_from_db()
    return decision


def statuses(*decisions: Decision) -> list[str]:
    return [Decision.objects.get(pk=d.pk).status for d in decisions]


def said(response) -> list[tuple[str, str]]:
    return [(m.tags, m.message) for m in get_messages(response.wsgi_request)]


def nothing_written(*decisions: Decision) -> None:
    assert statuses(*decisions) == [DecisionStatus.PENDING] * len(decisions)
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.APPROVED).exists()
    assert not PlanWeek.objects.filter(decision__in=decisions).exists()


def test_each_selected_decision_is_approved_and_audited_on_its_own(coach, coach_client):
    ada, bea, cat = (pending(coach, n) for n in ("Ada", "Bea", "Cat"))

    response = coach_client.post(URL, {"decision": [ada.pk, cat.pk]})

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD + "#decisions"
    assert statuses(ada, bea, cat) == ["approved", "pending", "approved"]
    for d in (ada, cat):
        entry = AuditEntry.objects.get(decision=d, kind=AuditEntry.Kind.APPROVED)
        assert entry.actor == coach
        assert entry.athlete_id == d.athlete_id
        week = PlanWeek.objects.get(plan__athlete=d.athlete, week=d.week)
        assert (week.decision_id, week.approved_by) == (d.pk, coach)
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.APPROVED).count() == 2
    assert said(response) == [
        (
            "success",
            "Approved 2 decisions as recommended, each published to her plan: Ada Hill, Cat Hill.",
        )
    ]


def test_it_goes_through_the_single_approval_service_once_per_decision(
    coach, coach_client, monkeypatch
):
    ada, bea = pending(coach, "Ada"), pending(coach, "Bea")
    calls = []
    single = services.decision_approve

    def spy(*, decision, by):
        calls.append((decision.pk, by.pk))
        return single(decision=decision, by=by)

    monkeypatch.setattr(services, "decision_approve", spy)

    coach_client.post(URL, {"decision": [bea.pk, ada.pk, bea.pk]})  # a repeat counts once

    assert calls == [(bea.pk, coach.pk), (ada.pk, coach.pk)]


def test_a_decision_past_a_failed_safety_gate_is_held_back_and_reported(coach, coach_client):
    ada = pending(coach, "Ada")
    held = pending(coach, "Hana", gates=[FAILED_CLEARANCE], **INTO_RUNNING)
    refer = pending(coach, "Rita", refer=True)

    response = coach_client.post(URL, {"decision": [held.pk, ada.pk, refer.pk]})

    assert statuses(ada, held, refer) == ["approved", "pending", "pending"]
    assert not AuditEntry.objects.filter(decision__in=[held, refer]).exists()
    assert said(response) == [
        (
            "success",
            "Approved 1 decision as recommended, each published to her plan: Ada Hill.",
        ),
        (
            "warning",
            "Not approved, a safety gate failed or a referral is advised: Hana Hill, Rita "
            "Hill. Open her page to approve or override.",
        ),
    ]


def test_a_hold_out_of_impact_with_a_failed_safety_gate_is_routine(coach, coach_client):
    # Still walking, waiting for her readiness test: approving moves her past nothing.
    waiting = pending(coach, "Wren", gates=[FAILED_READINESS])

    coach_client.post(URL, {"decision": [waiting.pk]})

    assert statuses(waiting) == ["approved"]


def test_safety_gates_are_checked_again_on_her_records_as_they_are_now(coach, coach_client):
    # Computed with every gate held, but she has no clearance on file today.
    lapsed = pending(coach, "Lia", gates=[], **INTO_RUNNING)
    cleared = pending(coach, "Cleo", gates=[], **INTO_RUNNING)
    ClearanceFactory(athlete=cleared.athlete)
    AssessmentFactory(athlete=cleared.athlete)

    response = coach_client.post(URL, {"decision": [lapsed.pk, cleared.pk]})

    assert statuses(lapsed, cleared) == ["pending", "approved"]
    assert "Lia Hill" in said(response)[1][1]
    assert PlanWeek.objects.get(plan__athlete=cleared.athlete, week=cleared.week).stage == (
        "run_walk"
    )


def test_a_decision_decided_meanwhile_is_reported_and_the_rest_approved(coach, coach_client):
    ada, bea = pending(coach, "Ada"), pending(coach, "Bea")
    services.decision_approve(decision=bea, by=coach)

    response = coach_client.post(URL, {"decision": [ada.pk, bea.pk]})

    assert statuses(ada, bea) == ["approved", "approved"]
    assert AuditEntry.objects.filter(decision=bea, kind=AuditEntry.Kind.APPROVED).count() == 1
    tags = [tag for tag, _ in said(response)]
    assert tags == ["success", "error"]
    assert said(response)[1][1].startswith("Not approved for Bea Hill: ")
    assert "already approved" in said(response)[1][1]


def test_another_coachs_decision_is_404_and_nothing_is_approved(coach, coach_client, other_coach):
    mine = pending(coach, "Ada")
    theirs = pending(other_coach, "Olga")

    response = coach_client.post(URL, {"decision": [mine.pk, theirs.pk]})

    assert response.status_code == 404
    nothing_written(mine, theirs)


def test_an_unknown_decision_is_404_and_nothing_is_approved(coach, coach_client):
    mine = pending(coach, "Ada")

    response = coach_client.post(URL, {"decision": [mine.pk, mine.pk + 1000]})

    assert response.status_code == 404
    nothing_written(mine)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ([], "Choose at least one decision to approve."),
        (["abc"], "That selection was not understood: choose decisions again."),
        (["-3"], "That selection was not understood: choose decisions again."),
        (["1" * 30], "That selection was not understood: choose decisions again."),
        (["١٢"], "That selection was not understood: choose decisions again."),
        ([str(n) for n in range(1, 102)], "Choose at most 100 decisions to approve at once."),
    ],
    ids=["none", "text", "negative", "huge", "arabic-digits", "too-many"],
)
def test_a_malformed_selection_is_a_400_with_the_reason_and_nothing_written(
    coach, coach_client, values, error
):
    mine = pending(coach, "Ada")
    data = {"decision": [*values, str(mine.pk)]} if values else {}

    response = coach_client.post(URL, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<div class="alert alert--error" role="alert" id="bulk-error"><p>{error}</p>' in html
    nothing_written(mine)


def test_an_athlete_cannot_approve(athlete_client, coach):
    mine = pending(coach, "Ada")

    assert athlete_client.post(URL, {"decision": [mine.pk]}).status_code == 403
    nothing_written(mine)


def test_a_get_is_sent_to_the_dashboard_and_writes_nothing(coach, coach_client):
    mine = pending(coach, "Ada")

    response = coach_client.get(URL, {"decision": [mine.pk]})
    assert (response.status_code, response["Location"]) == (302, DASHBOARD)
    nothing_written(mine)


def test_the_dashboard_offers_a_checkbox_only_where_bulk_may_approve(coach, coach_client):
    ada = pending(coach, "Ada")
    held = pending(coach, "Hana", gates=[FAILED_CLEARANCE], **INTO_RUNNING)

    html = coach_client.get(DASHBOARD).content.decode()

    assert f'name="decision" value="{ada.pk}" id="decision-{ada.pk}"' in html
    assert f'value="{held.pk}"' not in html
    assert (
        "Into run-walk although a safety gate failed (medical clearance): approve it on her page."
    ) in html
    assert f'action="{URL}"' in html
    # "Select all" needs JavaScript: hidden until static/js/bulk-select.js shows it.
    assert 'data-select-all="decision"' in html
    assert 'data-label-none="Select none" hidden>Select all</button>' in html
    assert '<script src="/static/js/bulk-select.js" defer></script>' in html
