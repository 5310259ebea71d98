"""Ten weeks of the weekly loop (SPEC §11), lived through the REST API with a moving clock.

Her coach sets her up as a coach does (a token, enrolment, clearance, readiness assessment,
an invitation she accepts), and from then on the clock moves hour by hour while the hourly
``publish_weeks`` runs at every whole hour, as Celery beat runs it. On the days that matter
the test looks at what she sees (``GET /athletes/{id}/plan/``) and what her coach sees
(``GET /athletes/{id}/decisions/``), and before the task's run at every hour it checks that
each athlete's current week is already published.

Aroha lives in Auckland (the clocks go back there on Sunday 5 April, in week 1) and does
everything; Lucy lives in Los Angeles, checks in every Friday and has every decision
approved the same day. Their Mondays begin 19 or 20 hours apart.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from athletes.models import Athlete
from plans.models import PlanWeek
from tests.plans.clock import HourlyClock
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
W0 = date(2026, 3, 23)  # a Monday; the week both are enrolled
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# What each week holds, as (day, description) of the sessions she counts (walks, runs,
# strength; the daily pelvic floor work is left out).
RW = {
    1: "8 × (1 min run, 2 min walk)",
    2: "6 × (2 min run, 2 min walk)",
    3: "8 × (2 min run, 1 min walk)",
    4: "7 × (3 min run, 1 min walk)",
}
STRENGTH = "30 min strength"
PAUSE_WALK = "20 min walk"


def run_walk_week(level: int) -> list[tuple[int, str]]:
    return [(MON, STRENGTH), (TUE, RW[level]), (THU, RW[level]), (FRI, STRENGTH), (SAT, RW[level])]


PAUSE_WEEK = [(MON, PAUSE_WALK), (WED, PAUSE_WALK), (FRI, PAUSE_WALK), (SUN, PAUSE_WALK)]
WALK_WEEK = {
    1: [(MON, "15 min walk"), (WED, "15 min walk"), (FRI, "15 min walk"), (SUN, "15 min walk")],
    2: [(MON, "25 min walk"), (WED, "25 min walk"), (FRI, "25 min walk"), (SUN, "25 min walk")],
    3: [(d, "35 min walk") for d in (MON, TUE, THU, SAT, SUN)],
    4: [(d, "45 min walk") for d in (MON, TUE, THU, SAT, SUN)],
}
IMPACT_KINDS = {"run_walk", "run"}
COUNTED_KINDS = {"walk", "run_walk", "run", "strength"}

CLEAN_WEEK = {
    "sessions_completed": 4,
    "run_minutes": 60,
    "walk_minutes": 60,
    "longest_session_minutes": 34,
    "effort": 5,
    "energy": 4,
    "sleep_hours": 6.5,
    "sleep_quality": 3,
    "mood": 4,
    "stress": 2,
    "soreness": 2,
    "pain": 0,
}
# The eleven items of the readiness assessment (SPEC §9), every one passed.
ALL_PASSED = dict.fromkeys(
    (
        "walk_30_min",
        "single_leg_balance",
        "single_leg_squat",
        "jog_on_spot",
        "forward_bounds",
        "hop_in_place",
        "running_man",
        "calf_raise",
        "single_leg_bridge",
        "single_leg_sit_to_stand",
        "side_lying_abduction",
    ),
    True,
)


def week(n: int) -> date:
    return W0 + timedelta(weeks=n)


def day(n: int, weekday: int) -> date:
    return week(n) + timedelta(days=weekday)


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def at(d: date, hour: int = 10, minute: int = 0, tz: ZoneInfo = AUCKLAND) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=tz)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


# --- What she sees, what her coach sees --------------------------------------------------------


def main_sessions(week_body: dict) -> list[tuple[int, str]]:
    return [
        (s["day"], s["description"]) for s in week_body["sessions"] if s["kind"] in COUNTED_KINDS
    ]


def impact_days(api: APIClient, athlete_id: int) -> list[int]:
    """The days of this week that hold a run or a run-walk, as she is shown them."""
    body = ok(api.get(f"/api/v1/athletes/{athlete_id}/plan/"))
    return sorted({s["day"] for s in body["week"]["sessions"] if s["kind"] in IMPACT_KINDS})


def shown_week(week_body: dict | None) -> dict | None:
    if week_body is None:
        return None
    return {
        "week": week_body["week"],
        "stage": week_body["stage"],
        "level": week_body["level"],
        "reason": week_body["reason"],
        "applies_from": week_body["applies_from"],
        "sessions": main_sessions(week_body),
    }


def her_plan(api: APIClient, athlete_id: int) -> dict:
    """What she sees of her plan: stage, level, status, this week and next week."""
    body = ok(api.get(f"/api/v1/athletes/{athlete_id}/plan/"))
    return {
        "stage": body["stage"],
        "level": body["level"],
        "status": body["status"],
        "paused_since": body["paused_since"],
        "week": shown_week(body["week"]),
        "next_week": shown_week(body["next_week"]),
    }


def expected_week(
    n: int,
    stage: str,
    level: int,
    reason: str,
    sessions: list[tuple[int, str]],
    applies_from: date | None = None,
) -> dict:
    return {
        "week": iso(week(n)),
        "stage": stage,
        "level": level,
        "reason": reason,
        "applies_from": iso(applies_from),
        "sessions": sessions,
    }


def awaiting(api: APIClient, athlete_id: int) -> list[dict]:
    """The decisions awaiting her coach's review (pending, or applied without her)."""
    body = ok(api.get(f"/api/v1/athletes/{athlete_id}/decisions/"))
    return [
        {
            "id": d["id"],
            "week": d["week"],
            "applies_from": d["applies_from"],
            "trigger": d["trigger"],
            "action": d["action"],
            "to": (d["to_stage"], d["to_level"]),
            "status": d["status"],
        }
        for d in body["results"]
        if d["status"] in ("pending", "auto_applied")
    ]


