"""The background side of warning signs (SPEC §7): evaluation after a check-in, the daily
scan, the e-mails (a high flag, the daily digest, the weekly reminder), the management command
and the log lines. Tasks run eagerly here (tests/test_warnings_integration.py uses a broker).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from athletes.models import Athlete, OutgoingEmail, Role, User
from athletes.tasks import deliver_email, send_pending_emails
from checkins import services, tasks
from checkins.models import EmailLog, FlagStatus, WarningFlag, WeeklyCheckIn
from tests.checkins.factories import CheckInFactory, api_body, service_data
from tests.emails import assert_a_good_email
from tests.factories import AssessmentFactory, AthleteFactory, ClearanceFactory, UserFactory
from web.weeks import monday_of

# On a Friday, so that this week's check-in is open (SPEC §11); the digest and reminder tests
# stop the clock at their own instants.
pytestmark = pytest.mark.usefixtures("friday")

# An ordinary week without running: nothing about it raises a flag on its own (running
# without a clearance would).
QUIET = {"run_minutes": 0, "walk_minutes": 90, "longest_session_minutes": 40}


@pytest.fixture
def athlete(coach, athlete_user) -> Athlete:
    return AthleteFactory(
        coach=coach,
        user=athlete_user,
        first_name="Anna",
        last_name="Lindqvist",
        email="anna.private@example.org",
    )


def checkin_of(athlete: Athlete, weeks_ago: int = 0, **values) -> WeeklyCheckIn:
    """A check-in written straight to the database: no evaluation runs for it."""
    week = monday_of(athlete.today()) - timedelta(weeks=weeks_ago)
    return CheckInFactory(athlete=athlete, week=week, **{**QUIET, **values})


def submit(athlete: Athlete, capture, **values) -> WeeklyCheckIn:
    """Her check-in of this week through the service, with what runs on commit run."""
    with capture(execute=True):
        return services.checkin_submit(
            athlete=athlete,
            week=athlete.today(),
            data=service_data(**{**QUIET, **values}),
            by=athlete.user,
        )


def flags_of(athlete: Athlete) -> list[tuple[str, str, date, str]]:
    return sorted(
        WarningFlag.objects.filter(athlete=athlete).values_list(
            "rule", "severity", "week", "status"
        )
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a task with what it queues on commit (the e-mail's sending) run too."""

    def run(task, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return task(*args)

    return run


def stop_clock(monkeypatch, instant: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: instant)


# --- Evaluation after a check-in -------------------------------------------------------------


def test_the_evaluation_is_queued_on_commit_not_before(athlete, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        checkin = services.checkin_submit(
            athlete=athlete,
            week=athlete.today(),
            data=service_data(**QUIET, pain=6),
            by=athlete.user,
        )
    assert callbacks
    assert not WarningFlag.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert flags_of(athlete) == [("pain", "high", checkin.week, "open")]


def test_evaluating_the_same_checkin_twice_creates_no_second_flag_or_email(
    athlete, coach, django_capture_on_commit_callbacks
):
    checkin = submit(athlete, django_capture_on_commit_callbacks, leakage=True)
    assert flags_of(athlete) == [("pelvic_floor", "high", checkin.week, "open")]
    assert len(mail.outbox) == 1
    first = WarningFlag.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.evaluate_checkin.delay(athlete.pk, checkin.week.isoformat()).get()

    assert again == 0
    assert WarningFlag.objects.get() == first
    assert WarningFlag.objects.get().notified_at == first.notified_at
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coach.email]


def test_the_scan_after_an_evaluation_creates_nothing_new_and_sends_no_second_email(
    athlete, django_capture_on_commit_callbacks
):
    checkin = submit(athlete, django_capture_on_commit_callbacks, leakage=True, pain=4)
    before = list(WarningFlag.objects.order_by("pk").values())
    assert [(f["rule"], f["severity"]) for f in before] == [
        ("pelvic_floor", "high"),
        ("pain", "medium"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        result = services.warnings_scan()

    assert result == {"athletes": 1, "flags": 0, "notifications": 0}
    assert list(WarningFlag.objects.order_by("pk").values()) == before
    assert len(mail.outbox) == 1
    assert checkin.flags.count() == 2


def test_the_scan_run_twice_raises_each_flag_once_and_emails_once(
    athlete, coach, django_capture_on_commit_callbacks
):
    checkin = checkin_of(athlete, heaviness=True)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.warnings_scan()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.warnings_scan()

    assert first == {"athletes": 1, "flags": 1, "notifications": 1}
    assert second == {"athletes": 1, "flags": 0, "notifications": 0}
    flag = WarningFlag.objects.get()
    assert (flag.rule, flag.severity, flag.week, flag.checkin) == (
        "pelvic_floor",
        "high",
        checkin.week,
        checkin,
    )
    assert flag.notified_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coach.email]


def test_the_scan_task_runs_the_scan(athlete, django_capture_on_commit_callbacks):
    checkin_of(athlete, pain=3)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.scan_warnings.delay().get()

    assert result == {"athletes": 1, "chunks": 1, "notifications": 0}
    assert flags_of(athlete) == [("pain", "medium", monday_of(athlete.today()), "open")]


def test_a_higher_pain_on_edit_escalates_the_same_flag_and_reopens_it(
    athlete, coach, django_capture_on_commit_callbacks
):
    checkin = submit(athlete, django_capture_on_commit_callbacks, pain=3)
    flag = WarningFlag.objects.get()
    assert (flag.rule, flag.severity, flag.summary) == ("pain", "medium", "Pain 3/10 reported.")
    services.flag_acknowledge(flag=flag, by=coach)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_update(checkin=checkin, data={"pain": 6}, by=athlete.user)

    escalated = WarningFlag.objects.get()
    assert escalated.pk == flag.pk
    assert escalated.severity == "high"
    assert escalated.status == FlagStatus.OPEN
    assert escalated.summary == "Pain 6/10 reported."
    assert escalated.evidence == {"pain": 6}
    assert escalated.notified_at is not None
    assert len(mail.outbox) == 1


def test_a_lower_pain_on_edit_keeps_the_flag_as_it_was(athlete, django_capture_on_commit_callbacks):
    checkin = submit(athlete, django_capture_on_commit_callbacks, pain=6)
    before = WarningFlag.objects.values().get()

    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_update(checkin=checkin, data={"pain": 3}, by=athlete.user)

    assert WarningFlag.objects.values().get() == before
    assert len(mail.outbox) == 1


def test_the_scan_escalates_a_flag_whose_edit_was_never_evaluated(
    athlete, coach, django_capture_on_commit_callbacks
):
    # Pain 3 evaluated; then the edit to 6 is saved while the broker is down, so only the
    # daily scan can catch it up (SPEC §7: "the scan catches up later").
    checkin = submit(athlete, django_capture_on_commit_callbacks, pain=3)
    WeeklyCheckIn.objects.filter(pk=checkin.pk).update(pain=6)

    with django_capture_on_commit_callbacks(execute=True):
        services.warnings_scan()

    flag = WarningFlag.objects.get()
    assert (flag.rule, flag.severity, flag.status) == ("pain", "high", FlagStatus.OPEN)
    assert len(mail.outbox) == 1


def test_an_archived_athlete_is_not_evaluated(athlete):
    checkin = checkin_of(athlete, leakage=True)
    Athlete.objects.filter(pk=athlete.pk).update(archived=True)

    assert tasks.evaluate_checkin.delay(athlete.pk, checkin.week.isoformat()).get() == 0
    assert services.warnings_scan() == {"athletes": 0, "flags": 0, "notifications": 0}
    assert not WarningFlag.objects.exists()


# --- The scan is set-based -------------------------------------------------------------------


def _athletes_with_checkins(coach: User, n: int) -> list[Athlete]:
    """``n`` athletes, each cleared and assessed, each with last week's ordinary check-in and
    this week's with pain 3: one medium flag each, no high flag (so no e-mail task)."""
    made = []
    for _ in range(n):
        athlete = AthleteFactory(coach=coach)
        ClearanceFactory(athlete=athlete)
        AssessmentFactory(athlete=athlete)
        checkin_of(athlete, weeks_ago=1)
        checkin_of(athlete, pain=3)
        made.append(athlete)
    return made


def _scan_queries() -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        result = services.warnings_scan()
    return len(ctx.captured_queries), result


def test_the_scan_does_the_same_number_of_queries_for_5_and_50_athletes(coach):
    _athletes_with_checkins(coach, 5)
    few, few_result = _scan_queries()

    # Start again from no flags, with ten times as many athletes, each raising the same.
    WarningFlag.objects.all().delete()
    _athletes_with_checkins(coach, 45)
    many, many_result = _scan_queries()

    assert few_result == {"athletes": 5, "flags": 5, "notifications": 0}
    assert many_result == {"athletes": 50, "flags": 50, "notifications": 0}
    assert WarningFlag.objects.filter(rule="pain", severity="medium").count() == 50
    assert few == many


def test_the_scan_works_through_chunks(coach):
    _athletes_with_checkins(coach, 7)

    result = services.warnings_scan(chunk_size=3)

    assert result == {"athletes": 7, "flags": 7, "notifications": 0}
    assert WarningFlag.objects.count() == 7


# --- Missed check-ins ------------------------------------------------------------------------


def _profile_made(athlete: Athlete, weeks_ago: int) -> Athlete:
    Athlete.objects.filter(pk=athlete.pk).update(
        created_at=timezone.now() - timedelta(weeks=weeks_ago)
    )
    athlete.refresh_from_db()
    return athlete


def test_the_scan_raises_missed_checkins_for_the_last_silent_week(coach):
    silent = _profile_made(AthleteFactory(coach=coach), weeks_ago=6)
    checkin_of(silent, weeks_ago=3)
    this_monday = monday_of(silent.today())

    result = services.warnings_scan()

    assert result == {"athletes": 1, "flags": 1, "notifications": 0}
    flag = WarningFlag.objects.get()
    assert (flag.athlete, flag.rule, flag.severity, flag.week, flag.checkin) == (
        silent,
        "missed_checkins",
        "low",
        this_monday - timedelta(weeks=1),
        None,
    )
    assert flag.evidence == {
        "missing_weeks": [
            (this_monday - timedelta(weeks=2)).isoformat(),
            (this_monday - timedelta(weeks=1)).isoformat(),
        ]
    }
    assert services.warnings_scan()["flags"] == 0
    assert WarningFlag.objects.count() == 1


def test_the_scan_leaves_alone_who_checked_in_is_new_or_is_archived(coach):
    checked_in = _profile_made(AthleteFactory(coach=coach), weeks_ago=6)
    checkin_of(checked_in, weeks_ago=1)
    AthleteFactory(coach=coach)  # her profile was made this week
    archived = _profile_made(AthleteFactory(coach=coach, archived=True), weeks_ago=6)

    result = services.warnings_scan()

    assert result == {"athletes": 2, "flags": 0, "notifications": 0}
    assert not WarningFlag.objects.exists()
    assert archived.flags.count() == 0


# --- The e-mail about a high flag ------------------------------------------------------------


@pytest.fixture
def high_flag(athlete) -> WarningFlag:
    checkin = checkin_of(athlete, bleeding=True)
    return WarningFlag.objects.create(
        athlete=athlete,
        checkin=checkin,
        rule="bleeding",
        severity="high",
        week=checkin.week,
        summary="Bleeding reported at 20 weeks 0 days postpartum; beyond 8 weeks needs a GP "
        "review.",
        evidence={"bleeding": True, "days_postpartum": 140},
    )


def test_notify_high_flags_sends_one_email_however_often_it_runs(
    high_flag, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_high_flags([high_flag.pk]) == 1
        assert tasks.notify_high_flags([high_flag.pk]) == 0
        assert tasks.notify_high_flags.delay([high_flag.pk]).get() == 0
        # The task name of earlier releases, for messages still in the queue.
        assert tasks.notify_flag(high_flag.pk) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coach.email]
    assert message.subject == "[Stridewise] Anna's check-in: 1 high-priority warning sign"
    athlete_page = f"{settings.SITE_URL}/coach/athletes/{high_flag.athlete_id}/"
    assert athlete_page in message.body
    assert "Anna Lindqvist's check-in for the week of" in message.body
    assert "raised a high-priority warning sign" in message.body
    assert "- Bleeding: Bleeding reported at 20 weeks 0 days postpartum" in message.body
    high_flag.refresh_from_db()
    assert high_flag.notified_at is not None


def test_notify_high_flags_skips_a_flag_already_claimed(
    high_flag, django_capture_on_commit_callbacks
):
    # Another worker claimed it first: this run must not send.
    WarningFlag.objects.filter(pk=high_flag.pk).update(notified_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_high_flags([high_flag.pk]) == 0
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_a_failing_mail_server_keeps_the_email_queued_and_the_flag_claimed(
    high_flag, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_high_flags([high_flag.pk]) == 1

    high_flag.refresh_from_db()
    assert high_flag.notified_at is not None  # a retry of the task writes no second e-mail
    queued = OutgoingEmail.objects.get()
    assert (queued.sent_at, queued.attempts, queued.to) == (None, 1, high_flag.athlete.coach.email)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_email(queued.pk) is True
    assert len(mail.outbox) == 1
    assert "Bleeding" in mail.outbox[0].body


def test_the_scan_requeues_high_flags_whose_email_never_went_out(
    high_flag, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.warnings_scan()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.warnings_scan()

    assert (result["notifications"], again["notifications"]) == (1, 0)
    assert len(mail.outbox) == 1
    high_flag.refresh_from_db()
    assert high_flag.notified_at is not None


# --- The daily digest ------------------------------------------------------------------------

DIGEST_DAY = datetime(2025, 6, 4, 7, 0, tzinfo=UTC)


@pytest.fixture
def flags_for_digests(monkeypatch, coach, other_coach):
    stop_clock(monkeypatch, DIGEST_DAY)
    mine = AthleteFactory(coach=coach)
    theirs = AthleteFactory(coach=other_coach)
    calm = AthleteFactory(coach=UserFactory(email="calm@example.org"))
    week = monday_of(mine.today())
    for athlete, rule, severity, status in (
        (mine, "pelvic_floor", "high", "open"),
        (mine, "pain", "medium", "acknowledged"),
        (mine, "short_sleep", "medium", "resolved"),
        (theirs, "long_session_spike", "low", "open"),
        (calm, "pain", "high", "resolved"),
    ):
        WarningFlag.objects.create(
            athlete=athlete,
            rule=rule,
            severity=severity,
            week=week,
            status=status,
            summary="A flag.",
            resolution_note="Dealt with." if status == "resolved" else "",
        )


def test_the_daily_digest_goes_once_a_day_to_each_coach_with_open_flags(
    flags_for_digests, monkeypatch, coach, other_coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests.delay().get() == 2
        assert tasks.send_daily_digests() == 0

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([coach.email, other_coach.email])
    mine = by_recipient[coach.email]
    assert mine.subject == "[Stridewise] Warning signs to review: 2"
    assert "You have 2 open warning signs to review, 1 of them high priority." in mine.body
    assert f"{settings.SITE_URL.rstrip('/')}/coach/flags/" in mine.body
    assert_a_good_email(mine)
    theirs = by_recipient[other_coach.email]
    assert theirs.subject == "[Stridewise] Warning signs to review: 1"
    assert "You have 1 open warning sign to review." in theirs.body
    assert EmailLog.objects.filter(kind="digest", key="2025-06-04").count() == 2

    stop_clock(monkeypatch, DIGEST_DAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 2
    assert len(mail.outbox) == 4


def test_a_digest_the_mail_server_refused_stays_queued_and_goes_out_once(
    flags_for_digests, settings, coach, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 2
    assert mail.outbox == []
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 0  # already queued today: not written again
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert send_pending_emails() == 2
    assert send_pending_emails() == 0
    assert len(mail.outbox) == 2


def test_the_digest_counts_only_what_the_review_queue_shows(
    monkeypatch, coach, django_capture_on_commit_callbacks
):
    stop_clock(monkeypatch, DIGEST_DAY)
    active = AthleteFactory(coach=coach)
    archived = AthleteFactory(coach=coach, archived=True)
    for athlete in (active, archived):
        WarningFlag.objects.create(
            athlete=athlete,
            rule="pain",
            severity="high",
            week=monday_of(athlete.today()),
            summary="Pain 6/10 reported.",
        )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_daily_digests()

    assert [m.subject for m in mail.outbox] == ["[Stridewise] Warning signs to review: 1"]


# --- The weekly reminder ---------------------------------------------------------------------

# Sunday 8 June 2025, 17:05 in New York (EDT, UTC-4); her week began on Monday 2 June.
SUNDAY_5PM_NEW_YORK = datetime(2025, 6, 8, 21, 5, tzinfo=UTC)


@pytest.fixture
def new_yorkers(monkeypatch, coach):
    stop_clock(monkeypatch, SUNDAY_5PM_NEW_YORK)
    quiet = AthleteFactory(
        coach=coach,
        timezone="America/New_York",
        user=UserFactory(role=Role.ATHLETE, email="quiet@example.org"),
    )
    done = AthleteFactory(
        coach=coach,
        timezone="America/New_York",
        user=UserFactory(role=Role.ATHLETE, email="done@example.org"),
    )
    checkin_of(done)
    assert done.checkins.get().week == date(2025, 6, 2)
    return quiet, done


def test_the_weekly_reminder_goes_on_sunday_at_5pm_her_time_once_with_a_sign_in_link(
    new_yorkers, run
):
    quiet, _ = new_yorkers
    AthleteFactory(  # 22:05 on Sunday in London: not her hour
        user=UserFactory(role=Role.ATHLETE, email="london@example.org"),
    )
    AthleteFactory(timezone="America/New_York")  # no login to remind

    assert run(lambda: tasks.send_checkin_reminders.delay().get()) == 1
    assert run(tasks.send_checkin_reminders) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["quiet@example.org"]
    assert message.subject == "[Stridewise] How was your week?"
    assert f"{settings.SITE_URL.rstrip('/')}/accounts/login/?next=/me/checkin/" in message.body
    assert_a_good_email(message)
    assert EmailLog.objects.filter(kind="reminder", user=quiet.user, key="2025-06-02").exists()


@pytest.mark.parametrize(
    "instant",
    [
        SUNDAY_5PM_NEW_YORK - timedelta(minutes=6),  # 16:59
        SUNDAY_5PM_NEW_YORK + timedelta(minutes=55),  # 18:00
        SUNDAY_5PM_NEW_YORK - timedelta(days=1),  # Saturday 17:05
    ],
    ids=["sunday-16-59", "sunday-18-00", "saturday-17-05"],
)
def test_no_reminder_outside_sunday_5pm_her_time(new_yorkers, monkeypatch, instant, run):
    stop_clock(monkeypatch, instant)

    assert run(tasks.send_checkin_reminders) == 0
    assert mail.outbox == []


LAST_WEEK_TOO = "Last week's check-in is missing too. You can still send it until midnight"


def test_the_reminder_also_asks_for_last_week_when_it_is_missing(new_yorkers, run):
    quiet, done = new_yorkers
    checkin_of(done, weeks_ago=1)  # the week of 26 May: in; this week's is in too
    late = AthleteFactory(
        coach=quiet.coach,
        timezone="America/New_York",
        user=UserFactory(role=Role.ATHLETE, email="late@example.org"),
    )
    checkin_of(late, weeks_ago=1)  # last week in, this week's missing

    assert run(tasks.send_checkin_reminders) == 2
    assert run(tasks.send_checkin_reminders) == 0  # one e-mail each, whatever runs again

    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert sorted(bodies) == ["late@example.org", "quiet@example.org"]
    assert LAST_WEEK_TOO in bodies["quiet@example.org"]
    assert "How was your week?" in bodies["quiet@example.org"]
    assert LAST_WEEK_TOO not in bodies["late@example.org"]


def test_no_reminder_once_this_week_is_in_even_with_last_week_missing(new_yorkers, run):
    quiet, _ = new_yorkers
    checkin_of(quiet)

    assert run(tasks.send_checkin_reminders) == 0
    assert mail.outbox == []


def test_the_reminder_does_not_ask_for_a_week_before_the_birth(new_yorkers, run):
    quiet, _ = new_yorkers
    Athlete.objects.filter(pk=quiet.pk).update(delivery_date=date(2025, 6, 3))

    assert run(tasks.send_checkin_reminders) == 1
    assert LAST_WEEK_TOO not in mail.outbox[0].body


def test_no_reminder_to_a_deactivated_login(new_yorkers, run):
    quiet, _ = new_yorkers
    User.objects.filter(pk=quiet.user_id).update(is_active=False)

    assert run(tasks.send_checkin_reminders) == 0
    assert mail.outbox == []


# --- The management command ------------------------------------------------------------------


def test_manage_py_scan_warnings_scans_now_and_prints_the_counts(
    coach, athlete, django_capture_on_commit_callbacks
):
    checkin_of(athlete, urgency=True)
    _profile_made(AthleteFactory(coach=coach), weeks_ago=6)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("scan_warnings", stdout=out)

    assert out.getvalue() == "Scanned 2 athletes: 2 new flag(s), 1 notification(s) queued.\n"
    assert sorted(WarningFlag.objects.values_list("rule", flat=True)) == [
        "missed_checkins",
        "pelvic_floor",
    ]
    assert len(mail.outbox) == 1

    again = StringIO()
    call_command("scan_warnings", "--chunk-size", "1", stdout=again)
    assert again.getvalue() == "Scanned 2 athletes: 0 new flag(s), 0 notification(s) queued.\n"


# --- Log lines -------------------------------------------------------------------------------


def _messages(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def _run_everything(athlete, coach, capture, **symptoms) -> None:
    """A submit through the API, its evaluation and e-mail, a scan and a digest."""
    client = APIClient()
    client.force_login(athlete.user)
    with capture(execute=True):
        response = client.post(
            f"/api/v1/athletes/{athlete.pk}/checkins/",
            api_body(
                athlete.today(),
                **QUIET,
                notes="Some leakage when I jump.",
                pain_location="pelvis",
                **symptoms,
            ),
            format="json",
        )
    assert response.status_code == 201, response.content
    with capture(execute=True):
        services.warnings_scan()
    tasks.send_daily_digests()
    assert WarningFlag.objects.filter(athlete=athlete, severity="high").exists()
    assert mail.outbox


def test_log_lines_carry_ids_not_names_emails_or_pelvic_floor_symptoms(
    athlete, coach, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)

    _run_everything(
        athlete,
        coach,
        django_capture_on_commit_callbacks,
        leakage=True,
        urgency=True,
        heaviness=True,
        abdominal_doming=True,
    )

    messages = _messages(caplog)
    assert any(f"athlete={athlete.pk}" in m for m in messages)
    forbidden = [
        "Anna",
        "Lindqvist",
        "anna.private@example.org",
        athlete.user.email,
        coach.email,
        "Cora",
        "leakage",
        "urgency",
        "heaviness",
        "doming",
        "pelvis",
        "jump",
    ]
    for message in messages:
        for word in forbidden:
            assert word.lower() not in message.lower(), (word, message)


def test_log_lines_do_not_name_a_reported_bleeding(
    athlete, coach, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)

    _run_everything(athlete, coach, django_capture_on_commit_callbacks, bleeding=True)

    offending = [m for m in _messages(caplog) if "bleeding" in m.lower()]
    assert offending == []
