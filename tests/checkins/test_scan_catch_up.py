"""The daily scan catches up every check-in never evaluated, however old (the broker was down
when it was saved), and says only what it really queued; the task fans out over chunks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from checkins import services, tasks
from checkins.models import WarningFlag, WeeklyCheckIn
from tests.checkins.factories import CheckInFactory, service_data
from tests.factories import AthleteFactory, UserFactory
from web.weeks import monday_of

pytestmark = pytest.mark.usefixtures("friday")
QUIET = {"run_minutes": 0, "walk_minutes": 90, "longest_session_minutes": 40}


def _unevaluated(athlete, weeks_ago: int, **values) -> WeeklyCheckIn:
    """Written straight to the database, as when no evaluation ever ran for it."""
    week = monday_of(athlete.today()) - timedelta(weeks=weeks_ago)
    return CheckInFactory(athlete=athlete, week=week, **{**QUIET, **values})


def test_a_check_in_ten_weeks_old_never_evaluated_is_judged_once(coach):
    athlete = AthleteFactory(coach=coach)
    old = _unevaluated(athlete, 10, bleeding=True)
    _unevaluated(athlete, 0)  # this week, nothing to say
    assert old.evaluated_at is None

    first = services.warnings_scan()

    flag = WarningFlag.objects.get(athlete=athlete, rule="bleeding")
    assert (flag.week, flag.checkin_id, flag.severity) == (old.week, old.pk, "high")
    assert first["flags"] >= 1
    assert not WeeklyCheckIn.objects.filter(athlete=athlete, evaluated_at__isnull=True).exists()

    # Resolved by the coach: a second scan does not judge the old week again (nor reopen it).
    WarningFlag.objects.filter(pk=flag.pk).update(
        status="resolved", resolved_at=timezone.now(), resolution_note="Seen by her GP."
    )
    second = services.warnings_scan()
    assert second["flags"] == 0
    assert WarningFlag.objects.get(pk=flag.pk).status == "resolved"


def test_an_old_check_in_already_evaluated_is_left_alone(coach):
    athlete = AthleteFactory(coach=coach)
    _unevaluated(athlete, 10, bleeding=True, evaluated_at=timezone.now())

    services.warnings_scan()

    assert not WarningFlag.objects.filter(athlete=athlete, rule="bleeding").exists()


def test_evaluation_marks_the_check_in_and_an_edit_unmarks_it(
    athlete, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin = services.checkin_submit(
            athlete=athlete, week=athlete.today(), data=service_data(**QUIET), by=athlete.user
        )
    checkin.refresh_from_db()
    assert checkin.evaluated_at is not None

    with django_capture_on_commit_callbacks(execute=False):  # the evaluation never runs
        services.checkin_update(checkin=checkin, data={"pain": 6}, by=athlete.user)
    checkin.refresh_from_db()
    assert checkin.evaluated_at is None

    services.warnings_scan()  # the scan judges the edited version
    checkin.refresh_from_db()
    assert checkin.evaluated_at is not None
    assert WarningFlag.objects.filter(athlete=athlete, rule="pain", severity="high").exists()


def test_the_renotify_count_is_what_the_broker_took(coach, monkeypatch):
    athlete = AthleteFactory(coach=coach)
    WarningFlag.objects.create(
        athlete=athlete,
        rule="bleeding",
        severity="high",
        week=monday_of(athlete.today()),
        summary="Bleeding.",
    )

    def refuse(*args, **kwargs):
        raise BrokerError("connection refused")

    monkeypatch.setattr(tasks.notify_high_flags, "delay", refuse)
    assert services.warnings_scan()["notifications"] == 0

    sent: list[int] = []
    monkeypatch.setattr(tasks.notify_high_flags, "delay", sent.append)
    assert services.warnings_scan()["notifications"] == 1
    assert len(sent) == 1


def test_the_daily_task_fans_out_one_task_per_chunk_of_whole_rosters(db, monkeypatch):
    coaches = _coaches(2, 2, 1)
    athletes = [AthleteFactory(coach=coach) for coach, n in coaches for _ in range(n)]
    for athlete in athletes:
        _unevaluated(athlete, 0, pain=3)
    monkeypatch.setattr(services, "SCAN_CHUNK_SIZE", 2)
    chunks: list[list[int]] = []
    original = services.warnings_scan_chunk

    def spy(*, coach_ids):
        chunks.append(list(coach_ids))
        return original(coach_ids=coach_ids)

    monkeypatch.setattr(services, "warnings_scan_chunk", spy)

    result = tasks.scan_warnings.delay().get()

    assert result == {"athletes": 5, "chunks": 3, "notifications": 0}
    assert sorted(chunks) == sorted([coach.pk] for coach, _ in coaches)
    assert WarningFlag.objects.filter(rule="pain").count() == 5
    # Idempotent per chunk: the same chunk again raises nothing.
    again = tasks.scan_warnings_rosters.delay(chunks[0]).get()
    assert again == {"athletes": 2, "flags": 0, "notifications": 0}
    # A chunk queued by the previous release, by athletes, scans their whole rosters.
    legacy = tasks.scan_warnings_chunk.delay([athletes[0].pk]).get()
    assert legacy == {"athletes": 2, "flags": 0, "notifications": 0}


def test_a_roster_is_never_split_across_chunks(db):
    """Coaches fill a chunk up to its size; a bigger roster is a chunk of its own."""
    (big, _), (small, _), (tiny, _) = coaches = _coaches(5, 1, 1)
    for coach, n in coaches:
        for _ in range(n):
            AthleteFactory(coach=coach)
    AthleteFactory(coach=big, archived=True)  # not scanned

    def chunks(size):
        return [
            (chunk.coach_ids, chunk.athletes) for chunk in services.scan_chunks(chunk_size=size)
        ]

    assert chunks(2) == [([big.pk], 5), ([small.pk, tiny.pk], 2)]
    assert chunks(1) == [([big.pk], 5), ([small.pk], 1), ([tiny.pk], 1)]
    assert chunks(100) == [([big.pk, small.pk, tiny.pk], 7)]


def _coaches(*sizes: int):
    return [(UserFactory(), n) for n in sizes]


def test_flags_left_unsent_ride_with_the_coachs_one_task(coach, monkeypatch):
    """A high flag an earlier run could not queue goes out with the chunk's new ones: still
    one task for the coach."""
    athlete, other = AthleteFactory(coach=coach), AthleteFactory(coach=coach)
    left = WarningFlag.objects.create(
        athlete=athlete,
        rule="bleeding",
        severity="high",
        week=monday_of(athlete.today()) - timedelta(weeks=1),
        summary="Bleeding.",
    )
    _unevaluated(other, 0, bleeding=True)
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks.notify_high_flags, "delay", queued.append)

    services.warnings_scan()

    new = WarningFlag.objects.get(athlete=other, rule="bleeding")
    assert queued == [sorted([left.pk, new.pk])]


def test_a_scan_queues_one_notification_task_per_coach(coach, other_coach, monkeypatch):
    """However many high flags a scan raises, each coach's are sent in one task (which writes
    one e-mail per check-in among them)."""
    mine = [AthleteFactory(coach=coach) for _ in range(3)]
    theirs = [AthleteFactory(coach=other_coach) for _ in range(2)]
    for athlete in mine + theirs:
        _unevaluated(athlete, 0, bleeding=True)
        _unevaluated(athlete, 1, leakage=True)
    tasks_queued: list[list[int]] = []
    monkeypatch.setattr(tasks.notify_high_flags, "delay", tasks_queued.append)

    services.warnings_scan()

    high = WarningFlag.objects.filter(severity="high")
    assert high.count() >= 10
    assert len(tasks_queued) == 2
    by_coach = {
        WarningFlag.objects.get(pk=ids[0]).athlete.coach_id: sorted(ids) for ids in tasks_queued
    }
    assert by_coach == {
        c.pk: sorted(high.filter(athlete__coach=c).values_list("pk", flat=True))
        for c in (coach, other_coach)
    }