def the_one_awaiting(api: APIClient, athlete_id: int) -> dict:
    (decision,) = awaiting(api, athlete_id)
    return decision


def decision_shown(
    decision_id: int,
    n: int,
    action: str,
    to: tuple[str, int],
    status: str,
    *,
    applies_from: date | None = None,
    trigger: str = "checkin",
) -> dict:
    return {
        "id": decision_id,
        "week": iso(week(n)),
        "applies_from": iso(applies_from or week(n)),
        "trigger": trigger,
        "action": action,
        "to": to,
        "status": status,
    }


# --- The people ------------------------------------------------------------------------------


def token_client(email: str, password: str) -> APIClient:
    body = ok(APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client


def invite_and_accept(commit, coach, athlete_id: int, email: str, password: str) -> APIClient:
    """Her coach invites her from her page; she follows the link, chooses a password and
    gets a token for the API."""
    web = Client()
    web.force_login(coach)
    sent = len(mail.outbox)
    response = commit(lambda: web.post(reverse("athletes:invitation_send", args=[athlete_id])))
    assert response.status_code == 302
    assert len(mail.outbox) == sent + 1
    (link,) = re.findall(r"https?://\S+/invite/\S+/", mail.outbox[-1].body)
    accepted = Client().post(link, {"email": email, "password1": password, "password2": password})
    assert accepted.status_code == 302
    return token_client(email, password)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a request and the work it queues on commit, as a request in production does."""

    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            return send()

    return run


# Lucy's position each week: her first week, then every decision approved by her coach. At
# the top of walking, run-walk's gates fail (no clearance for running): she holds.
LUCY = {
    0: ("walk", 1, "started"),
    1: ("walk", 2, "advanced"),
    2: ("walk", 3, "advanced"),
    3: ("walk", 4, "advanced"),
    **dict.fromkeys(range(4, 11), ("walk", 4, "held")),
}


def local_today(athlete_id: int) -> date:
    return Athlete.objects.get(pk=athlete_id).today()


def published_weeks(athlete_id: int, monday: date) -> int:
    return PlanWeek.objects.filter(plan__athlete_id=athlete_id, week=monday).count()


def check_in(api: APIClient, athlete_id: int, n: int, **changes) -> dict:
    response = api.post(
        f"/api/v1/athletes/{athlete_id}/checkins/",
        {"week": iso(week(n)), **CLEAN_WEEK, **changes},
        format="json",
    )
    return ok(response, 201)


def status_of(api: APIClient, athlete_id: int, decision_id: int) -> str:
    body = ok(api.get(f"/api/v1/athletes/{athlete_id}/decisions/"))
    (status,) = [d["status"] for d in body["results"] if d["id"] == decision_id]
    return status


def one_week_published_each(hour: datetime) -> None:
    """Checked at every whole hour, before the hourly task runs there: every active athlete's
    current week, in her own time zone, is already published, once."""
    for athlete in Athlete.objects.active().select_related("plan"):
        current = monday_of(hour.astimezone(athlete.tz).date())
        if current >= athlete.plan.started_on:
            count = PlanWeek.objects.filter(plan=athlete.plan, week=current).count()
            assert count == 1, (athlete.timezone, hour, current, count)


def test_ten_weeks_of_the_loop_through_the_api_in_auckland_and_los_angeles(
    coach, password, commit, django_capture_on_commit_callbacks
):
    start = at(day(0, WED), 10)
    with time_machine.travel(start, tick=False) as traveller:
        clock = HourlyClock(
            traveller,
            start,
            django_capture_on_commit_callbacks,
            before_run=one_week_published_each,
        )

        # --- Week 0, Wednesday 25 March, 10:00 in Auckland: her coach sets her up ------------
        coach_api = token_client(coach.email, password)
        aroha = ok(
            coach_api.post(
                "/api/v1/athletes/",
                {
                    "first_name": "Aroha",
                    "last_name": "Ngata",
                    "email": "aroha@example.org",
                    "timezone": "Pacific/Auckland",
                    "delivery_date": "2025-11-20",
                    "delivery_type": "vaginal",
                    "years_running": 8,
                    "goal": "Back to the Tarawera 50 km",
                },
                format="json",
            ),
            201,
        )
        assert (aroha["stage"], aroha["level"], aroha["weeks_postpartum"]) == ("walk", 1, 17)
        a = aroha["id"]
        clearance = ok(
            coach_api.post(
                f"/api/v1/athletes/{a}/clearances/",
                {
                    "cleared_on": "2026-03-20",
                    "clinician_name": "Dr Hine Walker",
                    "clinician_role": "gp",
                    "scope": "running",
                    "pelvic_health_assessed": True,
                },
                format="json",
            ),
            201,
        )
        assert (clearance["scope"], clearance["pelvic_health_assessed"]) == ("running", True)
        assessment = ok(
            coach_api.post(
                f"/api/v1/athletes/{a}/assessments/",
                {
                    "assessed_on": "2026-03-25",
                    "assessed_by": "Mere Tane, pelvic health physio",
                    **ALL_PASSED,
                },
                format="json",
            ),
            201,
        )
        assert assessment["passed"] is True
        her_api = invite_and_accept(commit, coach, a, "aroha@example.org", "tarawera-50-km")
        assert ok(her_api.get("/api/v1/me/"))["athlete_id"] == a

        # Lucy, in Los Angeles (it is Tuesday 24 March, 14:00 there), 10 weeks after the birth.
        lucy = ok(
            coach_api.post(
                "/api/v1/athletes/",
                {
                    "first_name": "Lucy",
                    "last_name": "Moreno",
                    "email": "lucy@example.org",
                    "timezone": "America/Los_Angeles",
                    "delivery_date": "2026-01-12",
                    "delivery_type": "caesarean_planned",
                },
                format="json",
            ),
            201,
        )
        b = lucy["id"]
        lucy_api = invite_and_accept(commit, coach, b, "lucy@example.org", "griffith-park-loop")

        assert her_plan(her_api, a) == {
            "stage": "walk",
            "level": 1,
            "status": "active",
            "paused_since": None,
            "week": expected_week(0, "walk", 1, "started", WALK_WEEK[1]),
            "next_week": None,
        }
        assert awaiting(coach_api, a) == []
        assert her_plan(lucy_api, b)["week"] == expected_week(0, "walk", 1, "started", WALK_WEEK[1])

        def lucy_checks_in_and_is_approved(n: int) -> None:
            """Aroha's Saturday 10:00 is Lucy's Friday afternoon: she checks in, and her
            coach approves next week's decision at once."""
            clock.advance_to(at(day(n, SAT), 10))
            assert local_today(b) == day(n, FRI)
            commit(lambda: check_in(lucy_api, b, n))
            stage, level, reason = LUCY[n + 1]
            action = "hold" if reason == "held" else "advance"
            decision = the_one_awaiting(coach_api, b)
            assert decision == decision_shown(
                decision["id"], n + 1, action, (stage, level), "pending"
            )
            clock.advance(timedelta(hours=2))
            ok(coach_api.post(f"/api/v1/decisions/{decision['id']}/approve/"))
            assert her_plan(lucy_api, b)["next_week"] == expected_week(
                n + 1, stage, level, reason, WALK_WEEK[level]
            )

        def unchanged_through_sunday_evening(n: int) -> None:
            """Her Sunday, 21:00: the hourly runs since the morning changed nothing that she
            or her coach sees (a published week is not published again)."""
            seen = (her_plan(her_api, a), awaiting(coach_api, a))
            clock.advance_to(at(day(n, SUN), 21))
            assert (her_plan(her_api, a), awaiting(coach_api, a)) == seen

        def around_both_monday_midnights(n: int) -> None:
            """At Aroha's Monday 00:00 Lucy is still on Sunday; at Lucy's Monday 00:00 Aroha
            is on Monday evening. Each has one published week for her current week, always."""
            assert clock.now == at(day(n, MON), 0)
            assert (local_today(a), local_today(b)) == (day(n, MON), day(n - 1, SUN))
            assert published_weeks(a, week(n)) == 1
            assert (published_weeks(b, week(n - 1)), published_weeks(b, week(n))) == (1, 1)
            previous, following = LUCY[n - 1], LUCY[n]
            lucy_sees = her_plan(lucy_api, b)
            assert (lucy_sees["week"]["week"], lucy_sees["level"]) == (
                iso(week(n - 1)),
                previous[1],
            )
            assert lucy_sees["next_week"] == expected_week(n, *following, WALK_WEEK[following[1]])

            clock.advance_to(at(day(n, MON), 0, tz=LOS_ANGELES))
            assert (local_today(a), local_today(b)) == (day(n, MON), day(n, MON))
            assert published_weeks(b, week(n)) == 1
            assert her_plan(lucy_api, b) == {
                "stage": "walk",
                "level": following[1],
                "status": "active",
                "paused_since": None,
                "week": expected_week(n, *following, WALK_WEEK[following[1]]),
                "next_week": None,
            }

        # Thursday 23:00: this week's check-in has not opened; it says when it does.
        clock.advance_to(at(day(0, THU), 23))
        refused = her_api.post(
            f"/api/v1/athletes/{a}/checkins/", {"week": iso(week(0)), **CLEAN_WEEK}, format="json"
        )
        assert refused.status_code == 400
        assert "opens on Friday 27 March" in refused.json()["week"][0]

        # Friday 08:00: it has. She checks in; next week's decision waits for her coach.
        clock.advance_to(at(day(0, FRI), 8))
        sent = commit(
            lambda: her_api.post(
                f"/api/v1/athletes/{a}/checkins/",
                {"week": iso(day(0, FRI)), **CLEAN_WEEK},
                format="json",
            )
        )
        assert ok(sent, 201)["week"] == iso(week(0))
        advance = the_one_awaiting(coach_api, a)
        assert advance == decision_shown(advance["id"], 1, "advance", ("walk", 2), "pending")

        # Saturday 09:00: her coach moves her on to run-walk with an override. Every safety
        # gate holds (17 weeks, cleared to run, ready), so no clinician's word is needed.
        clock.advance_to(at(day(0, SAT), 9))
        overridden = ok(
            coach_api.post(
                f"/api/v1/decisions/{advance['id']}/override/",
                {
                    "action": "advance",
                    "to_stage": "run_walk",
                    "to_level": 1,
                    "note": "Cleared to run and passed her assessment: start run-walk.",
                },
                format="json",
            )
        )
        assert (overridden["status"], overridden["overridden_safety_gates"]) == ("overridden", [])
        assert awaiting(coach_api, a) == []
        plan = her_plan(her_api, a)
        assert plan["next_week"] == expected_week(1, "run_walk", 1, "advanced", run_walk_week(1))

        lucy_checks_in_and_is_approved(0)

        # Sunday: the hourly task leaves the week her coach decided as it is.
        clock.advance_to(at(day(0, SUN), 12))
        assert her_plan(her_api, a)["next_week"] == plan["next_week"]
        unchanged_through_sunday_evening(0)

        # --- Week 1: Monday 30 March, 00:00 in Auckland ---------------------------------------
        clock.advance_to(at(day(1, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 1,
            "status": "active",
            "paused_since": None,
            "week": expected_week(1, "run_walk", 1, "advanced", run_walk_week(1)),
            "next_week": None,
        }
        assert awaiting(coach_api, a) == []

        around_both_monday_midnights(1)

        clock.advance_to(at(day(1, FRI), 19))
        commit(lambda: check_in(her_api, a, 1))
        advance = the_one_awaiting(coach_api, a)
        assert advance == decision_shown(advance["id"], 2, "advance", ("run_walk", 2), "pending")
        clock.advance_to(at(day(1, SAT), 9))
        ok(coach_api.post(f"/api/v1/decisions/{advance['id']}/approve/"))
        assert her_plan(her_api, a)["next_week"] == expected_week(
            2, "run_walk", 2, "advanced", run_walk_week(2)
        )
        lucy_checks_in_and_is_approved(1)

        # --- Week 2: from here her coach approves nothing ------------------------------------
        clock.advance_to(at(day(2, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 2,
            "status": "active",
            "paused_since": None,
            "week": expected_week(2, "run_walk", 2, "advanced", run_walk_week(2)),
            "next_week": None,
        }
        around_both_monday_midnights(2)

        clock.advance_to(at(day(2, FRI), 18))
        commit(lambda: check_in(her_api, a, 2))
        advance = the_one_awaiting(coach_api, a)
        assert advance == decision_shown(advance["id"], 3, "advance", ("run_walk", 3), "pending")
        lucy_checks_in_and_is_approved(2)
        clock.advance_to(at(day(2, SAT), 23, 30))
        assert her_plan(her_api, a)["next_week"] is None  # not before her Sunday
        clock.advance_to(at(day(2, SUN), 0, 30))
        assert her_plan(her_api, a)["next_week"] == expected_week(
            3, "run_walk", 2, "carried_over", run_walk_week(2)
        )
        assert the_one_awaiting(coach_api, a) == advance  # an advance never without her
        unchanged_through_sunday_evening(2)

        clock.advance_to(at(day(3, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 2,
            "status": "carried_over",
            "paused_since": None,
            "week": expected_week(3, "run_walk", 2, "carried_over", run_walk_week(2)),
            "next_week": None,
        }
        assert the_one_awaiting(coach_api, a) == advance

        around_both_monday_midnights(3)

        # --- Week 3: pain 3 on Friday; the step back applies on its own on Sunday ------------
        clock.advance_to(at(day(3, FRI), 20))
        commit(lambda: check_in(her_api, a, 3, pain=3, pain_location="left knee"))
        step_back = the_one_awaiting(coach_api, a)
        assert step_back == decision_shown(
            step_back["id"], 4, "step_back", ("run_walk", 1), "pending"
        )
        assert status_of(coach_api, a, advance["id"]) == "superseded"
        lucy_checks_in_and_is_approved(3)
        clock.advance_to(at(day(3, SUN), 0))
        assert the_one_awaiting(coach_api, a) == {**step_back, "status": "auto_applied"}
        assert her_plan(her_api, a)["next_week"] == expected_week(
            4, "run_walk", 1, "stepped_back", run_walk_week(1)
        )
        unchanged_through_sunday_evening(3)

        clock.advance_to(at(day(4, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 1,
            "status": "stepped_back",
            "paused_since": None,
            "week": expected_week(4, "run_walk", 1, "stepped_back", run_walk_week(1)),
            "next_week": None,
        }
        assert the_one_awaiting(coach_api, a) == {**step_back, "status": "auto_applied"}

        around_both_monday_midnights(4)

        # --- Week 4: no check-in by Sunday; week 5 carried over, then a hold on Monday --------
        lucy_checks_in_and_is_approved(4)
        clock.advance_to(at(day(4, SUN), 0))
        assert her_plan(her_api, a)["next_week"] == expected_week(
            5, "run_walk", 1, "carried_over", run_walk_week(1)
        )
        assert awaiting(coach_api, a) == [{**step_back, "status": "auto_applied"}]
        unchanged_through_sunday_evening(4)
        clock.advance_to(at(day(5, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 1,
            "status": "carried_over",
            "paused_since": None,
            "week": expected_week(5, "run_walk", 1, "carried_over", run_walk_week(1)),
            "next_week": None,
        }
        hold = the_one_awaiting(coach_api, a)
        assert hold == decision_shown(
            hold["id"], 5, "hold", ("run_walk", 1), "pending", trigger="no_checkin"
        )

        around_both_monday_midnights(5)

        # --- Week 5, Tuesday: last week's check-in, late; approved, from today ---------------
        clock.advance_to(at(day(5, TUE), 8))
        commit(lambda: check_in(her_api, a, 4))
        late = the_one_awaiting(coach_api, a)
        assert late == decision_shown(
            hold["id"], 5, "advance", ("run_walk", 2), "pending", applies_from=day(5, TUE)
        )
        clock.advance_to(at(day(5, TUE), 12))
        approved = ok(coach_api.post(f"/api/v1/decisions/{late['id']}/approve/"))
        assert (approved["status"], approved["applies_from"]) == ("approved", iso(day(5, TUE)))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 2,
            "status": "active",
            "paused_since": None,
            "week": expected_week(
                5,
                "run_walk",
                2,
                "advanced",
                # Monday's strength stays as it was; from Tuesday, level 2's runs.
                [(MON, STRENGTH), *run_walk_week(2)[1:]],
                applies_from=day(5, TUE),
            ),
            "next_week": None,
        }
        assert awaiting(coach_api, a) == []

        clock.advance_to(at(day(5, FRI), 9))
        commit(lambda: check_in(her_api, a, 5))
        advance = the_one_awaiting(coach_api, a)
        assert advance == decision_shown(advance["id"], 6, "advance", ("run_walk", 3), "pending")
        lucy_checks_in_and_is_approved(5)
        clock.advance_to(at(day(6, MON), 0))
        assert her_plan(her_api, a)["week"] == expected_week(
            6, "run_walk", 2, "carried_over", run_walk_week(2)
        )

        around_both_monday_midnights(6)

        # --- Week 6, Wednesday: the advance approved in its week, from today -----------------
        clock.advance_to(at(day(6, WED), 7))
        approved = ok(coach_api.post(f"/api/v1/decisions/{advance['id']}/approve/"))
        assert (approved["status"], approved["applies_from"]) == ("approved", iso(day(6, WED)))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 3,
            "status": "active",
            "paused_since": None,
            "week": expected_week(
                6,
                "run_walk",
                3,
                "advanced",
                [(MON, STRENGTH), (TUE, RW[2]), (THU, RW[3]), (FRI, STRENGTH), (SAT, RW[3])],
                applies_from=day(6, WED),
            ),
            "next_week": None,
        }
        clock.advance_to(at(day(6, FRI), 9))
        commit(lambda: check_in(her_api, a, 6))
        advance = the_one_awaiting(coach_api, a)
        assert advance == decision_shown(advance["id"], 7, "advance", ("run_walk", 4), "pending")
        clock.advance_to(at(day(6, SAT), 9))
        ok(coach_api.post(f"/api/v1/decisions/{advance['id']}/approve/"))
        lucy_checks_in_and_is_approved(6)
        clock.advance_to(at(day(7, MON), 0))
        assert her_plan(her_api, a)["week"] == expected_week(
            7, "run_walk", 4, "advanced", run_walk_week(4)
        )

        around_both_monday_midnights(7)

        # --- Week 7, Tuesday 08:00: heaviness; she is paused at once, from today -------------
        clock.advance_to(at(day(7, TUE), 8))
        report = commit(
            lambda: her_api.post(
                f"/api/v1/athletes/{a}/symptom-reports/",
                {"heaviness": True, "notes": "Dragging feeling after yesterday's run."},
                format="json",
            )
        )
        body = ok(report, 201)
        assert body["advice"]["stop_running"] is True
        assert [f["rule"] for f in body["flags"]] == ["pelvic_floor"]
        paused_week_7 = [(MON, STRENGTH), (WED, PAUSE_WALK), (FRI, PAUSE_WALK), (SUN, PAUSE_WALK)]
        assert her_plan(her_api, a) == {
            "stage": "walk",
            "level": 4,
            "status": "paused",
            "paused_since": iso(day(7, TUE)),
            "week": expected_week(7, "walk", 4, "paused", paused_week_7, applies_from=day(7, TUE)),
            "next_week": None,
        }
        assert impact_days(her_api, a) == []  # none from today on (Monday was strength)
        pause = the_one_awaiting(coach_api, a)
        assert pause == decision_shown(
            pause["id"],
            7,
            "pause",
            ("walk", 4),
            "auto_applied",
            applies_from=day(7, TUE),
            trigger="red_flag",
        )

        # Friday: a symptom-free check-in; the pause holds into week 8 all the same.
        clock.advance_to(at(day(7, FRI), 9))
        commit(lambda: check_in(her_api, a, 7, sessions_completed=3, run_minutes=10))
        pause_8 = the_one_awaiting(coach_api, a)
        assert pause_8 == decision_shown(pause_8["id"], 8, "pause", ("walk", 4), "pending")
        lucy_checks_in_and_is_approved(7)
        clock.advance_to(at(day(7, SUN), 0))
        assert the_one_awaiting(coach_api, a) == {**pause_8, "status": "auto_applied"}
        assert her_plan(her_api, a)["next_week"] == expected_week(
            8, "walk", 4, "paused", PAUSE_WEEK
        )
        unchanged_through_sunday_evening(7)
        clock.advance_to(at(day(8, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "walk",
            "level": 4,
            "status": "paused",
            "paused_since": iso(day(7, TUE)),
            "week": expected_week(8, "walk", 4, "paused", PAUSE_WEEK),
            "next_week": None,
        }
        assert impact_days(her_api, a) == []

        around_both_monday_midnights(8)

        # --- Week 8, Wednesday: her coach lifts the pause, with the clinician's word ----------
        clock.advance_to(at(day(8, WED), 9))
        lift = {
            "action": "hold",
            "to_stage": "run_walk",
            "to_level": 3,
            "note": "Seen by her physio on Tuesday; back to run-walk a level down.",
        }
        refused = coach_api.post(
            f"/api/v1/decisions/{pause_8['id']}/override/", lift, format="json"
        )
        assert refused.status_code == 400
        assert "clinician_attestation" in refused.json()
        lifted = ok(
            coach_api.post(
                f"/api/v1/decisions/{pause_8['id']}/override/",
                {**lift, "clinician_attestation": "Mere Tane, pelvic health physio, 19 May."},
                format="json",
            )
        )
        assert (lifted["status"], lifted["applies_from"], lifted["overridden_safety_gates"]) == (
            "overridden",
            iso(day(8, WED)),
            # Her latest check-in held the red flag, and no clearance is dated after it.
            ["red_flags", "reviewed_since_red_flag"],
        )
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 3,
            "status": "active",
            "paused_since": None,
            "week": expected_week(
                8,
                "run_walk",
                3,
                "held",
                [(MON, PAUSE_WALK), (THU, RW[3]), (FRI, STRENGTH), (SAT, RW[3])],
                applies_from=day(8, WED),
            ),
            "next_week": None,
        }
        assert impact_days(her_api, a) == [THU, SAT]  # impact again from today on
        assert awaiting(coach_api, a) == []

        clock.advance_to(at(day(8, FRI), 9))
        commit(lambda: check_in(her_api, a, 8))
        advance = the_one_awaiting(coach_api, a)
        assert advance == decision_shown(advance["id"], 9, "advance", ("run_walk", 4), "pending")
        lucy_checks_in_and_is_approved(8)
        clock.advance_to(at(day(9, MON), 0))
        assert her_plan(her_api, a) == {
            "stage": "run_walk",
            "level": 3,
            "status": "carried_over",
            "paused_since": None,
            "week": expected_week(9, "run_walk", 3, "carried_over", run_walk_week(3)),
            "next_week": None,
        }
        assert the_one_awaiting(coach_api, a) == advance
        around_both_monday_midnights(9)
