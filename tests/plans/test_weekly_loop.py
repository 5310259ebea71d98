"""The weekly loop on the calendar (SPEC §11), lived through with a frozen, moving clock:
one published week always, safety at once, progress only with the coach.

Each test travels to a day that matters in her time zone and moves on from there.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from checkins.services import checkin_submit, checkin_update, symptom_report_submit
from clinical import protocol
from plans import publication, services, tasks
from plans.models import Decision, DecisionStatus, PlannedSession, PlanPause, PlanWeek
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory
from tests.plans.conftest import CLEAN_WEEK
from tests.plans.publishing import publish_weeks

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
W = date(2026, 3, 2)  # a Monday
IMPACT = (protocol.RUN_WALK, protocol.RUN)


def at(day: date, hour: int = 10, tz: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz)


def day(n: int, week: date = W) -> date:
    return week + timedelta(days=n)


def sessions(athlete, week: date) -> list[tuple[int, str]]:
    return list(
        PlannedSession.objects.filter(plan_week__plan__athlete=athlete, plan_week__week=week)
        .order_by("day", "order")
        .values_list("day", "kind")
    )


def impact_days(athlete, week: date, *, from_day: int = 0) -> list[int]:
    return [d for d, kind in sessions(athlete, week) if d >= from_day and kind in IMPACT]


def published(athlete, week: date) -> PlanWeek | None:
    return PlanWeek.objects.filter(plan__athlete=athlete, week=week).first()


def open_decisions(athlete) -> list[Decision]:
    return list(
        Decision.objects.filter(
            athlete=athlete, status__in=(DecisionStatus.PENDING, DecisionStatus.AUTO_APPLIED)
        )
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write and the work it queues on commit, as a request does."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


@pytest.fixture
def runner(coach, athlete_user):
    """Make her on a given day: about 22 weeks after the birth, cleared to run and ready, her
    plan moved on to run-walk level 2 for that week (as if her coach had decided it)."""

    def make(tz: str = "Europe/London"):
        athlete = AthleteFactory(
            coach=coach,
            user=athlete_user,
            timezone=tz,
            delivery_date=date(2025, 10, 1),
        )
        ClearanceFactory(athlete=athlete, scope="running", cleared_on=date(2026, 1, 20))
        AssessmentFactory(athlete=athlete, assessed_on=athlete.today() - timedelta(days=3))
        monday = publication.monday_of(athlete.today())
        publication.week_publish(
            athlete=athlete,
            plan=athlete.plan,
            week=monday,
            stage="run_walk",
            level=2,
            reason="advanced",
        )
        return athlete

    return make


# --- Safety at once ------------------------------------------------------------------------------


def test_a_red_flag_report_on_tuesday_pauses_the_rest_of_her_week_at_once(
    runner, athlete_user, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        monday = sessions(athlete, W)[0]
        assert impact_days(athlete, W), "run-walk has impact sessions to take away"

        clock.move_to(at(day(1), 8))  # Tuesday morning
        commit(
            lambda: symptom_report_submit(
                athlete=athlete, data={"heaviness": True}, by=athlete_user
            )
        )

        pause = PlanPause.objects.get(plan__athlete=athlete)
        assert (pause.started_on, pause.lifted_at, pause.red_flags) == (day(1), None, ["heaviness"])
        week = published(athlete, W)
        assert (week.stage, week.reason, week.applies_from) == ("walk", "paused", day(1))
        assert sessions(athlete, W)[0] == monday  # what she was given for Monday stays
        assert impact_days(athlete, W, from_day=1) == []
        (decision,) = open_decisions(athlete)
        assert (decision.action, decision.week, decision.starts_on, decision.status) == (
            "pause",
            W,
            day(1),
            DecisionStatus.AUTO_APPLIED,
        )
        assert decision.trigger == "red_flag"


def test_a_pause_holds_through_the_weeks_until_an_override_lifts_it(
    runner, athlete_user, coach, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(2)))
        commit(lambda: symptom_report_submit(athlete=athlete, data={"pain": 6}, by=athlete_user))

        # Friday: she checks in, symptom-free. The engine still says pause: the pause holds.
        clock.move_to(at(day(4), 19))
        commit(
            lambda: checkin_submit(athlete=athlete, week=W, data=dict(CLEAN_WEEK), by=athlete_user)
        )
        (decision,) = open_decisions(athlete)
        assert (decision.week, decision.action) == (W + timedelta(weeks=1), "pause")

        # Sunday: next week is published, still paused; Monday of it has no impact.
        clock.move_to(at(day(6), 12))
        tasks.publish_weeks()
        next_week = published(athlete, W + timedelta(weeks=1))
        assert next_week.reason == "paused"
        assert impact_days(athlete, W + timedelta(weeks=1)) == []
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.AUTO_APPLIED  # applied, awaiting review

        # Approving anything but the pause is refused; an override with a note lifts it.
        clock.move_to(at(day(2, W + timedelta(weeks=1))))  # the Wednesday after
        with pytest.raises(ValidationError):
            services.decision_override(
                decision=decision,
                by=coach,
                action="advance",
                to_stage="run_walk",
                to_level=2,
                note="Seen by her physio.",
            )  # back to running past a red flag needs the clinician's word
        services.decision_override(
            decision=decision,
            by=coach,
            action="hold",
            to_stage="run_walk",
            to_level=2,
            note="Seen by her physio on Tuesday; all clear.",
            clinician_attestation="Jo Reid, pelvic health physio, 10 March: cleared to run.",
        )

        pause = PlanPause.objects.get(plan__athlete=athlete)
        assert pause.lifted_at is not None
        assert pause.lifted_by == coach
        week = published(athlete, W + timedelta(weeks=1))
        assert (week.stage, week.level, week.reason, week.applies_from) == (
            "run_walk",
            2,
            "held",
            day(2, W + timedelta(weeks=1)),
        )
        assert impact_days(athlete, week.week, from_day=0) == impact_days(
            athlete, week.week, from_day=2
        ), "no impact on the paused days gone by"


def test_editing_a_checkin_after_its_pause_was_lifted_pauses_again_only_for_a_new_red_flag(
    runner, athlete_user, coach, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        # Friday: her check-in reports pain 6, a red flag: paused from today.
        clock.move_to(at(day(4), 9))
        checkin = commit(
            lambda: checkin_submit(
                athlete=athlete, week=W, data={**CLEAN_WEEK, "pain": 6}, by=athlete_user
            )
        )
        assert PlanPause.objects.filter(plan__athlete=athlete).active().count() == 1
        (decision,) = open_decisions(athlete)

        # Saturday: her physio has seen her; her coach lifts the pause.
        clock.move_to(at(day(5), 9))
        services.decision_override(
            decision=decision,
            by=coach,
            action="hold",
            to_stage="run_walk",
            to_level=2,
            note="Seen by her physio this morning; the pain has settled.",
            clinician_attestation="Jo Reid, pelvic health physio, 7 March: cleared to run.",
        )
        assert not PlanPause.objects.filter(plan__athlete=athlete).active().exists()

        # Sunday: she adds a note to the same check-in. The pain is still on it, but it has
        # already paused her once and her coach has dealt with it: nothing pauses again.
        clock.move_to(at(day(6), 9))
        commit(
            lambda: checkin_update(
                checkin=checkin, data={"notes": "Felt fine on the walk today."}, by=athlete_user
            )
        )
        assert not PlanPause.objects.filter(plan__athlete=athlete).active().exists()

        # Then she adds heaviness: a red flag it did not hold before pauses her at once.
        commit(lambda: checkin_update(checkin=checkin, data={"heaviness": True}, by=athlete_user))
        (pause,) = PlanPause.objects.filter(plan__athlete=athlete).active()
        assert (pause.started_on, "heaviness" in pause.red_flags) == (day(6), True)


def test_a_red_flag_in_a_checkin_of_history_pauses_nothing(runner, coach, commit):
    with time_machine.travel(at(W), tick=False):
        athlete = runner()
        commit(
            lambda: checkin_submit(
                athlete=athlete,
                week=W - timedelta(weeks=6),
                data={**CLEAN_WEEK, "leakage": True},
                by=coach,
            )
        )
        assert not PlanPause.objects.exists()
        assert published(athlete, W).reason == "advanced"


# --- One published week, always ------------------------------------------------------------------


def test_a_coach_who_never_approves_leaves_a_carried_over_week_and_a_pending_decision(
    runner, athlete_user, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(4), 20))
        commit(
            lambda: checkin_submit(athlete=athlete, week=W, data=dict(CLEAN_WEEK), by=athlete_user)
        )
        (decision,) = open_decisions(athlete)
        assert decision.action == "advance"

        clock.move_to(at(day(6), 0) + timedelta(minutes=30))
        first = publish_weeks()
        second = publish_weeks()

        week = published(athlete, W + timedelta(weeks=1))
        assert (week.stage, week.level, week.reason) == ("run_walk", 2, "carried_over")
        assert first["published"] == 1
        assert second == {**first, "published": 0, "decisions": 0}
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.PENDING  # an advance never without the coach


def test_a_pending_step_back_applies_on_its_own_and_awaits_review(runner, athlete_user, commit):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(5)))
        commit(
            lambda: checkin_submit(
                athlete=athlete, week=W, data={**CLEAN_WEEK, "pain": 3}, by=athlete_user
            )
        )
        clock.move_to(at(day(6), 9))
        tasks.publish_weeks()

        (decision,) = open_decisions(athlete)
        assert (decision.action, decision.status) == ("step_back", DecisionStatus.AUTO_APPLIED)
        week = published(athlete, W + timedelta(weeks=1))
        assert (week.stage, week.level, week.reason) == ("run_walk", 1, "stepped_back")


def test_approving_an_advance_on_wednesday_of_its_week_replaces_it_from_today(
    runner, athlete_user, coach, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(5)))
        commit(
            lambda: checkin_submit(athlete=athlete, week=W, data=dict(CLEAN_WEEK), by=athlete_user)
        )
        clock.move_to(at(day(6), 9))
        tasks.publish_weeks()
        following = W + timedelta(weeks=1)
        before = sessions(athlete, following)

        clock.move_to(at(day(2, following), 7))  # Wednesday of the week it is for
        (decision,) = open_decisions(athlete)
        services.decision_approve(decision=decision, by=coach)

        week = published(athlete, following)
        assert (week.stage, week.level, week.reason, week.applies_from) == (
            "run_walk",
            3,
            "advanced",
            day(2, following),
        )
        assert [s for s in sessions(athlete, following) if s[0] < 2] == [
            s for s in before if s[0] < 2
        ]
        decision.refresh_from_db()
        assert (decision.status, decision.starts_on) == (DecisionStatus.APPROVED, day(2, following))


def test_a_newer_decision_supersedes_the_one_still_waiting(runner, athlete_user, coach, commit):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(4)))
        commit(
            lambda: checkin_submit(athlete=athlete, week=W, data=dict(CLEAN_WEEK), by=athlete_user)
        )
        (older,) = open_decisions(athlete)

        # A week later, the next check-in: the decision for the week after supersedes it.
        clock.move_to(at(day(5, W + timedelta(weeks=1))))
        tasks.publish_weeks()
        commit(
            lambda: checkin_submit(
                athlete=athlete,
                week=W + timedelta(weeks=1),
                data=dict(CLEAN_WEEK),
                by=athlete_user,
            )
        )

        older.refresh_from_db()
        assert older.status == DecisionStatus.SUPERSEDED
        (newer,) = open_decisions(athlete)
        assert newer.week == W + timedelta(weeks=2)


@pytest.mark.parametrize(
    ("tz", "utc_moment", "current_monday"),
    [
        # Monday 00:30 in Auckland is still Sunday morning in London and Sunday in LA.
        pytest.param(
            "Pacific/Auckland",
            datetime(2026, 3, 8, 11, 30, tzinfo=ZoneInfo("UTC")),
            date(2026, 3, 9),
            id="auckland-just-past-monday-midnight",
        ),
        # Sunday 23:30 in Los Angeles is already Monday 07:30 in London.
        pytest.param(
            "America/Los_Angeles",
            datetime(2026, 3, 9, 6, 30, tzinfo=ZoneInfo("UTC")),
            date(2026, 3, 2),
            id="los-angeles-just-before-monday-midnight",
        ),
    ],
)
def test_every_time_zone_has_its_current_week_published_by_its_own_monday(
    coach, tz, utc_moment, current_monday
):
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("UTC")), tick=False) as clock:
        athlete = AthleteFactory(coach=coach, timezone=tz, delivery_date=date(2025, 10, 1))
        # The hourly task ran through her Sunday, as it does.
        for hours in range(0, 24 * 8):
            moment = datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("UTC")) + timedelta(hours=hours)
            if moment > utc_moment:
                break
            clock.move_to(moment)
            tasks.publish_weeks()
        clock.move_to(utc_moment)

        assert publication.monday_of(athlete.today()) == current_monday
        # Her first week and the one her Sunday published: each once, none missing.
        assert list(
            PlanWeek.objects.filter(plan__athlete=athlete)
            .order_by("week")
            .values_list("week", flat=True)
        ) == [date(2026, 3, 2), date(2026, 3, 9)]


# --- A worker that was down --------------------------------------------------------------------


def test_lifting_a_pause_in_a_week_the_worker_never_published_keeps_its_paused_days(
    runner, athlete_user, coach, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(1)))
        commit(
            lambda: symptom_report_submit(
                athlete=athlete, data={"heaviness": True}, by=athlete_user
            )
        )
        (pause,) = open_decisions(athlete)

        # The worker is down from here: nobody publishes the week after. On its Thursday her
        # coach lifts the pause, from that day on.
        following = W + timedelta(weeks=1)
        clock.move_to(at(day(3, following)))
        services.decision_override(
            decision=pause,
            by=coach,
            action="hold",
            to_stage="run_walk",
            to_level=2,
            note="Seen by her physio; all clear.",
            clinician_attestation="Jo Reid, pelvic health physio, 12 March: cleared to run.",
        )

        week = published(athlete, following)
        assert (week.stage, week.level, week.reason, week.applies_from) == (
            "run_walk",
            2,
            "held",
            day(3, following),
        )
        # Monday to Wednesday she was still paused: easy walks, no impact.
        assert [
            (d, k) for d, k in sessions(athlete, following) if d < 3 and k != "pelvic_floor"
        ] == [
            (0, "walk"),
            (2, "walk"),
        ]
        assert impact_days(athlete, following) == [3, 5]
        pause.refresh_from_db()
        assert pause.starts_on == day(3, following)


def test_approving_mid_week_a_week_the_worker_never_published_keeps_the_days_gone_by(
    runner, athlete_user, coach, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(4), 19))
        commit(
            lambda: checkin_submit(athlete=athlete, week=W, data=dict(CLEAN_WEEK), by=athlete_user)
        )
        (decision,) = open_decisions(athlete)
        assert decision.action == "advance"

        # The worker is down over her Sunday; on Wednesday her coach approves the advance.
        following = W + timedelta(weeks=1)
        clock.move_to(at(day(2, following)))
        services.decision_approve(decision=decision, by=coach)

        week = published(athlete, following)
        assert (week.stage, week.level, week.reason, week.applies_from) == (
            "run_walk",
            3,
            "advanced",
            day(2, following),
        )
        # Tuesday (her runs fall on Tuesday, Thursday and Saturday): what the hourly task would
        # have given her, level 2 carried over (6 repeats); from Wednesday, level 3 (8 repeats).
        runs = list(
            PlannedSession.objects.filter(plan_week=week, kind="run_walk")
            .order_by("day")
            .values_list("day", "repeats")
        )
        assert runs == [(1, 6), (3, 8), (5, 8)]


# --- Two open weeks ------------------------------------------------------------------------------


def test_a_worker_back_after_her_checkin_keeps_the_decision_it_made(runner, athlete_user, commit):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        # No check-in for her first week, and the worker is down from its Saturday to the
        # next Saturday: nobody closes the week, nobody decides for the next.
        following = W + timedelta(weeks=1)
        clock.move_to(at(day(5, following), 9))
        commit(
            lambda: checkin_submit(
                athlete=athlete, week=following, data={**CLEAN_WEEK, "pain": 4}, by=athlete_user
            )
        )
        (step_back,) = open_decisions(athlete)
        assert (step_back.week, step_back.action) == (W + timedelta(weeks=2), "step_back")

        # The worker is back. The week without a check-in is long gone by: it carries the
        # missing week over, and what her check-in decided for next week stands.
        tasks.publish_weeks()
        assert open_decisions(athlete) == [step_back]
        assert not Decision.objects.filter(athlete=athlete, trigger="no_checkin").exists()
        assert published(athlete, following).reason == "carried_over"


def test_last_weeks_checkin_sent_after_this_weeks_keeps_next_weeks_step_back(
    runner, athlete_user, commit
):
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        # Friday: this week's check-in, with pain 4: next week's decision is a step back.
        clock.move_to(at(day(4)))
        commit(
            lambda: checkin_submit(
                athlete=athlete, week=W, data={**CLEAN_WEEK, "pain": 4}, by=athlete_user
            )
        )
        (step_back,) = open_decisions(athlete)
        assert (step_back.week, step_back.action) == (W + timedelta(weeks=1), "step_back")

        # Saturday: last week's, still open, sent late. Next week's decision is recomputed
        # with it; it is not replaced by one for the week that is ending.
        clock.move_to(at(day(5)))
        commit(
            lambda: checkin_submit(
                athlete=athlete,
                week=W - timedelta(weeks=1),
                data=dict(CLEAN_WEEK),
                by=athlete_user,
            )
        )
        (decision,) = open_decisions(athlete)
        assert (decision.pk, decision.week, decision.action, decision.to_level) == (
            step_back.pk,
            W + timedelta(weeks=1),
            "step_back",
            1,
        )

        clock.move_to(at(day(6), 1))
        tasks.publish_weeks()
        week = published(athlete, W + timedelta(weeks=1))
        assert (week.stage, week.level, week.reason) == ("run_walk", 1, "stepped_back")


def test_on_her_sunday_her_pages_show_this_weeks_level_not_next_weeks(
    runner, athlete_user, commit, coach_client
):
    """From her Sunday on, next week is published (a step back here) and her profile follows
    it; her pages still say where she stands this week, until her Monday."""
    with time_machine.travel(at(W), tick=False) as clock:
        athlete = runner()
        clock.move_to(at(day(5)))
        commit(
            lambda: checkin_submit(
                athlete=athlete, week=W, data={**CLEAN_WEEK, "pain": 3}, by=athlete_user
            )
        )
        clock.move_to(at(day(6), 9))
        tasks.publish_weeks()
        athlete.refresh_from_db()
        assert (athlete.stage, athlete.level) == ("run_walk", 1)  # next week's

        coach_page = coach_client.get(f"/coach/athletes/{athlete.pk}/").content.decode()
        her_client = Client()
        her_client.force_login(athlete_user)
        her_page = her_client.get("/me/").content.decode()
        assert "Run-walk · level 2</span>" in coach_page
        assert "· level 2:" in coach_page
        assert "· level 1:" not in coach_page
        assert "· level 2:" in her_page
        assert "· level 1:" not in her_page

        clock.move_to(at(day(0, W + timedelta(weeks=1)), 9))  # her Monday
        assert (
            "Run-walk · level 1</span>"
            in coach_client.get(f"/coach/athletes/{athlete.pk}/").content.decode()
        )
