"""The hourly publication fans out over the workers: one task per chunk of whole rosters,
every active athlete in exactly one, each chunk idempotent and judged by its own clock."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete
from plans import tasks
from plans.models import Decision, Plan, PlanWeek
from tests.factories import AthleteFactory, UserFactory
from tests.plans.conftest import this_monday
from tests.plans.publishing import publish_weeks
from tests.sql import written_tables

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def silent_since_last_week(athlete: Athlete) -> Athlete:
    """Her plan started last week, whose check-in never came: this hour's publication owes
    her a decision (a hold) and this week's plan."""
    last_monday = this_monday(athlete) - timedelta(weeks=1)
    Plan.objects.filter(athlete=athlete).update(started_on=last_monday)
    PlanWeek.objects.filter(plan__athlete=athlete).update(week=last_monday)
    return athlete


def rosters(*sizes: int) -> list[list[Athlete]]:
    """One coach per size, with that many athletes, each owed this hour's work."""
    teams = []
    for n in sizes:
        coach = UserFactory()
        teams.append([silent_since_last_week(AthleteFactory(coach=coach)) for _ in range(n)])
    return teams


class SentGroup:
    """Stands in for ``celery.group`` in ``plans.tasks``: keeps the signatures, runs none."""

    def __init__(self) -> None:
        self.signatures: list = []
        self.sent = 0

    def __call__(self, signatures):
        self.signatures = list(signatures)
        return self

    def apply_async(self, *args, **kwargs) -> None:
        self.sent += 1


@pytest.fixture
def sent(monkeypatch) -> SentGroup:
    spy = SentGroup()
    monkeypatch.setattr(tasks, "group", spy)
    return spy


def test_the_task_sends_one_group_with_every_active_athlete_in_exactly_one_chunk(sent):
    teams = rosters(3, 1, 1, 2)
    AthleteFactory(coach=teams[0][0].coach, archived=True)  # not published, not counted
    without_plan = AthleteFactory(coach=teams[3][0].coach, plan=False)

    result = tasks.publish_weeks(chunk_size=2)

    assert sent.sent == 1
    assert {s.task for s in sent.signatures} == {"plans.tasks.publish_weeks_rosters"}
    # Coaches fill a chunk up to 2 athletes (the two of 1 share one); a roster of 3 is a
    # chunk of its own.
    assert result == {"athletes": 8, "chunks": len(sent.signatures)}
    assert [len(s.args[0]) for s in sent.signatures] == [1, 2, 1]
    coach_ids = [coach_id for s in sent.signatures for coach_id in s.args[0]]
    assert len(coach_ids) == len(set(coach_ids)) == 4
    covered = Counter(
        pk
        for s in sent.signatures
        for pk in Athlete.objects.active()
        .filter(coach_id__in=s.args[0])
        .values_list("pk", flat=True)
    )
    assert set(covered.values()) == {1}
    assert set(covered) == set(Athlete.objects.active().values_list("pk", flat=True))
    assert without_plan.pk in covered
    # The parent only sent: nothing was published or decided yet.
    assert not Decision.objects.exists()
    assert not Plan.objects.filter(athlete=without_plan).exists()


def test_no_group_is_sent_when_nobody_is_active(sent):
    AthleteFactory(archived=True)

    assert tasks.publish_weeks() == {"athletes": 0, "chunks": 0}
    assert sent.sent == 0


def test_a_chunk_run_twice_writes_nothing_the_second_time():
    (team,) = rosters(3)
    AthleteFactory(coach=team[0].coach, plan=False)
    coach_ids = [team[0].coach_id]

    first = tasks.publish_weeks_rosters.delay(coach_ids).get()
    with CaptureQueriesContext(connection) as queries:
        second = tasks.publish_weeks_rosters.delay(coach_ids).get()

    assert first == {"athletes": 4, "started": 1, "published": 3, "decisions": 3}
    assert second == {"athletes": 4, "started": 0, "published": 0, "decisions": 0}
    assert written_tables(queries.captured_queries) == []


def test_eagerly_the_fan_out_publishes_everything_in_one_call():
    teams = rosters(2, 2, 1)
    without_plan = AthleteFactory(coach=teams[2][0].coach, plan=False)
    everyone = [a for team in teams for a in team]

    totals = publish_weeks(chunk_size=2)

    assert totals == {
        "athletes": 6,
        "chunks": 3,
        "started": 1,
        "published": 5,
        "decisions": 5,
    }
    for athlete in everyone:
        monday = this_monday(athlete)
        assert PlanWeek.objects.filter(plan__athlete=athlete, week=monday).exists()
        assert Decision.objects.filter(athlete=athlete, week=monday, trigger="no_checkin").exists()
    assert PlanWeek.objects.filter(plan__athlete=without_plan).exists()
    again = publish_weeks(chunk_size=2)
    assert again == {**totals, "started": 0, "published": 0, "decisions": 0}


def test_a_message_of_the_previous_release_still_runs():
    """Beat's message, and one queued with the old chunk size: the same name and argument."""
    rosters(1)

    assert tasks.publish_weeks.delay(500).get() == {"athletes": 1, "chunks": 1}
    assert Decision.objects.count() == 1


def test_a_chunk_that_runs_after_her_monday_began_judges_by_its_own_clock(sent):
    """Sent at 23:30 on her Sunday, run at 00:10 on her Monday: the week that just ended
    without a check-in gets its decision now, not an hour later."""
    sunday = datetime.combine(date(2026, 3, 1), time(23, 30), tzinfo=LONDON)
    with time_machine.travel(sunday, tick=False) as clock:
        athlete = AthleteFactory()  # her plan starts this week, the week of that Sunday
        tasks.publish_weeks()
        (chunk,) = sent.signatures
        monday = sunday.date() + timedelta(days=1)
        assert not Decision.objects.filter(athlete=athlete).exists()

        clock.move_to(sunday + timedelta(minutes=40))
        done = chunk.apply().get()

    assert done["decisions"] == 1
    decision = Decision.objects.get(athlete=athlete)
    assert (decision.week, decision.trigger, decision.action) == (monday, "no_checkin", "hold")
    assert PlanWeek.objects.filter(plan__athlete=athlete, week=monday).exists()
