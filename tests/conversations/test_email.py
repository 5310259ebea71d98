"""E-mails about new messages (SPEC §12): at most one an hour per thread and side, as each
recipient prefers, never quoting the messages, with absolute links."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail

from athletes.models import User
from conversations import services, tasks
from conversations.models import Message, Thread

NOON = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post as the service does in a request: the e-mail task runs once the post commits."""

    def send(**kwargs) -> Message:
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_post(**kwargs)

    return send


@pytest.fixture
def prefers(monkeypatch):
    """Everyone's ``notification_preferences.messages`` (the account's preferences model)."""

    def choose(value: str) -> None:
        monkeypatch.setattr(
            User,
            "notification_preferences",
            property(lambda user: SimpleNamespace(messages=value)),
            raising=False,
        )

    return choose


@pytest.mark.usefixtures("clock")
def test_a_message_is_queued_on_commit_and_mails_the_other_side(
    athlete, athlete_user, coach, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://stridewise.example"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.message_post(athlete=athlete, by=athlete_user, body="Heaviness after my run")
    assert mail.outbox == []  # nothing before the commit

    for callback in callbacks:
        callback()

    [sent] = mail.outbox
    assert sent.to == [coach.email]
    assert sent.subject == "[Stridewise] Anna sent you a message"
    link = f"https://stridewise.example/coach/athletes/{athlete.pk}/messages/"
    assert link in sent.body
    html, kind = sent.alternatives[0]
    assert kind == "text/html"
    assert f'href="{link}"' in html
    # Health data stays behind the sign-in.
    assert "Heaviness" not in sent.body
    assert "Heaviness" not in html


def test_two_messages_within_an_hour_send_one_email(athlete, athlete_user, coach, post, clock):
    post(athlete=athlete, by=coach, body="How was Tuesday?")
    clock.shift(timedelta(minutes=40))
    post(athlete=athlete, by=coach, body="And Thursday?")

    assert [m.to for m in mail.outbox] == [[athlete_user.email]]
    assert Message.objects.filter(mailed_at__isnull=True).count() == 1


def test_the_hourly_summary_tells_her_of_what_the_limit_held_back(
    athlete, athlete_user, coach, post, clock
):
    post(athlete=athlete, by=coach, body="How was Tuesday?")
    clock.shift(timedelta(minutes=40))
    post(athlete=athlete, by=coach, body="And Thursday?")

    clock.shift(timedelta(minutes=10))
    assert tasks.send_message_summaries() == 0  # still within the hour of the first
    clock.shift(timedelta(minutes=15))
    assert tasks.send_message_summaries() == 1
    assert tasks.send_message_summaries() == 0  # run twice: sent once

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "[Stridewise] Cora sent you a message"
    assert not Message.objects.filter(mailed_at__isnull=True).exists()


def test_nothing_is_sent_about_what_she_has_already_read(athlete, athlete_user, coach, post, clock):
    post(athlete=athlete, by=coach, body="One")
    clock.shift(timedelta(minutes=5))
    post(athlete=athlete, by=coach, body="Two")
    services.thread_mark_read(athlete=athlete, by=athlete_user)
    clock.shift(timedelta(hours=2))

    assert tasks.send_message_summaries() == 0
    assert len(mail.outbox) == 1


def test_each_side_has_its_own_hour(athlete, athlete_user, coach, post, clock):
    post(athlete=athlete, by=coach, body="Hello")
    clock.shift(timedelta(minutes=1))
    post(athlete=athlete, by=athlete_user, body="Hi!")

    assert [m.to for m in mail.outbox] == [[athlete_user.email], [coach.email]]


def test_running_the_task_twice_sends_once(athlete, coach, clock):
    message = services.message_post(athlete=athlete, by=coach, body="Hello")  # not committed

    assert tasks.notify_message(message.pk) is True
    assert tasks.notify_message(message.pk) is False
    assert len(mail.outbox) == 1


def test_never_means_never(athlete, coach, post, prefers, clock):
    prefers("never")
    post(athlete=athlete, by=coach, body="Hello")
    clock.shift(timedelta(hours=2))
    tasks.send_message_summaries()

    assert mail.outbox == []


def test_hourly_waits_for_the_summary(athlete, athlete_user, coach, post, prefers, clock):
    prefers("hourly")
    post(athlete=athlete, by=coach, body="One")
    post(athlete=athlete, by=coach, body="Two")
    assert mail.outbox == []

    clock.shift(timedelta(minutes=30))
    assert tasks.send_message_summaries() == 1

    [sent] = mail.outbox
    assert sent.subject == "[Stridewise] 2 new messages from Cora"


def test_an_unknown_preference_is_taken_as_at_once(athlete, coach, post, prefers, clock):
    prefers("sometimes")
    post(athlete=athlete, by=coach, body="Hello")

    assert len(mail.outbox) == 1


def test_without_the_preferences_model_it_mails_at_once(athlete, coach):
    assert services.message_preference(coach) == "immediately"


def test_an_athlete_without_a_login_is_not_mailed(coach, post, clock):
    from tests.factories import AthleteFactory

    athlete = AthleteFactory(coach=coach)
    post(athlete=athlete, by=coach, body="Welcome!")

    assert mail.outbox == []


def test_a_failing_mail_server_keeps_the_message_and_releases_the_hour(
    athlete, coach, monkeypatch, clock
):
    message = services.message_post(athlete=athlete, by=coach, body="Hello")

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services, "_send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.thread_notify(athlete_id=athlete.pk, to_coach=False)

    message.refresh_from_db()
    assert message.mailed_at is None
    assert Thread.objects.get(athlete=athlete).athlete_mailed_at is None
    monkeypatch.undo()
    assert services.thread_notify(athlete_id=athlete.pk, to_coach=False) is True
    assert len(mail.outbox) == 1


def test_a_decision_note_is_mailed_to_her_once_the_approval_commits(
    athlete_user, coach, decision, django_capture_on_commit_callbacks, clock
):
    from plans import services as plan_services

    with django_capture_on_commit_callbacks(execute=True):
        plan_services.decision_approve(decision=decision, by=coach, note="Well done!")

    [sent] = mail.outbox
    assert sent.to == [athlete_user.email]
    assert Message.objects.get().mailed_at is not None


def test_the_summary_lists_each_side_of_each_thread_once(
    athlete, athlete_user, coach, other_athlete
):
    for body in ("One", "Two", "Three"):
        Message.objects.create(athlete=athlete, from_coach=True, body=body)
    Message.objects.create(athlete=athlete, from_coach=False, body="Hers")
    Message.objects.create(athlete=other_athlete, from_coach=True, body="Other")
    Message.objects.create(athlete=other_athlete, from_coach=True, body="Read", read_at=NOON)

    assert services.threads_to_summarise() == sorted(
        [(athlete.pk, False), (athlete.pk, True), (other_athlete.pk, False)]
    )
