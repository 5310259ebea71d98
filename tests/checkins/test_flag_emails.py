"""E-mails a coach can act on (SPEC §12): one e-mail per check-in or symptom report that raised
high flags, listing them all, with a link to her athlete page; never twice; held for the
digest when she says so; and a mail server that is down fails no check-in."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from athletes.models import NotificationPreferences, OutgoingEmail
from checkins import services, tasks
from checkins.models import WarningFlag
from tests.checkins.factories import api_body
from tests.emails import assert_a_good_email, html_of
from tests.factories import AthleteFactory

pytestmark = [pytest.mark.usefixtures("friday"), pytest.mark.django_db]

SITE = "https://coach.stridewise.test"
# Leaking, pain of 6/10 and bleeding at 20 weeks after the birth: three high flags.
THREE_RED_FLAGS = {"leakage": True, "pain": 6, "pain_location": "pubic bone", "bleeding": True}
QUIET = {"run_minutes": 0, "walk_minutes": 90, "longest_session_minutes": 40}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def post_checkin(api, athlete, capture, **values):
    with capture(execute=True):
        return api.post(
            reverse("api:athlete-checkins", args=[athlete.pk]),
            api_body(athlete.today(), **{**QUIET, **values}),
            format="json",
        )


def test_a_checkin_with_three_high_flags_sends_one_email_listing_them_all(
    athlete_api, athlete, coach, django_capture_on_commit_callbacks
):
    response = post_checkin(
        athlete_api, athlete, django_capture_on_commit_callbacks, **THREE_RED_FLAGS
    )

    assert response.status_code == 201
    flags = WarningFlag.objects.filter(athlete=athlete, severity="high")
    assert sorted(flags.values_list("rule", flat=True)) == ["bleeding", "pain", "pelvic_floor"]
    assert all(f.notified_at is not None for f in flags)
    (message,) = mail.outbox
    assert message.to == [coach.email]
    assert message.subject == "[Stridewise] Anna's check-in: 3 high-priority warning signs"
    assert_a_good_email(message)
    page = f"{SITE}/coach/athletes/{athlete.pk}/"
    assert f"Please review them on her page and contact her if needed:\n{page}\n" in message.body
    assert f'href="{page}"' in html_of(message)
    assert "Anna Lind's check-in for the week of" in message.body
    assert "raised 3 high-priority warning signs." in message.body
    for flag in flags:
        line = f"- {flag.get_rule_display()}: {flag.summary}"
        assert line in message.body
        assert flag.summary in html_of(message)


def test_a_retry_or_a_second_scan_never_sends_it_again(
    athlete_api, athlete, django_capture_on_commit_callbacks
):
    post_checkin(athlete_api, athlete, django_capture_on_commit_callbacks, **THREE_RED_FLAGS)
    ids = list(WarningFlag.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_high_flags(ids) == 0
        assert tasks.evaluate_checkin(athlete.pk, athlete.checkins.get().week.isoformat()) == 0
        assert services.warnings_scan()["notifications"] == 0
        assert services.warnings_scan()["notifications"] == 0

    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.count() == 1


def test_a_symptom_report_with_two_high_flags_sends_one_email_saying_what_she_reported(
    athlete, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.symptom_report_submit(
            athlete=athlete,
            data={"leakage": True, "heaviness": True, "pain": 6, "pain_location": "hip"},
            by=athlete.user,
        )

    (message,) = mail.outbox
    assert message.subject == "[Stridewise] Anna's symptom report: 2 high-priority warning signs"
    assert "Anna Lind's symptom report on " in message.body
    assert (
        "She reported: leaking, heaviness, dragging or a bulge and pain of 6/10 (hip)."
        in message.body
    )
    assert_a_good_email(message)


def test_two_athletes_flagged_in_one_scan_get_one_email_each(coach, other_coach):
    mine, theirs = AthleteFactory(coach=coach), AthleteFactory(coach=other_coach)
    for athlete in (mine, theirs):
        for rule in ("pain", "bleeding"):
            WarningFlag.objects.create(
                athlete=athlete,
                rule=rule,
                severity="high",
                week=athlete.today() - timedelta(days=athlete.today().weekday()),
                summary=f"{rule} summary.",
            )

    pending = WarningFlag.objects.filter(notified_at__isnull=True)
    assert tasks.notify_high_flags(list(pending.values_list("pk", flat=True))) == 2

    emails = OutgoingEmail.objects.order_by("to")
    assert sorted(emails.values_list("to", flat=True)) == sorted([coach.email, other_coach.email])
    assert all("2 high-priority warning signs" in e.subject for e in emails)


def test_a_coach_who_chose_the_digest_gets_no_email_at_once_and_the_digest_lists_them(
    athlete_api, athlete, coach, django_capture_on_commit_callbacks
):
    NotificationPreferences.objects.create(user=coach, high_flags="digest")

    response = post_checkin(
        athlete_api, athlete, django_capture_on_commit_callbacks, **THREE_RED_FLAGS
    )

    assert response.status_code == 201
    assert mail.outbox == []
    flags = WarningFlag.objects.filter(severity="high")
    assert flags.count() == 3
    assert not flags.filter(notified_at__isnull=True).exists()  # handled: the scan won't resend

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 1
    (digest,) = mail.outbox
    assert_a_good_email(digest)
    assert "High priority, by athlete:" in digest.body
    assert "Anna Lind (3 new since yesterday)" in digest.body
    for flag in flags:
        assert f"- {flag.get_rule_display()}: {flag.summary}" in digest.body
    assert f"Her page: {SITE}/coach/athletes/{athlete.pk}/" in digest.body


def test_the_digest_reads_with_a_fixed_number_of_queries_whatever_the_numbers(
    django_capture_on_commit_callbacks, monkeypatch
):
    def coaches_with_flags(n: int) -> None:
        for _ in range(n):
            athlete = AthleteFactory()
            for rule in ("pain", "bleeding"):
                WarningFlag.objects.create(
                    athlete=athlete, rule=rule, severity="high", week=athlete.today(), summary="P."
                )

    def selects_of_a_digest_run(expected: int) -> int:
        # Writes are one claim and one outbox row per coach; the reads must not grow.
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            assert tasks.send_daily_digests() == expected
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)

    coaches_with_flags(2)
    few = selects_of_a_digest_run(2)
    coaches_with_flags(8)
    later = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    many = selects_of_a_digest_run(10)

    # The coaches with their counts, their open high flags, and the expiry pass over their
    # athletes (the ones whose records could lapse soon enough to warn: none here; their
    # clearances and assessments would be two more).
    assert few == many == 3


def test_a_checkin_with_the_mail_server_down_is_saved_and_its_email_waits(
    athlete_api, athlete, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2

    response = post_checkin(
        athlete_api, athlete, django_capture_on_commit_callbacks, **THREE_RED_FLAGS
    )

    assert response.status_code == 201
    assert athlete.checkins.count() == 1
    assert WarningFlag.objects.filter(severity="high").count() == 3
    email = OutgoingEmail.objects.get()
    assert (email.sent_at, email.attempts) == (None, 1)


def test_notifying_asks_the_same_queries_for_two_or_six_flags(
    coach, django_capture_on_commit_callbacks
):
    rules = ["pelvic_floor", "bleeding", "pain", "fatigue_streak", "short_sleep", "low_mood"]

    def flags_of_one_checkin(n: int) -> list[int]:
        athlete = AthleteFactory(coach=coach)
        week = athlete.today() - timedelta(days=athlete.today().weekday())
        return [
            WarningFlag.objects.create(
                athlete=athlete, rule=rule, severity="high", week=week, summary=f"{rule}."
            ).pk
            for rule in rules[:n]
        ]

    def queries_to_notify(ids: list[int]) -> int:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            assert tasks.notify_high_flags(ids) == 1
        return len(queries)

    assert queries_to_notify(flags_of_one_checkin(2)) == queries_to_notify(flags_of_one_checkin(6))
    assert OutgoingEmail.objects.count() == 2


def test_a_report_late_on_sunday_in_utc_is_dated_monday_in_her_time_zone(
    coach, django_capture_on_commit_callbacks
):
    sydney = AthleteFactory(coach=coach, first_name="Sia", timezone="Australia/Sydney")
    # Sunday 23:30 in London (UTC in December) is Monday 10:30 in Sydney (UTC+11).
    with (
        time_machine.travel(datetime(2026, 12, 6, 23, 30, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.symptom_report_submit(athlete=sydney, data={"bleeding": True, "pain": 7}, by=coach)

    (message,) = mail.outbox
    assert "symptom report on Monday 7 December at 10:30 (her time) raised" in message.body
