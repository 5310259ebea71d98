"""Housekeeping tasks of the accounts layer, and the sending of every e-mail."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import mail

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (the cached_db engine leaves them in the table).

    Safe to run twice: a second run finds nothing to delete.
    """
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("clear_expired_sessions deleted=%d", deleted)
    return deleted


@shared_task(
    acks_late=True,
    autoretry_for=mail.TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def deliver_email(email_id: int) -> bool:
    """Send one e-mail of the outbox. Safe to run twice: the claim lets one run send it.
    A mail server that fails is retried with exponential backoff (30 s, 1 min, 2 min, …,
    at most an hour apart); after the last retry the sweep below takes it up again."""
    return mail.email_deliver(email_id)


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    """Every few minutes: queue again the e-mails still waiting (their retries ran out, the
    broker refused them, or they failed while tasks ran eagerly)."""
    pending = mail.emails_pending(older_than=timedelta(minutes=5))
    for email_id in pending:
        mail.email_dispatch(email_id)
    logger.info("send_pending_emails queued=%d", len(pending))
    return len(pending)
