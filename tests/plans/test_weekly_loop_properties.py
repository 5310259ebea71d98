"""Properties of the weekly loop (SPEC §11), over random weeks of events (hypothesis).

Each example is a random walk of a few weeks for two athletes, one in Auckland and one in Los
Angeles, both on run-walk (so that a pause has impact to take away): the clock moves on by
hours (the hourly ``publish_weeks`` runs at every whole hour, as Celery beat runs it) or jumps
days while the worker is down; she checks in to an open week, sometimes with a red flag or
pain 3–4, or changes a check-in; she reports a symptom at any time; her coach enters an old
week as history, approves the decision awaiting her or overrides it (lifting a pause, with or
without the clinician's word); the task runs now, twice. After every event:

(a) once the task has run since her last Sunday began, her current week (in her time zone) is
    published, exactly once, and so is every week since her plan started (a week a stopped
    worker missed is filled in), and on her Sunday next week too;
(b) at most one decision awaits her coach (pending or applied without her);
(c) no run or run-walk is planned on any day from a red flag's day until the day the override
    that lifted the pause applies from;
(d) running ``publish_weeks`` twice in a row: the second run changes nothing;
(e) an advance (or a hold) is never published without the coach's approval or override;
(f) a decision awaiting her coach is superseded only by a newer one: for the same week or a
    later one, or by the pause a red flag brings at once;
and nothing is logged as an error (work run on commit logs its failures instead of raising).

Every example runs inside a savepoint that is rolled back, so each starts from an empty
database, and with the clock frozen where the walk has taken it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from athletes.models import Athlete, Role, User
from checkins import windows
from checkins.models import WeeklyCheckIn
from checkins.services import checkin_submit, checkin_update, symptom_report_submit
from plans import publication, services
from plans.models import (
    OPEN_STATUSES,
    Decision,
    DecisionStatus,
    PlannedSession,
    PlanPause,
    PlanWeek,
)
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory, UserFactory
from tests.plans.clock import HourlyClock
from web.weeks import monday_of

pytestmark = pytest.mark.django_db

ZONES = ("Pacific/Auckland", "America/Los_Angeles")
# A Monday 00:00 UTC; each walk starts some hours after it.
EPOCH = datetime(2026, 3, 16, tzinfo=UTC)
IMPACT_KINDS = ("run_walk", "run")

CLEAN_WEEK = {
    "sessions_completed": 4,
    "run_minutes": 60,
    "walk_minutes": 60,
    "longest_session_minutes": 34,
    "effort": 5,
    "energy": 4,
    "sleep_hours": Decimal("6.5"),
    "sleep_quality": 3,
    "mood": 4,
    "stress": 2,
    "soreness": 2,
    "pain": 0,
}
CHECKIN_KINDS = {
    "clean": {},
    "red_flag": {"leakage": True},
    "pain_3": {"pain": 3},
    "pain_4": {"pain": 4},
    "tired": {"energy": 2},
}
REPORTS = {
    "heaviness": {"heaviness": True},
    "pain_6": {"pain": 6, "pain_location": "pubic bone"},
    "pain_3": {"pain": 3, "pain_location": "left knee"},  # a flag, not a red one
}
OVERRIDES = (
    ("hold", "run_walk", 2),
    ("advance", "run_walk", 3),
    ("step_back", "run_walk", 1),
    ("hold", "walk", 4),
    ("pause", "walk", 4),
)


# --- Events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    hours: int  # the task runs at every whole hour passed


@dataclass(frozen=True)
class Outage:
    days: int  # the worker is down: the clock jumps, the task does not run


@dataclass(frozen=True)
class RunTask:
    pass


@dataclass(frozen=True)
class CheckIn:
    who: int
    kind: str
    late: bool  # last week's, if it is still open and missing


@dataclass(frozen=True)
class Edit:
    who: int
    kind: str  # her latest check-in, changed within its window


@dataclass(frozen=True)
class History:
    who: int  # her coach enters a closed week, with a red flag: it decides nothing


@dataclass(frozen=True)
class Report:
    who: int
    kind: str


@dataclass(frozen=True)
class Approve:
    who: int


@dataclass(frozen=True)
class Override:
    who: int
    target: int  # an index of OVERRIDES
    attested: bool


who = st.integers(0, len(ZONES) - 1)
waits = st.builds(Wait, st.integers(1, 48))
checkins = st.builds(CheckIn, who, st.sampled_from(sorted(CHECKIN_KINDS)), st.booleans())
approvals = st.builds(Approve, who)
# Up to more than a week: a stopped worker can miss a whole week of hers.
outages = st.builds(Outage, st.integers(1, 8))
# Mostly with the clinician's word, so that pauses get lifted as often as they are refused.
overrides = st.builds(
    Override, who, st.integers(0, len(OVERRIDES) - 1), st.sampled_from((True, True, False))
)
# Branches repeated to weigh them: time passing, check-ins and the coach's part come most.
events = st.one_of(
    waits,
    waits,
    waits,
    outages,
    outages,
    st.just(RunTask()),
    checkins,
    checkins,
    checkins,
    st.builds(Edit, who, st.sampled_from(sorted(CHECKIN_KINDS))),
    st.builds(History, who),
    st.builds(Report, who, st.sampled_from(sorted(REPORTS))),
    approvals,
    approvals,
    overrides,
    overrides,
)


# --- The world of one example ----------------------------------------------------------------


class LoggedErrors(logging.Handler):
    """Errors logged meanwhile. Work run on commit is robust (``on_commit(robust=True)``: an
    exception there is logged, not raised), so a failure in it would otherwise pass unseen."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class World:
    def __init__(self, clock: HourlyClock, capture_on_commit, errors: LoggedErrors) -> None:
        self.clock = clock
        self.errors = errors
        self.capture_on_commit = capture_on_commit
        self.coach = UserFactory(role=Role.COACH)
        self.athletes: list[Athlete] = []
        self.users: list[User] = []
        self.set_up_weeks: set[int] = set()
        for n, zone in enumerate(ZONES):
            user = UserFactory(role=Role.ATHLETE, email=f"runner{n}@example.org")
            athlete = AthleteFactory(
                coach=self.coach,
                user=user,
                timezone=zone,
                email=user.email,
                delivery_date=date(2025, 10, 1),
            )
            ClearanceFactory(athlete=athlete, scope="running", cleared_on=date(2026, 1, 20))
            AssessmentFactory(athlete=athlete, assessed_on=athlete.today())
            # Her coach has moved her on to run-walk this week.
            set_up = publication.week_publish(
                athlete=athlete,
                plan=athlete.plan,
                week=monday_of(athlete.today()),
                stage="run_walk",
                level=2,
                reason="advanced",
            )
            self.set_up_weeks.add(set_up.pk)
            self.athletes.append(athlete)
            self.users.append(user)

    def commit(self, write) -> bool:
        """A write and what it queues on commit; a refusal (400 in the API) writes nothing.
        True when it was written."""
        try:
            with self.capture_on_commit(execute=True):
                write()
        except ValidationError:
            tally("refused")
            return False
        return True

    def red_flag_written(self, athlete: Athlete) -> None:
        """A red flag, live, was just written: she is paused at once (safety does not wait)."""
        assert PlanPause.objects.filter(plan__athlete=athlete, lifted_at__isnull=True).exists()
        tally("paused")

    def open_decision(self, athlete: Athlete) -> Decision | None:
        return Decision.objects.filter(athlete=athlete, status__in=OPEN_STATUSES).first()

    def apply(self, event) -> None:
        if isinstance(event, Wait):
            self.clock.advance(timedelta(hours=event.hours))
        elif isinstance(event, Outage):
            self.clock.skip(timedelta(days=event.days))
        elif isinstance(event, RunTask):
            self.clock.run_task()
            before = snapshot()
            self.clock.run_task()
            assert snapshot() == before, "a second run of publish_weeks changed something"
        elif isinstance(event, CheckIn):
            athlete, user = self.athletes[event.who], self.users[event.who]
            today = athlete.today()
            sent = set(athlete.checkins.values_list("week", flat=True))
            missing = [w for w in windows.open_weeks(today) if w not in sent]
            if missing:
                week = missing[0] if event.late else missing[-1]
                data = {**CLEAN_WEEK, **CHECKIN_KINDS[event.kind]}
                sent_ok = self.commit(
                    lambda: checkin_submit(athlete=athlete, week=week, data=data, by=user)
                )
                if sent_ok and event.kind == "red_flag":
                    self.red_flag_written(athlete)
        elif isinstance(event, Edit):
            athlete, user = self.athletes[event.who], self.users[event.who]
            latest = athlete.checkins.order_by("-week").first()
            if latest is not None:
                data = {**CLEAN_WEEK, **CHECKIN_KINDS[event.kind]}
                changed = self.commit(lambda: checkin_update(checkin=latest, data=data, by=user))
                # A red flag she had already reported, unchanged, is nothing new.
                if changed and event.kind == "red_flag" and not latest.leakage:
                    self.red_flag_written(athlete)
        elif isinstance(event, History):
            athlete = self.athletes[event.who]
            sent = set(athlete.checkins.values_list("week", flat=True))
            week = windows.latest_missing_week(
                athlete.today(), sent, first_week=athlete.delivery_date
            )
            if week is not None:
                data = {**CLEAN_WEEK, "heaviness": True}
                before = (pauses(athlete), self.open_decision(athlete))
                self.commit(
                    lambda: checkin_submit(athlete=athlete, week=week, data=data, by=self.coach)
                )
                # History decides nothing for the future: no pause, no new decision.
                assert (pauses(athlete), self.open_decision(athlete)) == before
        elif isinstance(event, Report):
            athlete, user = self.athletes[event.who], self.users[event.who]
            data = REPORTS[event.kind]
            reported = self.commit(
                lambda: symptom_report_submit(athlete=athlete, data=data, by=user)
            )
            if reported and event.kind != "pain_3":
                self.red_flag_written(athlete)
        elif isinstance(event, Approve):
            decision = self.open_decision(self.athletes[event.who])
            if decision is not None and self.commit(
                lambda: services.decision_approve(decision=decision, by=self.coach)
            ):
                tally(f"approved {decision.action}")
        elif isinstance(event, Override):
            decision = self.open_decision(self.athletes[event.who])
            action, stage, level = OVERRIDES[event.target]
            if decision is not None and self.commit(
                lambda: services.decision_override(
                    decision=decision,
                    by=self.coach,
                    action=action,
                    to_stage=stage,
                    to_level=level,
                    note="Talked it through with her.",
                    clinician_attestation="Her physio, today." if event.attested else "",
                )
            ):
                tally(f"overrode {decision.action} to {action}")
        else:
            raise TypeError(event)

    # --- The properties ----------------------------------------------------------------------

    def awaiting(self) -> list[Decision | None]:
        return [self.open_decision(athlete) for athlete in self.athletes]

    def check(self, awaiting_before: list[Decision | None]) -> None:
        assert [r.getMessage() for r in self.errors.records] == []
        for athlete, before in zip(self.athletes, awaiting_before, strict=True):
            self.check_superseded_only_by_newer(athlete, before)
        for athlete in self.athletes:
            self.check_published(athlete)
            self.check_one_awaiting(athlete)
            self.check_no_impact_while_paused(athlete)
            self.check_progress_waits_for_the_coach(athlete)

    def check_published(self, athlete: Athlete) -> None:
        """(a) one published week, always: every week of her plan up to her current one (and
        on Sunday her next), once the task has run since her last Sunday began."""
        today = athlete.today()
        this_monday = monday_of(today)
        weeks = list(PlanWeek.objects.filter(plan__athlete=athlete).values_list("week", flat=True))
        assert len(weeks) == len(set(weeks)), weeks
        last_sunday = today if today.weekday() == 6 else this_monday - timedelta(days=1)
        sunday_began = datetime.combine(last_sunday, time(0), tzinfo=athlete.tz)
        if self.clock.last_run is not None and self.clock.last_run >= sunday_began:
            until = this_monday + timedelta(weeks=1 if today.weekday() == 6 else 0)
            expected = [athlete.plan.started_on]
            while expected[-1] < until:
                expected.append(expected[-1] + timedelta(weeks=1))
            assert [w for w in sorted(weeks) if w <= until] == expected, (athlete.timezone, today)

    def check_one_awaiting(self, athlete: Athlete) -> None:
        """(b) at most one decision awaits her coach."""
        awaiting = Decision.objects.filter(athlete=athlete, status__in=OPEN_STATUSES).count()
        assert awaiting <= 1, awaiting

    def check_no_impact_while_paused(self, athlete: Athlete) -> None:
        """(c) nothing with impact from a red flag's day until the override that lifted it
        applies."""
        impact_days = sorted(
            week + timedelta(days=day)
            for week, day in PlannedSession.objects.filter(
                plan_week__plan__athlete=athlete, kind__in=IMPACT_KINDS
            ).values_list("plan_week__week", "day")
        )
        for pause in PlanPause.objects.filter(plan__athlete=athlete).select_related(
            "lifted_by_decision"
        ):
            if pause.lifted_at is None:
                until = date.max
            else:
                assert pause.lifted_by_decision is not None, "a pause lifted by no override"
                until = pause.lifted_by_decision.starts_on
            during = [d for d in impact_days if pause.started_on <= d < until]
            assert during == [], (pause.started_on, until, during)

    def check_superseded_only_by_newer(self, athlete: Athlete, before: Decision | None) -> None:
        """(f) what awaited her coach before the event, if superseded by it, gave way to a
        decision for the same week or a later one, or to a red flag's pause."""
        if before is None:
            return
        before.refresh_from_db()
        if before.status == DecisionStatus.SUPERSEDED:
            now = self.open_decision(athlete)
            assert now is not None, "superseded by nothing"
            assert now.week >= before.week or now.trigger == "red_flag", (
                (before.week, before.action),
                (now.week, now.action, now.trigger),
            )
            tally("superseded")

    def check_progress_waits_for_the_coach(self, athlete: Athlete) -> None:
        """(e) a week that moved her on (or held her by decision) is her coach's doing."""
        for reason, status in (
            PlanWeek.objects.filter(plan__athlete=athlete, reason__in=("advanced", "held"))
            .exclude(pk__in=self.set_up_weeks)
            .values_list("reason", "decision__status")
        ):
            assert status in (DecisionStatus.APPROVED, DecisionStatus.OVERRIDDEN), (reason, status)


