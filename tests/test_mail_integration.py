"""Sending e-mail against real brokers and a real worker: an invitation survives a broker that
is down (the sweep sends it later), and a real Celery worker sends what the outbox holds,
once, retrying while the mail server refuses.

The worker test needs Redis (``CELERY_BROKER_URL`` or ``TEST_BROKER_URL``); without one it is
skipped on a developer machine and fails under ``CI=true``.
"""

from __future__ import annotations

import logging
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from athletes import mail as outbox
from athletes.models import Invitation, OutgoingEmail
from athletes.tasks import send_pending_emails
from tests.factories import AthleteFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@pytest.fixture
def fresh_pools():
    """kombu's global pools emptied around the test (see tests/test_warnings_integration.py)."""
    from kombu import pools

    pools.reset()
    yield
    pools.reset()


@pytest.fixture
def real_worker(fresh_pools, real_worker):
    return real_worker


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_an_invitation_is_saved_while_the_broker_is_down_and_the_sweep_sends_it(
    fresh_pools, coach, use_broker, celery_conf, caplog
):
    mia = AthleteFactory(coach=coach, first_name="Mia", email="mia@ex.org")
    use_broker(NOWHERE)
    caplog.set_level(logging.INFO)
    client = Client()
    client.force_login(coach)

    response = client.post(reverse("athletes:invitation_send", args=[mia.pk]))

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    email = OutgoingEmail.objects.get()
    assert (email.key, email.sent_at, email.attempts) == (
        f"invitation:{invitation.pk}",
        None,
        0,
    )
    assert f"could not queue email={email.pk}: broker unreachable" in caplog.text
    assert "mia@ex.org" not in caplog.text
    assert mail.outbox == []

    # The broker is back (here: in-process), the sweep finds it.
    celery_conf.task_always_eager = True
    OutgoingEmail.objects.update(created_at=email.created_at.replace(year=2000))
    assert send_pending_emails() == 1
    (message,) = mail.outbox
    assert message.to == ["mia@ex.org"]


def test_a_real_worker_sends_a_queued_email_once(real_worker, settings):
    email = outbox.email_queue(
        key="integration:1",
        to="coach@example.org",
        subject="From the worker",
        rendered=outbox.RenderedEmail(text="Hello", html="<p>Hello</p>"),
    )
    assert email is not None
    # No test transaction: the on-commit dispatch ran, the task is on its way to the worker.

    assert wait_for(lambda: OutgoingEmail.objects.filter(sent_at__isnull=False).exists())
    assert [m.subject for m in mail.outbox] == ["[Stridewise] From the worker"]
    outbox.email_dispatch(email.pk)  # queued again: nothing more goes out
    time.sleep(1)
    assert len(mail.outbox) == 1


def test_a_real_worker_retries_while_the_mail_server_refuses(real_worker, settings, monkeypatch):
    import celery.app.autoretry

    # The backoff (30 s, then doubling) shortened to one second, so the retry comes now.
    monkeypatch.setattr(
        celery.app.autoretry, "get_exponential_backoff_interval", lambda **kwargs: 1
    )
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    email = outbox.email_queue(
        key="integration:2",
        to="coach@example.org",
        subject="Retried",
        rendered=outbox.RenderedEmail(text="Hello", html="<p>Hello</p>"),
    )
    assert email is not None

    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).attempts >= 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).sent_at is not None)
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert stored.attempts >= 2
    assert [m.subject for m in mail.outbox] == ["[Stridewise] Retried"]
