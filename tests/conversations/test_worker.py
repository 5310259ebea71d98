"""A message's e-mail goes through a real Celery worker on Redis, once the message commits.

Needs a broker (``CELERY_BROKER_URL`` or ``TEST_BROKER_URL``); skipped without one on a
developer's machine, a failure under ``CI=true``."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction

from conversations import services
from conversations.models import Message

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def ran():
    """(task name, args, return value) of each task the worker has finished."""
    from celery.signals import task_postrun

    finished: list[tuple[str, tuple, object]] = []

    def record(sender=None, args=(), retval=None, **kwargs) -> None:
        finished.append((sender.name, tuple(args), retval))

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


def test_a_committed_message_is_mailed_by_the_worker_once(real_worker, ran, athlete, coach):
    with transaction.atomic():  # one request: both tasks are queued when both have committed
        first = services.message_post(athlete=athlete, by=coach, body="Hello from the coach")
        second = services.message_post(athlete=athlete, by=coach, body="And again")

    task = "conversations.tasks.notify_message"
    assert wait_for(lambda: {(task, (first.pk,)), (task, (second.pk,))} <= {r[:2] for r in ran})
    # Queued on commit and run by the worker: one of the two sends, about both messages; the
    # other finds nothing left to tell within the hour.
    assert sorted(sent for name, _, sent in ran if name == task) == [False, True]
    [sent] = mail.outbox
    assert sent.to == [athlete.email]
    assert sent.subject == "[Stridewise] 2 new messages from Cora"
    assert not Message.objects.filter(mailed_at__isnull=True).exists()
