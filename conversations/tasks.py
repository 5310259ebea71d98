"""E-mails about new messages (SPEC §12): at once after a message, and an hourly summary
that serves the "hourly" preference and whatever the one-an-hour limit held back.

Each task takes ids and calls ``services.thread_notify``, which claims the hour with a
conditional UPDATE before sending: running twice sends once. ``acks_late``: a worker that
dies mid-task leaves it for another."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.db import OperationalError

from web.retries import RetryOptions

from . import services
from .models import Message

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY: RetryOptions = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(acks_late=True, **RETRY)
def notify_message(message_id: int) -> bool:
    """Tell the other side of the thread about this message, if she wants to hear at once
    and was not told within the hour."""
    message = Message.objects.filter(pk=message_id).values("athlete_id", "from_coach").first()
    if message is None:
        return False
    return services.thread_notify(
        athlete_id=message["athlete_id"], to_coach=not message["from_coach"]
    )


@shared_task(acks_late=True, **RETRY)
def send_message_summaries() -> int:
    """Hourly: one e-mail to each side of each thread with unread messages nobody has been
    told of. Returns how many were sent."""
    sent = 0
    for athlete_id, to_coach in services.threads_to_summarise():
        if services.thread_notify(athlete_id=athlete_id, to_coach=to_coach, summary=True):
            sent += 1
    logger.info("message summaries sent=%s", sent)
    return sent