def pauses(athlete: Athlete) -> list[tuple]:
    return list(
        PlanPause.objects.filter(plan__athlete=athlete)
        .order_by("id")
        .values_list("id", "started_on", "lifted_at")
    )


def snapshot() -> tuple:
    """Every published week, session and decision, with their ids: what a run could change."""
    return (
        list(
            PlanWeek.objects.order_by("id").values_list(
                "id", "plan_id", "week", "stage", "level", "reason", "applies_from", "decision_id"
            )
        ),
        list(
            PlannedSession.objects.order_by("id").values_list(
                "id", "plan_week_id", "day", "kind", "minutes"
            )
        ),
        list(
            Decision.objects.order_by("id").values_list(
                "id", "week", "applies_from", "action", "to_stage", "to_level", "status"
            )
        ),
        list(PlanPause.objects.order_by("id").values_list("id", "started_on", "lifted_at")),
        list(WeeklyCheckIn.objects.order_by("id").values_list("id", "week")),
    )


@settings(
    # An example is up to a second of database work: 25 of them take 5 to 20 seconds.
    max_examples=25,
    deadline=None,
    # No shrinking: shrinking a walk takes minutes; a failing walk is printed as it is (and
    # replayed first on the next run, from hypothesis' example database).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    # The fixture is a function (run on commit), and every example rolls its writes back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start_hours=st.integers(0, 7 * 24 - 1), walk=st.lists(events, min_size=10, max_size=40))
def test_the_weekly_loop_keeps_its_promises_whatever_happens(
    django_capture_on_commit_callbacks, start_hours, walk
):
    start = EPOCH + timedelta(hours=start_hours)
    errors = LoggedErrors()
    logging.getLogger().addHandler(errors)
    try:
        with transaction.atomic(), time_machine.travel(start, tick=False) as traveller:
            clock = HourlyClock(traveller, start, django_capture_on_commit_callbacks)
            world = World(clock, django_capture_on_commit_callbacks, errors)
            world.check(world.awaiting())
            for step in walk:
                awaiting = world.awaiting()
                world.apply(step)
                world.check(awaiting)
            transaction.set_rollback(True)
    finally:
        logging.getLogger().removeHandler(errors)
